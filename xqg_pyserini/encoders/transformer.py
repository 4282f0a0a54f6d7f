"""A Hugging Face encoder with its tokenizer and :class:`EncoderSettings`; no Pyserini.

The index builder uses this class directly (no JVM needed); the Pyserini-facing
encoders in :mod:`xqg_pyserini.encoders.pyserini_api` wrap it. The embedding
itself (input strings, tokenisation, pooling, normalisation) is
:mod:`xqg_pyserini.encoders.embedding`'s, which training shares.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from xqg_pyserini.encoders.embedding import (
    embed,
    padded_length,
    passage_input,
    passage_texts,
    query_texts,
    tokenize,
)
from xqg_pyserini.encoders.precision import (
    DTYPES,
    pad_multiple,
    resolve_dtype,
)
from xqg_pyserini.encoders.settings import EncoderSettings, UnknownEncoderError

__all__ = ["DTYPES", "TransformerEncoder", "passage_input"]  # passage_input: re-exported
_LENGTH_SLICE = 1024  # queries tokenised at once to count their tokens


class TransformerEncoder:
    """Encode queries and passages with one shared Hugging Face model.

    Parameters
    ----------
    settings
        Model location, pooling, normalisation, prefixes and max lengths.
    device
        A torch device string such as ``"cpu"`` or ``"cuda:0"``.
    dtype
        ``float32`` (default), ``bfloat16`` (weights cast, on a CPU as on a
        GPU), ``float16`` (GPU only) or ``auto``, the fastest the device has
        (:func:`~xqg_pyserini.encoders.precision.resolve_dtype`); :attr:`dtype`
        holds the precision chosen. Vectors are returned as float32 either way.

    Raises
    ------
    PrecisionError
        For float16 on a CPU, or an unknown precision.
    """

    def __init__(
        self, settings: EncoderSettings, device: str = "cpu", dtype: str = "float32"
    ) -> None:
        import torch

        self.settings = settings
        self.device = torch.device(device)
        self.dtype = resolve_dtype(dtype, str(device))
        self.tokenizer, self.model = _load(settings.model)
        self.model.to(self.device, dtype=getattr(torch, self.dtype)).eval()
        self._pad_multiple = pad_multiple(self.dtype)

    @property
    def dimension(self) -> int:
        return int(self.model.config.hidden_size)

    def encode_queries(self, queries: Sequence[str]) -> np.ndarray:
        """Encode one batch of queries; float32 array of shape (n, dim)."""
        return self._encode_batch(
            query_texts(self.settings, queries), self.settings.query_max_length
        )

    def query_lengths(self, queries: Sequence[str]) -> list[int]:
        """Tokens of each query as :meth:`encode_queries` reads it (prefix, specials, cut).

        In reduced precision the lengths are rounded up as batches are padded
        (:func:`~xqg_pyserini.encoders.precision.pad_multiple`), so batches
        filled to a padded-token limit come out in a few fixed shapes.
        """
        lengths: list[int] = []
        # slices: a fast tokenizer keeps a few KB of offsets and tokens per text until
        # its output is dropped, which for a chunk's 100k+ questions would be GBs
        for start in range(0, len(queries), _LENGTH_SLICE):
            texts = query_texts(self.settings, queries[start : start + _LENGTH_SLICE])
            ids = self.tokenizer(
                texts,
                max_length=self.settings.query_max_length,
                truncation=True,
                return_attention_mask=False,
                return_token_type_ids=False,
            )["input_ids"]
            cut, multiple = self.settings.query_max_length, self._pad_multiple
            lengths += (padded_length(len(i), multiple, cut) for i in ids)
        return lengths

    def encode_passages(
        self, texts: Sequence[str], titles: Sequence[str | None] | None = None
    ) -> np.ndarray:
        """Encode one batch of passages; float32 array of shape (n, dim)."""
        inputs = passage_texts(self.settings, texts, titles)
        return self._encode_batch(inputs, self.settings.passage_max_length)

    def _encode_batch(self, texts: list[str], max_length: int) -> np.ndarray:
        import torch

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        batch = tokenize(self.tokenizer, texts, max_length, self._pad_multiple)
        batch = batch.to(self.device)
        with torch.inference_mode():
            vectors = embed(self.model, batch, self.settings)
        return vectors.cpu().numpy().astype(np.float32, copy=False)


def _load(model: str):  # type: ignore[no-untyped-def]
    """Load tokenizer and model, turning Hugging Face's long errors into one line."""
    from transformers import AutoModel, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(model)
        encoder = AutoModel.from_pretrained(model)
    except (OSError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UnknownEncoderError(
            f"cannot load encoder {model!r}: it is not a model directory here and could not "
            f"be loaded from the Hugging Face Hub ({reason})"
        ) from exc
    return tokenizer, encoder
