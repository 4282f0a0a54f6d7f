"""The overhead of ``--backend ray``: one index build, single process vs one Ray actor.

``python -m benchmarks.ray_overhead [--passages 500] [--cpus 2] [--repeats 3] [--encoder ...]``

Both builds run in this process through ``xqg_pyserini.index.main`` on the first
``--passages`` passages of the bundled xqg-demo collection, float32, batch 32:
the single-process build with ``--cpus`` torch threads, then ``--backend ray``
with one actor of ``--cpus`` CPUs (so the same threads do the encoding) in a
local Ray started here with ``--cpus`` + 1 logical CPUs: the extra one is the
CPU the pool leaves free for Ray Data's own tasks, which here do no real work.
The Ray time includes the actor's start (a Python process importing torch) and
its model load, as the single-process time includes its model load; Ray's own
start (``ray.init``) is printed apart. The two builds alternate ``--repeats`` times
(single, Ray, single, Ray, ...) so that a shared machine's slow spells fall on both;
prints every time, the medians, the ratio of the medians and the largest difference
between the two indexes' vectors. Needs ``xqg_pyserini[ray]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path


def _corpus(path: Path, count: int) -> Path:
    from xqg_pyserini.data.formats import read_dpr_tsv
    from xqg_pyserini.irds.xqg_demo import CORPUS_FILE, directory

    with path.open("w", encoding="utf-8") as f:
        for number, doc in enumerate(read_dpr_tsv(directory() / CORPUS_FILE)):
            if number == count:
                break
            record = {"docid": doc.doc_id, "title": doc.title, "text": doc.text}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def _vectors(directory: Path):  # type: ignore[no-untyped-def]
    import faiss

    index = faiss.read_index(str(directory / "index"))
    return index.reconstruct_n(0, index.ntotal)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.ray_overhead", description=__doc__)
    p.add_argument("--passages", type=int, default=500, help="demo passages (default: 500)")
    p.add_argument("--cpus", type=int, default=2, help="threads of each build (default: 2)")
    p.add_argument(
        "--encoder",
        default="multilingual-e5-small",
        help="encoder preset or directory (default: multilingual-e5-small)",
    )
    p.add_argument("--batch-size", type=int, default=32, help="encoder batch (default: 32)")
    p.add_argument(
        "--repeats", type=int, default=3, help="alternating runs of each build (default: 3)"
    )
    args = p.parse_args(argv)

    import numpy as np
    import ray
    import torch

    from xqg_pyserini import index

    work = Path(tempfile.mkdtemp(prefix="ray-overhead-"))
    try:
        corpus = _corpus(work / "corpus.jsonl", args.passages)
        common = [
            "--corpus", str(corpus), "--encoder", args.encoder, "--dtype", "float32",
            "--batch-size", str(args.batch_size), "--no-progress",
        ]  # fmt: skip
        torch.set_num_threads(args.cpus)
        start = time.perf_counter()
        ray.init(num_cpus=args.cpus + 1, include_dashboard=False, log_to_driver=False)
        started = time.perf_counter() - start
        flags = ["--backend", "ray", "--num-actors", "1", "--num-cpus-per-actor", str(args.cpus)]
        singles, rays = [], []
        for repeat in range(args.repeats):
            start = time.perf_counter()
            single_dir = work / f"single-{repeat}"
            assert index.main([*common, "--output", str(single_dir)]) == 0
            singles.append(time.perf_counter() - start)
            start = time.perf_counter()
            ray_dir = work / f"ray-{repeat}"
            assert index.main([*common, "--output", str(ray_dir), *flags]) == 0
            rays.append(time.perf_counter() - start)
        ray.shutdown()
        difference = float(np.abs(_vectors(single_dir) - _vectors(ray_dir)).max())
        single, on_ray = float(np.median(singles)), float(np.median(rays))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"\n{args.passages} passages, {args.encoder}, {args.cpus} CPUs:\n"
        f"  single process   {single:8.1f} s median of {', '.join(f'{t:.1f}' for t in singles)}\n"
        f"  --backend ray    {on_ray:8.1f} s median of {', '.join(f'{t:.1f}' for t in rays)}"
        f"  (ray.init {started:.1f} s apart)\n"
        f"  ratio            {on_ray / single:8.2f} (of the medians)\n"
        f"  max |difference| {difference:.2e}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
