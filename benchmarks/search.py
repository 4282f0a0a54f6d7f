"""Figure 4: FaissSearcher over the xQG index versus the plain index, same encoder and queries.

Run as a child process (``python -m benchmarks.search``) so the JVM that
``pyserini.search`` starts stays out of the other measurements. The two
indexes are built from the same corpus by the same encoder, one with and one
without generated questions; rounds alternate plain, xQG, plain, xQG.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

__all__ = ["main", "time_searcher"]


def time_searcher(searcher, queries: list[str], k: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Median per-query latency of ``search`` and the throughput of ``batch_search``."""
    latencies = []
    for q in queries:
        start = time.perf_counter()
        searcher.search(q, k=k)
        latencies.append(time.perf_counter() - start)
    start = time.perf_counter()
    searcher.batch_search(queries, [str(i) for i in range(len(queries))], k=k, threads=1)
    batch = time.perf_counter() - start
    return {"median_latency_s": statistics.median(latencies), "qps": len(queries) / batch}


def paired_latency_ratio(searchers: dict, queries: list[str], k: int) -> float:  # type: ignore[type-arg]
    """Median over queries of latency(xqg) / latency(plain), each query timed on both back to back.

    Pairing per query (order alternating) cancels the load drift of a shared
    machine, which shifts whole rounds by far more than the two indexes differ.
    """
    ratios = []
    for i, q in enumerate(queries):
        timed = {}
        for name in ("plain", "xqg") if i % 2 == 0 else ("xqg", "plain"):
            start = time.perf_counter()
            searchers[name].search(q, k=k)
            timed[name] = time.perf_counter() - start
        ratios.append(timed["xqg"] / timed["plain"])
    return statistics.median(ratios)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.search")
    p.add_argument("--plain", type=Path, required=True)
    p.add_argument("--xqg", type=Path, required=True)
    p.add_argument("--queries", type=Path, required=True, help="one question per line")
    p.add_argument("--repetitions", type=int, default=3)
    p.add_argument("--hits", type=int, default=100)
    p.add_argument("--output", type=Path, required=True)
    args = p.parse_args(argv)

    from pyserini.search.faiss import FaissSearcher

    from xqg_pyserini.encoders.pyserini_api import XqgQueryEncoder

    queries = args.queries.read_text("utf-8").splitlines()
    searchers = {
        name: FaissSearcher(str(path), XqgQueryEncoder.from_index(path))
        for name, path in (("plain", args.plain), ("xqg", args.xqg))
    }
    for searcher in searchers.values():  # warm-up: first calls allocate
        time_searcher(searcher, queries[:10], args.hits)
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in searchers}
    for r in range(args.repetitions):
        order = list(searchers) if r % 2 == 0 else list(reversed(searchers))  # A B, B A, ...
        for name in order:
            rounds[name].append(time_searcher(searchers[name], queries, args.hits))
    paired = [paired_latency_ratio(searchers, queries, args.hits) for _ in range(args.repetitions)]
    result: dict[str, object] = {
        name: {
            "median_latency_s": statistics.median(r["median_latency_s"] for r in rs),
            "qps": statistics.median(r["qps"] for r in rs),
            "rounds": rs,
            "vectors": searchers[name].index.ntotal,
        }
        for name, rs in rounds.items()
    }
    result["paired_latency_ratio"] = statistics.median(paired)
    result["paired_latency_ratio_rounds"] = paired
    args.output.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
