"""``python -m xqg_pyserini.ablation``: R@2kt / R@5kt against N generated questions per language.

The paper's ablation figure. With no arguments it runs on the bundled demo
(``xqg-demo`` with its stand-in generated questions, questions of
``xqg-demo/dev``, multilingual-e5-small, N = 1..5) and writes into
``runs/ablation-xqg-demo``:

* ``indexes/plain`` and ``indexes/xqg-qpl1`` .. ``xqg-qplN``: the plain index
  (built once) and the xQG indexes, all N written in one pass over the corpus
  that encodes each question once (:mod:`xqg_pyserini.indexes.ablation_build`);
  each has the ``metadata.json`` ``python -m xqg_pyserini.index
  --queries-per-language n`` would write, so either command reuses the other's;
* ``runs/plain.trec``, ``runs/xqg-qpl{n}.trec``: Pyserini-format runs
  (:mod:`xqg_pyserini.ablation_search`);
* ``report/``: the full evaluation report against the plain run;
* ``ablation.json``, ``ablation.md``, ``ablation.png``: the curve.

A re-run reuses every index and run that is up to date. See docs/augmentation.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xqg_pyserini.cli.config import add_config_argument, parse_with_config
from xqg_pyserini.cli.index_options import (
    DEFAULT_CORPUS,
    add_encoder_arguments,
    add_mixing_arguments,
)

DEFAULT_DATASET = "xqg-demo/dev"
DEFAULT_OUTPUT = Path("runs/ablation-xqg-demo")
DEFAULT_MAX_QUERIES = 5


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m xqg_pyserini.ablation",
        description="The N-questions ablation: a plain index and xQG indexes with the first "
        "1..N generated questions per language (one pass), searched and scored with R@2kt/R@5kt.",
    )
    add_config_argument(p)
    p.add_argument(
        "--dataset",
        default=DEFAULT_DATASET,
        metavar="ID",
        help="ir_datasets id of the questions, with answers and languages for R@kt "
        f"(default: {DEFAULT_DATASET})",
    )
    p.add_argument(
        "--corpus",
        default=DEFAULT_CORPUS,
        metavar="ID_OR_FILE",
        help="the passages, as for python -m xqg_pyserini.index --corpus "
        f"(default: {DEFAULT_CORPUS})",
    )
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
    add_encoder_arguments(p)
    add_mixing_arguments(p)
    p.add_argument(
        "--plain-index",
        type=Path,
        default=None,
        metavar="DIR",
        help="the plain index to reuse, or to build when missing; its passage vectors are "
        "the xQG indexes' e(p) (default: OUTPUT/indexes/plain)",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        default=32,
        metavar="N",
        help="passages per encoder batch; questions go in batches of as many tokens (default: 32)",
    )
    p.add_argument(
        "--device", default="cpu", help="torch device, e.g. cpu or cuda:0 (default: cpu)"
    )
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
    return p


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.ablation_run import run_ablation, spec_from_args
    from xqg_pyserini.errors import XqgError

    args = parse_with_config(build_parser(), argv)
    command = ["python", "-m", "xqg_pyserini.ablation", *(sys.argv[1:] if argv is None else argv)]
    try:
        outcome = run_ablation(spec_from_args(args, tuple(command)), args)
    except (XqgError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(outcome.table_text)
    for path in outcome.paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
