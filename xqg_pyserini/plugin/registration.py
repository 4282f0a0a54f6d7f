"""Register ``--encoder-class xqg`` in Pyserini's own command lines, narrowly.

Pyserini has no plugin registry: its encoder classes live in two dicts,
``pyserini.encode.query_encoder_class_map`` and ``document_encoder_class_map``,
and ``python -m pyserini.search.faiss`` / ``python -m pyserini.encode`` fix the
``--encoder-class`` choices as a literal list in argparse. The start-up hook
(:mod:`xqg_pyserini.startup.encoders`) calls two things from here, and nothing else
of Pyserini is touched:

* :func:`register_encoder_maps`, right after ``pyserini.encode`` is imported:
  adds ``xqg`` to both maps. The maps become :class:`ExplicitOnlyMap`, a dict
  whose iteration skips ``xqg``, so Pyserini's guess of a class from substrings
  of ``--encoder`` (used when ``--encoder-class`` is left out) never picks ours:
  an index path that happens to contain "xqg" keeps today's behaviour.
* :func:`cli_code`, when one of :data:`CLI_MODULES` is about to run: compiles the
  module's source with ``"xqg"`` appended to the ``choices`` list of its one
  ``add_argument("--encoder-class", ...)`` call.

Both happen only for the Pyserini versions this was tested with
(:data:`TESTED_PYSERINI_VERSIONS`). With another version, or a source whose
``--encoder-class`` option is not where it was, nothing is changed, and a
command line that asks for ``xqg`` stops with one line saying why (setting
:data:`ALLOW_UNTESTED_VARIABLE` registers anyway, with a warning).

This module imports only the standard library: it runs inside every Pyserini import.
"""

from __future__ import annotations

import ast
import os
import sys
from collections.abc import Iterator, Sequence
from importlib import metadata
from types import CodeType, ModuleType

__all__ = [
    "ALLOW_UNTESTED_VARIABLE",
    "CLI_MODULES",
    "ENCODER_CLASS",
    "ExplicitOnlyMap",
    "RegistrationError",
    "TESTED_PYSERINI_VERSIONS",
    "add_encoder_class_choice",
    "cli_code",
    "is_tested",
    "patch_encoder_class_choices",
    "pyserini_version",
    "register_encoder_maps",
    "registration_problem",
    "requests_xqg",
]

ENCODER_CLASS = "xqg"
#: Pyserini release series (major.minor) whose CLIs and encoder maps our test suite
#: checks (1.6.0 when this was written); setup.cfg keeps pip inside them.
TESTED_PYSERINI_VERSIONS = ("1.6",)
ALLOW_UNTESTED_VARIABLE = "XQG_PYSERINI_ALLOW_UNTESTED_PYSERINI"
#: The modules run by ``python -m`` whose ``--encoder-class`` choices get ``xqg``
#: (``pyserini.search.faiss.__main__`` is also imported by Pyserini's hybrid search).
CLI_MODULES = ("pyserini.search.faiss.__main__", "pyserini.encode.__main__")
ENCODE_MODULE = "pyserini.encode"
_OPTION = "--encoder-class"
_QUERY_CLASS = ("xqg_pyserini.plugin.cli_encoders", "PyseriniCliQueryEncoder")
_DOCUMENT_CLASS = ("xqg_pyserini.plugin.cli_encoders", "PyseriniCliDocumentEncoder")


class RegistrationError(Exception):
    """``xqg`` cannot be registered in this Pyserini (untested version or changed source)."""


class ExplicitOnlyMap(dict):  # type: ignore[type-arg]
    """A Pyserini encoder map whose iteration leaves out our own key.

    ``map["xqg"]`` works, so ``--encoder-class xqg`` finds the class; ``for key
    in map`` (Pyserini's substring guess) never sees it.
    """

    hidden: frozenset[str] = frozenset({ENCODER_CLASS})

    def __iter__(self) -> Iterator[str]:
        return (key for key in super().__iter__() if key not in self.hidden)


def pyserini_version() -> str | None:
    """The installed Pyserini's version, or None when it is not installed."""
    try:
        return metadata.version("pyserini")
    except metadata.PackageNotFoundError:
        return None


def registration_problem(version: str | None, environ: dict[str, str] | None = None) -> str | None:
    """Why ``xqg`` is not registered with Pyserini ``version``; None when it is.

    A version outside :data:`TESTED_PYSERINI_VERSIONS` is a problem unless
    :data:`ALLOW_UNTESTED_VARIABLE` is set to a non-empty value.
    """
    env = os.environ if environ is None else environ
    if is_tested(version) or env.get(ALLOW_UNTESTED_VARIABLE):
        return None
    tested = ", ".join(f"{series}.x" for series in TESTED_PYSERINI_VERSIONS)
    return (
        f"--encoder-class {ENCODER_CLASS} is registered only with the Pyserini versions it was "
        f"tested with ({tested}); this environment has Pyserini {version}: install "
        f"'pyserini=={TESTED_PYSERINI_VERSIONS[-1]}.*', or set {ALLOW_UNTESTED_VARIABLE}=1 "
        "to try anyway"
    )


def is_tested(version: str | None) -> bool:
    """True when ``version`` belongs to a series of :data:`TESTED_PYSERINI_VERSIONS`."""
    if version is None:
        return False
    return ".".join(version.split(".")[:2]) in TESTED_PYSERINI_VERSIONS


def requests_xqg(argv: Sequence[str]) -> bool:
    """True when a command line asks for ``--encoder-class xqg`` (either spelling)."""
    for i, arg in enumerate(argv):
        if arg == f"{_OPTION}={ENCODER_CLASS}":
            return True
        if arg == _OPTION and i + 1 < len(argv) and argv[i + 1] == ENCODER_CLASS:
            return True
    return False


def _choice_lists(tree: ast.AST) -> list[ast.List]:
    """The literal ``choices=[...]`` lists of every ``add_argument("--encoder-class", ...)``."""
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_argument"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == _OPTION
        ):
            continue
        for keyword in node.keywords:
            if keyword.arg == "choices" and isinstance(keyword.value, ast.List):
                found.append(keyword.value)
    return found


def patch_encoder_class_choices(tree: ast.Module, filename: str) -> ast.Module:
    """``tree`` (changed in place) with ``"xqg"`` added to its ``--encoder-class`` choices.

    Raises
    ------
    RegistrationError
        Unless the source has exactly one such option with a literal list of
        string choices (what the tested Pyserini versions have).
    """
    lists = _choice_lists(tree)
    if len(lists) != 1 or not all(
        isinstance(element, ast.Constant) and isinstance(element.value, str)
        for element in lists[0].elts
    ):
        raise RegistrationError(
            f"{filename}: expected one {_OPTION} option with a literal list of choices, found "
            f"{len(lists)}; this Pyserini differs from the tested ones, so "
            f"--encoder-class {ENCODER_CLASS} is not available"
        )
    choices = lists[0]
    if not any(element.value == ENCODER_CLASS for element in choices.elts):  # type: ignore[attr-defined]
        choices.elts.append(ast.copy_location(ast.Constant(ENCODER_CLASS), choices))
    return tree


def add_encoder_class_choice(source: str | bytes, filename: str) -> CodeType:
    """Compile ``source`` with ``"xqg"`` added to its ``--encoder-class`` choices.

    Raises
    ------
    RegistrationError
        As :func:`patch_encoder_class_choices`.
    """
    return compile(
        patch_encoder_class_choices(ast.parse(source, filename), filename), filename, "exec"
    )


def cli_code(source: str | bytes, filename: str, argv: Sequence[str]) -> CodeType | None:
    """The code to run for a Pyserini CLI module: patched, or None to run it unchanged.

    When ``xqg`` cannot be registered and ``argv`` asks for it, prints one line
    and exits with status 2 (argparse's status for a bad option).
    """
    problem = registration_problem(pyserini_version())
    if problem is None:
        try:
            return add_encoder_class_choice(source, filename)
        except (RegistrationError, SyntaxError) as exc:
            problem = str(exc)
    if requests_xqg(argv):
        sys.stderr.write(f"xqg_pyserini: {problem}\n")
        raise SystemExit(2)
    return None


def register_encoder_maps(encode: ModuleType) -> bool:
    """Add ``xqg`` to ``pyserini.encode``'s two encoder maps; False when not registered.

    The classes are imported lazily, on first lookup, through :class:`_LazyClass`,
    so importing ``pyserini.encode`` does not import our encoders (or torch) early.
    """
    problem = registration_problem(pyserini_version())
    if problem is not None:
        return False
    if (
        os.environ.get(ALLOW_UNTESTED_VARIABLE)
        and pyserini_version() not in TESTED_PYSERINI_VERSIONS
    ):
        sys.stderr.write(
            f"xqg_pyserini: warning: registering --encoder-class {ENCODER_CLASS} with untested "
            f"Pyserini {pyserini_version()} ({ALLOW_UNTESTED_VARIABLE} is set)\n"
        )
    for name, target in (
        ("query_encoder_class_map", _QUERY_CLASS),
        ("document_encoder_class_map", _DOCUMENT_CLASS),
    ):
        original = getattr(encode, name, None)
        if not isinstance(original, dict):
            return False
        registered = ExplicitOnlyMap(original)
        registered[ENCODER_CLASS] = _LazyClass(*target)
        setattr(encode, name, registered)
    return True


class _LazyClass:
    """Stands for one of our encoder classes in Pyserini's map until it is called.

    Pyserini only ever calls a map value (``encoder_class(**kwargs)``); calling
    this imports the real class and builds the encoder.
    """

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def resolve(self) -> type:
        import importlib

        return getattr(importlib.import_module(self.module), self.name)

    def __call__(self, *args: object, **kwargs: object) -> object:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<xqg_pyserini encoder class {self.module}.{self.name}>"
