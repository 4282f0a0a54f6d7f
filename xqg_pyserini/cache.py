"""Where xqg_pyserini keeps its per-user cache (converted models and the like).

Importing this module has no side effects; :func:`cache_dir` only computes a
path and creates nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CACHE_ENV", "cache_dir"]

CACHE_ENV = "XQG_PYSERINI_CACHE"


def cache_dir() -> Path:
    """Return the user cache root of xqg_pyserini (the directory may not exist yet).

    Resolution order: ``$XQG_PYSERINI_CACHE`` if set and non-empty; else
    ``$XDG_CACHE_HOME/xqg_pyserini`` if ``XDG_CACHE_HOME`` is an absolute path
    (the XDG spec says to ignore relative ones); else ``~/.cache/xqg_pyserini``.

    Returns
    -------
    pathlib.Path
        The cache root, with ``~`` expanded.
    """
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).expanduser().is_absolute():
        return Path(xdg).expanduser() / "xqg_pyserini"
    return Path.home() / ".cache" / "xqg_pyserini"
