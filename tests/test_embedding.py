"""The shared embedding function: what indexing computes, with gradients for training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from xqg_pyserini.encoders.embedding import embed, passage_texts, query_texts, tokenize
from xqg_pyserini.encoders.settings import EncoderSettings


@pytest.mark.parametrize(("pooling", "l2_norm"), [("cls", False), ("mean", True)])
def test_embed_is_what_the_encoder_indexes_and_it_trains(
    tiny_bert: Path, pooling: str, l2_norm: bool
) -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    from xqg_pyserini.encoders.transformer import TransformerEncoder

    settings = EncoderSettings(str(tiny_bert), pooling, l2_norm, "query:", "passage:", 8, 16)
    queries = ["富士山の標高は？", "How long is the Nile river in kilometres?"]
    encoder = TransformerEncoder(settings)
    tokenizer, model = (
        AutoTokenizer.from_pretrained(tiny_bert),
        AutoModel.from_pretrained(tiny_bert),
    )
    inputs = tokenize(tokenizer, query_texts(settings, queries), settings.query_max_length)
    assert inputs["input_ids"].shape[1] <= 8  # the settings' query length
    vectors = embed(model, inputs, settings)
    assert vectors.shape == (2, encoder.dimension) and vectors.dtype == torch.float32
    np.testing.assert_allclose(
        vectors.detach().numpy(), encoder.encode_queries(queries), atol=1e-6, rtol=0
    )
    if l2_norm:
        np.testing.assert_allclose(vectors.norm(dim=-1).detach().numpy(), [1.0, 1.0], atol=1e-6)
    # differentiable: a loss on the vectors reaches the model's weights (a weighted sum,
    # since a plain sum of a LayerNorm output does not depend on its input)
    (vectors @ torch.linspace(-1.0, 1.0, vectors.shape[1])).sum().backward()
    grad = model.embeddings.word_embeddings.weight.grad
    assert grad is not None and float(grad.abs().sum()) > 0


def test_input_strings_are_joined_as_pyserini_joins_them() -> None:
    settings = EncoderSettings("m", query_prefix="query:", passage_prefix="passage: ")
    assert query_texts(settings, ["q"]) == ["query: q"]
    assert passage_texts(settings, ["text", "alone"], ["Title", None]) == [
        "passage: Title text",
        "passage: alone",
    ]
    assert passage_texts(EncoderSettings("m"), ["t"]) == ["t"]
