"""Section 1, in-process: float32, bfloat16 (weights and autocast), int8 encoders side by side.

The same passages, in the builder's length-sorted batches, go through one
encoder per precision in interleaved rounds (float32, bfloat16, int8, float32,
...); the median rate of each is reported with its agreement with float32
(cosine of each passage's vector, mean and minimum). bfloat16 is
:class:`~xqg_pyserini.encoders.transformer.TransformerEncoder` with
``dtype="bfloat16"`` (weights cast to bfloat16), what ``--dtype auto`` runs on a CPU
with bfloat16 instructions; ``autocast`` is the float32 encoder under
``torch.autocast("cpu", dtype=torch.bfloat16)`` (float32 weights cast on every
call, lengths padded to the longest), the alternative it was chosen over. int8 is
PyTorch's dynamic quantisation of every
linear layer of the float32 model (``torch.ao.quantization.quantize_dynamic``,
weights int8 per tensor, activations quantised per batch), measured to decide
whether the builder should offer it.
"""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np

from benchmarks.common import Figure, median
from benchmarks.corpora import DemoData, first
from benchmarks.models import EncoderSpec

__all__ = ["measure_precisions"]

SECTION = "1 plain build"


def _int8(encoder: Any) -> Any:
    import torch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the eager API's deprecation notice (torchao replaces it)
        encoder.model = torch.ao.quantization.quantize_dynamic(
            encoder.model, {torch.nn.Linear}, dtype=torch.qint8
        )
    return encoder


class _Autocast:
    """A float32 encoder whose calls run under CPU bfloat16 autocast."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder

    def encode_passages(self, texts: list[str], titles: list[str]) -> np.ndarray:
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16):
            return self.encoder.encode_passages(texts, titles)


def _encode(encoder: Any, batches: list[list[dict[str, str]]]) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    vectors = [
        encoder.encode_passages([p["text"] for p in batch], [p["title"] for p in batch])
        for batch in batches
    ]
    return np.concatenate(vectors), time.perf_counter() - start


def _cosines(vectors: np.ndarray, reference: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1) * np.linalg.norm(reference, axis=1)
    return (vectors * reference).sum(axis=1) / norms


def measure_precisions(
    spec: EncoderSpec, demo: DemoData, size: int, repetitions: int, batch_size: int = 32
) -> tuple[list[Figure], dict[str, Any]]:
    """Rates and agreement with float32 of the bfloat16 and int8 encoders."""
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    passages = sorted(first(demo.passages, size), key=lambda p: len(p["title"] + p["text"]))
    batches = [passages[i : i + batch_size] for i in range(0, len(passages), batch_size)]
    settings = spec.settings()
    encoders = {
        "float32": TransformerEncoder(settings, dtype="float32"),
        "bfloat16": TransformerEncoder(settings, dtype="bfloat16"),
        "autocast": _Autocast(TransformerEncoder(settings, dtype="float32")),
        "int8": _int8(TransformerEncoder(settings, dtype="float32")),
    }
    for encoder in encoders.values():  # warm-up: first-call allocations and kernel choice
        _encode(encoder, batches[:1])
    seconds: dict[str, list[float]] = {name: [] for name in encoders}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(repetitions):
        for name, encoder in encoders.items():
            vectors[name], took = _encode(encoder, batches)
            seconds[name].append(took)
    rates = {name: size / median(times) for name, times in seconds.items()}
    figures = [
        Figure(
            "precision.f32_rate",
            "in-process rate, float32",
            rates["float32"],
            "passages/s",
            SECTION,
        )
    ]
    raw: dict[str, Any] = {"passages": size, "seconds": seconds}
    for name in ("bfloat16", "autocast", "int8"):
        cos = _cosines(vectors[name], vectors["float32"])
        speed = rates[name] / rates["float32"]
        raw[name] = {"cos_mean": float(cos.mean()), "cos_min": float(cos.min())}
        figures += [
            Figure(
                f"precision.{name}_rate",
                f"in-process rate, {name}",
                rates[name],
                "passages/s",
                SECTION,
            ),
            Figure(
                f"precision.{name}_speed",
                f"in-process speed, {name} / float32",
                speed,
                "x",
                SECTION,
            ),
            Figure(
                f"precision.{name}_cos_mean",
                f"cosine to float32, {name} (mean over {size} passages)",
                float(cos.mean()),
                "",
                SECTION,
            ),
            Figure(
                f"precision.{name}_cos_min",
                f"cosine to float32, {name} (minimum)",
                float(cos.min()),
                "",
                SECTION,
            ),
        ]
    return figures, raw


if __name__ == "__main__":  # pragma: no cover - a quick look: python -m benchmarks.precision
    from benchmarks.corpora import load_demo
    from benchmarks.models import e5_small

    found, _ = measure_precisions(e5_small(), load_demo(), 256, 2)
    for figure in found:
        print(f"{figure.name}: {figure.value:.4g} {figure.unit}")
