"""`python -m xqg_pyserini.index`: vectors, files, metadata, re-runs and bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from tests.helpers import ROOT, error_lines, read_index
from xqg_pyserini.data import read_jsonl_corpus
from xqg_pyserini.index import build_parser, main
from xqg_pyserini.indexes import read_metadata


def reference_vectors(model_dir: Path, corpus: Path, pooling: str, prefix: str = "") -> np.ndarray:
    """The vectors computed independently, one passage at a time, with transformers."""
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()
    rows = []
    for passage in read_jsonl_corpus(corpus):
        text = prefix + f"{passage.title} {passage.text}"
        batch = tokenizer(text, max_length=128, truncation=True, return_tensors="pt")
        with torch.inference_mode():
            hidden = model(**batch).last_hidden_state[0]
        rows.append(hidden[0] if pooling == "cls" else hidden.mean(dim=0))
    return torch.stack(rows).numpy()


@pytest.mark.parametrize("pooling", ["cls", "mean"])
def test_index_vectors_equal_transformers(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, pooling: str
) -> None:
    out = tmp_path / "idx"
    argv = [
        "--corpus",
        str(demo_corpus_head),
        "--encoder",
        str(tiny_bert),
        "--pooling",
        pooling,
        "--output",
        str(out),
        "--batch-size",
        "5",
        "--dtype",
        "float32",  # exact against the float32 reference
    ]
    assert main(argv) == 0
    vectors, docids = read_index(out)
    assert docids == [p.doc_id for p in read_jsonl_corpus(demo_corpus_head)]
    expected = reference_vectors(tiny_bert, demo_corpus_head, pooling)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, expected, atol=1e-5, rtol=0)


def test_prefix_and_l2_norm(tiny_xlmr: Path, demo_corpus_head: Path, tmp_path: Path) -> None:
    out = tmp_path / "idx"
    argv = [
        "--corpus",
        str(demo_corpus_head),
        "--encoder",
        str(tiny_xlmr),
        "--pooling",
        "mean",
        "--l2-norm",
        "--passage-prefix",
        "passage:",
        "--dtype",
        "float32",
        "--output",
        str(out),
    ]
    assert main(argv) == 0
    vectors, _ = read_index(out)
    expected = reference_vectors(tiny_xlmr, demo_corpus_head, "mean", prefix="passage: ")
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(vectors, expected, atol=1e-5, rtol=0)


def test_metadata_records_settings_counts_and_command(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path
) -> None:
    out = tmp_path / "idx"
    argv = ["--corpus", str(demo_corpus_head), "--encoder", str(tiny_bert), "--output", str(out)]
    assert main(argv) == 0
    meta = read_metadata(out)
    assert sorted(p.name for p in out.iterdir()) == ["docid", "index", "metadata.json"]
    assert (meta.num_docs, meta.dimension, meta.index_type) == (12, 32, "Flat")
    assert meta.encoder["pooling"] == "cls" and meta.encoder["l2_norm"] is False
    assert meta.encoder["passage_max_length"] == 128 and meta.encoder["query_prefix"] is None
    assert meta.command == ["python", "-m", "xqg_pyserini.index", *argv]
    assert {"pyserini", "torch", "faiss-cpu", "transformers"} <= set(meta.versions)


def test_rerun_is_a_no_op_and_changes_need_overwrite(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "idx"
    argv = ["--corpus", str(demo_corpus_head), "--encoder", str(tiny_bert), "--output", str(out)]
    assert main(argv) == 0
    before = (out / "index").read_bytes()
    assert main(argv) == 0
    assert "up to date" in capsys.readouterr().out
    assert main([*argv, "--pooling", "mean"]) == 2
    err = error_lines(capsys.readouterr().err)
    assert len(err) == 1 and "--overwrite" in err[0]
    assert (out / "index").read_bytes() == before
    assert main([*argv, "--pooling", "mean", "--overwrite"]) == 0
    assert (out / "index").read_bytes() != before
    assert read_metadata(out).encoder["pooling"] == "mean"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "idx"]  # no leftovers


def test_unknown_encoder_is_one_line_and_writes_nothing(
    demo_corpus_head: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "idx"
    code = main(
        [
            "--corpus",
            str(demo_corpus_head),
            "--encoder",
            str(tmp_path / "no-such-model"),
            "--output",
            str(out),
        ]
    )
    err = error_lines(capsys.readouterr().err)
    assert code == 2 and len(err) == 1
    assert "cannot load encoder" in err[0] and "no-such-model" in err[0]
    assert not out.exists()


def test_malformed_corpus_line_is_named_and_nothing_is_left(
    tiny_bert: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"id": "a", "text": "fine"}\n{"id": "b"}\n')
    out = tmp_path / "idx"
    code = main(["--corpus", str(corpus), "--encoder", str(tiny_bert), "--output", str(out)])
    err = error_lines(capsys.readouterr().err)
    assert code == 2 and len(err) == 1 and f"{corpus}:2:" in err[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]


def test_duplicate_docid_is_an_error(
    tiny_bert: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "dup.jsonl"
    corpus.write_text('{"id": "a", "text": "one"}\n{"id": "a", "text": "two"}\n')
    code = main(
        ["--corpus", str(corpus), "--encoder", str(tiny_bert), "--output", str(tmp_path / "idx")]
    )
    assert code == 2 and "duplicate docid 'a'" in capsys.readouterr().err
    assert not (tmp_path / "idx").exists()


def test_options_from_a_json_config(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path
) -> None:
    config = tmp_path / "build.json"
    config.write_text(
        json.dumps(
            {
                "encoder": str(tiny_bert),
                "pooling": "mean",
                "corpus": str(demo_corpus_head),
                "batch-size": 4,
            }
        )
    )
    out = tmp_path / "idx"
    assert main(["--config", str(config), "--output", str(out)]) == 0
    assert read_metadata(out).encoder["pooling"] == "mean"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"no-such-flag": 1}))
    with pytest.raises(SystemExit):
        main(["--config", str(bad)])


def test_every_flag_is_in_help_and_in_the_readme() -> None:
    parser = build_parser()
    flags = [
        opt
        for action in parser._actions
        for opt in action.option_strings
        if opt.startswith("--") and opt != "--help"
    ]
    help_text = parser.format_help()
    readme = (ROOT / "README.md").read_text("utf-8")
    usage = readme[readme.index("## Usage") :]
    for flag in flags:
        assert flag in help_text
        assert re.search(re.escape(flag) + r"\b", usage), f"{flag} missing from README usage"


def test_corpus_as_dpr_tsv(tiny_bert: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "psgs.tsv"
    corpus.write_text(
        'id\ttext\ttitle\n1\t"He said ""hi""\tthere"\tGreeting\n2\tMoscow is large\tMoscow\n',
        "utf-8",
    )
    out = tmp_path / "idx"
    assert main(["--corpus", str(corpus), "--encoder", str(tiny_bert), "--output", str(out)]) == 0
    _, docids = read_index(out)
    assert docids == ["1", "2"]
    assert read_metadata(out).num_docs == 2


def test_corpus_as_an_ir_datasets_id(
    tiny_bert: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from xqg_pyserini.irds import xor_tydi

    monkeypatch.setenv("IR_DATASETS_HOME", str(tmp_path / "irds"))
    local = tmp_path / "xor"
    local.mkdir()
    (local / xor_tydi.CORPUS_FILE).write_text(
        "id\ttext\ttitle\n7\tTokyo is the capital of Japan.\tTokyo\n"
        "8\tHelsinki is the capital of Finland.\tHelsinki\n",
        "utf-8",
    )
    monkeypatch.setenv("XQG_XOR_TYDI_DIR", str(local))
    out = tmp_path / "idx"
    argv = ["--corpus", "xor-tydi/retrieve", "--encoder", str(tiny_bert), "--output", str(out)]
    assert main(argv) == 0
    meta = read_metadata(out)
    assert read_index(out)[1] == ["7", "8"]
    assert meta.build_key["corpus"] == {"dataset": "xor-tydi/retrieve"}
    assert main(argv) == 0
    assert "up to date" in capsys.readouterr().out  # same dataset and settings


def test_unknown_corpus_id_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--corpus", "xor-tydi/retreive", "--output", str(tmp_path / "idx")]) == 2
    err = error_lines(capsys.readouterr().err)
    assert len(err) == 1 and "unknown ir_datasets id 'xor-tydi/retreive'" in err[0]
    assert "xor-tydi/retrieve" in err[0]  # a close match is suggested


def test_fp16_storage_halves_the_vectors(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import faiss

    base = ["--corpus", str(demo_corpus_head), "--encoder", str(tiny_bert)]
    assert main([*base, "--output", str(tmp_path / "flat")]) == 0
    assert main([*base, "--fp16", "--output", str(tmp_path / "fp16")]) == 0
    index = faiss.read_index(str(tmp_path / "fp16" / "index"))
    assert type(index).__name__ == "IndexScalarQuantizer"
    assert read_metadata(tmp_path / "fp16").index_type == "SQfp16"
    full, _ = read_index(tmp_path / "flat")
    half, _ = read_index(tmp_path / "fp16")
    np.testing.assert_allclose(half, full, rtol=1e-3, atol=1e-3)
    flat_bytes = (tmp_path / "flat" / "index").stat().st_size
    assert (tmp_path / "fp16" / "index").stat().st_size < 0.6 * flat_bytes
    assert main([*base, "--fp16", "--index-type", "HNSW32", "--output", str(tmp_path / "x")]) == 2
    assert "--fp16 goes with --index-type Flat" in error_lines(capsys.readouterr().err)[0]
