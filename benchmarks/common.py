"""Shared pieces of the benchmarks: figures, timing, child processes, machine facts."""

from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "ChildRun",
    "Figure",
    "Profiler",
    "machine_facts",
    "median",
    "run_child",
    "slope_rate",
]

PYTHON = sys.executable

# Linux starts a forked child's peak-RSS record at its parent's, so a child of this
# (large) process would report at least this process's peak. The wrapper is a fresh
# small interpreter that forks the command and writes the command's own ru_maxrss.
_RSS_WRAPPER = (
    "import os, sys\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execvp(sys.argv[2], sys.argv[2:])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


@dataclass
class Figure:
    """One measured or derived number; ``ratio``/``target``/``met`` only for target figures."""

    key: str
    name: str
    value: float
    unit: str
    section: str
    ratio: float | None = None
    target: str | None = None
    met: bool | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ChildRun:
    """A finished child process: wall time, peak resident memory, exit status."""

    command: list[str]
    wall_s: float
    max_rss_bytes: int
    returncode: int
    output_tail: str = ""


def run_child(command: Sequence[str], cwd: Path | None = None, log: Path | None = None) -> ChildRun:
    """Run ``command`` and measure its wall time and its own peak RSS (``wait4`` in a wrapper).

    Raises
    ------
    RuntimeError
        If the command fails (with the end of its output).
    """
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "HF_HUB_OFFLINE": "1"}
    env.setdefault("OPENAI_API_KEY", "unused-by-benchmarks")
    out = open(log, "ab") if log is not None else subprocess.DEVNULL  # noqa: SIM115
    with tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "maxrss"
        wrapped = [PYTHON, "-c", _RSS_WRAPPER, str(rss_file), *command]
        try:
            start = time.perf_counter()
            proc = subprocess.run(wrapped, cwd=cwd, env=env, stdout=out, stderr=out, check=False)
            wall = time.perf_counter() - start
        finally:
            if log is not None:
                out.close()
        max_rss_kib = int(rss_file.read_text()) if rss_file.is_file() else 0
    tail = log.read_text("utf-8", "replace")[-3000:] if log is not None else ""
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {proc.returncode}:\n{tail}")
    return ChildRun(list(command), wall, max_rss_kib * 1024, proc.returncode, tail)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def slope_rate(small: int, small_s: Sequence[float], large: int, large_s: Sequence[float]) -> float:
    """Items per second excluding start-up: (large - small) / (median large - median small)."""
    extra = median(large_s) - median(small_s)
    return (large - small) / extra if extra > 0 else math.nan


@dataclass
class Profiler:
    """Exclusive time per label for wrapped callables (nested calls are not double counted)."""

    seconds: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    _stack: list[list[float]] = field(default_factory=list)
    _restore: list[tuple[Any, str, Any]] = field(default_factory=list)

    def wrap(self, owner: Any, name: str, label: str) -> None:
        """Replace ``owner.name`` with a timed version until :meth:`restore`."""
        original = getattr(owner, name)
        self._restore.append((owner, name, original))
        profiler = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            return profiler.time(label, original, *args, **kwargs)

        setattr(owner, name, timed)

    def time(self, label: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        self._stack.append([0.0])  # time spent in nested timed calls
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            spent = time.perf_counter() - start
            nested = self._stack.pop()[0]
            self.seconds[label] = self.seconds.get(label, 0.0) + spent - nested
            self.calls[label] = self.calls.get(label, 0) + 1
            if self._stack:
                self._stack[-1][0] += spent

    def restore(self) -> None:
        for owner, name, original in reversed(self._restore):
            setattr(owner, name, original)
        self._restore.clear()


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_facts() -> dict[str, Any]:
    """CPU, memory and library versions, for the JSON record."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in ("xqg_pyserini", "pyserini", "torch", "transformers", "faiss-cpu", "numpy"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    mem_total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_total = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_bytes": mem_total,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
    }
