"""Shards built with ``--shard-id/--shard-num`` merge into the unsharded index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import demo_generated, error_lines, read_index, write_generated
from xqg_pyserini.data import read_jsonl_corpus
from xqg_pyserini.index import main as index_main
from xqg_pyserini.indexes import read_metadata
from xqg_pyserini.merge import main as merge_main


def build(model: Path, corpus: Path, out: Path, *extra: str) -> Path:
    argv = ["--corpus", str(corpus), "--encoder", str(model), "--output", str(out)]
    # float32: the shards batch other questions together than the whole build does
    assert index_main([*argv, "--batch-size", "1", "--dtype", "float32", *extra]) == 0
    return out


def build_shards(model: Path, corpus: Path, root: Path, num: int, *extra: str) -> list[Path]:
    return [
        build(
            model, corpus, root / f"shard{k}", "--shard-id", str(k), "--shard-num", str(num), *extra
        )
        for k in range(num)
    ]


@pytest.mark.parametrize("num", [1, 3, 5])
def test_shards_hold_round_robin_positions_and_merge_to_the_whole(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, num: int
) -> None:
    whole = build(tiny_bert, demo_corpus_head, tmp_path / "whole")
    shards = build_shards(tiny_bert, demo_corpus_head, tmp_path, num)
    corpus_ids = [p.doc_id for p in read_jsonl_corpus(demo_corpus_head)]
    for k, shard in enumerate(shards):
        assert read_index(shard)[1] == corpus_ids[k::num]
        meta = read_metadata(shard)
        assert meta.shard == ({"id": k, "num": num} if num > 1 else None)
        assert meta.build_key == read_metadata(whole).build_key
    if num == 1:
        return
    merged = tmp_path / "merged"
    argv = ["--output", str(merged), *map(str, reversed(shards))]
    assert merge_main(argv) == 0
    vectors, docids = read_index(merged)
    expected, expected_ids = read_index(whole)
    assert docids == expected_ids
    np.testing.assert_array_equal(vectors, expected)  # batch size 1: no padding differences
    meta = read_metadata(merged)
    assert (meta.num_docs, meta.shard) == (12, None)
    assert meta.build_key == read_metadata(whole).build_key
    assert meta.command == ["python", "-m", "xqg_pyserini.merge", *argv]
    assert sorted(p.name for p in merged.iterdir()) == ["docid", "index", "metadata.json"]


def test_augmented_shards_merge_with_summed_counts(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path
) -> None:
    generated = demo_generated(9)
    generated["5"] = {"en": ["Only English here?"]}
    gen = write_generated(tmp_path / "gen.jsonl", generated)
    extra = ("--generated-queries", str(gen), "--alpha", "0.3")
    whole = build(tiny_bert, demo_corpus_head, tmp_path / "whole", *extra)
    shards = build_shards(tiny_bert, demo_corpus_head, tmp_path, 2, *extra)
    assert [read_metadata(s).augmentation["join"] for s in shards] == ["aligned"] * 2
    merged = tmp_path / "merged"
    assert merge_main(["--output", str(merged), *map(str, shards)]) == 0
    # the shards batch other questions together than the whole build: float32 rounding
    np.testing.assert_allclose(read_index(merged)[0], read_index(whole)[0], atol=1e-6, rtol=1e-6)
    assert read_metadata(merged).augmentation == read_metadata(whole).augmentation


@pytest.mark.parametrize(
    ("factory", "kind"), [("HNSW8", "IndexHNSWFlat"), ("IVF2,Flat", "IndexIVFFlat")]
)
def test_index_type_is_kept_and_trained_on_the_merged_vectors(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, factory: str, kind: str
) -> None:
    shards = build_shards(tiny_bert, demo_corpus_head, tmp_path, 2)
    for shard in shards:  # relabel: the merge reads the shards' vectors, whatever their type
        meta = json.loads((shard / "metadata.json").read_text("utf-8"))
        meta["index_type"] = meta["build_key"]["index_type"] = factory
        (shard / "metadata.json").write_text(json.dumps(meta))
    merged = tmp_path / "merged"
    assert merge_main(["--output", str(merged), *map(str, shards)]) == 0
    import faiss

    index = faiss.read_index(str(merged / "index"))
    assert type(index).__name__ == kind and index.is_trained and index.ntotal == 12
    assert read_metadata(merged).index_type == factory


def _one_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = error_lines(capsys.readouterr().err)
    assert len(err) == 1
    return err[0]


def test_incomplete_or_inconsistent_sets_are_one_line_errors(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s0, s1, s2 = build_shards(tiny_bert, demo_corpus_head, tmp_path, 3)
    out = tmp_path / "merged"

    def merge(*dirs: Path) -> str:
        assert merge_main(["--output", str(out), *map(str, dirs)]) == 2
        assert not out.exists()
        return _one_error(capsys)

    assert merge(s0, s2) == "error: shard(s) 1 of 3 missing"
    assert merge(s0, s1, s2, s1) == f"error: {s1}: shard 1 given twice (also {s1})"

    other = build(
        tiny_bert, demo_corpus_head, tmp_path / "other", "--shard-id", "1", "--shard-num", "2"
    )
    assert f"{other}: shard-num 2 vs 3" in merge(s0, other, s2)

    mean = build(
        tiny_bert,
        demo_corpus_head,
        tmp_path / "mean",
        "--shard-id",
        "1",
        "--shard-num",
        "3",
        "--pooling",
        "mean",
    )
    assert f"{mean}: built from different inputs" in merge(s0, mean, s2)
    assert "differs in encoder" in merge(s0, mean, s2)

    wide = tmp_path / "wide"
    shutil.copytree(s2, wide)
    meta = json.loads((wide / "metadata.json").read_text("utf-8"))
    meta["dimension"] = 384
    (wide / "metadata.json").write_text(json.dumps(meta))
    assert merge(s0, s1, wide) == f"error: {wide}: dimension 384 vs 32 in {s0}"

    whole = build(tiny_bert, demo_corpus_head, tmp_path / "whole")
    assert merge(s0, whole) == f"error: {whole}: not a shard (built without --shard-num)"
    assert "no index metadata" in merge(s0, s1, tmp_path / "nowhere")


def test_bad_shard_flags_are_one_line(
    demo_corpus_head: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--corpus", str(demo_corpus_head), "--output", str(tmp_path / "i")]
    assert index_main([*argv, "--shard-id", "3", "--shard-num", "3"]) == 2
    assert "--shard-id must be in 0..2, got 3" in _one_error(capsys)
    assert index_main([*argv, "--shard-num", "0"]) == 2
    assert "--shard-num must be at least 1" in _one_error(capsys)


def test_flat_shards_convert_to_a_type_that_needs_training(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path
) -> None:
    import faiss

    shards = build_shards(tiny_bert, demo_corpus_head, tmp_path, 2)
    merged = tmp_path / "ivf"
    argv = ["--output", str(merged), "--index-type", "IVF2,Flat", *map(str, shards)]
    assert merge_main(argv) == 0
    index = faiss.read_index(str(merged / "index"))
    assert type(index).__name__ == "IndexIVFFlat" and index.is_trained and index.ntotal == 12
    meta = read_metadata(merged)
    assert meta.index_type == meta.build_key["index_type"] == "IVF2,Flat"
    flat = build(tiny_bert, demo_corpus_head, tmp_path / "flat")
    vectors, _ = read_index(flat)
    index.nprobe = 2  # every list: exact search, as Flat
    expected, _ = faiss.read_index(str(flat / "index")).search(vectors[:3], 5)
    got, _ = index.search(vectors[:3], 5)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_a_build_refuses_a_type_that_needs_training(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "idx"
    argv = [
        "--corpus",
        str(demo_corpus_head),
        "--encoder",
        str(tiny_bert),
        "--index-type",
        "IVF2,Flat",
        "--output",
        str(out),
    ]
    assert index_main(argv) == 2
    err = _one_error(capsys)
    assert (
        "needs training" in err and "python -m xqg_pyserini.merge --index-type 'IVF2,Flat'" in err
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl"]
