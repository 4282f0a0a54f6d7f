"""`python -m xqg_pyserini.search`: Pyserini's search with `--encoder IDX --encoder-class xqg`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from xqg_pyserini.index import main as index_main
from xqg_pyserini.search import pyserini_search_argv

LONG_QUERY = "Mount Fuji is the highest mountain in Japan how tall is it in metres"


def test_missing_encoder_flags_become_the_index_with_our_class() -> None:
    argv = pyserini_search_argv(["--index", "i", "--topics", "t"], "i")
    assert argv == ["--index", "i", "--topics", "t", "--encoder", "i", "--encoder-class", "xqg"]


def test_flags_the_user_gave_are_kept() -> None:
    argv = ["--index", "i", "--encoder", "/other", "--encoder-class", "auto", "--max-length=16"]
    assert pyserini_search_argv(argv, "i") == argv
    assert pyserini_search_argv(["--index", "i", "--encoder=/m"], "i") == [
        "--index", "i", "--encoder=/m", "--encoder-class", "xqg"
    ]  # fmt: skip
    encoded = ["--index", "i", "--encoded-queries", "q"]
    assert pyserini_search_argv(encoded, "i") == encoded


def run_search(module: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=600
    )


def read_run(path: Path) -> list[tuple[str, float]]:
    return [(line.split()[2], float(line.split()[4])) for line in path.read_text().splitlines()]


@pytest.mark.slow
def test_queries_are_truncated_like_the_index_says(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path
) -> None:
    import faiss

    from xqg_pyserini.encoders.transformer import TransformerEncoder
    from xqg_pyserini.indexes import read_metadata

    index = tmp_path / "idx"
    assert index_main(["--corpus", str(demo_corpus_head), "--encoder", str(tiny_bert),
                       "--query-max-length", "4", "--dtype", "float32",
                       "--output", str(index)]) == 0  # fmt: skip
    topics = tmp_path / "t.tsv"
    topics.write_text(f"q1\t{LONG_QUERY}\n", "utf-8")
    common = ["--index", str(index), "--topics", str(topics), "--topics-format", "default",
              "--device", "cpu", "--hits", "3"]  # fmt: skip
    ours = tmp_path / "ours.trec"
    result = run_search("xqg_pyserini.search", [*common, "--output", str(ours)])
    assert result.returncode == 0, result.stderr[-2000:]

    encoder = TransformerEncoder(read_metadata(index).encoder_settings())
    query = encoder.encode_queries([LONG_QUERY])  # cut at 4 tokens, as the index says
    scores, rows = faiss.read_index(str(index / "index")).search(query, 3)
    docids = (index / "docid").read_text().splitlines()
    expected = [(docids[r], float(s)) for r, s in zip(rows[0], scores[0], strict=True)]
    got = read_run(ours)
    assert [d for d, _ in got] == [d for d, _ in expected]
    # Pyserini prints 5 decimals; a tiny random model scores every passage near 32.
    np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], atol=2e-5)

    plain = tmp_path / "plain.trec"
    args = [*common, "--encoder", str(tiny_bert), "--encoder-class", "auto", "--pooling", "cls"]
    result = run_search("pyserini.search.faiss", [*args, "--output", str(plain)])
    assert result.returncode == 0, result.stderr[-2000:]
    # Pyserini's own auto encoder ignores the length: the long query scores differently.
    assert abs(read_run(plain)[0][1] - got[0][1]) > 1e-4


def test_missing_metadata_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from xqg_pyserini.search import main

    assert main(["--index", str(tmp_path), "--topics", "t.tsv"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "metadata.json" in err and err.count("\n") == 1
