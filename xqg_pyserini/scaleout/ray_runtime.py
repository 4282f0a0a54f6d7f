"""The ``--backend ray`` flags, and starting (or joining) Ray for one command.

:func:`add_ray_arguments` adds the flags to a command's parser;
:func:`ray_options` turns them into a :class:`RayOptions` (a one-line
``ValueError`` for a bad value); :func:`init_ray` imports Ray (or says in one
line how to install it), starts a local Ray or joins ``--ray-address``, and
shuts down what it started. The actors' environment is set here
(:func:`actor_env`): Ray caps torch's threads at an actor's ``num_cpus`` through
``OMP_NUM_THREADS``; Hugging Face tokenizers start their own thread pool
(``RAYON_RS_NUM_CPUS``, ``TOKENIZERS_PARALLELISM``), which would otherwise take
every core of the node in every actor.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from xqg_pyserini.errors import XqgError

__all__ = [
    "BACKENDS",
    "GENERATE_BLOCK_BATCHES",
    "INSTALL_HINT",
    "RayNotInstalledError",
    "RayOptions",
    "ScaleoutError",
    "actor_env",
    "add_ray_arguments",
    "import_ray",
    "init_ray",
    "ray_options",
]

BACKENDS = ("local", "ray")
INSTALL_HINT = "pip install 'xqg_pyserini[ray]'"
DEFAULT_CPUS_PER_ACTOR = 1.0
DEFAULT_MAX_RETRIES = 2
GENERATE_BLOCK_BATCHES = 16
"""Default batches per block of ``python -m xqg_pyserini.generate --backend ray``."""
FREE_CPUS = 1
"""CPUs left to Ray Data's own tasks: a dataset whose actors take every CPU can stall."""


class RayNotInstalledError(XqgError, ImportError):
    """``--backend ray`` without Ray installed."""


class ScaleoutError(XqgError, RuntimeError):
    """A block that kept failing, a job Ray stopped, or actors that disagree (one line)."""


@dataclass(frozen=True)
class RayOptions:
    """How to run the blocks on Ray (from the ``--backend ray`` flags)."""

    address: str | None = None
    """A running cluster (``auto``, ``ray://host:10001``, ``host:6379``); None: a local Ray."""
    min_actors: int | None = None
    """Fewest actors in the pool (None: derived from the cluster's resources)."""
    max_actors: int | None = None
    """Most actors in the pool (None: derived from the cluster's resources)."""
    cpus_per_actor: float = DEFAULT_CPUS_PER_ACTOR
    gpus_per_actor: float = 0.0
    block_size: int | None = None
    """Passages per block (None: the command's default)."""
    max_retries: int = DEFAULT_MAX_RETRIES
    """Tries of a failing block after its first, inside its actor (and actor restarts)."""

    @property
    def threads(self) -> int:
        """Threads per actor for torch and the tokenizers: its CPUs, at least one."""
        return max(1, math.floor(self.cpus_per_actor))

    def pool_size(self, cluster: dict[str, float]) -> tuple[int, int]:
        """(min, max) actors for a cluster with these resources (``ray.cluster_resources()``).

        Without ``--num-actors``: one actor per ``--num-gpus-per-actor`` GPUs, or
        as many as fit in the CPUs less :data:`FREE_CPUS`. A maximum that does not
        fit is lowered to what fits (with a notice on stderr).

        Raises
        ------
        ValueError
            If even the minimum does not fit.
        """
        cpus = float(cluster.get("CPU", 0.0))
        gpus = float(cluster.get("GPU", 0.0))
        fit = math.inf
        if self.cpus_per_actor > 0:
            fit = math.floor((cpus - FREE_CPUS) / self.cpus_per_actor + 1e-9)
        if self.gpus_per_actor > 0:
            fit = min(fit, math.floor(gpus / self.gpus_per_actor + 1e-9))
        if fit == math.inf:
            fit = max(1, int(cpus))
        low = self.min_actors if self.min_actors is not None else 1
        high = self.max_actors if self.max_actors is not None else max(fit, 1)
        if low > fit:
            raise ValueError(
                f"{low} actor{'s' if low > 1 else ''} of {self.cpus_per_actor:g} CPUs and "
                f"{self.gpus_per_actor:g} GPUs do not fit in the cluster ({cpus:g} CPUs, "
                f"{gpus:g} GPUs) with {FREE_CPUS} CPU left free for Ray Data's own tasks: "
                "lower --num-actors or --num-cpus-per-actor"
            )
        if high > fit:
            print(
                f"ray: at most {fit} actors fit ({cpus:g} CPUs, {gpus:g} GPUs, {FREE_CPUS} CPU "
                f"left free for Ray Data); using {low}-{fit}",
                file=sys.stderr,
            )
            high = fit
        return low, max(low, high)


def add_ray_arguments(parser: argparse.ArgumentParser, block_default: str) -> None:
    """``--backend`` and the Ray flags; ``block_default``: ``--ray-block-size``'s default."""
    group = parser.add_argument_group("distributed run (--backend ray)")
    group.add_argument(
        "--backend",
        choices=BACKENDS,
        default="local",
        help="local = this process; ray = blocks of passages run by a pool of Ray actors "
        f"(one model load per actor), resumable block by block; needs {INSTALL_HINT} "
        "(default: local)",
    )
    group.add_argument(
        "--ray-address",
        default=None,
        metavar="ADDRESS",
        help="join a running Ray cluster (auto, HOST:6379 or ray://HOST:10001); the outputs "
        "must be on a file system every node sees (default: start a local Ray on this machine)",
    )
    group.add_argument(
        "--num-actors",
        default=None,
        metavar="N|MIN-MAX",
        help="actors in the pool, a number or an autoscaling range MIN-MAX (default: one per "
        "--num-gpus-per-actor GPUs, else as many as fit in the cluster's CPUs less one, "
        "which stays free for Ray Data's own tasks: a pool that takes every CPU can stall)",
    )
    group.add_argument(
        "--num-cpus-per-actor",
        type=float,
        default=DEFAULT_CPUS_PER_ACTOR,
        metavar="N",
        help="CPUs reserved per actor; torch and the tokenizers get this many threads "
        f"(default: {DEFAULT_CPUS_PER_ACTOR:g})",
    )
    group.add_argument(
        "--num-gpus-per-actor",
        type=float,
        default=0.0,
        metavar="N",
        help="GPUs per actor (a fraction shares a GPU); with --device cuda (default: 0)",
    )
    group.add_argument(
        "--ray-block-size",
        type=int,
        default=None,
        metavar="N",
        help="passages per block, the unit of work, retry and resumption "
        f"(default: {block_default})",
    )
    group.add_argument(
        "--ray-max-retries",
        type=int,
        default=DEFAULT_MAX_RETRIES,
        metavar="N",
        help="tries of a failing block after the first (and restarts of a dead actor); then the "
        f"run stops with one line naming the block's passages (default: {DEFAULT_MAX_RETRIES})",
    )


def _actor_range(value: str | None) -> tuple[int | None, int | None]:
    if value is None:
        return None, None
    text = str(value).strip()
    low_text, sep, high_text = text.partition("-")
    try:
        low = int(low_text)
        high = int(high_text) if sep else low
    except ValueError:
        raise ValueError(f"--num-actors must be N or MIN-MAX, got {value!r}") from None
    if low < 1 or high < low:
        raise ValueError(f"--num-actors must be at least 1 (and MIN <= MAX), got {value!r}")
    return low, high


def ray_options(args: argparse.Namespace) -> RayOptions | None:
    """The Ray options of ``--backend ray``; None for ``--backend local``.

    Raises
    ------
    ValueError
        On an out-of-range value, or a Ray flag given with ``--backend local``.
    """
    if args.backend not in BACKENDS:
        raise ValueError(f"--backend must be one of {', '.join(BACKENDS)}, got {args.backend!r}")
    if args.backend == "local":
        given = [
            flag
            for dest, flag, default in (
                ("ray_address", "--ray-address", None),
                ("num_actors", "--num-actors", None),
                ("num_cpus_per_actor", "--num-cpus-per-actor", DEFAULT_CPUS_PER_ACTOR),
                ("num_gpus_per_actor", "--num-gpus-per-actor", 0.0),
                ("ray_block_size", "--ray-block-size", None),
                ("ray_max_retries", "--ray-max-retries", DEFAULT_MAX_RETRIES),
            )
            if getattr(args, dest) != default
        ]
        if given:
            raise ValueError(f"{given[0]} needs --backend ray")
        return None
    low, high = _actor_range(args.num_actors)
    cpus, gpus = float(args.num_cpus_per_actor), float(args.num_gpus_per_actor)
    if not cpus >= 0 or not math.isfinite(cpus):
        raise ValueError(f"--num-cpus-per-actor must be at least 0, got {args.num_cpus_per_actor}")
    if not gpus >= 0 or not math.isfinite(gpus):
        raise ValueError(f"--num-gpus-per-actor must be at least 0, got {args.num_gpus_per_actor}")
    if cpus == 0 and gpus == 0:
        raise ValueError("--num-cpus-per-actor and --num-gpus-per-actor cannot both be 0")
    if args.ray_block_size is not None and args.ray_block_size < 1:
        raise ValueError(f"--ray-block-size must be at least 1, got {args.ray_block_size}")
    if args.ray_max_retries < 0:
        raise ValueError(f"--ray-max-retries must be at least 0, got {args.ray_max_retries}")
    return RayOptions(
        address=args.ray_address,
        min_actors=low,
        max_actors=high,
        cpus_per_actor=cpus,
        gpus_per_actor=gpus,
        block_size=args.ray_block_size,
        max_retries=args.ray_max_retries,
    )


def import_ray() -> Any:
    """The ``ray`` module with Ray Data.

    Raises
    ------
    RayNotInstalledError
        With the one-line install hint.
    """
    try:
        import ray
        import ray.data  # noqa: F401 - the extra: ray[data]
    except ImportError:
        raise RayNotInstalledError(f"--backend ray needs Ray Data: {INSTALL_HINT}") from None
    return ray


def actor_env(options: RayOptions) -> dict[str, str]:
    """Environment of every actor: threads capped at its CPUs, tokenizers' pool included."""
    threads = str(options.threads)
    return {
        "TOKENIZERS_PARALLELISM": "false",
        "RAYON_RS_NUM_CPUS": threads,
        "OMP_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads,
    }


@contextlib.contextmanager
def init_ray(options: RayOptions) -> Iterator[Any]:
    """Ray, started locally or joined at ``options.address``, quiet; yields the module.

    A Ray already initialised in this process (a test's, a notebook's) is used
    as it is and left running; one started here is shut down at the end.

    Raises
    ------
    RayNotInstalledError
        If Ray Data is not installed.
    ScaleoutError
        If the cluster cannot be reached.
    """
    import logging

    ray = import_ray()
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # the command draws its own bar of blocks
    context.enable_operator_progress_bars = False
    context.print_on_execution_start = False
    context.enable_auto_log_stats = False
    logging.getLogger("ray").setLevel(logging.ERROR)
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    started = False
    if not ray.is_initialized():
        os.environ.setdefault("RAY_DEDUP_LOGS", "0")
        try:
            ray.init(
                address=options.address,
                runtime_env={"env_vars": actor_env(options)},
                include_dashboard=False,
                logging_level=logging.ERROR,
                log_to_driver=False,
                configure_logging=True,
            )
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = options.address or "a local Ray"
            first = (str(exc).strip() or type(exc).__name__).splitlines()[0]
            raise ScaleoutError(f"cannot start or join {where}: {first}") from None
        started = True
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()
