"""What a trained model directory holds besides the weights, and the output checks.

``OUTPUT/`` is a Hugging Face model directory (weights, config, tokenizer) plus

* ``xqg_pyserini_encoder.json``: how it embeds (pooling, normalisation,
  prefixes, lengths), read by ``python -m xqg_pyserini.index --encoder OUTPUT``
  and by ``--encoder-class xqg`` in Pyserini's CLIs;
* ``training_record.json``: the settings, the data's identity, the steps, the
  loss curve, the time and the library versions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from xqg_pyserini.errors import XqgError
from xqg_pyserini.training.examples import ParallelQuestion, TrainingExample

# Shared with the generator's trainer; imported here so that existing imports keep working.
from xqg_pyserini.training.record import (
    TRAINING_RECORD_FILE,
    loss_curve,
    write_training_record,
)
from xqg_pyserini.training.workdir import TrainingOutputExistsError

__all__ = [
    "TRAINING_RECORD_FILE",
    "NotAnEncoderError",
    "TrainingOutputExistsError",
    "check_encoder_model",
    "data_identity",
    "data_identity_of_pairs",
    "loss_curve",
    "write_training_record",
]


class NotAnEncoderError(XqgError, ValueError):
    """``--model`` is not a text encoder (a seq2seq or decoder-only model, or no model)."""


def check_encoder_model(model: str) -> None:
    """Refuse, in one line, a model that cannot be a bi-encoder.

    Raises
    ------
    NotAnEncoderError
        For a name that is no loadable model, an encoder-decoder (e.g. mT5) or a
        decoder-only language model (e.g. GPT-2).
    """
    from transformers import AutoConfig
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
        MODEL_FOR_MASKED_LM_MAPPING_NAMES,
    )

    try:
        config = AutoConfig.from_pretrained(model)
    except (OSError, ValueError) as exc:
        reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise NotAnEncoderError(f"--model {model}: not a loadable model ({reason})") from None
    kind = config.model_type
    if getattr(config, "is_encoder_decoder", False):
        raise NotAnEncoderError(
            f"--model {model}: a {kind} encoder-decoder model, not a text encoder; "
            "the retriever trains an encoder such as BERT, XLM-R or e5"
        )
    if kind in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES and kind not in MODEL_FOR_MASKED_LM_MAPPING_NAMES:
        raise NotAnEncoderError(
            f"--model {model}: a {kind} decoder-only language model, not a text encoder; "
            "the retriever trains an encoder such as BERT, XLM-R or e5"
        )


def data_identity(sources: Sequence[str], examples: Iterable[TrainingExample]) -> dict[str, Any]:
    """Where the data came from, how much, and a fingerprint of its content.

    The fingerprint hashes every query id, query and passage docid in order, so
    two runs with the same fingerprint trained on the same queries and passages.
    """
    digest = hashlib.sha256()
    queries = positives = negatives = 0
    for example in examples:
        queries += 1
        positives += len(example.positives)
        negatives += len(example.negatives)
        digest.update(json.dumps([example.query_id, example.query]).encode())
        digest.update(json.dumps([p.docid for p in example.positives]).encode())
        digest.update(json.dumps([p.docid for p in example.negatives]).encode())
    return {
        "sources": list(sources),
        "queries": queries,
        "positive_passages": positives,
        "negative_passages": negatives,
        "fingerprint": digest.hexdigest(),
    }


def data_identity_of_pairs(
    sources: Sequence[str], pairs: Iterable[ParallelQuestion]
) -> dict[str, Any]:
    """:func:`data_identity` for parallel questions (distillation)."""
    digest = hashlib.sha256()
    count = 0
    for pair in pairs:
        count += 1
        digest.update(
            json.dumps([pair.query_id, pair.language, pair.query, pair.query_en]).encode()
        )
    return {"sources": list(sources), "queries": count, "fingerprint": digest.hexdigest()}
