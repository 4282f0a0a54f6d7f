"""Figure 8: retriever training throughput on this CPU, and the paper's recipe projected.

Steady-state seconds per optimizer step of ``python -m xqg_pyserini.train
retriever``'s own path (:func:`~xqg_pyserini.training.retriever.run.train_retriever`,
the Hugging Face Trainer with our loss), at the paper's shape: each question
with 8 passages (1 positive, 7 negatives: demo passages), 32/128 tokens. The
first step is left out (warm-up). The same batch is also timed through the
gradient cache (chunks of 4 questions / 32 passages, Tevatron's defaults):
same loss, less memory, its time ratio reported.

The paper's recipe (12.9k questions x 40 epochs x 8 passages, mBERT) is then
projected: on this CPU from the measured rate (x4 for mBERT-base over
e5-small, as in section 7), and on one GPU with section 7's assumption
(training gains over this CPU what encoding gains in DPR's published figure).
Both are projections, not measurements.
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import Figure, median
from benchmarks.corpora import DemoData

__all__ = ["PAPER_QUERIES", "measure_training"]

SECTION = "8 training"
PAPER_QUERIES = 12_900 * 40  # XOR-TyDi eng_span train x 40 epochs


def _examples(demo: DemoData, count: int, passages: int) -> list[Any]:
    from xqg_pyserini.training.examples import TrainingExample, TrainingPassage

    rng = random.Random(0)
    pool = [TrainingPassage(p["id"], p["title"], p["text"]) for p in demo.passages]
    return [
        TrainingExample(
            f"q{i}", demo.dev_questions[i % len(demo.dev_questions)], (pool[i],),
            tuple(rng.sample(pool, passages - 1)),
        )
        for i in range(count)
    ]  # fmt: skip


def _step_times(
    model: Path, examples: list[Any], batch: int, steps: int, **extra: Any
) -> list[float]:
    from transformers import TrainerCallback

    from xqg_pyserini.training.retriever.config import RetrieverTrainingConfig
    from xqg_pyserini.training.retriever.run import train_retriever

    times: list[float] = []

    class Clock(TrainerCallback):
        def on_step_begin(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
            self.start = time.perf_counter()

        def on_step_end(self, args, state, control, **kwargs):  # type: ignore[no-untyped-def]
            times.append(time.perf_counter() - self.start)

    with tempfile.TemporaryDirectory(prefix="xqg-train-bench-") as tmp:
        config = RetrieverTrainingConfig(
            model=str(model), output=str(Path(tmp) / "model"), batch_size=batch,
            train_n_passages=8, max_steps=steps + 1, save_every=10_000, device="cpu",
            logging_steps=10_000, **extra,
        )  # fmt: skip
        train_retriever(config, examples, callbacks=[Clock()])
    return times[1:]


def measure_training(
    model: Path, model_name: str, demo: DemoData, batch: int, steps: int, gpu_speedup: float
) -> tuple[list[Figure], dict[str, Any]]:
    """Time ``steps`` training steps of ``batch`` questions, plain and with the gradient cache."""
    examples = _examples(demo, batch * (steps + 1), 8)
    plain = median(_step_times(model, examples, batch, steps))
    cached = median(_step_times(model, examples, batch, steps, query_chunk=4, passage_chunk=32))
    qps = batch / plain
    cpu_hours = PAPER_QUERIES / (qps / 4.0) / 3600  # mBERT-base ~4x e5-small per token
    gpu_hours = cpu_hours / gpu_speedup
    shape = f"{model_name}, {batch} questions x 8 passages, 32/128 tokens"
    figures = [
        Figure("train.step_s", f"seconds per step ({shape})", plain, "s", SECTION),
        Figure("train.qps", "training questions per second", qps, "questions/s", SECTION),
        Figure("train.passages_per_s", "training passages per second", 8 * qps, "passages/s",
               SECTION),  # fmt: skip
        Figure(
            "train.gradcache_ratio", "seconds per step, gradient cache (q4/p32) / whole batch",
            cached / plain, "x", SECTION, ratio=cached / plain,
        ),
        Figure(
            "train.paper_cpu_hours", "paper's recipe (12.9k x 40 epochs, mBERT) on this CPU",
            cpu_hours, "h", SECTION, note="projection",
        ),
        Figure(
            "train.paper_gpu_hours", "paper's recipe on one GPU (section 7's assumed speed-up)",
            gpu_hours, "h", SECTION, note="projection",
        ),
    ]  # fmt: skip
    raw = {
        "batch": batch, "steps": steps, "step_seconds": plain, "gradcache_step_seconds": cached,
        "questions_per_second": qps, "paper_queries": PAPER_QUERIES,
        "assumed_gpu_speedup": gpu_speedup, "paper_cpu_hours": cpu_hours,
        "paper_gpu_hours": gpu_hours,
    }  # fmt: skip
    return figures, raw


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.training``: this section alone (section 8 of ``benchmarks.run``)."""
    import argparse

    from benchmarks import models
    from benchmarks.corpora import load_demo

    p = argparse.ArgumentParser(
        prog="python -m benchmarks.training", description=__doc__.splitlines()[0]
    )
    p.add_argument(
        "--encoder", choices=("e5", "tiny"), default="e5", help="e5-small or a tiny BERT"
    )
    p.add_argument("--batch", type=int, default=8, help="questions per step (8)")
    p.add_argument("--steps", type=int, default=3, help="timed steps after one warm-up step (3)")
    p.add_argument("--gpu-speedup", type=float, default=15.12,
                   help="assumed GPU / this CPU speed (section 7's figure of the last "
                   "full run: 15.12)")  # fmt: skip
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="xqg-train-bench-model-") as tmp:
        spec = models.e5_small() if args.encoder == "e5" else models.tiny_bert(Path(tmp) / "bert")
        figures, _ = measure_training(
            spec.model_dir, spec.name, load_demo(), args.batch, args.steps, args.gpu_speedup
        )
    for f in figures:
        print(f"{f.name}: {f.value:.4g} {f.unit}" + (f" ({f.note})" if f.note else ""))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
