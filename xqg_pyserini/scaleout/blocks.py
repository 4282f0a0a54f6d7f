"""The block executor of ``--backend ray``: blocks of passages through a Ray Data actor pool.

The command's driver streams the corpus and cuts it into blocks at fixed
positions (block ``n`` holds the ``n``-th ``--ray-block-size`` passages of the
shard), so a block's output can be named by its number and found again by a
re-run: a block whose output exists is not sent again. :func:`run_blocks`
puts each pending block's rows into Ray's object store as one Arrow table (the
driver holds one block at a time; the store spills to disk), makes them one
dataset whose blocks are those tables, and runs ``map_batches`` over it with
:class:`BlockActor`, an actor-pool class: each actor loads the model once
(:meth:`BlockWorker.load`) and then writes one output per block
(:meth:`BlockWorker.run`, atomically: temporary name, then rename). A block
that raises is tried again in its actor up to ``--ray-max-retries`` times;
if it keeps failing, the run stops with one line naming the block's first and
last docid (:class:`~xqg_pyserini.scaleout.ray_runtime.ScaleoutError`). A dead
actor is restarted by Ray (``max_restarts``) and its block retried. Every block
sent must come back done, so a block never goes missing silently.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from xqg_pyserini.scaleout.ray_runtime import RayOptions, ScaleoutError, actor_env

__all__ = ["BlockActor", "BlockInput", "BlockWorker", "block_name", "run_blocks"]

BLOCK_COLUMN = "__block"
FAIL_ENV = "XQG_SCALEOUT_FAIL"
"""Tests only: ``N:K`` makes block N raise in its first K tries (``N:always``: every try;
``N:hang``: block N never finishes, so that a test can kill the driver mid-way)."""


def block_name(number: int, suffix: str) -> str:
    """The file name of block ``number``'s output: ``NNNNNN`` and ``suffix`` (e.g. ``.jsonl``)."""
    return f"{number:06d}{suffix}"


@dataclass
class BlockInput:
    """One pending block: its number, its passages' docids and its columns (one row each)."""

    number: int
    docids: list[str]
    columns: dict[str, list[Any]]

    def describe(self) -> str:
        return f"block {self.number} (passages {self.docids[0]} to {self.docids[-1]})"


class BlockWorker(Protocol):
    """What an actor runs: picklable, loaded once per actor, then called per block."""

    def load(self) -> None:
        """Load the model (in the actor)."""
        ...

    def run(self, number: int, rows: dict[str, list[Any]]) -> dict[str, Any]:
        """Write block ``number``'s output atomically; JSON-ready facts for the driver."""
        ...


def _first_line(exc: BaseException) -> str:
    text = (str(exc).strip() or type(exc).__name__).splitlines()[0]
    return f"{type(exc).__name__}: {text}"


def _injected_failure(number: int, attempt: int) -> None:
    spec = os.environ.get(FAIL_ENV)
    if not spec:
        return
    block, _, times = spec.partition(":")
    if int(block) == number and times == "hang":
        import time

        time.sleep(3600)
    if int(block) == number and (times == "always" or attempt < int(times or 1)):
        raise RuntimeError(f"injected failure of block {number} ({FAIL_ENV}={spec})")


class BlockActor:
    """The actor-pool class of ``map_batches``: one worker (one model load) per actor."""

    def __init__(self, worker: BlockWorker, retries: int, threads: int) -> None:
        self.retries = retries
        self.load_error: str | None = None
        try:
            import torch

            torch.set_num_threads(threads)  # Ray also sets OMP_NUM_THREADS = num_cpus
        except ImportError:  # pragma: no cover - torch is a dependency
            pass
        self.worker = worker
        try:
            worker.load()
        except Exception as exc:  # reported per block, in one line, by the driver
            self.load_error = _first_line(exc)

    def __call__(self, batch: Any) -> dict[str, list[Any]]:
        columns = batch.to_pydict()
        numbers = columns.pop(BLOCK_COLUMN)
        out: dict[str, list[Any]] = {"block": [], "ok": [], "error": [], "facts": []}
        for number in dict.fromkeys(numbers):  # blocks in order; normally one per batch
            rows = {
                name: [v for v, n in zip(values, numbers, strict=True) if n == number]
                for name, values in columns.items()
            }
            ok, error, facts = self._run(int(number), rows)
            out["block"].append(int(number))
            out["ok"].append(ok)
            out["error"].append(error)
            out["facts"].append(json.dumps(facts))
        return out

    def _run(self, number: int, rows: dict[str, list[Any]]) -> tuple[bool, str, dict[str, Any]]:
        if self.load_error is not None:
            return False, f"the actor could not load its model: {self.load_error}", {}
        error = ""
        for attempt in range(self.retries + 1):
            try:
                _injected_failure(number, attempt)
                return True, "", self.worker.run(number, rows)
            except Exception as exc:  # retried, then reported by the driver
                error = _first_line(exc)
        tries = self.retries + 1
        return False, f"failed {tries} time{'s' if tries > 1 else ''}: {error}", {}


def _table(block: BlockInput) -> Any:
    import pyarrow as pa

    data = {BLOCK_COLUMN: [block.number] * len(block.docids), **block.columns}
    return pa.table(data)


def run_blocks(
    ray: Any,
    options: RayOptions,
    pending: Iterable[BlockInput],
    worker: BlockWorker,
    *,
    on_done: Callable[[int, dict[str, Any]], None] | None = None,
    progress: bool = False,
) -> int:
    """Run every pending block through the actor pool; the number of blocks run.

    ``on_done(number, facts)`` is called in the driver as each block comes back
    done (in completion order).

    Raises
    ------
    ScaleoutError
        If a block keeps failing (one line naming its passages), or Ray stops the job.
    """
    from xqg_pyserini.progress import progress_bar

    described: dict[int, str] = {}
    refs = []
    for block in pending:
        if not block.docids:
            continue
        described[block.number] = block.describe()
        refs.append(ray.put(_table(block)))
    if not refs:
        return 0
    low, high = options.pool_size(ray.cluster_resources())
    high = min(high, len(refs))
    low = min(low, high)
    with warnings.catch_warnings():  # max_restarts and max_task_retries: no named parameter yet
        warnings.filterwarnings("ignore", message=".*ray_remote_args.*is deprecated")
        dataset = _map(ray, refs, worker, options, low, high)
    done: set[int] = set()
    bar = progress_bar(total=len(refs), unit="block", desc="ray blocks", enabled=progress)
    try:
        with bar:
            for row in dataset.iter_rows():
                number = int(row["block"])
                if not row["ok"]:
                    raise ScaleoutError(f"{described[number]} {row['error']}")
                done.add(number)
                if on_done is not None:
                    on_done(number, json.loads(row["facts"]))
                bar.update(1)
    except ScaleoutError:
        raise
    except Exception as exc:  # Ray stopped the job: an actor that kept dying, a lost node
        raise ScaleoutError(f"the Ray job stopped: {_first_line(exc)}") from None
    missing = sorted(set(described) - done)
    if missing:
        raise ScaleoutError(f"{described[missing[0]]} came back without its output")
    return len(done)


def _map(
    ray: Any, refs: list[Any], worker: BlockWorker, options: RayOptions, low: int, high: int
) -> Any:
    """The dataset of the blocks (one Arrow table each) mapped by the actor pool."""
    return ray.data.from_arrow_refs(refs).map_batches(
        BlockActor,
        fn_constructor_kwargs={
            "worker": worker,
            "retries": options.max_retries,
            "threads": options.threads,
        },
        batch_size=None,  # one batch per dataset block, i.e. per block of passages
        batch_format="pyarrow",
        concurrency=low if low == high else (low, high),
        num_cpus=options.cpus_per_actor,
        num_gpus=options.gpus_per_actor,
        runtime_env={"env_vars": _env(options)},
        max_restarts=options.max_retries,  # not Ray Data's default, -1: a dying block stops
        max_task_retries=options.max_retries,
    )


def _env(options: RayOptions) -> dict[str, str]:
    env = actor_env(options)
    if os.environ.get(FAIL_ENV):
        env[FAIL_ENV] = os.environ[FAIL_ENV]
    return env
