"""``python -m xqg_pyserini.ablation``: R@2kt / R@5kt against N generated questions per language.

The paper's ablation figure. With no arguments it runs on the bundled demo
(``xqg-demo`` with its stand-in generated questions, questions of
``xqg-demo/dev``, multilingual-e5-small, N = 1..5) and writes into
``runs/ablation-xqg-demo``:

* ``indexes/plain`` and ``indexes/xqg-qpl1`` .. ``xqg-qplN``: the plain index
  (built once) and the xQG indexes, all N written in one pass over the corpus
  that encodes each question once (:mod:`xqg_pyserini.ablation.indexes`);
  each has the ``metadata.json`` ``python -m xqg_pyserini.index
  --queries-per-language n`` would write, so either command reuses the other's;
* ``runs/plain.trec``, ``runs/xqg-qpl{n}.trec``: Pyserini-format runs
  (:mod:`xqg_pyserini.ablation.search`);
* ``report/``: the full evaluation report against the plain run;
* ``ablation.json``, ``ablation.md``, ``ablation.png``: the curve.

A re-run reuses every index and run that is up to date. This module parses the
flags and wires them to :func:`xqg_pyserini.ablation.run.run_ablation`. See
docs/augmentation.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from xqg_pyserini.cli import index_options as flags
from xqg_pyserini.cli.config import parse_with_config
from xqg_pyserini.cli.corpus import add_corpus_argument
from xqg_pyserini.progress import add_progress_argument

if TYPE_CHECKING:  # imported where used: --help stays free of numpy and torch
    from xqg_pyserini.ablation.indexes import AblationIndexes

DEFAULT_DATASET = "xqg-demo/dev"
DEFAULT_OUTPUT = Path("runs/ablation-xqg-demo")
DEFAULT_MAX_QUERIES = 5


def build_parser() -> argparse.ArgumentParser:
    p = flags.command_parser(
        "python -m xqg_pyserini.ablation",
        "The N-questions ablation: a plain index and xQG indexes with the first "
        "1..N generated questions per language (one pass), searched and scored with R@2kt/R@5kt.",
    )
    p.add_argument(
        "--dataset",
        default=DEFAULT_DATASET,
        metavar="ID",
        help="ir_datasets id of the questions, with answers and languages for R@kt "
        f"(default: {DEFAULT_DATASET})",
    )
    add_corpus_argument(p)
    p.add_argument(
        "--generated-queries",
        nargs="+",
        metavar="PATH",
        help="generated-question JSONL(.gz) files, directories or globs (default: the bundled "
        "stand-in questions when --corpus is xqg-demo; required otherwise)",
    )
    p.add_argument(
        "--max-queries-per-language",
        type=int,
        default=DEFAULT_MAX_QUERIES,
        metavar="N",
        help=f"build and score n = 1..N questions per language (default: {DEFAULT_MAX_QUERIES})",
    )
    flags.add_encoder_arguments(p)
    flags.add_mixing_arguments(p)
    p.add_argument(
        "--plain-index",
        type=Path,
        default=None,
        metavar="DIR",
        help="the plain index to reuse, or to build when missing; its passage vectors are "
        "the xQG indexes' e(p) (default: OUTPUT/indexes/plain)",
    )
    flags.add_batch_size_argument(p, "; questions go in batches of as many tokens")
    flags.add_device_argument(p)
    flags.add_dtype_argument(p)
    p.add_argument(
        "--hits", type=int, default=100, metavar="N", help="passages retrieved per question (100)"
    )
    p.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="DIR",
        help=f"directory for indexes, runs and results (default: {DEFAULT_OUTPUT})",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace indexes under the output that hold a different build (up-to-date ones "
        "are always reused)",
    )
    add_progress_argument(p)
    return p


def spec_from_args(args: argparse.Namespace, command: tuple[str, ...]) -> AblationIndexes:
    """The indexes the flags ask for.

    Raises
    ------
    XqgError, ValueError, FileNotFoundError
        On a missing default, an out-of-range setting or a path that matches nothing.
    """
    from xqg_pyserini.ablation.indexes import AblationIndexes
    from xqg_pyserini.data.corpus_source import open_corpus
    from xqg_pyserini.encoders.precision import resolve_dtype
    from xqg_pyserini.indexes.request import AugmentRequest

    paths = args.generated_queries or flags.default_generated_queries(args.corpus)
    augment = AugmentRequest.from_paths(
        [paths] if isinstance(paths, str) else paths,  # a string from --config
        alpha=args.alpha,
        method=args.augment,
        languages=tuple(args.languages) if args.languages is not None else None,
    )
    output = Path(args.output)
    return AblationIndexes(
        corpus=open_corpus(args.corpus),
        encoder_name=args.encoder,
        settings=flags.encoder_settings(args),
        generated=augment.generated,
        augment=augment.settings,
        max_queries=args.max_queries_per_language,
        directory=output / "indexes",
        plain_index=Path(args.plain_index) if args.plain_index else output / "indexes" / "plain",
        batch_size=args.batch_size,
        device=args.device,
        dtype=resolve_dtype(args.dtype, args.device),
        overwrite=args.overwrite,
        progress=not args.no_progress,
        command=command,
    )


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.ablation.run import run_ablation
    from xqg_pyserini.errors import XqgError

    args = parse_with_config(build_parser(), argv)
    command = ["python", "-m", "xqg_pyserini.ablation", *(sys.argv[1:] if argv is None else argv)]
    try:
        spec = spec_from_args(args, tuple(command))
        outcome = run_ablation(spec, args.dataset, Path(args.output), hits=args.hits)
    except (XqgError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(outcome.table_text)
    for path in outcome.paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
