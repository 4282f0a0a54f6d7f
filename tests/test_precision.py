"""The encoder's precision: ``--dtype auto`` picks bf16 where the CPU has it, float32 otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import error_lines, read_index
from xqg_pyserini.encoders import precision
from xqg_pyserini.encoders.precision import PrecisionError, resolve_dtype
from xqg_pyserini.index import main
from xqg_pyserini.indexes import read_metadata


@pytest.fixture(autouse=True)
def fresh_notices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precision, "_notified", set())


def cpu_with(monkeypatch: pytest.MonkeyPatch, *features: str) -> None:
    """Pretend the CPU reports these bfloat16 features."""
    monkeypatch.setattr(precision, "cpu_bf16_features", lambda: features)


def test_cpuinfo_flags_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    monkeypatch.setattr(precision, "CPUINFO", info)
    info.write_text("processor\t: 0\nflags\t\t: fpu sse avx512f avx512_vnni amx_tile amx_bf16\n")
    precision.cpu_bf16_features.cache_clear()
    try:
        assert precision.cpu_bf16_features() == ("amx_bf16",)
        info.write_text("processor\t: 0\nflags\t\t: fpu sse avx2\n")
        precision.cpu_bf16_features.cache_clear()
        assert precision.cpu_bf16_features() == ()
        info.unlink()
        precision.cpu_bf16_features.cache_clear()
        assert precision.cpu_bf16_features() == ()  # no /proc/cpuinfo: no claim
    finally:
        precision.cpu_bf16_features.cache_clear()


def test_auto_picks_bf16_on_a_bf16_cpu(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cpu_with(monkeypatch, "avx512_bf16")
    assert resolve_dtype("auto", "cpu") == "bfloat16"
    assert resolve_dtype("float32", "cpu") == "float32"
    assert capsys.readouterr().err == ""


def test_auto_falls_back_to_float32_with_one_notice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cpu_with(monkeypatch)
    assert resolve_dtype("auto", "cpu") == "float32"
    assert resolve_dtype("auto", "cpu") == "float32"
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "no bfloat16 instructions" in err[0] and "float32" in err[0]


def test_explicit_bf16_without_hardware_runs_with_a_notice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cpu_with(monkeypatch)
    assert resolve_dtype("bfloat16", "cpu") == "bfloat16"
    assert "emulated" in capsys.readouterr().err


def test_float16_on_cpu_is_refused_and_unknown_names_too() -> None:
    with pytest.raises(PrecisionError, match="float16 needs a GPU"):
        resolve_dtype("float16", "cpu")
    with pytest.raises(PrecisionError, match="must be one of auto, float32"):
        resolve_dtype("int4", "cpu")


def test_gpu_and_other_devices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(precision, "_gpu_bf16", lambda device: True)
    assert resolve_dtype("auto", "cuda:0") == "bfloat16"
    monkeypatch.setattr(precision, "_gpu_bf16", lambda device: False)
    assert resolve_dtype("auto", "cuda") == "float16"
    assert resolve_dtype("float16", "cuda:1") == "float16"
    assert resolve_dtype("auto", "mps") == "float32"


def test_default_build_runs_bf16_and_records_it(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    from xqg_pyserini.encoders.pyserini_api import XqgQueryEncoder

    cpu_with(monkeypatch, "amx_bf16")
    base = ["--corpus", str(demo_corpus_head), "--encoder", str(tiny_bert)]
    assert main([*base, "--output", str(tmp_path / "auto")]) == 0
    assert main([*base, "--dtype", "float32", "--output", str(tmp_path / "f32")]) == 0
    fast, docids = read_index(tmp_path / "auto")
    exact, same_docids = read_index(tmp_path / "f32")
    assert docids == same_docids and fast.dtype == np.float32
    assert not np.array_equal(fast, exact)  # bfloat16 really ran
    np.testing.assert_allclose(fast, exact, rtol=0.05, atol=0.05)
    meta, reference = read_metadata(tmp_path / "auto"), read_metadata(tmp_path / "f32")
    assert meta.precision == "bfloat16" and meta.build_key["dtype"] == "bfloat16"
    assert reference.precision == "float32" and "dtype" not in reference.build_key
    assert "--dtype float32" not in " ".join(meta.command)
    query = XqgQueryEncoder.from_index(tmp_path / "auto")
    assert query.encoder.dtype == "bfloat16"  # queries run as the passages did
    assert next(query.encoder.model.parameters()).dtype == torch.bfloat16
    # a re-run with the default finds it up to date; --dtype float32 is another build
    assert main([*base, "--output", str(tmp_path / "auto")]) == 0


def test_default_build_on_a_cpu_without_bf16_is_float32(
    tiny_bert: Path,
    demo_corpus_head: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cpu_with(monkeypatch)
    argv = ["--corpus", str(demo_corpus_head), "--encoder", str(tiny_bert)]
    assert main([*argv, "--output", str(tmp_path / "idx")]) == 0
    assert "no bfloat16 instructions" in capsys.readouterr().err
    meta = read_metadata(tmp_path / "idx")
    assert meta.precision == "float32" and "dtype" not in meta.build_key


def test_float16_build_on_cpu_fails_in_one_line(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--corpus", str(demo_corpus_head), "--encoder", str(tiny_bert), "--dtype", "float16"]
    assert main([*argv, "--output", str(tmp_path / "f16")]) == 2
    errors = error_lines(capsys.readouterr().err)
    assert len(errors) == 1 and "float16 needs a GPU" in errors[0]
    assert not (tmp_path / "f16").exists()


def test_plain_index_of_another_precision_is_named(
    tiny_bert: Path,
    demo_corpus_head: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from tests.helpers import demo_generated, write_generated

    cpu_with(monkeypatch, "amx_bf16")
    base = ["--corpus", str(demo_corpus_head), "--encoder", str(tiny_bert)]
    assert main([*base, "--dtype", "float32", "--output", str(tmp_path / "plain")]) == 0
    generated = write_generated(tmp_path / "generated.jsonl", demo_generated(12))
    argv = [*base, "--generated-queries", str(generated), "--output", str(tmp_path / "xqg")]
    assert main([*argv, "--passage-vectors-from", str(tmp_path / "plain")]) == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert "built with dtype float32" in line and "pass --dtype float32" in line


def test_spec_file_precision(tmp_path: Path, tiny_bert: Path) -> None:
    from xqg_pyserini.encoders.spec import EncoderSpecError, read_encoder_spec

    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"encoder": str(tiny_bert)}))
    assert read_encoder_spec(spec).dtype == "auto"  # as the index CLI's default
    spec.write_text(json.dumps({"encoder": str(tiny_bert), "dtype": "float64"}))
    with pytest.raises(EncoderSpecError, match="dtype must be one of auto, float32"):
        read_encoder_spec(spec)


def test_reduced_precision_pads_to_a_multiple_of_4_then_16() -> None:
    from xqg_pyserini.encoders.embedding import padded_length

    assert precision.pad_multiple("bfloat16") == 16 and precision.pad_multiple("float16") == 16
    assert precision.pad_multiple("float32") is None  # the reference pads to the longest
    got = [padded_length(n, 16, 512) for n in (1, 13, 16, 17, 63, 64, 65, 81, 500, 512)]
    assert got == [4, 16, 16, 20, 64, 64, 80, 96, 512, 512]
    assert padded_length(13, 16, 14) == 14 and padded_length(70, 16, 72) == 72  # the cut wins
    assert padded_length(20, 16, 6) == 20  # never shorter than the batch already is
    assert padded_length(13, None, 512) == 13


@pytest.mark.parametrize("side", ["right", "left"])
def test_padding_to_a_multiple_leaves_vectors_alone(tiny_xlmr: Path, side: str) -> None:
    """Extra padding is masked out: mean and CLS vectors equal the unpadded ones (float32)."""
    import torch

    from xqg_pyserini.encoders.embedding import embed, tokenize
    from xqg_pyserini.encoders.settings import EncoderSettings
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    encoder = TransformerEncoder(EncoderSettings(str(tiny_xlmr), "mean", True))
    encoder.tokenizer.padding_side = side
    texts = ["a short one", "a rather longer text of several more words than that"]
    while len(encoder.tokenizer(texts[1])["input_ids"]) % 8 == 0:
        texts[1] += " x"  # a longest length that needs padding
    plain = tokenize(encoder.tokenizer, texts, 512)
    padded = tokenize(encoder.tokenizer, texts, 512, 32)  # steps of 8 up to 128 tokens
    length = plain["input_ids"].shape[1]
    assert padded["input_ids"].shape[1] == (length // 8 + 1) * 8
    extra = padded["attention_mask"].shape[1] - plain["attention_mask"].shape[1]
    edge = slice(0, extra) if side == "left" else slice(-extra, None)
    assert padded["attention_mask"][:, edge].sum() == 0
    assert (padded["input_ids"][:, edge] == encoder.tokenizer.pad_token_id).all()
    for pooling in ("mean", "cls"):
        if pooling == "cls" and side == "left":
            continue  # CLS pooling reads position 0: right padding only
        settings = EncoderSettings(str(tiny_xlmr), pooling, True)
        with torch.inference_mode():
            want, got = (
                embed(encoder.model, plain, settings),
                embed(encoder.model, padded, settings),
            )
        np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-5, rtol=0)
    capped = tokenize(encoder.tokenizer, texts, 6, 16)  # never past max_length
    assert capped["input_ids"].shape[1] == 6


def test_bf16_encoder_batches_are_padded(tiny_bert: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xqg_pyserini.encoders.embedding import padded_length
    from xqg_pyserini.encoders.settings import EncoderSettings
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    cpu_with(monkeypatch, "avx512_bf16")
    shapes: dict[str, list[int]] = {}
    queries = ["one", "two words", "and three words"]
    for dtype in ("bfloat16", "float32"):
        encoder = TransformerEncoder(EncoderSettings(str(tiny_bert), "mean", True), dtype=dtype)
        while max(len(ids) for ids in encoder.tokenizer(queries)["input_ids"]) % 4 == 0:
            queries[-1] += " more"  # the longest query needs padding to a multiple of 4
        encoder.model.register_forward_pre_hook(
            lambda _, __, kwargs, d=dtype: shapes.setdefault(d, []).append(
                kwargs["input_ids"].shape[1]
            ),
            with_kwargs=True,
        )
        encoder.encode_queries(queries)
    longest = max(len(ids) for ids in encoder.tokenizer(queries)["input_ids"])
    assert shapes == {"bfloat16": [padded_length(longest, 16, 512)], "float32": [longest]}
    assert longest % 4 and shapes["bfloat16"][0] % 4 == 0
    # question batches are filled by these padded lengths (a few fixed shapes)
    lengths, exact = encoder_lengths(tiny_bert, "bfloat16"), encoder_lengths(tiny_bert, "float32")
    assert lengths == [padded_length(n, 16, 512) for n in exact] and lengths != exact


def encoder_lengths(model: Path, dtype: str) -> list[int]:
    from xqg_pyserini.encoders.settings import EncoderSettings
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    encoder = TransformerEncoder(EncoderSettings(str(model), "mean", True), dtype=dtype)
    return encoder.query_lengths(["one", "two words", "and three words", "x " * 40])
