"""The comparison report and ``python -m xqg_pyserini.eval`` on the bundled xqg-demo/dev.

Runs are written by hand from the demo's qrels: an "oracle" run ranks each
question's gold passage (which holds its answer) first, so its R@kt is 100 in
every language; a "shifted" run ranks other passages only.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xqg_pyserini.errors import OutputExistsError
from xqg_pyserini.eval.__main__ import main, parse_run_specs
from xqg_pyserini.eval.report import build_report, write_report
from xqg_pyserini.eval.run_file import RunFormatError

DATASET = "xqg-demo/dev"
LANGUAGES = ["ar", "bn", "fi", "ja", "ko", "ru", "te"]


@pytest.fixture(scope="module")
def demo_questions() -> tuple[dict[str, str], dict[str, list[str]]]:
    """``({qid: lang}, {qid: [gold docid, ...]})`` of xqg-demo/dev."""
    from xqg_pyserini.irds.load import load_dataset

    dataset = load_dataset(DATASET)
    languages = {q.query_id: q.language for q in dataset.queries_iter()}
    gold: dict[str, list[str]] = {}
    for qrel in dataset.qrels_iter():
        gold.setdefault(qrel.query_id, []).append(qrel.doc_id)
    return languages, gold


def write_run(path: Path, ranking: dict[str, list[str]], tag: str = "test") -> Path:
    with path.open("w", encoding="utf-8") as out:
        for qid, docids in ranking.items():
            for rank, docid in enumerate(docids, start=1):
                out.write(f"{qid} Q0 {docid} {rank} {100 - rank:.6f} {tag}\n")
    return path


def far_passages(gold: list[str]) -> list[str]:
    """Three passages far from the gold ones (docids are "1".."5500")."""
    start = (int(gold[0]) + 2700) % 5000 + 1
    return [str(start + i) for i in range(3)]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, demo_questions) -> dict[str, Path]:
    languages, gold = demo_questions
    directory = tmp_path_factory.mktemp("runs")
    oracle = {qid: [gold[qid][0], *far_passages(gold[qid])[:2]] for qid in languages}
    shifted = {qid: far_passages(gold[qid]) for qid in languages}
    # ten Arabic questions missing
    dropped = [qid for qid in languages if languages[qid] == "ar"][:10]
    partial = {qid: docids for qid, docids in oracle.items() if qid not in dropped}
    return {
        "shifted": write_run(directory / "shifted.trec", shifted),
        "oracle": write_run(directory / "oracle.trec", oracle),
        "partial": write_run(directory / "partial.trec", partial),
        "same": write_run(directory / "same.trec", shifted, tag="copy"),
    }


@pytest.fixture(scope="module")
def report(runs):
    return build_report(DATASET, runs, "shifted", permutations=2000)


def test_scores_per_language_and_macro_average(report):
    assert report.languages == LANGUAGES
    assert report.questions == dict.fromkeys(LANGUAGES, 50)
    oracle = report.scores["oracle"]
    assert oracle["R@2kt"] == {**dict.fromkeys(LANGUAGES, 100.0), "avg": 100.0}
    assert oracle["hit_rate@1"]["avg"] == 1.0
    assert oracle["qrels:recall@5"]["avg"] == pytest.approx(1.0)
    shifted = report.scores["shifted"]
    for metric in report.metrics:
        values = [shifted[metric][lang] for lang in LANGUAGES]
        assert shifted[metric]["avg"] == pytest.approx(sum(values) / 7)
    assert shifted["R@2kt"]["avg"] < 50
    assert shifted["qrels:mrr@100"]["avg"] == 0.0  # never the gold passage


def test_missing_questions_are_reported_not_counted(report, runs):
    partial = report.scores["partial"]
    assert partial["R@2kt"]["ar"] == 100.0  # 40 of 40 present
    assert len(report.missing["partial"]) == 10
    assert "oracle" not in report.missing
    as_misses = build_report(DATASET, runs, "shifted", missing="miss", tests=["t-test"])
    assert as_misses.scores["partial"]["R@2kt"]["ar"] == 80.0  # 40 of 50
    assert as_misses.scores["partial"]["hit_rate@5"]["ar"] == pytest.approx(0.8)
    assert as_misses.scores["partial"]["R@2kt"]["avg"] == pytest.approx((80 + 600) / 7)


def test_significance_marks_and_identical_runs(report):
    oracle = report.significance["oracle"]["R@2kt"]
    assert set(oracle) == {*LANGUAGES, "avg"}
    assert oracle["avg"].n == 350
    assert oracle["avg"].delta == pytest.approx(
        report.scores["oracle"]["R@2kt"]["avg"] - report.scores["shifted"]["R@2kt"]["avg"]
    )
    assert report.marks("oracle", "R@2kt", "avg") == "†‡"
    same = report.significance["same"]["mrr@100"]["avg"]
    assert same.delta == 0.0 and same.p_values == {"t-test": 1.0, "fisher": 1.0}
    assert report.marks("same", "mrr@100", "avg") == ""
    assert report.marks("shifted", "R@2kt", "avg") == ""  # the baseline has none


def test_written_report_files(report, tmp_path):
    files = write_report(report, tmp_path / "report")
    assert sorted(f.name for f in files) == [
        "delta_R2kt.png",
        "delta_R5kt.png",
        "report.json",
        "report.md",
        "report.tex",
    ]
    for path in files:
        assert path.stat().st_size > 0
    assert (tmp_path / "report" / "delta_R2kt.png").read_bytes()[:4] == b"\x89PNG"
    record = json.loads((tmp_path / "report" / "report.json").read_text("utf-8"))
    assert set(record["runs"]) == {"shifted", "oracle", "partial", "same"}
    assert record["runs"]["oracle"]["R@5kt"]["avg"] == 100.0
    cell = record["significance"]["results"]["oracle"]["R@2kt"]["avg"]
    assert cell["significant"] == {"t-test": True, "fisher": True}
    assert record["missing_questions"]["runs"]["partial"][:1] == report.missing["partial"][:1]
    markdown = (tmp_path / "report" / "report.md").read_text("utf-8")
    assert "| R@2kt | shifted |" in markdown and "100.00†‡" in markdown
    latex = (tmp_path / "report" / "report.tex").read_text("utf-8")
    assert r"100.00$^\dagger$$^\ddagger$" in latex and r"hit\_rate@1" in latex
    with pytest.raises(OutputExistsError, match="exists"):
        write_report(report, tmp_path / "report")
    write_report(report, tmp_path / "report", overwrite=True, plot_metrics=[])
    assert not (tmp_path / "report" / "delta_R2kt.png").exists()


def test_cli_prints_table_and_writes(runs, tmp_path, capsys):
    argv = ["--dataset", DATASET, "--runs", f"base={runs['shifted']}", f"best={runs['oracle']}"]
    argv += ["--metrics", "mrr@100", "--qrels-metrics", "ndcg@10", "--permutations", "500"]
    assert main([*argv, "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0].split()
    assert header == ["metric", "run", *LANGUAGES, "avg"]
    assert "R@2kt" in out and "qrels:ndcg@10" in out and "best" in out
    assert "against 'base'" in out  # the first run is the baseline
    assert (tmp_path / "out" / "report.json").is_file()
    assert main([*argv, "--output", str(tmp_path / "out")]) == 2
    assert "--overwrite" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("q1 Q0 12 1 3.5", "expected 6 columns"),
        ("q1 Q0 12 1 high Faiss", "score a number"),
        ("q1 Q0 no-such-passage 1 3.5 Faiss", "'no-such-passage' .* not in the corpus"),
        ("q1 Q0 1 2 3.0 Faiss", "docid '1' appears twice"),
    ],
)
def test_malformed_run_names_file_and_line(tmp_path, capsys, line, message):
    run = tmp_path / "bad.trec"
    run.write_text("q1 Q0 1 1 4.0 Faiss\n" + line + "\n", "utf-8")
    with pytest.raises(RunFormatError, match=rf"bad.trec:2: .*{message}"):
        build_report(DATASET, {"bad": run}, "bad")
    assert main(["--dataset", DATASET, "--runs", str(run)]) == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith(f"error: {run}:2: ")


def test_bad_arguments(runs, tmp_path, capsys):
    with pytest.raises(ValueError, match="given twice"):
        parse_run_specs([f"a={runs['oracle']}", f"a={runs['shifted']}"])
    with pytest.raises(ValueError, match="run file not found"):
        parse_run_specs(["a=/no/such/run.trec"])
    assert parse_run_specs([str(runs["oracle"])]) == {"oracle": runs["oracle"]}
    assert main(["--runs", str(runs["oracle"]), "--baseline", "nope"]) == 2
    assert "baseline 'nope' is not one of the runs" in capsys.readouterr().err
    assert main(["--dataset", "xqg-demo/nope", "--runs", str(runs["oracle"])]) == 2
    assert "unknown ir_datasets id" in capsys.readouterr().err
    foreign = write_run(tmp_path / "foreign.trec", {"zz-1": ["1"]})
    assert main(["--runs", str(foreign)]) == 2
    assert "no question could be scored" in capsys.readouterr().err


def test_help_documents_every_flag_in_readme(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    help_text = capsys.readouterr().out
    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    usage = readme[readme.index("## Usage") :]
    from xqg_pyserini.eval.__main__ import build_parser

    for action in build_parser()._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert flag in help_text
                assert f"`{flag}" in usage, f"{flag} is not in README's usage section"
