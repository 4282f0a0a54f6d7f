"""The low-resource subsets study: bootstrap CIs, paired gains, groups, and its CLI.

The statistics are checked on hand-made per-question scores against values computed
here by hand or with numpy directly; the CLI runs in-process on the bundled
xqg-demo/dev with runs written from its qrels (an "oracle" run ranks each question's
gold passage first, a "shifted" run only far passages), as tests/test_eval_report.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import error_lines
from xqg_pyserini.cli.study_subsets import main
from xqg_pyserini.studies.resource_sizes import (
    CC100_SIZES,
    SOURCE,
    UNKNOWN,
    GroupsError,
    default_groups,
    parse_groups,
    resource_group,
    thresholds_text,
)
from xqg_pyserini.studies.subsets import (
    SubsetsError,
    bootstrap_indices,
    percentile_interval,
    subset_statistics,
)

DATASET = "xqg-demo/dev"
XOR = ["ar", "bn", "fi", "ja", "ko", "ru", "te"]
PER_LANGUAGE = 10


# -- the resource table ------------------------------------------------------------------


def test_every_language_of_our_datasets_has_a_cited_size() -> None:
    xquad = ["ar", "de", "el", "en", "es", "hi", "ro", "ru", "th", "tr", "vi", "zh"]
    tydi = ["ar", "bn", "en", "fi", "id", "ja", "ko", "ru", "sw", "te"]
    assert set(XOR + xquad + tydi) <= set(CC100_SIZES)
    # Table 6 of Conneau et al. 2020, spot checks
    assert (CC100_SIZES["en"].tokens_m, CC100_SIZES["en"].size_gib) == (55608, 300.8)
    assert (CC100_SIZES["te"].tokens_m, CC100_SIZES["te"].size_gib) == (249, 4.7)
    assert "Table 6" in SOURCE["table"] and SOURCE["url"].startswith("https://")


def test_groups_by_stated_thresholds() -> None:
    assert thresholds_text() == "high >= 100 GiB, medium 10-100 GiB, low < 10 GiB"
    assert default_groups([*XOR, "en", "xx"]) == {
        "high": ("en", "ru"),
        "medium": ("ar", "fi", "ja", "ko"),
        "low": ("bn", "te"),
        UNKNOWN: ("xx",),
    }
    assert resource_group("sw") == "low" and resource_group("ko") == "medium"
    # by tokens Japanese (530 M) is low, Korean (5,644 M) medium, Russian (23,408 M) high
    assert [resource_group(x, "tokens") for x in ("ja", "ko", "ru")] == ["low", "medium", "high"]


def test_parse_groups_and_its_errors() -> None:
    assert parse_groups(["high=en,ru", "mid=ja", "low=bn, te"]) == {
        "high": ("en", "ru"),
        "mid": ("ja",),
        "low": ("bn", "te"),
    }
    for specs in (["high"], ["=en"], ["low="], ["a=en", "a=ru"], ["a=en", "b=en"]):
        with pytest.raises(GroupsError):
            parse_groups(specs)


# -- the statistics ----------------------------------------------------------------------

LANGS = {"a1": "x", "a2": "x", "a3": "x", "b1": "y", "b2": "y", "b3": "y", "b4": "y"}
BASE = {"a1": 1.0, "a2": 0.0, "a3": 1.0, "b1": 1.0, "b2": 1.0, "b3": 1.0, "b4": 1.0}
RUN = {"a1": 1.0, "a2": 1.0, "a3": 1.0, "b1": 0.0, "b2": 1.0, "b3": 1.0, "b4": 0.5}


def stats(**kwargs):  # type: ignore[no-untyped-def]
    settings = {"resamples": 200, "confidence": 0.9, "seed": 7, "permutations": 500} | kwargs
    runs = {"base": BASE, "run": RUN, "same": dict(BASE)}
    return subset_statistics(runs, LANGS, {"g": ["x", "y"]}, "base", **settings)


def test_bootstrap_matches_a_direct_numpy_computation() -> None:
    result = stats()
    rng = np.random.default_rng(7)
    ix = rng.integers(0, 3, size=(200, 3))  # x first: languages are drawn in sorted order
    iy = rng.integers(0, 4, size=(200, 4))
    x_run, y_run = np.array([1.0, 1.0, 1.0]), np.array([0.0, 1.0, 1.0, 0.5])
    x_base, y_base = np.array([1.0, 0.0, 1.0]), np.ones(4)
    y_boot = y_run[iy].mean(axis=1)
    low, high = np.quantile(y_boot, [0.05, 0.95])
    cell = result.scores["run"]["y"]
    assert cell.value == pytest.approx(0.625)
    assert (cell.low, cell.high) == pytest.approx((low, high))
    # the group: macro average, and its CI from the mean of the languages' resampled means
    group = (x_run[ix].mean(axis=1) + y_boot) / 2
    assert result.scores["run"]["g"].value == pytest.approx((1.0 + 0.625) / 2)
    assert (result.scores["run"]["g"].low, result.scores["run"]["g"].high) == pytest.approx(
        tuple(np.quantile(group, [0.05, 0.95]))
    )
    # the paired gain: both runs on the same resampled questions
    diff = (x_run[ix].mean(axis=1) - x_base[ix].mean(axis=1) + y_boot - 1.0) / 2
    gain = result.gains["run"]["g"]
    assert gain.value == pytest.approx(((1 - 2 / 3) + (0.625 - 1)) / 2)
    assert (gain.low, gain.high) == pytest.approx(tuple(np.quantile(diff, [0.05, 0.95])))
    assert gain.n == 7 and set(gain.p_values) == {"t-test", "fisher"}
    assert result.questions == {"x": 3, "y": 4}
    assert y_base.mean() == result.scores["base"]["y"].value


def test_constant_scores_give_a_zero_width_interval() -> None:
    result = stats()
    assert result.scores["run"]["x"] == type(result.scores["run"]["x"])(1.0, 1.0, 1.0)
    assert result.scores["base"]["y"].low == result.scores["base"]["y"].high == 1.0


def test_gain_of_a_run_against_itself_is_zero() -> None:
    result = stats()
    for column in ("x", "y", "g"):
        gain = result.gains["same"][column]
        assert (gain.value, gain.low, gain.high) == (0.0, 0.0, 0.0)
        assert gain.p_values == {"t-test": 1.0, "fisher": 1.0}


def test_group_gain_p_value_tests_the_macro_average() -> None:
    from xqg_pyserini.eval.significance import compare

    weights = {q: 1 / 3 if LANGS[q] == "x" else 1 / 4 for q in LANGS}
    expected = compare(RUN, BASE, metric="m", test="t-test", weights=weights)
    gain = stats().gains["run"]["g"]
    assert gain.p_values["t-test"] == pytest.approx(expected.p_value)
    assert expected.delta == pytest.approx(gain.value)


def test_same_seed_same_numbers_other_seed_other_numbers() -> None:
    assert stats() == stats()
    assert stats(seed=8).scores["run"]["y"] != stats().scores["run"]["y"]


def test_only_questions_every_run_scores_are_used() -> None:
    partial = {q: s for q, s in RUN.items() if q != "b4"}
    result = subset_statistics({"base": BASE, "run": partial}, LANGS, {}, "base", resamples=10)
    assert result.questions == {"x": 3, "y": 3}
    assert result.scores["base"]["y"].value == 1.0


def test_percentile_interval_and_indices() -> None:
    assert percentile_interval(np.arange(101.0), 0.9) == pytest.approx((5.0, 95.0))
    index = bootstrap_indices({"b": 4, "a": 2}, 5, seed=1)
    assert index["a"].shape == (5, 2) and index["b"].shape == (5, 4)
    assert index["a"].max() < 2 and index["b"].max() < 4


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"resamples": 0}, "bootstrap resamples must be an integer >= 1"),
        ({"confidence": 1.0}, "confidence must be in (0, 1)"),
    ],
)
def test_bad_settings(kwargs, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SubsetsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        stats(**kwargs)


def test_thousand_resamples_of_thousands_of_questions_are_fast() -> None:
    rng = np.random.default_rng(0)
    qids = [f"q{i}" for i in range(6000)]
    langs = {q: XOR[i % 7] for i, q in enumerate(qids)}
    runs = {name: dict(zip(qids, rng.random(6000), strict=True)) for name in ("a", "b")}
    start = time.perf_counter()
    subset_statistics(runs, langs, default_groups(XOR), "a", resamples=1000, tests=("t-test",))
    assert time.perf_counter() - start < 3.0  # about 0.3 s on one core


# -- the command line on xqg-demo/dev ----------------------------------------------------


def write_run(path: Path, ranking: dict[str, list[str]]) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for qid, docids in ranking.items():
            for rank, docid in enumerate(docids, start=1):
                out.write(f"{qid} Q0 {docid} {rank} {100 - rank:.6f} test\n")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from xqg_pyserini.irds.load import load_dataset

    dataset = load_dataset(DATASET)
    first = {}  # the first PER_LANGUAGE questions of each language keep the test fast
    for query in dataset.queries_iter():
        first.setdefault(query.language, []).append(query.query_id)
    chosen = {qid for qids in first.values() for qid in qids[:PER_LANGUAGE]}
    gold: dict[str, str] = {}
    for qrel in dataset.qrels_iter():
        if qrel.query_id in chosen:
            gold.setdefault(qrel.query_id, qrel.doc_id)
    far = {qid: str((int(doc) + 2700) % 5000 + 1) for qid, doc in gold.items()}
    directory = tmp_path_factory.mktemp("runs")
    return {
        "shifted": write_run(directory / "shifted.trec", {q: [d] for q, d in far.items()}),
        "oracle": write_run(directory / "oracle.trec", {q: [gold[q], far[q]] for q in gold}),
        "other": write_run(directory / "other.trec", {"56be4db0acb8001400a502ec": ["1"]}),
    }


def cli(runs: dict[str, Path], output: Path, *extra: str) -> list[str]:
    return [
        "--dataset", DATASET, "--run", f"shifted={runs['shifted']}", f"oracle={runs['oracle']}",
        "--output", str(output), "--bootstrap", "100", "--permutations", "100", "--no-progress",
        *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def written(runs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("out")
    config = directory / "options.json"
    config.write_text(json.dumps({"seed": 3, "tests": ["t-test", "fisher"]}), "utf-8")
    output = directory / "subsets"
    assert main(cli(runs, output, "--config", str(config))) == 0
    return output


def test_cli_writes_four_files_with_the_expected_numbers(written: Path) -> None:
    assert sorted(p.name for p in written.iterdir()) == [
        "report.json", "report.md", "report.tex", "subsets.png",
    ]  # fmt: skip
    report = json.loads((written / "report.json").read_text("utf-8"))
    assert report["settings"]["baseline"] == "shifted"
    assert report["settings"]["seed"] == 3  # from --config
    medium = ["ar", "fi", "ja", "ko"]
    assert report["groups"] == {"high": ["ru"], "medium": medium, "low": ["bn", "te"]}
    assert report["languages"]["te"]["size_gib"] == 4.7
    for metric in ("R@2kt", "R@5kt"):
        block = report["metrics"][metric]
        assert block["questions"] == dict.fromkeys(XOR, PER_LANGUAGE)
        for column in [*XOR, "high", "medium", "low"]:
            perfect = {"value": 100.0, "low": 100.0, "high": 100.0}
            assert block["scores"]["oracle"][column] == perfect
            assert block["scores"]["shifted"][column]["value"] == 0.0
            gain = block["gains"]["oracle"][column]
            assert (gain["value"], gain["low"], gain["high"]) == (100.0, 100.0, 100.0)
            assert gain["p_values"]["t-test"] == 0.0
    markdown = (written / "report.md").read_text("utf-8")
    assert "| medium (ar, fi, ja, ko) | macro avg | +100.00 [+100.00, +100.00]†‡ |" in markdown
    assert "Table 6" in markdown and r"\toprule" in (written / "report.tex").read_text("utf-8")


def test_cli_refuses_an_existing_output(runs, written, capsys) -> None:  # type: ignore[no-untyped-def]
    before = (written / "report.json").read_bytes()
    assert main(cli(runs, written)) == 2
    assert error_lines(capsys.readouterr().err) == [
        f"error: {written} exists; pass --overwrite to replace it or choose another --output"
    ]
    assert (written / "report.json").read_bytes() == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--baseline", "nope"], "error: baseline 'nope' is not one of the runs (shifted, oracle)"),
        (["--bootstrap", "0"], "error: bootstrap resamples must be an integer >= 1, got 0"),
        (["--confidence", "95"], "error: confidence must be in (0, 1), got 95.0"),
        (["--metrics", "R@2x"], "error: unknown metric 'R@2x'"),
        (
            ["--groups", "low=bn,xx"],
            "error: --groups low: language 'xx' is not a language of xqg-demo/dev (ar, bn,",
        ),
        (["--groups", "low"], "error: --groups 'low': write NAME=LANG[,LANG...]"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(runs, tmp_path, capsys, extra, message) -> None:  # type: ignore[no-untyped-def]
    output = tmp_path / "out"
    assert main(cli(runs, output, *extra)) == 2
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1 and lines[0].startswith(message), lines
    assert not output.exists()


def test_a_run_of_another_dataset_is_one_line(runs, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    argv = ["--dataset", DATASET, "--run", f"a={runs['oracle']}", f"b={runs['other']}",
            "--output", str(tmp_path / "out"), "--no-progress"]  # fmt: skip
    assert main(argv) == 2
    lines = error_lines(capsys.readouterr().err)
    assert lines == [
        "error: run 'b' ranks 1 question(s) that xqg-demo/dev does not have "
        "(e.g. '56be4db0acb8001400a502ec'); is it a run of another dataset?"
    ]


def test_cli_requires_run_and_output(capsys) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SystemExit) as exit_info:
        main(["--dataset", DATASET])
    assert exit_info.value.code == 2
    assert "the following arguments are required: --run, --output" in capsys.readouterr().err
