"""``--corpus ID_OR_FILE``: one definition for every command that reads passages."""

from __future__ import annotations

import argparse

__all__ = ["DEFAULT_CORPUS", "add_corpus_argument"]

DEFAULT_CORPUS = "xqg-demo"
CORPUS_HELP = (
    "an ir_datasets id (e.g. xqg-demo, xor-tydi/retrieve) or a file: JSONL(.gz) with "
    '{"docid"|"id", "title", "text"} or Pyserini\'s {"id", "contents"}, or DPR\'s '
    "TSV(.gz) with id/text/title columns"
)


def add_corpus_argument(parser: argparse.ArgumentParser, default: str = DEFAULT_CORPUS) -> None:
    """Add ``--corpus`` (what :func:`~xqg_pyserini.data.corpus_source.open_corpus` takes)."""
    parser.add_argument(
        "--corpus",
        default=default,
        metavar="ID_OR_FILE",
        help=f"{CORPUS_HELP} (default: {default}, the bundled collection)",
    )
