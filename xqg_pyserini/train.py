"""``python -m xqg_pyserini.train``: train the retriever and the question generator.

Subcommands::

    retriever  --model NAME_OR_DIR --train-data PATH_OR_ID [...] --output DIR
               fine-tune a bi-encoder (the paper's xDR recipe by default); the
               output directory goes straight into python -m xqg_pyserini.index --encoder
    mine       --dataset ID --run FILE --output FILE
               training data in Tevatron's JSONL format: questions of an ir_datasets
               split, their positives, and hard negatives mined from a run
    generator  --model NAME_OR_DIR --train-data PATH_OR_ID [...] --output DIR
               fine-tune a question generator (mT5; DSI-QG's recipe by default); the
               output directory goes straight into python -m xqg_pyserini.generate --model

Each subcommand has its own ``--help`` and ``--config``. The work is done by
:mod:`xqg_pyserini.training`; the parsers live in ``xqg_pyserini/cli/train_*.py``.
"""

from __future__ import annotations

import sys

from xqg_pyserini.cli.subcommands import dispatch

__all__ = ["COMMANDS", "main"]

PROG = "python -m xqg_pyserini.train"

# subcommand -> (module with build_parser() and main(argv), one-line summary)
COMMANDS: dict[str, tuple[str, str]] = {
    "retriever": (
        "xqg_pyserini.cli.train_retriever",
        "fine-tune a bi-encoder retriever (the paper's xDR recipe by default)",
    ),
    "mine": (
        "xqg_pyserini.cli.train_mine",
        "write Tevatron training data: questions, positives, hard negatives from a run",
    ),
    "generator": (
        "xqg_pyserini.cli.train_generator",
        "fine-tune a question generator (mT5) on (passage, question, language) triples",
    ),
}


def main(argv: list[str] | None = None) -> int:
    return dispatch(PROG, COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(main())
