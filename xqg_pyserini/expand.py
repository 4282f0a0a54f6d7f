"""``python -m xqg_pyserini.expand``: cross-lingual doc2query, a collection for BM25.

A thin command line over :mod:`xqg_pyserini.data.expansion`: writes a Pyserini
JSON collection whose ``contents`` is each passage followed by its generated
questions (the languages and questions per language the xQG dense index would
use), then prints a summary and the Pyserini commands that index it with a
multilingual tokenizer and search it with BM25. With no arguments it expands the
bundled ``xqg-demo`` collection with its stand-in questions. See docs/expansion.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from xqg_pyserini.cli.config import add_config_argument, parse_with_config
from xqg_pyserini.cli.corpus import add_corpus_argument
from xqg_pyserini.data.collection import COLLECTION_SHARD_SIZE
from xqg_pyserini.languages import XOR_LANGUAGES

if TYPE_CHECKING:
    from xqg_pyserini.data.expansion import ExpansionRequest

DEFAULT_OUTPUT = Path("collections/xqg-demo-expanded")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m xqg_pyserini.expand",
        description="Write a Pyserini JSON collection (docsNN.jsonl) whose contents are each "
        "passage followed by its generated questions, one per line, for BM25 "
        "(pyserini.index.lucene -collection JsonCollection).",
    )
    add_config_argument(p)
    add_corpus_argument(p)
    p.add_argument(
        "--generated-queries",
        nargs="+",
        metavar="PATH",
        help="generated-question JSONL(.gz) files, directories or glob patterns (quote them) in "
        "the authors' format (default: the bundled stand-in questions when --corpus is "
        "xqg-demo; required otherwise)",
    )
    p.add_argument(
        "--languages",
        nargs="+",
        default=list(XOR_LANGUAGES),
        metavar="LANG",
        help="append only the questions in these languages, in the generated files' order "
        f"(default: {' '.join(XOR_LANGUAGES)})",
    )
    p.add_argument(
        "--queries-per-language",
        type=int,
        default=None,
        metavar="N",
        help="append the first N questions of each language, as the xQG index selects them "
        "(default: all)",
    )
    p.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="DIR",
        help=f"collection directory to create (default: {DEFAULT_OUTPUT})",
    )
    p.add_argument(
        "--shard-size",
        type=int,
        default=COLLECTION_SHARD_SIZE,
        metavar="N",
        help=f"passages per docsNN.jsonl file (default: {COLLECTION_SHARD_SIZE})",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing output directory that holds only docsNN.jsonl files",
    )
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    return p


def request_from_args(args: argparse.Namespace) -> ExpansionRequest:
    """The expansion the flags ask for.

    Raises
    ------
    XqgError, ValueError, FileNotFoundError
        On a missing default, an out-of-range setting or a path that matches nothing.
    """
    from xqg_pyserini.cli.index_options import default_generated_queries
    from xqg_pyserini.data.corpus_source import open_corpus
    from xqg_pyserini.data.expansion import ExpansionRequest
    from xqg_pyserini.data.generated import resolve_shards
    from xqg_pyserini.encoders.augment import AugmentSettings

    if args.shard_size < 1:
        raise ValueError(f"--shard-size must be positive, got {args.shard_size}")
    settings = AugmentSettings(
        languages=tuple(args.languages), queries_per_language=args.queries_per_language
    )
    paths = args.generated_queries or default_generated_queries(args.corpus)
    return ExpansionRequest(
        corpus=open_corpus(args.corpus),
        generated=tuple(resolve_shards(paths)),
        settings=settings,
        output=Path(args.output),
        shard_size=args.shard_size,
        overwrite=args.overwrite,
        progress=not args.no_progress,
    )


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.data.expansion import expand_collection, lucene_commands
    from xqg_pyserini.errors import XqgError

    args = parse_with_config(build_parser(), argv)
    try:
        result = expand_collection(request_from_args(args))
    except (XqgError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.format())
    print("index and search it with BM25 over the multilingual e5 tokenizer:")
    for command in lucene_commands(result.output):
        print(f"  {command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
