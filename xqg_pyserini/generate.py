"""``python -m xqg_pyserini.generate``: xQG questions for every passage of a corpus.

A thin command line over :mod:`xqg_pyserini.generation`: an mT5 (any
sequence-to-sequence model) writes ``--queries-per-language`` questions in each
of ``--languages`` for every passage of ``--corpus`` (or of one ``--shard-id``),
into a JSONL file in the authors' published format. Rerunning the same command
resumes an interrupted run. See docs/generation.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from xqg_pyserini.cli.config import add_config_argument, parse_with_config
from xqg_pyserini.cli.corpus import add_corpus_argument
from xqg_pyserini.generation.prompts import DEFAULT_TEMPLATE, PLACEHOLDERS
from xqg_pyserini.languages import LANGUAGE_NAMES
from xqg_pyserini.progress import add_progress_argument

if TYPE_CHECKING:
    from xqg_pyserini.data.corpus_source import CorpusSource

DEFAULT_BATCH_SIZE = 8


def build_parser() -> argparse.ArgumentParser:
    codes = " ".join(LANGUAGE_NAMES)
    placeholders = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    p = argparse.ArgumentParser(
        prog="python -m xqg_pyserini.generate",
        description="Generate questions in several languages for every passage of a corpus "
        "with an mT5 query generator (xQG), into a resumable JSONL file.",
    )
    add_config_argument(p)
    add_corpus_argument(p)
    p.add_argument(
        "--model",
        metavar="NAME_OR_DIR",
        help="(required) a sequence-to-sequence model directory or hub name, e.g. "
        "ielabgroup/xor-tydi-docTquery-mt5-base",
    )
    p.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="(required) the .jsonl file to write, one passage per line: "
        '{"docid", "text", "generated_queries": {lang: [questions]}}; '
        "an existing file is resumed",
    )
    p.add_argument(
        "--prompt-template",
        default=DEFAULT_TEMPLATE,
        metavar="TEMPLATE",
        help=f"the model input, with placeholders {placeholders} (default: {DEFAULT_TEMPLATE!r})",
    )
    p.add_argument(
        "--languages",
        nargs="+",
        default=list(LANGUAGE_NAMES),
        metavar="CODE",
        help=f"target language codes, among {codes} (default: all of them)",
    )
    _int(p, "--queries-per-language", 5, "questions sampled per passage and language")
    _int(p, "--top-k", 10, "sample each token from the k most likely ones")
    _int(p, "--max-length", 64, "generated tokens per question at most, end token included")
    _int(p, "--max-input-length", 512, "prompt tokens kept; longer passages are cut at the end")
    _int(
        p,
        "--seed",
        0,
        "the seed: a passage's questions are drawn from its own random stream, seeded from "
        "(seed, docid, language), so they do not depend on its shard, its batch or a resumption",
    )
    _int(
        p,
        "--batch-size",
        DEFAULT_BATCH_SIZE,
        "passages per step (each is one prompt per "
        "language and queries-per-language x languages decoded sequences)",
    )
    p.add_argument(
        "--device", default="cpu", help="torch device, e.g. cpu or cuda:0 (default: cpu)"
    )
    precision = p.add_mutually_exclusive_group()
    precision.add_argument(
        "--fp16",
        action="store_true",
        help="run the model in float16 (GPU only; mT5 tends to overflow in float16: prefer --bf16)",
    )
    precision.add_argument(
        "--bf16", action="store_true", help="run the model in bfloat16 (for GPUs that support it)"
    )
    _int(p, "--shard-id", 0, "which shard to generate: passages i with i %% shard-num == shard-id")
    _int(p, "--shard-num", 1, "number of shards (round-robin over corpus positions)")
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="discard an existing output file instead of resuming it",
    )
    add_progress_argument(p)
    return p


def _int(parser: argparse.ArgumentParser, flag: str, default: int, text: str) -> None:
    parser.add_argument(
        flag, type=int, default=default, metavar="N", help=f"{text} (default: {default})"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse flags, taking defaults from ``--config`` when given; check required ones."""
    parser = build_parser()
    args = parse_with_config(parser, argv)
    missing = [flag for flag in ("--model", "--output") if getattr(args, flag[2:]) is None]
    if missing:
        parser.error(f"the following arguments are required: {', '.join(missing)}")
    return args


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.data.corpus_source import open_corpus
    from xqg_pyserini.errors import XqgError
    from xqg_pyserini.generation import GenerationSettings, QuestionGenerator, Shard
    from xqg_pyserini.generation.run import run_generation

    args = parse_args(argv)
    dtype = "float16" if args.fp16 else "bfloat16" if args.bf16 else "float32"
    try:
        if args.output.suffix != ".jsonl":
            raise ValueError(f"--output must be a .jsonl file, got {args.output}")
        if args.fp16 and args.device == "cpu":
            raise ValueError("--fp16 needs a GPU --device (e.g. cuda:0); use --bf16 on CPU")
        settings = GenerationSettings(
            model=args.model,
            prompt_template=args.prompt_template,
            languages=tuple(args.languages),
            queries_per_language=args.queries_per_language,
            top_k=args.top_k,
            max_length=args.max_length,
            max_input_length=args.max_input_length,
            seed=args.seed,
        )
        shard = Shard(args.shard_id, args.shard_num)
        if args.batch_size < 1:
            raise ValueError(f"--batch-size must be at least 1, got {args.batch_size}")
        source = open_corpus(args.corpus)
        passages = source.passages()  # an unknown dataset id fails here, before the model loads
        generator = QuestionGenerator(settings, device=args.device, dtype=dtype)
        summary = run_generation(
            generator,
            passages,
            args.output,
            batch_size=args.batch_size,
            shard=shard,
            corpus=_corpus_identity(source),
            total=source.count(not args.no_progress),
            overwrite=args.overwrite,
            progress=not args.no_progress,
        )
    except (XqgError, FileNotFoundError, ValueError, BlockingIOError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary.format())
    return 0


def _corpus_identity(source: CorpusSource) -> str:
    """A corpus file as an absolute path, an ir_datasets id as is (for the settings record)."""
    return source.name if source.kind == "ir_datasets" else str(Path(source.name).resolve())


if __name__ == "__main__":
    sys.exit(main())
