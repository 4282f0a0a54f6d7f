"""``python -m xqg_pyserini.train mine``: Tevatron training data mined from a run.

Parses the flags into a :class:`~xqg_pyserini.training.data.mine.MineRequest`
and calls :func:`~xqg_pyserini.training.data.mine.mine_training_data`; see
docs/training_data.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xqg_pyserini.cli.config import add_config_argument, parse_with_config, require

__all__ = ["build_parser", "main"]

PROG = "python -m xqg_pyserini.train mine"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Write training data in Tevatron's JSONL format: every question of an "
        "ir_datasets split with its positive passages (qrels-relevant; without qrels, the "
        "run's passages that contain an answer) and hard negatives sampled from the run's "
        "top passages (never relevant, never containing an answer). Questions without a "
        "positive are skipped and counted.",
    )
    add_config_argument(p)
    p.add_argument(
        "--dataset",
        metavar="ID",
        help="ir_datasets id with queries and qrels, or queries with answers "
        "(e.g. xqg-demo/train, xor-tydi/retrieve/train); required",
    )
    p.add_argument(
        "--run",
        type=Path,
        metavar="FILE",
        help="TREC run of the dataset's questions over its corpus "
        "('qid Q0 docid rank score tag' lines); required",
    )
    p.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="Tevatron JSONL file to write, gzipped if the name ends in .gz; required",
    )
    p.add_argument(
        "--depth",
        type=int,
        default=100,
        metavar="K",
        help="look only at each question's top K passages of the run, for negatives and "
        "answer-holding positives (default: 100)",
    )
    p.add_argument(
        "--negatives",
        type=int,
        default=30,
        metavar="N",
        help="hard negatives kept per question, sampled among the candidates when there are "
        "more (default: 30)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=42,
        help="seed of the sampling of negatives; the same seed gives the same file (default: 42)",
    )
    p.add_argument(
        "--skip-top",
        type=int,
        default=0,
        metavar="K",
        help="never take the top K passages of a ranking as negatives (likely unjudged "
        "positives; default: 0)",
    )
    p.add_argument("--overwrite", action="store_true", help="replace the output file if it exists")
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError

    parser = build_parser()
    args = parse_with_config(parser, argv)
    require(parser, args, "--dataset", "--run", "--output")
    from xqg_pyserini.training.data.mine import MineRequest, mine_training_data

    try:
        request = MineRequest(
            dataset=args.dataset,
            run=Path(args.run),
            output=Path(args.output),
            depth=args.depth,
            negatives=args.negatives,
            seed=args.seed,
            skip_top=args.skip_top,
            overwrite=args.overwrite,
            progress=not args.no_progress,
        )
        summary = mine_training_data(request)
    except (XqgError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary.format(request.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
