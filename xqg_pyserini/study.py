"""``python -m xqg_pyserini.study``: the research studies beyond the paper's table.

Subcommands::

    alignment  --encoder NAME_OR_DIR --output DIR [--dataset-prefix xquad] [...]
               how close an encoder puts parallel questions: cosine gap, bitext P@1,
               linear CKA and the InfoNCE bound, per language against a pivot

Each subcommand has its own ``--help`` and ``--config``. The work is done by
:mod:`xqg_pyserini.studies`; the parsers live in ``xqg_pyserini/cli/study_*.py``.
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["COMMANDS", "main"]

PROG = "python -m xqg_pyserini.study"

# subcommand -> (module with build_parser() and main(argv), one-line summary)
COMMANDS: dict[str, tuple[str, str]] = {
    "alignment": (
        "xqg_pyserini.cli.study_alignment",
        "cross-language alignment of parallel questions: cosine gap, bitext P@1, CKA, InfoNCE",
    ),
}


def _usage() -> str:
    lines = [f"usage: {PROG} COMMAND [options]   ({PROG} COMMAND --help for its options)", ""]
    lines.append("commands:")
    lines += [f"  {name:<10} {summary}" for name, (_, summary) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage())
        return 0 if argv else 2
    name = argv[0]
    if name not in COMMANDS:
        print(f"{PROG}: error: unknown command {name!r}; expected one of: "
              f"{', '.join(COMMANDS)}", file=sys.stderr)  # fmt: skip
        return 2
    module = importlib.import_module(COMMANDS[name][0])
    return int(module.main(argv[1:]))


if __name__ == "__main__":
    sys.exit(main())
