"""The comparison report and ``python -m xqg_pyserini.eval`` on the bundled xqg-demo/dev.

Runs are written by hand from the demo's qrels: an "oracle" run ranks each
question's gold passage (which holds its answer) first, so its R@kt is 100 in
every language; a "shifted" run ranks other passages only.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from tests.helpers import error_lines
from xqg_pyserini.errors import OutputExistsError
from xqg_pyserini.eval import metrics
from xqg_pyserini.eval.__main__ import main, parse_run_specs
from xqg_pyserini.eval.metrics import (
    METRIC_FAMILIES,
    Evaluation,
    MetricError,
    MetricFamily,
    MetricScores,
    metric_family,
    register_metric,
)
from xqg_pyserini.eval.questions import EvalQuestions
from xqg_pyserini.eval.rankings import ranked_docids, ranked_run
from xqg_pyserini.eval.report import build_report, write_report
from xqg_pyserini.eval.report_render import render_markdown
from xqg_pyserini.eval.run_file import RunFormatError, read_run
from xqg_pyserini.eval.scoring import score_run

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
    assert report.languages == tuple(LANGUAGES)
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
    assert record["missing_questions"]["runs"]["partial"] == list(report.missing["partial"])
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
        ("q1 Q0 12 1 high Faiss", "expected a finite score"),
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


def test_report_is_built_once_and_frozen(report):
    # every cell is there when build_report returns, and nothing can change it after
    assert set(report.significance) == {"oracle", "partial", "same"}
    for cells in report.significance.values():
        assert list(cells) == list(report.metrics)
        assert all(set(by_column) == {*LANGUAGES, "avg"} for by_column in cells.values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.significance = {}  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.missing = {}  # type: ignore[misc]


def test_runs_may_be_ranx_runs(runs, report):
    mixed = build_report(
        DATASET,
        {"shifted": runs["shifted"], "oracle": read_run(runs["oracle"], name="oracle")},
        "shifted",
        metrics=["mrr@100"],
        qrels_metrics=["ndcg@10"],
        tests=["t-test"],
    )
    for metric in ("R@2kt", "R@5kt", "mrr@100", "qrels:ndcg@10"):
        assert mixed.scores["oracle"][metric] == report.scores["oracle"][metric], metric
    assert mixed.run_files == {"shifted": str(runs["shifted"]), "oracle": "<ranx.Run oracle>"}
    unknown = ranked_run({"ar-1": ["1", "no-such-passage"]})
    with pytest.raises(RunFormatError, match="run 'bad': docid 'no-such-passage' .*'ar-1'"):
        build_report(DATASET, {"bad": unknown}, "bad")


@pytest.fixture
def registry():
    """The metric registry, restored after the test."""
    saved = dict(METRIC_FAMILIES)
    yield METRIC_FAMILIES
    METRIC_FAMILIES.clear()
    METRIC_FAMILIES.update(saved)


def _gold_first(names, run, evaluation):
    """A study's metric: 1 when the top passage is one of the question's gold passages."""
    ranked = ranked_docids(run)
    gold = evaluation.questions.qrels
    per_question = {
        qid: float(next(iter(ranked.get(qid, ())), None) in gold.get(qid, {}))
        for qid in evaluation.scored_questions(ranked)
    }
    return {name: MetricScores(per_question) for name in names}


def test_a_registered_metric_shows_up_in_the_report(runs, registry):
    register_metric(MetricFamily("gold@1", _gold_first, "top passage is gold", decimals=3))
    report = build_report(
        DATASET,
        {"shifted": runs["shifted"], "oracle": runs["oracle"]},
        "shifted",
        metrics=["gold@1"],
        qrels_metrics=[],
        tests=["t-test"],
    )
    assert report.metrics == ("R@2kt", "R@5kt", "gold@1")
    # the oracle ranks each question's gold passage first, the shifted run never
    assert report.scores["oracle"]["gold@1"] == {**dict.fromkeys(LANGUAGES, 1.0), "avg": 1.0}
    assert report.scores["shifted"]["gold@1"] == {**dict.fromkeys(LANGUAGES, 0.0), "avg": 0.0}
    cell = report.significance["oracle"]["gold@1"]["avg"]
    assert cell.delta == pytest.approx(1.0)  # the weighted macro average, up to rounding
    assert (cell.n, cell.p_values) == (350, {"t-test": 0.0})
    markdown = render_markdown(report)
    assert "| gold@1 | shifted | 0.000 | 0.000 |" in markdown  # the family's 3 decimals
    assert "|  | oracle | 1.000† | 1.000† |" in markdown


def test_unknown_metric_is_one_clear_error(runs, capsys):
    valid = r"valid metrics: R@\{k\}kt \(.*\); \{ranx metric\} \(.*\); qrels:\{ranx metric\} \("
    # found before any run is read or scored (this run file does not exist)
    with pytest.raises(MetricError, match=rf"^unknown metric 'hit_rat@5'; {valid}"):
        build_report(DATASET, {"x": "/no/such/run.trec"}, "x", metrics=["hit_rat@5"])
    with pytest.raises(MetricError, match="unknown metric 'qrels:R@2kt'"):
        build_report(DATASET, {"x": "/no/such/run.trec"}, "x", qrels_metrics=["R@2kt"])
    assert main(["--runs", str(runs["oracle"]), "--metrics", "mrr@100", "nDCG@10"]) == 2
    [line] = error_lines(capsys.readouterr().err)
    assert line.startswith("error: unknown metric 'nDCG@10'; valid metrics: R@{k}kt (")


def test_metric_names_find_their_family(registry):
    assert metric_family("R@2kt") is metric_family("R@10kt")
    assert metric_family("R@10kt").pattern == "R@{k}kt"
    for name in ("hit_rate@1", "ndcg@10", "map", "rbp.95", "precision@5-l2"):
        assert metric_family(name).pattern == "{ranx metric}", name
    assert metric_family("qrels:map@100").pattern == "qrels:{ranx metric}"
    for name in ("R@0kt", "R@2k", "ndcg@", "ndcg@0", "qrels:", "qrels:R@2kt", "Hit_rate@1"):
        with pytest.raises(MetricError, match="unknown metric"):
            metric_family(name)
    family = register_metric(MetricFamily("gold@1", _gold_first))
    assert metric_family("gold@1") is family
    with pytest.raises(MetricError, match="'gold@1' is registered already"):
        register_metric(family)
    register_metric(dataclasses.replace(family, decimals=2), replace=True)
    assert metric_family("gold@1").decimals == 2
    register_metric(MetricFamily("mrr@{k} (mine)", _gold_first, regex=r"mrr@[0-9]+"))
    with pytest.raises(MetricError, match="'mrr@10' matches several .*: \\{ranx metric\\}, mrr@"):
        metric_family("mrr@10")


def test_ranx_metric_names_are_ranx_metrics():
    from ranx.metrics import metric_switch

    for name in metrics.RANX_METRICS:
        assert callable(metric_switch(name)), name


def test_score_run_asks_each_family_once_and_keeps_the_order_asked():
    # NLTK: p1 "Alpha beta ." (3 tokens), p2 "gamma zeta ." (3); every k reads all
    questions = EvalQuestions(
        "toy",
        {"q1": ["Alpha"], "q2": ["zeta"], "q3": ["no"]},
        {"q1": "ar", "q2": "bn", "q3": "bn"},
        None,
    )
    passages = {"p1": "Alpha beta.", "p2": "gamma zeta."}
    run = ranked_run({"q1": ["p2", "p1"], "q2": ["p1"], "q3": ["p2"]})
    asked = ["hit_rate@1", "R@1kt", "mrr@10", "R@3kt", "mrr@10"]
    scores = score_run(run, Evaluation(questions, passages), asked)
    assert list(scores.table) == ["hit_rate@1", "R@1kt", "mrr@10", "R@3kt"]
    # q1: Alpha in p1 at rank 2 -> R@kt hit, MRR 1/2; q2: zeta not in p1; q3: "no" is dropped
    assert scores.per_question["R@1kt"] == {"q1": 100.0, "q2": 0.0}
    assert scores.table["R@3kt"] == {"ar": 100.0, "bn": 0.0, "avg": 50.0}
    assert scores.per_question["hit_rate@1"] == {"q1": 0.0, "q2": 0.0}
    assert scores.table["mrr@10"] == {"ar": 0.5, "bn": 0.0, "avg": 0.25}
    assert (scores.scored, scores.missing) == (("q1", "q2"), ())
    without_q2 = ranked_run({"q1": ["p2", "p1"]})
    as_misses = score_run(without_q2, Evaluation(questions, passages, "miss"), ["R@1kt"])
    assert as_misses.per_question["R@1kt"] == {"q1": 100.0, "q2": 0.0}
    assert (as_misses.scored, as_misses.missing) == (("q1", "q2"), ("q2",))
    left_out = score_run(without_q2, Evaluation(questions, passages), ["R@1kt", "mrr@10"])
    assert left_out.table == {
        "R@1kt": {"ar": 100.0, "avg": 100.0},
        "mrr@10": {"ar": 0.5, "avg": 0.5},
    }
    assert (left_out.scored, left_out.missing) == (("q1",), ("q2",))
