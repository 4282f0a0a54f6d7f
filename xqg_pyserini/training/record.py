"""``training_record.json``: what a trained model directory says about its training.

Every trainer writes one beside the weights: the settings, the data's identity,
the steps, the loss curve, the time, and (added here) the library versions.
:func:`loss_curve` and :func:`eval_curve` pick the training and evaluation
entries out of the Hugging Face Trainer's ``log_history``.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["TRAINING_RECORD_FILE", "eval_curve", "loss_curve", "write_training_record"]

TRAINING_RECORD_FILE = "training_record.json"


def loss_curve(log_history: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Trainer's logged training steps: step, epoch, loss, learning rate."""
    keep = ("step", "epoch", "loss", "learning_rate", "grad_norm")
    return [{k: entry[k] for k in keep if k in entry} for entry in log_history if "loss" in entry]


def eval_curve(log_history: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Trainer's evaluations: step, epoch and ``eval_loss``, in step order."""
    keep = ("step", "epoch", "eval_loss")
    return [
        {k: entry[k] for k in keep if k in entry} for entry in log_history if "eval_loss" in entry
    ]


def write_training_record(directory: Path, record: dict[str, Any]) -> Path:
    """Write ``training_record.json`` with the library versions added."""
    import torch
    import transformers

    full = {
        **record,
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "transformers": transformers.__version__,
        },
    }
    path = Path(directory) / TRAINING_RECORD_FILE
    path.write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return path
