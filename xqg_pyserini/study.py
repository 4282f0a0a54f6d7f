"""``python -m xqg_pyserini.study``: the research studies beyond the paper's table.

Subcommands::

    alignment  --encoder NAME_OR_DIR --output DIR [--dataset-prefix xquad] [...]
               how close an encoder puts parallel questions: cosine gap, bitext P@1,
               linear CKA and the InfoNCE bound, per language against a pivot
    typos      --index NAME=DIR [NAME=DIR ...] --output DIR [--dataset ID ...] [...]
               every index searched with clean and misspelt questions: the change per
               language and operation with significance, each index against the first
    subsets    --dataset ID --run NAME=FILE [NAME=FILE ...] --output DIR [...]
               per-language scores with bootstrap confidence intervals, and each run's
               gain over the baseline per group of languages by resource size

Each subcommand has its own ``--help`` and ``--config``. The work is done by
:mod:`xqg_pyserini.studies`; the parsers live in ``xqg_pyserini/cli/study_*.py``.
"""

from __future__ import annotations

import sys

from xqg_pyserini.cli.subcommands import dispatch

__all__ = ["COMMANDS", "main"]

PROG = "python -m xqg_pyserini.study"

# subcommand -> (module with build_parser() and main(argv), one-line summary)
COMMANDS: dict[str, tuple[str, str]] = {
    "alignment": (
        "xqg_pyserini.cli.study_alignment",
        "cross-language alignment of parallel questions: cosine gap, bitext P@1, CKA, InfoNCE",
    ),
    "typos": (
        "xqg_pyserini.cli.study_typos",
        "typo robustness: clean against misspelt questions, per language and operation",
    ),
    "subsets": (
        "xqg_pyserini.cli.study_subsets",
        "per-language bootstrap confidence intervals and the gain per resource-size group",
    ),
}


def main(argv: list[str] | None = None) -> int:
    return dispatch(PROG, COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(main())
