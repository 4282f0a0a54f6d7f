"""Make ``import pyserini`` work in this environment, for our code and Pyserini's own CLIs.

Two things break a plain ``import pyserini`` on a fresh machine:

* Java: Anserini needs Java 21+, and Pyserini forces a JVM option that slim
  runtimes reject (see :mod:`xqg_pyserini.java`).
* OpenAI: ``pyserini.encode._openai`` builds an OpenAI client at import time and
  raises when ``OPENAI_API_KEY`` is unset, so every ``pyserini.encode`` /
  ``pyserini.search.faiss`` import dies.

:func:`prepare_pyserini` fixes the first; :class:`PyseriniImportHook`, a
``sys.meta_path`` finder, calls it when ``pyserini`` is first imported and runs
the import of ``pyserini.encode._openai`` with a placeholder key that exists
only while that module executes (a key the user set is never touched, and code
that really calls OpenAI without a key still gets OpenAI's own error). The same
finder registers our datasets (``xor-tydi/...``, ``xqg-demo/...``) right after
``ir_datasets`` is imported, so ``ir_datasets.load`` knows them in this environment,
and registers the ``xqg`` encoder class in Pyserini: in ``pyserini.encode``'s
encoder maps once that module is imported, and among the ``--encoder-class``
choices of ``python -m pyserini.search.faiss`` / ``pyserini.encode`` when they
run (see :mod:`xqg_pyserini.plugin.registration`, which also says what is
checked and left alone).

The hook reaches plain ``python -m pyserini...`` runs through a ``.pth`` start-up
file in site-packages (:func:`write_startup_file`, done by ``make`` and by
``python -m xqg_pyserini.doctor --install-hook``). Installing the finder does
nothing else: no JVM, no environment change until ``pyserini`` is imported.
This module imports only the standard library, since it runs at every start-up.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import sysconfig
import threading
from pathlib import Path
from types import ModuleType

STARTUP_FILENAME = "xqg_pyserini_startup.pth"
OPENAI_MODULE = "pyserini.encode._openai"
IR_DATASETS_MODULE = "ir_datasets"
ENCODE_MODULE = "pyserini.encode"
# as xqg_pyserini.plugin.registration.CLI_MODULES (not imported here: start-up cost)
CLI_MODULES = frozenset({"pyserini.search.faiss.__main__", "pyserini.encode.__main__"})
PLACEHOLDER_OPENAI_KEY = "placeholder-set-by-xqg-pyserini-during-import"

# One line of Python, as a .pth file requires; silent if the package is gone.
STARTUP_LINE = (
    "import sys; exec('try:\\n import xqg_pyserini._startup\\nexcept ImportError:\\n pass')\n"
)

__all__ = [
    "PyseriniImportHook",
    "install_import_hook",
    "prepare_pyserini",
    "startup_file_path",
    "write_startup_file",
]

_prepared = False


def prepare_pyserini() -> None:
    """Choose Java and tame the JVM options before Pyserini starts its JVM.

    Idempotent; call it before the first ``import pyserini`` (our own modules do).

    Raises
    ------
    JavaSetupError
        If the user's JAVA_HOME names a Java older than 21 or no Java at all.
    """
    global _prepared
    if _prepared:
        return
    from xqg_pyserini.java import JavaSetupError, apply_java_runtime, select_java_runtime

    try:
        runtime = select_java_runtime()
    except JavaSetupError:
        _report_java_errors_in_one_line()
        raise
    apply_java_runtime(runtime)
    if not runtime.has_vector_module:
        _drop_vector_option()
    _prepared = True


def _drop_vector_option() -> None:
    import jnius_config

    from xqg_pyserini.java import VECTOR_OPTION

    if getattr(jnius_config, "_xqg_vector_filter", False) or jnius_config.vm_running:
        return
    original = jnius_config.add_options

    def add_options(*opts: str) -> None:
        original(*(opt for opt in opts if opt != VECTOR_OPTION))

    jnius_config.add_options = add_options
    jnius_config.options[:] = [opt for opt in jnius_config.options if opt != VECTOR_OPTION]
    jnius_config._xqg_vector_filter = True


def _report_java_errors_in_one_line() -> None:
    """An uncaught JavaSetupError prints its message, not a traceback."""
    from xqg_pyserini.java import JavaSetupError

    previous = sys.excepthook
    if getattr(previous, "_xqg_java", False):
        return

    def excepthook(exc_type, exc, tb):  # type: ignore[no-untyped-def]
        if issubclass(exc_type, JavaSetupError):
            sys.stderr.write(f"xqg_pyserini: {exc}\n")
        else:
            previous(exc_type, exc, tb)

    excepthook._xqg_java = True  # type: ignore[attr-defined]
    sys.excepthook = excepthook


class _DelegatingLoader(importlib.abc.Loader):
    """Wraps a module's real loader; everything but ``exec_module`` is forwarded.

    Forwarding matters: packages read their own data through their loader
    (``get_data``, ``get_resource_reader``), e.g. ir_datasets' downloads.json.
    """

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> object:
        return getattr(self._loader, name)

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)


class _PlaceholderKeyLoader(_DelegatingLoader):
    """Runs a module with OPENAI_API_KEY set to a placeholder, then removes it."""

    def exec_module(self, module: ModuleType) -> None:
        os.environ["OPENAI_API_KEY"] = PLACEHOLDER_OPENAI_KEY
        try:
            self._loader.exec_module(module)
        finally:
            if os.environ.get("OPENAI_API_KEY") == PLACEHOLDER_OPENAI_KEY:
                del os.environ["OPENAI_API_KEY"]


class _RegisterDatasetsLoader(_DelegatingLoader):
    """Runs ``ir_datasets``, then registers our dataset ids with it."""

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        try:
            from xqg_pyserini.irds import register
        except ImportError:  # package partly installed: ir_datasets still works
            return
        try:
            register()
        except Exception as exc:  # never let our registrations break ir_datasets itself
            import warnings

            warnings.warn(f"xqg_pyserini could not register its datasets: {exc}", stacklevel=2)


class _RegisterEncodersLoader(_DelegatingLoader):
    """Runs ``pyserini.encode``, then adds ``xqg`` to its encoder maps."""

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        try:
            from xqg_pyserini.plugin.registration import register_encoder_maps
        except ImportError:  # package partly installed: Pyserini still works
            return
        try:
            register_encoder_maps(module)
        except Exception as exc:  # never let our registration break Pyserini itself
            import warnings

            warnings.warn(f"xqg_pyserini could not register its encoders: {exc}", stacklevel=2)


class _EncoderClassChoiceLoader(_DelegatingLoader):
    """Runs a Pyserini CLI module with ``xqg`` among its ``--encoder-class`` choices.

    ``python -m`` asks the loader for the module's code (``get_code``); a plain
    import runs ``exec_module``. Both get the patched code, or the original when
    :func:`~xqg_pyserini.plugin.registration.cli_code` declines.
    """

    def get_code(self, fullname: str):  # type: ignore[no-untyped-def]
        try:
            from xqg_pyserini.plugin.registration import cli_code
        except ImportError:
            return self._loader.get_code(fullname)  # type: ignore[attr-defined]
        source = self._loader.get_source(fullname)  # type: ignore[attr-defined]
        if source is None:
            return self._loader.get_code(fullname)  # type: ignore[attr-defined]
        filename = self._loader.get_filename(fullname)  # type: ignore[attr-defined]
        code = cli_code(source, filename, sys.argv[1:])
        return code if code is not None else self._loader.get_code(fullname)  # type: ignore[attr-defined]

    def exec_module(self, module: ModuleType) -> None:
        exec(self.get_code(module.__name__), module.__dict__)


class PyseriniImportHook(importlib.abc.MetaPathFinder):
    """Prepares Java on the first ``import pyserini``; guards the OpenAI import;
    registers our datasets when ``ir_datasets`` is imported and the ``xqg``
    encoder class when ``pyserini.encode`` or one of its CLIs is."""

    def __init__(self) -> None:
        self._asking = threading.local()

    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        wrapper: type[importlib.abc.Loader] | None = None
        if fullname == "pyserini":
            prepare_pyserini()
        elif fullname == OPENAI_MODULE and not os.environ.get("OPENAI_API_KEY"):
            wrapper = _PlaceholderKeyLoader
        elif fullname == IR_DATASETS_MODULE:
            wrapper = _RegisterDatasetsLoader
        elif fullname == ENCODE_MODULE:
            wrapper = _RegisterEncodersLoader
        elif fullname in CLI_MODULES:
            wrapper = _EncoderClassChoiceLoader
        if wrapper is None:
            return None
        spec = self._spec_from_other_finders(fullname, path, target)
        if spec is None or spec.loader is None:
            return None
        spec.loader = wrapper(spec.loader)
        return spec

    def _spec_from_other_finders(self, fullname, path, target):  # type: ignore[no-untyped-def]
        # Re-entrancy guard: another finder that also asks every finder would
        # otherwise bounce the same question back to us forever.
        if self._asking.__dict__.get(fullname):
            return None
        self._asking.__dict__[fullname] = True
        try:
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, "find_spec"):
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


def startup_file_path(site_dir: Path | None = None) -> Path:
    """Where the ``.pth`` start-up file lives: this interpreter's site-packages by default."""
    return Path(site_dir or sysconfig.get_paths()["purelib"]) / STARTUP_FILENAME


def write_startup_file(site_dir: Path | None = None) -> Path:
    """Install the start-up hook into ``site_dir`` (atomically; unchanged if current)."""
    target = startup_file_path(site_dir)
    if target.is_file() and target.read_text(encoding="utf-8") == STARTUP_LINE:
        return target
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(STARTUP_LINE, encoding="utf-8")
    os.replace(tmp, target)
    return target
