"""`python -m xqg_pyserini.show`: hits with titles; bad run files named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from xqg_pyserini.show import main


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        '{"docid": "d1", "title": "Mount Fuji", "text": "Mount Fuji is 3,776 metres tall."}\n'
        '{"docid": "d2", "title": "Kyoto", "text": "Kyoto was the capital."}\n',
        "utf-8",
    )
    topics = tmp_path / "t.tsv"
    topics.write_text("q1\t富士山の高さは？\n", "utf-8")
    run = tmp_path / "run.trec"
    run.write_text("q1 Q0 d1 1 0.9 x\nq1 Q0 d2 2 0.5 x\nq1 Q0 d9 3 0.1 x\n", "utf-8")
    return corpus, topics, run


def test_prints_questions_hits_and_titles(
    files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, topics, run = files
    args = ["--run", str(run), "--topics", str(topics), "--corpus", str(corpus), "--hits", "3"]
    assert main(args) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "q1: 富士山の高さは？"
    assert "d1  Mount Fuji" in out[1] and "3,776 metres" in out[2]
    assert "d2  Kyoto" in out[3]
    assert out[5].endswith("d9  (not in corpus)")


def test_hits_limit(files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    corpus, _, run = files
    assert main(["--run", str(run), "--corpus", str(corpus), "--hits", "1"]) == 0
    assert "Kyoto" not in capsys.readouterr().out


def test_malformed_run_line_is_named(
    files: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    corpus, _, run = files
    run.write_text("q1 Q0 d1 1 0.9 x\nq1 Q0 d2 two 0.5 x\n", "utf-8")
    assert main(["--run", str(run), "--corpus", str(corpus)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {run}:2: ") and err.count("\n") == 1
