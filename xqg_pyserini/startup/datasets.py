"""Start-up job: after ``ir_datasets`` runs, register our dataset ids with it.

So ``ir_datasets.load("xqg-demo/dev")`` and the ``ir_datasets`` CLI know
``xor-tydi/...`` and ``xqg-demo/...`` without importing this package. A failing
registration only warns: it never breaks ``import ir_datasets``.
"""

from __future__ import annotations

import importlib.abc
import warnings
from types import ModuleType

from xqg_pyserini.startup.loaders import AfterLoader

__all__ = ["register_datasets", "wrap"]


def wrap(fullname: str, loader: importlib.abc.Loader) -> importlib.abc.Loader:
    """``ir_datasets``' loader, registering our ids once it has run."""
    return AfterLoader(loader, register_datasets)


def register_datasets(module: ModuleType) -> None:
    """Register our ids into the ``ir_datasets`` just imported; warn on failure."""
    try:
        from xqg_pyserini.irds import register
    except ImportError:  # package partly installed: ir_datasets still works
        return
    try:
        register()
    except Exception as exc:  # never let our registrations break ir_datasets itself
        warnings.warn(f"xqg_pyserini could not register its datasets: {exc}", stacklevel=2)
