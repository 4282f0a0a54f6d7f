"""``python -m xqg_pyserini.data``: export datasets for Pyserini; check generated questions.

Subcommands::

    export topics      --dataset ID --output DIR        topics.all.tsv, topics.{lang}.tsv
    export collection  --dataset ID | --corpus FILE --output DIR    docsNN.jsonl
                       [--generated-queries PATH ...]   + field generated_queries
    export answers     --dataset ID --output FILE       {"id", "lang", "answers"} JSONL
    coverage           --generated FILES... [--dataset ID | --corpus FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from xqg_pyserini.languages import XOR_LANGUAGES

PROG = "python -m xqg_pyserini.data"


def _add_overwrite(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--overwrite", action="store_true", help="replace outputs that exist (default: refuse)"
    )


def _add_corpus_source(p: argparse.ArgumentParser, required: bool) -> None:
    source = p.add_mutually_exclusive_group(required=required)
    source.add_argument(
        "--dataset",
        metavar="ID",
        help="ir_datasets id whose passages to use (e.g. xor-tydi/retrieve/dev)",
    )
    source.add_argument(
        "--corpus",
        type=Path,
        metavar="FILE",
        help="passages file instead: JSONL(.gz) {docid|id, title, text} or DPR-style "
        "TSV(.gz) with the header id<TAB>text<TAB>title (as enwiki_20190201_w100.tsv)",
    )


def _export_parsers(commands: argparse._SubParsersAction) -> None:
    export = commands.add_parser(
        "export",
        help="write a dataset in a format Pyserini reads",
        description="Write the questions, passages or answers of a dataset for Pyserini.",
    )
    kinds = export.add_subparsers(dest="kind", required=True, metavar="KIND", help="what to export")

    topics = kinds.add_parser(
        "topics",
        help="questions as Pyserini topics TSV (qid<TAB>question)",
        description="Write topics.all.tsv and one topics.{lang}.tsv per language into DIR; "
        "tabs and line breaks inside questions become spaces.",
    )
    topics.add_argument("--dataset", required=True, metavar="ID", help="ir_datasets id")
    topics.add_argument("--output", required=True, type=Path, metavar="DIR", help="directory")
    _add_overwrite(topics)

    collection = kinds.add_parser(
        "collection",
        help="passages as a Pyserini JSON collection (docsNN.jsonl)",
        description="Write DIR/docs00.jsonl, ... with {id, contents, title, text}, for "
        "pyserini.index.lucene (JsonCollection) and pyserini.encode (--fields title text); "
        "with --generated-queries also generated_queries, for the xQG document encoder.",
    )
    _add_corpus_source(collection, required=True)
    collection.add_argument(
        "--generated-queries",
        nargs="+",
        metavar="PATH",
        help="generated-question JSONL(.gz) files, directories or glob patterns (quote them) in "
        "the authors' format: every record then also has the field generated_queries, the "
        'passage\'s questions as a JSON string {"ar": [...], ...} (all languages, all questions; '
        '"{}" for a passage without a line); a docid the corpus lacks is an error (default: none)',
    )
    collection.add_argument(
        "--output", required=True, type=Path, metavar="DIR", help="directory to create"
    )
    collection.add_argument(
        "--shard-size",
        type=int,
        default=1_000_000,
        metavar="N",
        help="passages per docsNN.jsonl file (default: 1000000)",
    )
    collection.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    _add_overwrite(collection)

    answers = kinds.add_parser(
        "answers",
        help="answers of a split with answers, for R@kt evaluation",
        description='Write {"id", "lang", "answers"} per question as JSONL.',
    )
    answers.add_argument("--dataset", required=True, metavar="ID", help="ir_datasets id")
    answers.add_argument("--output", required=True, type=Path, metavar="FILE", help="JSONL file")
    _add_overwrite(answers)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Export ir_datasets questions and passages for Pyserini, and summarise "
        "how generated questions cover a corpus.",
    )
    commands = p.add_subparsers(dest="command", required=True, metavar="COMMAND", help="what to do")
    _export_parsers(commands)
    coverage = commands.add_parser(
        "coverage",
        help="summarise generated questions per language",
        description="Count passages and generated questions per language in JSONL(.gz) "
        "shards in the published xQG format; with a corpus, also list passages without a line.",
    )
    coverage.add_argument(
        "--generated",
        required=True,
        nargs="+",
        metavar="PATH",
        help="generated-question files, directories or glob patterns (quote them)",
    )
    _add_corpus_source(coverage, required=False)
    coverage.add_argument(
        "--languages",
        nargs="+",
        default=list(XOR_LANGUAGES),
        metavar="LANG",
        help=f"language codes asked for (default: {' '.join(XOR_LANGUAGES)})",
    )
    coverage.add_argument(
        "--json", action="store_true", help="print the summary as one JSON object instead"
    )
    return p


def _run_export(args: argparse.Namespace) -> str:
    from xqg_pyserini.data.export import export_answers, export_collection, export_topics
    from xqg_pyserini.data.generated import resolve_shards
    from xqg_pyserini.irds.load import passages_with_count

    if args.kind == "topics":
        counts = export_topics(args.dataset, args.output, overwrite=args.overwrite)
        return "\n".join(f"wrote {n:>7} questions to {args.output / f}" for f, n in counts.items())
    if args.kind == "answers":
        n = export_answers(args.dataset, args.output, overwrite=args.overwrite)
        return f"wrote the answers of {n} questions to {args.output}"
    if args.shard_size < 1:
        raise ValueError(f"--shard-size must be positive, got {args.shard_size}")
    generated = resolve_shards(args.generated_queries) if args.generated_queries else []
    passages, total = passages_with_count(args.dataset, args.corpus)
    counts = export_collection(
        passages,
        args.output,
        shard_size=args.shard_size,
        total=total,
        overwrite=args.overwrite,
        progress=not args.no_progress,
        generated=generated,
    )
    joined = f", joined with {len(generated)} generated-question file(s)" if generated else ""
    return f"wrote {sum(counts)} passages in {len(counts)} file(s) to {args.output}{joined}"


def _run_coverage(args: argparse.Namespace) -> str:
    from xqg_pyserini.data.coverage import summarize_coverage
    from xqg_pyserini.data.generated import read_generated_queries
    from xqg_pyserini.irds.load import passages_with_count

    doc_ids = None
    if args.dataset is not None or args.corpus is not None:
        passages, _ = passages_with_count(args.dataset, args.corpus)
        doc_ids = (p.doc_id for p in passages)
    summary = summarize_coverage(
        read_generated_queries(args.generated), doc_ids, languages=args.languages
    )
    if args.json:
        return json.dumps(summary.to_dict(), ensure_ascii=False)
    return summary.format()


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError

    args = build_parser().parse_args(argv)
    try:
        message = _run_export(args) if args.command == "export" else _run_coverage(args)
    except (XqgError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
