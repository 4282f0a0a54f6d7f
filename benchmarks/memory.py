"""Figure 3: peak resident memory of augmented builds as the corpus grows.

A tiny random BERT keeps the encoding cheap, so 100k passages x 35 questions
(3.5M questions) fit in minutes and what is measured is the pipeline's own
buffering. Each build is a child process; its peak RSS comes from ``wait4``.
The index's own bytes (vectors n x dim x 4 plus the docid strings, which the
writer holds until the end) are reported separately and subtracted.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from benchmarks.builds import _ours
from benchmarks.common import Figure, run_child
from benchmarks.corpora import write_synthetic
from benchmarks.models import EncoderSpec

__all__ = ["measure_memory"]

SECTION = "3 memory"
FLAT_TOLERANCE = 1.05  # peak RSS minus the index may grow by at most 5 % from smallest to largest


def _index_bytes(n: int, dimension: int) -> int:
    """Vectors (float32) plus the writer's docid list (a str object and a pointer each)."""
    return n * dimension * 4 + n * (len(f"s{n - 1}") + 49 + 8)


def measure_memory(
    work: Path, spec: EncoderSpec, sizes: tuple[int, ...], batch_size: int, log: Path
) -> tuple[list[Figure], dict[str, Any]]:
    """Build an xQG index of each synthetic corpus size; keeps the largest (and a plain twin)."""
    figures: list[Figure] = []
    raw: dict[str, Any] = {}
    net: dict[int, float] = {}
    largest = max(sizes)
    for n in sorted(sizes):
        corpus, generated = write_synthetic(work / f"syn-{n}", n)
        out = work / f"ix-syn-{n}-xqg"
        shutil.rmtree(out, ignore_errors=True)
        run = run_child(_ours(spec, corpus, out, batch_size, generated), log=log)
        index = _index_bytes(n, spec.dimension)
        net[n] = run.max_rss_bytes - index
        raw[str(n)] = {
            "wall_s": run.wall_s,
            "max_rss_bytes": run.max_rss_bytes,
            "index_bytes": index,
        }
        figures += [
            Figure(
                f"mem.rss_{n}",
                f"peak RSS, {n} passages x 35 questions",
                run.max_rss_bytes / 2**20,
                "MiB",
                SECTION,
            ),
            Figure(
                f"mem.index_{n}",
                f"index bytes (vectors + docids), {n} passages",
                index / 2**20,
                "MiB",
                SECTION,
            ),
            Figure(
                f"mem.wall_{n}",
                f"xQG build wall, {n} passages",
                run.wall_s,
                "s",
                SECTION,
                note=f"{35 * n / run.wall_s:.0f} questions/s",
            ),
        ]
        if n != largest:
            shutil.rmtree(out, ignore_errors=True)
    smallest = min(sizes)
    growth = net[largest] / net[smallest]
    figures.append(
        Figure(
            "mem.growth",
            f"peak RSS minus index, {largest} / {smallest} passages",
            growth,
            "x",
            SECTION,
            ratio=growth,
            target=f"<= {FLAT_TOLERANCE} (flat)",
            met=growth <= FLAT_TOLERANCE,
        )
    )
    corpus, _ = write_synthetic(work / f"syn-{largest}", largest)
    plain = work / f"ix-syn-{largest}-plain"
    shutil.rmtree(plain, ignore_errors=True)
    run_child(_ours(spec, corpus, plain, batch_size, None), log=log)
    raw["baseline_rss_bytes"] = net[smallest]
    return figures, raw
