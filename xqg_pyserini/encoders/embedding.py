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

__all__ = [
    "embed",
    "padded_length",
    "passage_input",
    "passage_texts",
    "query_texts",
    "tokenize",
]


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


def tokenize(
    tokenizer: Any, texts: Sequence[str], max_length: int, pad_to_multiple_of: int | None = None
) -> Mapping[str, Any]:
    """Tokenise a batch as the encoders do: cut at ``max_length``, padded to the longest.

    ``pad_to_multiple_of`` rounds the padded length up (:func:`padded_length`,
    never past ``max_length``); the attention mask keeps the extra padding out
    of the pooled vectors. Fewer distinct shapes is what reduced-precision kernels
    want (:func:`~xqg_pyserini.encoders.precision.pad_multiple`).
    """
    batch = tokenizer(
        list(texts), max_length=max_length, truncation=True, padding="longest", return_tensors="pt"
    )
    length = batch["input_ids"].shape[1]
    target = padded_length(length, pad_to_multiple_of, max_length)
    if target > length:
        _pad_to(tokenizer, batch, target)
    return batch


def padded_length(length: int, multiple: int | None, max_length: int) -> int:
    """``length`` rounded up, but not past ``max_length``: to a multiple of ``multiple``,
    or of a quarter of it up to 4 x ``multiple`` tokens (short questions waste less).

    With 16: 13 -> 16, 17 -> 20, 64 -> 64, 65 -> 80; lengths stay in a few dozen shapes.
    """
    if not multiple:
        return length
    step = multiple if length > 4 * multiple else max(1, multiple // 4)
    return max(length, min(-(-length // step) * step, max_length))


def _pad_to(tokenizer: Any, batch: Any, length: int) -> None:
    """Pad every (batch, tokens) tensor of ``batch`` to ``length`` on the tokenizer's side."""
    import torch

    fill = {"input_ids": tokenizer.pad_token_id, "token_type_ids": tokenizer.pad_token_type_id}
    for key, tensor in batch.items():
        extra = torch.full(
            (tensor.shape[0], length - tensor.shape[1]), fill.get(key, 0), dtype=tensor.dtype
        )
        parts = (extra, tensor) if tokenizer.padding_side == "left" else (tensor, extra)
        batch[key] = torch.cat(parts, dim=1)


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
