"""``--passage-vectors-from``: e(p) read from a plain index instead of encoded again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.helpers import (
    build_argv,
    demo_generated,
    error_lines,
    read_index,
    write_demo_head,
    write_generated,
)
from xqg_pyserini.index import main
from xqg_pyserini.indexes import read_metadata


@pytest.fixture()
def built(tiny_bert: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """(corpus, generated questions, plain index) for six demo passages."""
    corpus = write_demo_head(tmp_path / "corpus.jsonl", 6)
    gen = write_generated(tmp_path / "gen.jsonl", demo_generated(5))
    plain = tmp_path / "plain"
    assert main(build_argv(tiny_bert, corpus, plain)) == 0
    return corpus, gen, plain


def one_error(capsys: pytest.CaptureFixture[str]) -> str:
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1, lines
    return lines[0]


def test_vectors_equal_an_encoded_build_and_key_is_unchanged(
    tiny_bert: Path, built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    corpus, gen, plain = built
    extra = ("--generated-queries", str(gen), "--queries-per-language", "2", "--alpha", "0.2")
    encoded, reused = tmp_path / "encoded", tmp_path / "reused"
    assert main(build_argv(tiny_bert, corpus, encoded, *extra)) == 0
    argv = build_argv(tiny_bert, corpus, reused, *extra, "--passage-vectors-from", str(plain))
    assert main(argv) == 0
    (a, docids_a), (b, docids_b) = read_index(encoded), read_index(reused)
    assert docids_a == docids_b
    np.testing.assert_allclose(a, b, atol=1e-6)
    meta_a, meta_b = read_metadata(encoded), read_metadata(reused)
    assert meta_a.build_key == meta_b.build_key
    assert meta_a.augmentation["summary"] == meta_b.augmentation["summary"]
    assert meta_a.augmentation["passage_vectors"] == {"source": "encoded"}
    assert meta_b.augmentation["passage_vectors"] == {"source": "index", "index": str(plain)}


def test_an_encoded_build_is_up_to_date_for_the_flag(
    tiny_bert: Path, built: tuple[Path, Path, Path], tmp_path: Path, capsys
) -> None:
    corpus, gen, plain = built
    out = tmp_path / "xqg"
    assert main(build_argv(tiny_bert, corpus, out, "--generated-queries", str(gen))) == 0
    capsys.readouterr()
    argv = build_argv(tiny_bert, corpus, out, "--generated-queries", str(gen))
    assert main([*argv, "--passage-vectors-from", str(plain)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_a_shard_takes_vectors_from_the_whole_index(
    tiny_bert: Path, built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    corpus, gen, plain = built
    extra = ("--generated-queries", str(gen), "--shard-id", "1", "--shard-num", "2")
    encoded, reused = tmp_path / "encoded", tmp_path / "reused"
    assert main(build_argv(tiny_bert, corpus, encoded, *extra)) == 0
    argv = build_argv(tiny_bert, corpus, reused, *extra, "--passage-vectors-from", str(plain))
    assert main(argv) == 0
    (a, docids_a), (b, docids_b) = read_index(encoded), read_index(reused)
    assert docids_a == docids_b == ["2", "4", "6"]
    np.testing.assert_allclose(a, b, atol=1e-6)


def test_different_encoder_settings_are_one_line(
    tiny_bert: Path, built: tuple[Path, Path, Path], tmp_path: Path, capsys
) -> None:
    corpus, gen, plain = built
    argv = build_argv(tiny_bert, corpus, tmp_path / "x", "--generated-queries", str(gen))
    capsys.readouterr()
    assert main([*argv, "--pooling", "mean", "--passage-vectors-from", str(plain)]) == 2
    line = one_error(capsys)
    assert f"--passage-vectors-from {plain}: built with encoder pooling='cls'" in line
    assert "but this build uses pooling='mean'" in line
    assert not (tmp_path / "x").exists()


def test_another_corpus_is_one_line(
    tiny_bert: Path, built: tuple[Path, Path, Path], tmp_path: Path, capsys
) -> None:
    _, gen, plain = built
    other = write_demo_head(tmp_path / "other.jsonl", 7)
    argv = build_argv(tiny_bert, other, tmp_path / "x", "--generated-queries", str(gen))
    capsys.readouterr()
    assert main([*argv, "--passage-vectors-from", str(plain)]) == 2
    assert "built with corpus" in one_error(capsys)


def test_an_augmented_base_is_refused(
    tiny_bert: Path, built: tuple[Path, Path, Path], tmp_path: Path, capsys
) -> None:
    corpus, gen, _ = built
    xqg = tmp_path / "xqg"
    assert main(build_argv(tiny_bert, corpus, xqg, "--generated-queries", str(gen))) == 0
    argv = build_argv(tiny_bert, corpus, tmp_path / "x", "--generated-queries", str(gen))
    capsys.readouterr()
    assert main([*argv, "--alpha", "0.5", "--passage-vectors-from", str(xqg)]) == 2
    assert "an xQG-augmented index" in one_error(capsys)


def test_a_missing_docid_is_one_line(
    tiny_bert: Path, built: tuple[Path, Path, Path], tmp_path: Path, capsys
) -> None:
    corpus, gen, plain = built
    # the same corpus identity, but the index lacks a docid (as a damaged or foreign index would)
    lines = (plain / "docid").read_text("utf-8").splitlines()
    (plain / "docid").write_text("\n".join([*lines[:-1], "elsewhere"]) + "\n", "utf-8")
    out = tmp_path / "x"
    argv = build_argv(tiny_bert, corpus, out, "--generated-queries", str(gen))
    capsys.readouterr()
    assert main([*argv, "--passage-vectors-from", str(plain)]) == 2
    assert "docid '6' of the corpus is not in that index" in one_error(capsys)
    assert not out.exists() and not list(tmp_path.glob(".x*"))


def test_not_an_index_and_no_questions_are_one_line(
    tiny_bert: Path, built: tuple[Path, Path, Path], tmp_path: Path, capsys
) -> None:
    corpus, gen, plain = built
    argv = build_argv(tiny_bert, corpus, tmp_path / "x")
    capsys.readouterr()
    assert main([*argv, "--passage-vectors-from", str(plain)]) == 2
    assert one_error(capsys) == "error: --passage-vectors-from needs --generated-queries"
    argv = [*argv, "--generated-queries", str(gen), "--passage-vectors-from", str(tmp_path)]
    assert main(argv) == 2
    assert "no index metadata" in one_error(capsys)
