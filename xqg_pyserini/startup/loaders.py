"""Loader wrappers the start-up jobs are made of: run something before, around or after
a module executes, or run different code for it.

Each wraps the module's real loader and forwards everything else to it:
packages read their own data through their loader (``get_data``,
``get_resource_reader``), e.g. ir_datasets' ``etc/downloads.json``.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
from collections.abc import Callable
from types import CodeType, ModuleType

__all__ = ["AfterLoader", "AroundLoader", "BeforeLoader", "CodeLoader", "DelegatingLoader"]


class DelegatingLoader(importlib.abc.Loader):
    """Wraps a module's real loader; everything but what a subclass changes is forwarded."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> object:
        return getattr(self._loader, name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)


class BeforeLoader(DelegatingLoader):
    """Calls ``before()`` right before the module executes."""

    def __init__(self, loader: importlib.abc.Loader, before: Callable[[], None]) -> None:
        super().__init__(loader)
        self._before = before

    def exec_module(self, module: ModuleType) -> None:
        self._before()
        self._loader.exec_module(module)


class AroundLoader(DelegatingLoader):
    """Executes the module inside ``context()`` (a context manager factory)."""

    def __init__(
        self, loader: importlib.abc.Loader, context: Callable[[], contextlib.AbstractContextManager]
    ) -> None:
        super().__init__(loader)
        self._context = context

    def exec_module(self, module: ModuleType) -> None:
        with self._context():
            self._loader.exec_module(module)


class AfterLoader(DelegatingLoader):
    """Calls ``after(module)`` once the module has executed."""

    def __init__(self, loader: importlib.abc.Loader, after: Callable[[ModuleType], None]) -> None:
        super().__init__(loader)
        self._after = after

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        self._after(module)


class CodeLoader(DelegatingLoader):
    """Runs ``code(fullname, source, filename)`` instead of the module's own code.

    ``code`` returns None to keep the original. ``python -m`` asks the loader for
    the code (``get_code``), a plain import executes the module: both get it.
    """

    def __init__(
        self,
        loader: importlib.abc.Loader,
        code: Callable[[str, str | bytes, str], CodeType | None],
    ) -> None:
        super().__init__(loader)
        self._code = code

    def get_code(self, fullname: str) -> CodeType:
        original = self._loader
        source = original.get_source(fullname)  # type: ignore[attr-defined]
        if source is not None:
            code = self._code(fullname, source, original.get_filename(fullname))  # type: ignore[attr-defined]
            if code is not None:
                return code
        return original.get_code(fullname)  # type: ignore[attr-defined]

    def exec_module(self, module: ModuleType) -> None:
        exec(self.get_code(module.__name__), module.__dict__)
