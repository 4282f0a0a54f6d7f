"""Pyserini ``QueryEncoder`` / ``DocumentEncoder`` subclasses over :class:`TransformerEncoder`.

Use them wherever Pyserini takes an encoder, e.g.
``FaissSearcher(index_dir, XqgQueryEncoder(index_dir))``, or from Pyserini's own
command lines with ``--encoder-class xqg`` (see :mod:`xqg_pyserini.plugin`).
Both take what ``--encoder`` names (:func:`~xqg_pyserini.encoders.spec.resolve_encoder_spec`):
an index built here, an encoder spec, a preset or a model.

:class:`XqgDocumentEncoder` is the augmenting one: given each passage's
generated questions (the ``generated_queries`` field that ``python -m
xqg_pyserini.data export collection --generated-queries`` writes), it returns
e'(p) = (1 - alpha) e(p) + alpha SUM/MEAN e(q), as ``python -m xqg_pyserini.index``
stores it. Importing this module imports ``pyserini.encode``, which starts the JVM.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from xqg_pyserini.encoders.augment import PassageAugmenter
from xqg_pyserini.encoders.batching import encode_query_batches, max_padded_question_tokens
from xqg_pyserini.encoders.settings import EncoderSettings
from xqg_pyserini.encoders.spec import EncoderSpec, resolve_encoder_spec
from xqg_pyserini.encoders.transformer import TransformerEncoder
from xqg_pyserini.errors import XqgError
from xqg_pyserini.startup import install_import_hook

install_import_hook()

from pyserini.encode import DocumentEncoder, QueryEncoder  # noqa: E402

__all__ = [
    "GENERATED_FIELD",
    "GeneratedFieldError",
    "XqgDocumentEncoder",
    "XqgQueryEncoder",
    "parse_generated_field",
]

#: The collection field holding a passage's generated questions, as a JSON string.
GENERATED_FIELD = "generated_queries"
#: Padded tokens per question batch: a full batch of 32 passages, as the index builder's default.
QUESTION_BATCH_PASSAGES = 32
Encoder = str | Path | EncoderSettings | EncoderSpec


class GeneratedFieldError(XqgError, ValueError):
    """A ``generated_queries`` field that is not a JSON object of question lists."""


def _spec(encoder: Encoder, overrides: Mapping[str, Any]) -> EncoderSpec:
    if isinstance(encoder, EncoderSpec):
        return encoder
    if isinstance(encoder, EncoderSettings):
        return EncoderSpec(encoder.model, "settings", encoder)
    return resolve_encoder_spec(encoder, **overrides)


def _dtype(requested: str | None, spec: EncoderSpec, device: str) -> str:
    """The precision to run in: ``requested``, else the spec's (float32 on a CPU for float16)."""
    if requested is not None:
        return requested
    if spec.dtype == "float16" and str(device).startswith("cpu"):
        warnings.warn(
            f"{spec.name} was encoded in float16, which needs a GPU; running in float32 on the CPU",
            stacklevel=3,
        )
        return "float32"
    return spec.dtype


class XqgQueryEncoder(QueryEncoder):
    """Pyserini query encoder: ``encode(query) -> (dim,)``, ``encode_batch(queries) -> (n, dim)``.

    Parameters
    ----------
    encoder_dir
        An index directory built here (its settings), an encoder spec, a preset,
        a model directory or hub name, or :class:`EncoderSettings`.
    device
        Torch device, ``cpu`` or ``cuda:0``.
    dtype
        Precision the model runs in (``float32``; ``float16``/``bfloat16`` on a GPU).
    **overrides
        ``pooling``, ``l2_norm``, ``query_prefix``, ``query_max_length`` for a
        preset or model (None keeps its value); ignored for an index or spec.
    """

    def __init__(
        self, encoder_dir: Encoder, device: str = "cpu", dtype: str | None = None, **overrides: Any
    ) -> None:
        super().__init__()
        self.spec = _spec(encoder_dir, overrides)
        self.encoder = TransformerEncoder(
            self.spec.settings, device=device, dtype=_dtype(dtype, self.spec, device)
        )
        self.has_model = True

    @classmethod
    def from_index(cls, index_dir: str | Path, device: str = "cpu") -> XqgQueryEncoder:
        """The query encoder an index was built for, read from its metadata."""
        return cls(str(index_dir), device=device)

    @property
    def settings(self) -> EncoderSettings:
        return self.spec.settings

    def encode(self, query: str, **kwargs: object) -> np.ndarray:
        """One query: float32 ``(dim,)``, cut at the settings' query length."""
        return self.encoder.encode_queries([query])[0]

    def encode_batch(self, queries: Sequence[str], **kwargs: object) -> np.ndarray:
        """Many queries in batches by token count: ``(n, dim)`` (Pyserini's batch search)."""
        queries = list(queries)
        vectors = np.empty((len(queries), self.encoder.dimension), dtype=np.float32)
        budget = max_padded_question_tokens(self.settings, QUESTION_BATCH_PASSAGES)
        for rows, batch in encode_query_batches(self.encoder, queries, budget):
            vectors[rows] = batch
        return vectors


def parse_generated_field(value: str | Mapping[str, Sequence[str]] | None) -> dict | None:
    """One passage's ``generated_queries`` field -> ``{lang: (question, ...)}``; None if empty.

    Accepts the JSON string the collection holds (Pyserini passes fields as
    strings) or an already parsed mapping.

    Raises
    ------
    GeneratedFieldError
        If it is not a JSON object mapping language codes to lists of strings.
    """
    if value is None or value == "":
        return None
    record = value
    if isinstance(value, str):
        try:
            record = json.loads(value)
        except json.JSONDecodeError as exc:
            raise GeneratedFieldError(
                f"{GENERATED_FIELD} field is not JSON ({exc.msg}): {value[:80]!r}"
            ) from None
    if not isinstance(record, Mapping) or not all(
        isinstance(qs, (list, tuple)) and all(isinstance(q, str) for q in qs)
        for qs in record.values()
    ):
        raise GeneratedFieldError(
            f'{GENERATED_FIELD} field must be a JSON object {{"lang": ["question", ...]}}, '
            f"got {str(value)[:80]!r}"
        )
    return {str(lang): tuple(qs) for lang, qs in record.items()}


class XqgDocumentEncoder(DocumentEncoder):
    """Pyserini document encoder with xQG augmentation.

    ``encode(texts, titles=None, generated_queriess=None) -> (n, dim) float32``.
    ``generated_queriess`` (Pyserini's spelling: the field name plus ``s``) holds
    each passage's ``generated_queries`` field; the spec's augmentation folds
    them in. Without augmentation (a preset or model) the vectors are plain.

    Parameters
    ----------
    model_name
        An index directory, an encoder spec, a preset, a model, or settings
        (see :class:`XqgQueryEncoder`).
    device, dtype, **overrides
        As for :class:`XqgQueryEncoder` (``passage_prefix``,
        ``passage_max_length`` instead of the query ones).
    """

    def __init__(
        self, model_name: Encoder, device: str = "cpu", dtype: str | None = None, **overrides: Any
    ) -> None:
        self.spec = _spec(model_name, overrides)
        self.encoder = TransformerEncoder(
            self.spec.settings, device=device, dtype=_dtype(dtype, self.spec, device)
        )
        self.augmenter = None
        if self.spec.augment is not None:
            budget = max_padded_question_tokens(self.spec.settings, QUESTION_BATCH_PASSAGES)
            self.augmenter = PassageAugmenter(self.encoder, self.spec.augment, budget)

    @property
    def dimension(self) -> int:
        return self.encoder.dimension

    def encode(
        self,
        texts: Sequence[str],
        titles: Sequence[str | None] | None = None,
        generated_queriess: Sequence[str | Mapping[str, Sequence[str]] | None] | None = None,
        **kwargs: object,
    ) -> np.ndarray:
        """e'(p) (or e(p) without augmentation) of one batch: float32 ``(n, dim)``.

        Lengths, pooling and prefixes are the spec's; Pyserini's per-call
        ``max_length`` and ``fp16`` are not used here (see the CLI adapter).

        Raises
        ------
        GeneratedFieldError
            If the augmentation needs the questions and none were passed, or a
            field is malformed.
        """
        vectors = self.encoder.encode_passages(list(texts), titles)
        if self.augmenter is None:
            return vectors
        if generated_queriess is None:
            raise GeneratedFieldError(
                f"this encoder augments passages with their generated questions, but no "
                f"{GENERATED_FIELD} were given: export the collection with --generated-queries "
                f"and name the field in pyserini.encode's --fields (input and encoder)"
            )
        if len(generated_queriess) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(generated_queriess)} question fields")
        queries = [parse_generated_field(value) for value in generated_queriess]
        return self.augmenter.augment(vectors, queries)
