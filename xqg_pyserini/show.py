"""``python -m xqg_pyserini.show``: print a run's top hits with their passages' titles."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m xqg_pyserini.show",
        description="Print the top hits of a TREC run (as written by pyserini.search.faiss) "
        "with each passage's title and the start of its text.",
    )
    p.add_argument("--run", type=Path, required=True, help="TREC run file")
    p.add_argument(
        "--topics",
        type=Path,
        default=None,
        help="topics TSV (qid<TAB>question) to show each question",
    )
    p.add_argument(
        "--corpus",
        default="xqg-demo",
        metavar="ID_OR_FILE",
        help="the corpus the index was built from, as for `python -m xqg_pyserini.index "
        "--corpus`: an ir_datasets id or a JSONL/TSV file (default: xqg-demo)",
    )
    p.add_argument("--hits", type=int, default=5, help="hits shown per query (default: 5)")
    return p


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.data.corpus_source import open_corpus
    from xqg_pyserini.data.topics import read_topics_tsv
    from xqg_pyserini.errors import XqgError
    from xqg_pyserini.eval.run_file import read_trec_run

    args = build_parser().parse_args(argv)
    try:
        run = read_trec_run(args.run)
        topics = read_topics_tsv(args.topics) if args.topics else {}
        wanted = {hit.doc_id for hits in run.values() for hit in hits[: args.hits]}
        passages = open_corpus(args.corpus).lookup(wanted)
    except (XqgError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for qid, hits in run.items():
        print(f"{qid}: {topics.get(qid, '')}")
        for hit in hits[: args.hits]:
            passage = passages.get(hit.doc_id)
            title = passage.title if passage else "(not in corpus)"
            print(f"  {hit.rank:>3}  {hit.score:8.4f}  {hit.doc_id}  {title}")
            if passage:
                print(textwrap.indent(textwrap.shorten(passage.text, 110), " " * 7))
    return 0


if __name__ == "__main__":
    sys.exit(main())
