"""The model a generator run starts from: checked, then loaded in float32 for training.

:func:`check_generator_model` refuses in one line, before any data is
tokenised, a name that is no loadable model, a model that is not
sequence-to-sequence (``AutoModelForSeq2SeqLM``), and float16 for the T5
family (mT5 overflows in float16). :func:`load_generator` loads the tokenizer
and the model with float32 weights: mixed precision (``--dtype bfloat16``)
is the Trainer's autocast, not half-precision weights.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xqg_pyserini.errors import XqgError

__all__ = ["NotASeq2SeqModelError", "check_generator_model", "load_generator"]

# Model types whose activations overflow float16's range (T5 v1.1 and its successors).
_NO_FLOAT16 = frozenset({"t5", "mt5", "umt5", "longt5", "switch_transformers"})


class NotASeq2SeqModelError(XqgError, ValueError):
    """``--model`` is not a sequence-to-sequence model, no model at all, or cannot run as asked."""


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def check_generator_model(model: str, dtype: str, device: str) -> str:
    """Check that ``model`` can be trained as a question generator; return its model type.

    Raises
    ------
    NotASeq2SeqModelError
        For a missing directory (a name spelled as a path is never looked up on
        the hub), a name that is no loadable model, a model that is not an
        encoder-decoder ``AutoModelForSeq2SeqLM`` (e.g. BERT, GPT-2), float16
        for a T5-family model, or float16 on a device that is not CUDA.
    """
    from transformers import AutoConfig
    from transformers.models.auto.modeling_auto import MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES

    path = Path(model).expanduser()
    if not path.exists() and (path.is_absolute() or model.startswith((".", "~"))):
        raise NotASeq2SeqModelError(f"--model {model}: model directory not found")
    try:
        config = AutoConfig.from_pretrained(model)
    except (OSError, ValueError, KeyError) as exc:
        raise NotASeq2SeqModelError(
            f"--model {model}: not a loadable model ({_first_line(exc)})"
        ) from None
    kind = config.model_type
    if kind not in MODEL_FOR_SEQ_TO_SEQ_CAUSAL_LM_MAPPING_NAMES:
        raise NotASeq2SeqModelError(
            f"--model {model}: a {kind} model, not a sequence-to-sequence model; the generator "
            "trains an encoder-decoder such as mT5 (AutoModelForSeq2SeqLM)"
        )
    if dtype == "float16" and kind in _NO_FLOAT16:
        raise NotASeq2SeqModelError(
            f"--dtype float16: {kind} overflows in float16 (its activations exceed float16's "
            "range and the loss turns to inf or NaN); use --dtype bfloat16 on a GPU that has "
            "it, or float32"
        )
    if dtype == "float16" and not device.startswith("cuda"):
        raise NotASeq2SeqModelError(
            f"--dtype float16 needs a CUDA device, not {device}; use bfloat16 or float32"
        )
    return kind


def load_generator(model: str) -> tuple[Any, Any]:
    """``(tokenizer, model)`` with float32 weights, ready for the Trainer.

    Raises
    ------
    NotASeq2SeqModelError
        If either cannot be loaded (one line).
    """
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(model)
        network = AutoModelForSeq2SeqLM.from_pretrained(model, dtype=torch.float32)
    except (OSError, ValueError, KeyError, ImportError) as exc:
        raise NotASeq2SeqModelError(
            f"cannot load a sequence-to-sequence model from {model!r}: {_first_line(exc)}"
        ) from None
    return tokenizer, network
