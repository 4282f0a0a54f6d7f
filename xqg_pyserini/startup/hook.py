"""The ``sys.meta_path`` finder that gives each start-up job its module's loader.

:data:`JOBS` names, for each module a job acts on, the job module and its
``wrap(fullname, loader)`` function (which may also decline with None). The
finder asks the other finders for the real spec and swaps in the wrapped loader;
for any other module it returns None at once, so interpreters that never import
Pyserini or ir_datasets pay one dict lookup per import.
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
import threading

__all__ = ["JOBS", "PyseriniImportHook", "install_import_hook"]

#: module imported -> the job module that wraps its loader
JOBS: dict[str, str] = {
    "pyserini": "xqg_pyserini.startup.jvm",
    "pyserini.encode._openai": "xqg_pyserini.startup.openai_key",
    "ir_datasets": "xqg_pyserini.startup.datasets",
    "pyserini.encode": "xqg_pyserini.startup.encoders",
    "pyserini.search.faiss.__main__": "xqg_pyserini.startup.encoders",
    "pyserini.encode.__main__": "xqg_pyserini.startup.encoders",
}


class PyseriniImportHook(importlib.abc.MetaPathFinder):
    """Wraps the loaders of the modules in :data:`JOBS` with their job."""

    def __init__(self) -> None:
        self._asking = threading.local()

    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        job = JOBS.get(fullname)
        if job is None:
            return None
        spec = self._spec_from_other_finders(fullname, path, target)
        if spec is None or spec.loader is None:
            return None
        try:
            wrap = importlib.import_module(job).wrap
        except ImportError:  # package partly installed: the module loads as usual
            return None
        wrapped = wrap(fullname, spec.loader)
        if wrapped is not None:
            spec.loader = wrapped
        return spec

    def _spec_from_other_finders(self, fullname, path, target):  # type: ignore[no-untyped-def]
        # Re-entrancy guard: another finder that also asks every finder would
        # otherwise bounce the same question back to us forever.
        if self._asking.__dict__.get(fullname):
            return None
        self._asking.__dict__[fullname] = True
        try:
            for finder in sys.meta_path:
                # another instance (a second install) would wrap the loader twice
                if isinstance(finder, PyseriniImportHook) or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(fullname, path, target)
                if spec is not None:
                    return spec
            return None
        finally:
            del self._asking.__dict__[fullname]


def install_import_hook() -> None:
    """Put :class:`PyseriniImportHook` first on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, PyseriniImportHook) for finder in sys.meta_path):
        sys.meta_path.insert(0, PyseriniImportHook())
