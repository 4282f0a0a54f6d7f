"""The embedding function, differentiable: texts -> model inputs -> pooled vectors.

Indexing (:class:`~xqg_pyserini.encoders.transformer.TransformerEncoder`, under
``torch.inference_mode``) and training (with gradients) share these functions,
so a trained model embeds exactly as it will be indexed and searched: the same
input strings (prefixes, ``title text``), the same truncation, the same pooling
and normalisation, all read from one :class:`EncoderSettings`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from xqg_pyserini.encoders.pooling import pool
from xqg_pyserini.encoders.settings import EncoderSettings, join_prefix

if TYPE_CHECKING:
    import torch

__all__ = ["embed", "passage_input", "passage_texts", "query_texts", "tokenize"]


def passage_input(title: str | None, text: str) -> str:
    """The passage string the model reads: ``title + " " + text`` (text alone without title)."""
    return f"{title} {text}" if title else text


def query_texts(settings: EncoderSettings, queries: Sequence[str]) -> list[str]:
    """What the model reads for each query: the query prefix joined as Pyserini joins it."""
    return [join_prefix(settings.query_prefix, query) for query in queries]


def passage_texts(
    settings: EncoderSettings, texts: Sequence[str], titles: Sequence[str | None] | None = None
) -> list[str]:
    """What the model reads for each passage: prefix, then ``title text``."""
    titles = titles if titles is not None else [None] * len(texts)
    return [
        join_prefix(settings.passage_prefix, passage_input(title, text))
        for title, text in zip(titles, texts, strict=True)
    ]


def tokenize(tokenizer: Any, texts: Sequence[str], max_length: int) -> Mapping[str, Any]:
    """Tokenise a batch as the encoders do: cut at ``max_length``, padded to the longest."""
    return tokenizer(
        list(texts), max_length=max_length, truncation=True, padding="longest", return_tensors="pt"
    )


def embed(model: Any, inputs: Mapping[str, Any], settings: EncoderSettings) -> torch.Tensor:
    """Pooled (and, when the settings say so, L2-normalised) vectors: float32 ``(batch, dim)``.

    Differentiable: call it under ``torch.inference_mode()`` to encode, with
    gradients to train. ``inputs`` are :func:`tokenize`'s, on the model's device.
    """
    import torch

    hidden = model(**inputs).last_hidden_state
    vectors = pool(hidden, inputs["attention_mask"], settings.pooling).float()
    if settings.l2_norm:
        vectors = torch.nn.functional.normalize(vectors, p=2, dim=-1)
    return vectors
