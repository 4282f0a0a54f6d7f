"""The tiny random models load with the standard Auto classes and are deterministic."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from xqg_pyserini.models.random_init import build_random_model


def test_bert_and_xlmr_encode_multilingual_text(tiny_bert: Path, tiny_xlmr: Path) -> None:
    from transformers import AutoModel, AutoTokenizer

    for directory in (tiny_bert, tiny_xlmr):
        tokenizer = AutoTokenizer.from_pretrained(directory)
        model = AutoModel.from_pretrained(directory)
        batch = tokenizer(["富士山の高さ", "Москва"], padding=True, return_tensors="pt")
        with torch.inference_mode():
            hidden = model(**batch).last_hidden_state
        assert hidden.shape[0] == 2 and hidden.shape[-1] == 32
        assert tokenizer.unk_token_id not in batch["input_ids"][0, 1:3].tolist()


def test_mt5_generates(tiny_mt5: Path) -> None:
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_mt5)
    model = AutoModelForSeq2SeqLM.from_pretrained(tiny_mt5)
    batch = tokenizer(["Generate a Japanese question for this passage: Kyoto"], return_tensors="pt")
    out = model.generate(**batch, do_sample=True, top_k=10, max_new_tokens=8)
    assert out.shape[0] == 1 and out.shape[1] >= 2


def test_same_seed_same_weights(tmp_path: Path) -> None:
    from safetensors.torch import load_file

    a = load_file(build_random_model("bert", tmp_path / "a", seed=3) / "model.safetensors")
    b = load_file(build_random_model("bert", tmp_path / "b", seed=3) / "model.safetensors")
    c = load_file(build_random_model("bert", tmp_path / "c", seed=4) / "model.safetensors")
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], c[k]) for k in a)


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="expected one of bert, xlm-roberta, mt5"):
        build_random_model("gpt", Path("unused"))
