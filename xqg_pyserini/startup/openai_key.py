"""Start-up job: ``pyserini.encode._openai`` runs with a placeholder OpenAI key.

That module builds an OpenAI client at import time, and the client raises
without ``OPENAI_API_KEY``; since ``pyserini.encode`` imports it, every dense
Pyserini import would fail. The placeholder exists only while the module
executes: a key the user set is never touched, nothing leaks into the
environment or subprocesses, and code that really calls OpenAI without a key
still gets OpenAI's own error.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import os
from collections.abc import Iterator

from xqg_pyserini.startup.loaders import AroundLoader

__all__ = ["PLACEHOLDER_OPENAI_KEY", "placeholder_key", "wrap"]

PLACEHOLDER_OPENAI_KEY = "placeholder-set-by-xqg-pyserini-during-import"


def wrap(fullname: str, loader: importlib.abc.Loader) -> importlib.abc.Loader:
    """``pyserini.encode._openai``'s loader, run inside :func:`placeholder_key`."""
    return AroundLoader(loader, placeholder_key)


@contextlib.contextmanager
def placeholder_key() -> Iterator[None]:
    """``OPENAI_API_KEY`` set to a placeholder inside the block, unless the user set one."""
    if os.environ.get("OPENAI_API_KEY"):
        yield
        return
    os.environ["OPENAI_API_KEY"] = PLACEHOLDER_OPENAI_KEY
    try:
        yield
    finally:
        if os.environ.get("OPENAI_API_KEY") == PLACEHOLDER_OPENAI_KEY:
            del os.environ["OPENAI_API_KEY"]
