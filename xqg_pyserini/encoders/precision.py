"""The precision an encoder runs in: ``--dtype auto`` picks the fastest the hardware has.

* ``auto`` (the default): on a GPU, bfloat16 where the GPU supports it, else
  float16; on a CPU that reports ``avx512_bf16`` or ``amx_bf16``, bfloat16; on
  any other CPU float32, with a one-line notice saying why.
* ``bfloat16`` casts the model's weights to bfloat16, on a CPU (matrix products
  on AMX or AVX-512 BF16 units; PyTorch accumulates layer norms and softmax in
  float32) as on a GPU. Padded lengths are rounded up to a multiple of 4 up to
  64 tokens and of 16 beyond (:func:`pad_multiple`).
* ``float16`` needs a GPU; asked for on a CPU it is refused in one line.
* ``float32`` is the reference, one flag away.

Vectors come back as float32 whatever the precision; an index records the
precision it was built in (``build_key["dtype"]`` and ``precision`` in
``metadata.json``), and its query encoder runs in the same one. Measured on the
2-core AVX-512 machines here (docs/benchmarks.md, section 1): bfloat16 weights
encode 2-3x faster than float32 with a cosine of 0.99998 between the two, and
faster than ``torch.autocast`` (which keeps float32 weights and casts them on
every call); dynamic int8 quantisation of the linear layers was slower than
bfloat16 and further from float32, so it is measured but not offered.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

from xqg_pyserini.errors import XqgError

__all__ = [
    "DTYPES",
    "PRECISIONS",
    "PrecisionError",
    "cpu_bf16_features",
    "pad_multiple",
    "resolve_dtype",
]

DTYPES = ("float32", "float16", "bfloat16")
"""Precisions an encoder can run in."""
PRECISIONS = ("auto", *DTYPES)
"""What ``--dtype`` accepts."""
BF16_CPU_FLAGS = ("amx_bf16", "avx512_bf16")
"""``/proc/cpuinfo`` flags of CPUs with native bfloat16 arithmetic."""
CPUINFO = Path("/proc/cpuinfo")


class PrecisionError(XqgError, ValueError):
    """A precision the device cannot run (float16 on a CPU) or an unknown name."""


@functools.lru_cache(maxsize=1)
def cpu_bf16_features() -> tuple[str, ...]:
    """The bfloat16 features this CPU reports (of :data:`BF16_CPU_FLAGS`); empty if none.

    Read from ``/proc/cpuinfo`` (Linux); elsewhere nothing is reported, so
    ``auto`` stays float32 on the CPU.
    """
    try:
        with CPUINFO.open(encoding="utf-8", errors="replace") as info:
            for line in info:
                if line.startswith("flags"):
                    flags = set(line.partition(":")[2].split())
                    return tuple(flag for flag in BF16_CPU_FLAGS if flag in flags)
    except OSError:
        pass
    return ()


def _device_type(device: str) -> str:
    return str(device).split(":", 1)[0]


def _gpu_bf16(device: str) -> bool:
    import torch

    return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())


_notified: set[str] = set()


def _notice(message: str) -> None:
    """Print a notice once per process, on stderr."""
    if message not in _notified:
        _notified.add(message)
        print(f"xqg_pyserini: {message}", file=sys.stderr)


def resolve_dtype(requested: str, device: str = "cpu") -> str:
    """The precision to run in on ``device`` for ``--dtype requested``.

    Raises
    ------
    PrecisionError
        For an unknown name, or float16 on a CPU.
    """
    if requested not in PRECISIONS:
        raise PrecisionError(f"--dtype must be one of {', '.join(PRECISIONS)}, got {requested!r}")
    kind = _device_type(device)
    if kind == "cpu":
        if requested == "float16":
            raise PrecisionError(
                "--dtype float16 needs a GPU; on the CPU use bfloat16 (or auto) or float32"
            )
        has_bf16 = bool(cpu_bf16_features())
        if requested == "auto":
            if has_bf16:
                return "bfloat16"
            _notice(
                "this CPU reports no bfloat16 instructions (avx512_bf16 or amx_bf16): "
                "encoding in float32"
            )
            return "float32"
        if requested == "bfloat16" and not has_bf16:
            _notice(
                "--dtype bfloat16 on a CPU without bfloat16 instructions (avx512_bf16 or "
                "amx_bf16) is emulated and slower than float32"
            )
        return requested
    if requested == "auto":
        if kind == "cuda":
            return "bfloat16" if _gpu_bf16(device) else "float16"
        return "float32"  # mps and others: the safe choice
    return requested


PAD_MULTIPLE = 16
"""Padded lengths are rounded up to a multiple of this (of a quarter of it up to 4x it)."""


def pad_multiple(dtype: str) -> int | None:
    """What padded lengths are rounded up to a multiple of: 16 in bfloat16/float16, else none.

    Up to 64 tokens a quarter of it, 4
    (:func:`~xqg_pyserini.encoders.embedding.padded_length`): generated
    questions average 14 tokens, and 16 would pad them by 30 % against 11 %.

    oneDNN (the CPU's bfloat16 kernels) compiles and caches kernels per input
    shape, so every new padded length costs compile time and cache memory;
    GPU tensor cores want multiples of 8 too. float32 stays padded to the
    longest text, as the reference encoders pad.
    """
    return None if dtype == "float32" else PAD_MULTIPLE
