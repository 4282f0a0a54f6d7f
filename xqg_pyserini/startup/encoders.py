"""Start-up job: ``--encoder-class xqg`` in Pyserini (see docs/pyserini.md).

After ``pyserini.encode`` runs, ``xqg`` joins its two encoder maps; when
``pyserini.search.faiss.__main__`` or ``pyserini.encode.__main__`` runs, its
source is compiled with ``xqg`` among the ``--encoder-class`` choices. What is
registered, and for which Pyserini versions, is
:mod:`xqg_pyserini.plugin.registration`'s; a failure only warns (or, when
``xqg`` was asked for, stops with one line) and never breaks Pyserini itself.
"""

from __future__ import annotations

import importlib.abc
import sys
import warnings
from types import CodeType, ModuleType

from xqg_pyserini.startup.loaders import AfterLoader, CodeLoader

__all__ = ["cli_module_code", "register_encoders", "wrap"]

ENCODE_MODULE = "pyserini.encode"


def wrap(fullname: str, loader: importlib.abc.Loader) -> importlib.abc.Loader:
    """The encoder maps' module registers after running; a CLI module runs patched code."""
    if fullname == ENCODE_MODULE:
        return AfterLoader(loader, register_encoders)
    return CodeLoader(loader, cli_module_code)


def register_encoders(module: ModuleType) -> None:
    """Add ``xqg`` to ``pyserini.encode``'s maps; warn on failure."""
    try:
        from xqg_pyserini.plugin.registration import register_encoder_maps
    except ImportError:  # package partly installed: Pyserini still works
        return
    try:
        register_encoder_maps(module)
    except Exception as exc:  # never let our registration break Pyserini itself
        warnings.warn(f"xqg_pyserini could not register its encoders: {exc}", stacklevel=2)


def cli_module_code(fullname: str, source: str | bytes, filename: str) -> CodeType | None:
    """A Pyserini CLI's code with ``xqg`` among its choices, or None for the original."""
    from xqg_pyserini.plugin.registration import cli_code

    return cli_code(source, filename, sys.argv[1:])
