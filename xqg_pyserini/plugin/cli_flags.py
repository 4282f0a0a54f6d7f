"""The Pyserini flags our encoder classes need but Pyserini does not pass them.

Pyserini builds a registered encoder class with a fixed set of keywords
(``encoder_dir``, ``device``, ``prefix`` ... for search; ``model_name``,
``device`` for encode) and keeps ``--pooling``, ``--l2-norm`` and
``--max-length`` for its ``auto`` class. So our classes read those flags from
the command line that is running: :func:`running_cli` says which Pyserini CLI
(``search`` or ``encode``) is ``__main__``, and :func:`read_flags` parses the
flags, recording which the user actually gave (a preset keeps its own values
for the flags left out). Defaults are Pyserini 1.6.0's.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["CliFlags", "read_flags", "running_cli"]

CLI_OF_MODULE = {
    "pyserini.search.faiss.__main__": "search",
    "pyserini.encode.__main__": "encode",
}
_ENCODE_COMMANDS = ("input", "output", "encoder")
#: Pyserini's own defaults for the flags both CLIs share.
DEFAULT_POOLING = "cls"
DEFAULT_MAX_LENGTH = 256
DEFAULT_DIMENSION = 768


@dataclass(frozen=True)
class CliFlags:
    """Encoder flags of a Pyserini command line; ``given`` names those the user typed."""

    pooling: str = DEFAULT_POOLING
    l2_norm: bool = False
    prefix: str | None = None
    max_length: int = DEFAULT_MAX_LENGTH
    fp16: bool = False
    tokenizer: str | None = None
    dimension: int = DEFAULT_DIMENSION
    to_faiss: bool = False
    add_sep: bool = False
    input_fields: tuple[str, ...] = ("text",)
    encoder_fields: tuple[str, ...] = ("text",)
    given: frozenset[str] = field(default_factory=frozenset)


def running_cli() -> str | None:
    """``search`` or ``encode`` when that Pyserini CLI runs as ``__main__``, else None."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    return CLI_OF_MODULE.get(getattr(spec, "name", None) or "")


def _parser(options: dict[str, dict[str, object]]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(add_help=False)
    for flag, kwargs in options.items():
        parser.add_argument(flag, default=None, **kwargs)  # type: ignore[arg-type]
    return parser


_SEARCH = {
    "--pooling": {}, "--l2-norm": {"action": "store_true"}, "--query-prefix": {},
    "--max-length": {"type": int}, "--fp16": {"action": "store_true"}, "--tokenizer": {},
}  # fmt: skip
_ENCODER = {
    "--pooling": {}, "--l2-norm": {"action": "store_true"}, "--prefix": {},
    "--max-length": {"type": int}, "--fp16": {"action": "store_true"},
    "--dimension": {"type": int}, "--fields": {"nargs": "+"}, "--add-sep": {"action": "store_true"},
}  # fmt: skip
_INPUT = {"--fields": {"nargs": "+"}}
_OUTPUT = {"--to-faiss": {"action": "store_true"}}


def _sections(argv: Sequence[str]) -> dict[str, list[str]]:
    """``pyserini.encode``'s argv split by its sub-commands, as Pyserini splits it."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for arg in argv:
        if arg in _ENCODE_COMMANDS:
            current = arg
            sections[current] = []
        else:
            sections[current].append(arg)
    return sections


def _known(options: dict[str, dict[str, object]], argv: Sequence[str]) -> dict[str, object]:
    parsed, _ = _parser(options).parse_known_args(list(argv))
    return {key: value for key, value in vars(parsed).items() if value is not None}


def read_flags(cli: str | None, argv: Sequence[str] | None = None) -> CliFlags:
    """The encoder flags of the running Pyserini CLI (``sys.argv`` by default).

    ``cli`` is :func:`running_cli`'s answer; None (not inside a Pyserini CLI)
    gives the defaults with nothing given.
    """
    argv = sys.argv[1:] if argv is None else argv
    if cli == "search":
        given = _known(_SEARCH, argv)
        if "query_prefix" in given:
            given["prefix"] = given.pop("query_prefix")
    elif cli == "encode":
        sections = _sections(argv)
        given = _known(_ENCODER, sections.get("encoder", []))
        if "fields" in given:
            given["encoder_fields"] = tuple(given.pop("fields"))  # type: ignore[arg-type]
        inputs = _known(_INPUT, sections.get("input", []))
        if "fields" in inputs:
            given["input_fields"] = tuple(inputs["fields"])  # type: ignore[arg-type]
        given.update(_known(_OUTPUT, sections.get("output", [])))
    else:
        given = {}
    return CliFlags(**given, given=frozenset(given))  # type: ignore[arg-type]
