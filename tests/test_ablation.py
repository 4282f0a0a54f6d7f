"""``python -m xqg_pyserini.ablation``: one-pass xQG indexes for n = 1..N, runs, the curve.

The ablation runs once per module over a private 12-passage ``xqg-demo`` (its
directory pointed elsewhere) with a tiny random BERT; its indexes are checked
against ordinary builds of ``python -m xqg_pyserini.index --queries-per-language n``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import (
    ROOT,
    demo_generated,
    error_lines,
    read_index,
    write_generated,
    write_private_demo,
)
from xqg_pyserini import index as index_cli
from xqg_pyserini.ablation.__main__ import build_parser, main
from xqg_pyserini.eval import read_trec_run
from xqg_pyserini.indexes import read_metadata

N = 3
PASSAGES = 12
ENCODER_FLAGS = (
    "--query-prefix", "query:", "--passage-prefix", "passage:", "--query-max-length", "12",
    "--dtype", "float32",  # the runs are checked against float32 searches made here
)  # fmt: skip
QUESTIONS = [  # answers are substrings of the first passages (Mount Fuji, ...)
    {"id": "ja-1", "question": "富士山の高さは？", "answers": ["3,776 metres"], "lang": "ja"},
    {"id": "fi-1", "question": "Kuinka korkea Fuji on?", "answers": ["3,776"], "lang": "fi"},
    {"id": "ko-1", "question": "후지산은 어디에 있나요?", "answers": ["Honshu"], "lang": "ko"},
    {"id": "ar-1", "question": "متى ثار جبل فوجي آخر مرة؟", "answers": ["1707"], "lang": "ar"},
    {"id": "te-1", "question": "no answer here", "answers": ["no"], "lang": "te"},  # skipped
]


def _generated(path: Path) -> Path:
    """Questions for 11 of the 12 passages, 3 per language, fewer for some; 10 has none."""
    generated = {
        docid: {lang: qs[:N] for lang, qs in by_lang.items()}
        for docid, by_lang in demo_generated(PASSAGES).items()
        if docid != "10"
    }
    generated["2"]["ja"] = generated["2"]["ja"][:1]
    generated["3"] = {"fi": generated["3"]["fi"][:2], "en": ["What is it?"]}
    return write_generated(path, generated)


class Ablation:
    """The module's one ablation run: its inputs, argv and output."""

    def __init__(self, root: Path, model: Path) -> None:
        self.root = root
        self.model = model
        self.generated = _generated(root / "gen.jsonl")
        self.output = root / "ablation"

    def argv(self, *extra: str) -> list[str]:
        return [
            "--encoder", str(self.model), *ENCODER_FLAGS,
            "--generated-queries", str(self.generated), "--max-queries-per-language", str(N),
            "--alpha", "0.2", "--batch-size", "4",
            "--hits", "5", "--output", str(self.output), *extra,
        ]  # fmt: skip

    def index_argv(self, out: Path, n: int) -> list[str]:
        return [
            "--corpus", "xqg-demo", "--encoder", str(self.model), *ENCODER_FLAGS,
            "--batch-size", "4", "--generated-queries", str(self.generated), "--alpha", "0.2",
            "--queries-per-language", str(n), "--output", str(out),
        ]  # fmt: skip


@pytest.fixture(scope="module")
def run(tiny_bert: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ablation]:
    from xqg_pyserini.irds import xqg_demo

    root = tmp_path_factory.mktemp("ablation")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("IR_DATASETS_HOME", str(root / "irds"))
        done = Ablation(root, tiny_bert)  # reads the bundled questions: before the override
        previous = xqg_demo.set_directory(write_private_demo(root / "demo", PASSAGES, QUESTIONS))
        try:
            assert main(done.argv()) == 0
            yield done
        finally:
            xqg_demo.set_directory(previous)


def _index(run: Ablation, name: str) -> Path:
    return run.output / "indexes" / name


@pytest.mark.slow
@pytest.mark.parametrize("n", range(1, N + 1))
def test_each_index_equals_the_index_cli_build(run: Ablation, n: int, capsys) -> None:
    reference = run.root / f"reference-{n}"
    assert index_cli.main(run.index_argv(reference, n)) == 0
    ours = _index(run, f"xqg-qpl{n}")
    (expected, expected_ids), (got, got_ids) = read_index(reference), read_index(ours)
    assert got_ids == expected_ids and len(got_ids) == PASSAGES
    np.testing.assert_allclose(got, expected, atol=1e-6)
    mine, theirs = read_metadata(ours), read_metadata(reference)
    assert mine.build_key == theirs.build_key
    assert mine.augmentation["summary"] == theirs.augmentation["summary"]
    assert mine.augmentation["queries_per_language"] == n
    # the index CLI sees the ablation's index as up to date
    capsys.readouterr()
    assert index_cli.main(run.index_argv(ours, n)) == 0
    assert "up to date" in capsys.readouterr().out


@pytest.mark.slow
def test_the_plain_index_is_the_index_cli_build(run: Ablation, capsys) -> None:
    argv = run.index_argv(_index(run, "plain"), 1)
    plain_argv = argv[: argv.index("--generated-queries")] + argv[argv.index("--output") :]
    capsys.readouterr()
    assert index_cli.main(plain_argv) == 0
    assert "up to date" in capsys.readouterr().out


@pytest.mark.slow
def test_runs_parse_and_hold_the_hits(run: Ablation) -> None:
    names = ["plain", *(f"xqg-qpl{n}" for n in range(1, N + 1))]
    for name in names:
        path = run.output / "runs" / f"{name}.trec"
        parsed = read_trec_run(path)
        assert list(parsed) == [q["id"] for q in QUESTIONS]
        for hits in parsed.values():
            assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
            assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert all(line.endswith(" Faiss") for line in path.read_text("utf-8").splitlines())
    # the plain run is the plain index searched with the questions, exactly
    import faiss

    from xqg_pyserini.encoders.transformer import TransformerEncoder

    meta = read_metadata(_index(run, "plain"))
    queries = TransformerEncoder(meta.encoder_settings()).encode_queries(
        [q["question"] for q in QUESTIONS]
    )
    plain = faiss.read_index(str(_index(run, "plain") / "index"))
    _, rows = plain.search(queries, 5)
    docids = read_index(_index(run, "plain"))[1]
    parsed = read_trec_run(run.output / "runs" / "plain.trec")
    assert [[h.doc_id for h in parsed[q["id"]]] for q in QUESTIONS] == [
        [docids[r] for r in row] for row in rows
    ]


@pytest.mark.slow
def test_the_curve_is_written(run: Ablation) -> None:
    table = json.loads((run.output / "ablation.json").read_text("utf-8"))
    assert table["n"] == list(range(N + 1))
    assert table["runs"] == ["plain", *(f"xqg-qpl{n}" for n in range(1, N + 1))]
    for metric in ("R@2kt", "R@5kt"):
        assert set(table[metric]) == {"ar", "fi", "ja", "ko", "avg"}  # te has no answer left
        assert all(len(values) == N + 1 for values in table[metric].values())
        scores = json.loads((run.output / "report" / "report.json").read_text("utf-8"))["runs"]
        for column, values in table[metric].items():
            assert values == [scores[name][metric][column] for name in table["runs"]]
        assert all(0 <= v <= 100 for v in table[metric]["avg"])
    assert (run.output / "ablation.png").stat().st_size > 0
    assert "| N | R@2kt" in (run.output / "ablation.md").read_text("utf-8")
    assert (run.output / "report" / "report.json").is_file()


@pytest.mark.slow
def test_a_rerun_reuses_everything(run: Ablation, capsys) -> None:
    watched = [
        *(_index(run, name) / "index" for name in ("plain", "xqg-qpl1", "xqg-qpl3")),
        *(run.output / "runs").glob("*.trec"),
        run.output / "report" / "report.json",
    ]
    before = {path: path.stat().st_mtime_ns for path in watched}
    capsys.readouterr()
    assert main(run.argv()) == 0  # the fixture's private xqg-demo is still in place
    assert {path: path.stat().st_mtime_ns for path in watched} == before
    out = capsys.readouterr()
    assert "| N | R@2kt" in out.out and "encoding" not in out.err


def test_another_corpus_needs_generated_queries(tmp_path: Path, capsys) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"docid": "1", "title": "t", "text": "x"}\n', "utf-8")
    assert main(["--corpus", str(corpus), "--output", str(tmp_path / "o")]) == 2
    lines = error_lines(capsys.readouterr().err)
    assert lines == [f"error: --generated-queries is required with --corpus {corpus}"]


def test_every_flag_is_in_help_and_in_the_readme() -> None:
    parser = build_parser()
    flags = [o for a in parser._actions for o in a.option_strings if o.startswith("--")]
    help_text = parser.format_help()
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("### Ablation") :]
    section = section[: section.index("\n### ", 1)] if "\n### " in section[1:] else section
    for flag in (f for f in flags if f != "--help"):
        assert flag in help_text
        assert re.search(re.escape(flag) + r"\b", section), f"{flag} missing from README"
