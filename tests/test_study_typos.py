"""``python -m xqg_pyserini.study typos``: clean and misspelt questions over tiny indexes.

One module-wide private ``xqg-demo`` (12 passages, six dev questions) and two indexes of
a tiny random BERT, plain and xQG, built by ``python -m xqg_pyserini.index``; the study
runs in-process. What is checked does not depend on the random model's quality: the
questions it searched are the typo generator's, a setting that changes no question
changes no score, an index compared with itself differs by nothing, a rerun is
identical, and every bad input is one line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import (
    demo_generated,
    error_lines,
    write_generated,
    write_private_demo,
)
from xqg_pyserini import index as index_cli
from xqg_pyserini.cli.study_typos import main, parse_rates
from xqg_pyserini.studies.typos import TypoSettings, misspell

PASSAGES = 12
QUESTIONS = [  # answers are substrings of the first passages (Mount Fuji, ...)
    {"id": "ja-1", "question": "富士山の高さは？", "answers": ["3,776 metres"], "lang": "ja"},
    {"id": "fi-1", "question": "Kuinka korkea Fuji-vuori on?", "answers": ["3,776"], "lang": "fi"},
    {"id": "fi-2", "question": "Missä Fuji-vuori sijaitsee?", "answers": ["Honshu"], "lang": "fi"},
    {"id": "ko-1", "question": "후지산은 어디에 있나요?", "answers": ["Honshu"], "lang": "ko"},
    {"id": "ar-1", "question": "متى ثار جبل فوجي آخر مرة؟", "answers": ["1707"], "lang": "ar"},
    {"id": "ru-1", "question": "Когда извергалась гора Фудзи?", "answers": ["1707"], "lang": "ru"},
]
FLAGS = (
    "--query-prefix", "query:", "--passage-prefix", "passage:", "--query-max-length", "16",
    "--batch-size", "4", "--dtype", "float32", "--no-progress",
)  # fmt: skip


class Setup:
    def __init__(self, root: Path, plain: Path, xqg: Path) -> None:
        self.root, self.plain, self.xqg = root, plain, xqg

    def argv(self, output: Path, *extra: str) -> list[str]:
        return [
            "--index", f"plain={self.plain}", f"xqg={self.xqg}", "--output", str(output),
            "--operations", "swap", "delete", "--rates", "word", "0.5",
            "--permutations", "200", "--hits", "5", "--no-progress", *extra,
        ]  # fmt: skip


@pytest.fixture(scope="module")
def setup(tiny_bert: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    from xqg_pyserini.irds import xqg_demo

    root = tmp_path_factory.mktemp("typos")
    generated = write_generated(root / "gen.jsonl", demo_generated(PASSAGES))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IR_DATASETS_HOME", str(root / "irds"))
        previous = xqg_demo.set_directory(write_private_demo(root / "demo", PASSAGES, QUESTIONS))
        try:
            plain, xqg = root / "plain", root / "xqg"
            base = ["--corpus", "xqg-demo", "--encoder", str(tiny_bert), *FLAGS]
            assert index_cli.main([*base, "--output", str(plain)]) == 0
            assert index_cli.main([*base, "--output", str(xqg), "--alpha", "0.3",
                                   "--generated-queries", str(generated)]) == 0  # fmt: skip
            yield Setup(root, plain, xqg)
        finally:
            xqg_demo.set_directory(previous)


@pytest.fixture(scope="module")
def report(setup: Setup) -> dict:
    output = setup.root / "report"
    assert main(setup.argv(output)) == 0
    return json.loads((output / "report.json").read_text("utf-8"))


def test_the_report_files_are_written(setup: Setup, report: dict) -> None:
    output = setup.root / "report"
    names = sorted(p.name for p in output.iterdir())
    assert names == ["drop-vs-rate.png", "report.json", "report.md", "report.tex"]
    md = (output / "report.md").read_text("utf-8")
    assert "## R@2kt: change with typos (typo − clean)" in md
    assert "| xqg | delete@0.5 |" in md
    assert r"\begin{tabular}" in (output / "report.tex").read_text("utf-8")
    assert report["settings_searched"] == ["swap@word", "swap@0.5", "delete@word", "delete@0.5"]
    assert report["baseline"] == "plain"
    assert [i["augmented"] for i in report["indexes"]] == [False, True]
    assert report["questions"] == {"ar": 1, "fi": 2, "ja": 1, "ko": 1, "ru": 1}


def test_the_misspelt_questions_are_the_generators(report: dict) -> None:
    by_qid = {q["id"]: q["question"] for q in QUESTIONS}
    for setting, examples in report["examples"].items():
        operation, rate = setting.split("@")
        typo = TypoSettings(operation, None if rate == "word" else float(rate))
        assert examples, setting
        for example in examples:
            assert example["clean"] == by_qid[example["qid"]]
            assert example["misspelt"] == misspell(example["clean"], typo)
            assert example["misspelt"] != example["clean"]


def test_changes_are_typo_minus_clean_per_language_and_averaged(report: dict) -> None:
    for index, by_setting in report["change"].items():
        clean = report["scores"][index]["clean"]
        for setting, by_metric in by_setting.items():
            for metric, cells in by_metric.items():
                typo = report["scores"][index][setting][metric]
                for lang, cell in cells.items():
                    assert cell["delta"] == pytest.approx(typo[lang] - clean[metric][lang])
                    assert set(cell["p_values"]) == {"t-test", "fisher"}
                assert cells["avg"]["n"] == 6


def test_a_setting_that_changes_nothing_changes_no_score(setup: Setup) -> None:
    output = setup.root / "nothing"
    # no word has 100 characters: the misspelt questions are the clean ones
    assert main([*setup.argv(output), "--min-length", "100", "--rates", "word"]) == 0
    report = json.loads((output / "report.json").read_text("utf-8"))
    assert all(v == 0.0 for by_lang in report["questions_changed"].values()
               for v in by_lang.values())  # fmt: skip
    for by_setting in report["change"].values():
        for by_metric in by_setting.values():
            for cells in by_metric.values():
                assert all(c["delta"] == 0 and c["p_values"]["t-test"] == 1.0
                           for c in cells.values())  # fmt: skip
    assert "drop-vs-rate.png" not in {p.name for p in output.iterdir()}  # no numeric rate


def test_an_index_against_itself_differs_by_nothing_and_reruns_are_identical(
    setup: Setup,
) -> None:
    first, second = setup.root / "self-1", setup.root / "self-2"
    argv = ["--index", f"a={setup.xqg}", f"b={setup.xqg}", "--operations", "insert",
            "--rates", "0.5", "--permutations", "200", "--hits", "5", "--no-progress"]  # fmt: skip
    assert main([*argv, "--output", str(first)]) == 0
    assert main([*argv, "--output", str(second)]) == 0
    report = json.loads((first / "report.json").read_text("utf-8"))
    for by_metric in report["versus"]["b"].values():
        for cells in by_metric.values():
            assert all(c["delta"] == 0 for c in cells.values())
    assert (first / "report.json").read_bytes() == (second / "report.json").read_bytes()


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1
    return lines[0]


def test_an_index_of_another_corpus_is_one_line(
    setup: Setup, tiny_bert: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = setup.root / "other.jsonl"
    corpus.write_text("".join(
        json.dumps({"docid": f"other-{i}", "title": "T", "text": f"text {i}"}) + "\n"
        for i in range(3)
    ), "utf-8")  # fmt: skip
    other = setup.root / "other-index"
    assert index_cli.main(["--corpus", str(corpus), "--encoder", str(tiny_bert), *FLAGS,
                           "--output", str(other)]) == 0  # fmt: skip
    argv = ["--index", f"plain={setup.plain}", f"other={other}", "--output",
            str(setup.root / "never"), "--no-progress"]  # fmt: skip
    assert main(argv) == 2
    message = _error(capsys)
    assert "'other'" in message and "another corpus" in message and "other-0" in message
    assert not (setup.root / "never").exists()


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--rates", "1.5"], "must be in (0, 1]"),
        (["--rates", "often"], "neither 'word' nor a number"),
        (["--metrics", "nonsense@3"], "nonsense@3"),
        (["--dataset", "no-such/dataset"], "no-such/dataset"),
        (["--min-length", "0"], "min_length"),
    ],
)
def test_bad_input_is_one_line(
    setup: Setup, extra: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*setup.argv(setup.root / "never"), *extra]) == 2
    assert expected in _error(capsys)


def test_a_missing_index_and_an_existing_output_are_one_line(
    setup: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--index", f"gone={setup.root / 'gone'}", "--output", str(setup.root / "n")]
    assert main(argv) == 2
    assert "gone" in _error(capsys)
    assert main(setup.argv(setup.root / "report")) == 2  # written by the report fixture
    assert "--overwrite" in _error(capsys)


def test_rates_parse() -> None:
    assert parse_rates(["word", "0.25", "1", "0.25"]) == (None, 0.25, 1.0)
