"""``python -m xqg_pyserini.eval``: compare Pyserini runs per language, with significance.

Example (the demo's two runs)::

    python -m xqg_pyserini.eval --dataset xqg-demo/dev \\
        --runs plain=runs/xqg-demo-dev-plain.trec xqg=runs/xqg-demo-dev-xqg.trec \\
        --baseline plain --output reports/xqg-demo-dev

prints one row per metric and run (R@2kt, R@5kt, ranx metrics under answer
relevance, and under the dataset's qrels when it has qrels), one column per
language and the macro average, with ``†``/``‡`` where the paired t-test /
Fisher's randomisation test finds a run different from the baseline; with
``--output`` it also writes report.md, report.tex, report.json and delta plots.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xqg_pyserini.cli.config import add_config_argument, parse_with_config

__all__ = ["build_parser", "main", "parse_run_specs"]


def build_parser() -> argparse.ArgumentParser:
    from xqg_pyserini.eval.answer_metrics import DEFAULT_METRICS
    from xqg_pyserini.eval.report import QRELS_METRICS, TESTS

    p = argparse.ArgumentParser(
        prog="python -m xqg_pyserini.eval",
        description="Score Pyserini TREC runs of one dataset with XOR-Retrieve's official "
        "R@2kt/R@5kt and ranx metrics, per language and macro-averaged, test every run "
        "against a baseline (paired t-test, Fisher randomisation test), print the table and "
        "write report.md, report.tex, report.json and per-language delta plots.",
    )
    p.add_argument(
        "--dataset",
        default="xqg-demo/dev",
        help="ir_datasets id of the questions, with answers and languages, e.g. "
        "xor-tydi/retrieve/dev (default: xqg-demo/dev, the bundled demo)",
    )
    p.add_argument(
        "--runs",
        nargs="+",
        required=True,
        metavar="NAME=RUN",
        help="TREC run files as python -m pyserini.search.faiss writes them, each named "
        "NAME=PATH (a bare PATH is named by its file stem); the table keeps this order",
    )
    p.add_argument(
        "--baseline",
        default=None,
        metavar="NAME",
        help="the run the others are tested against (default: the first of --runs)",
    )
    p.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="DIR",
        help="write report.md, report.tex, report.json and delta_*.png into this directory "
        "(default: only print the table)",
    )
    p.add_argument(
        "--overwrite", action="store_true", help="replace an existing --output directory"
    )
    p.add_argument(
        "--corpus",
        default=None,
        help="passage texts from this JSONL / DPR TSV file or ir_datasets id "
        "(default: the dataset's own docstore)",
    )
    p.add_argument(
        "--missing",
        choices=("report", "miss"),
        default="report",
        help="questions missing from a run: 'report' leaves them out of its scores, as the "
        "official script does, and lists them; 'miss' scores them as misses (default: report)",
    )
    metric_lists = (
        (
            "--metrics",
            DEFAULT_METRICS,
            "ranx metrics under answer relevance (a passage containing an answer is "
            f"relevant) (default: {' '.join(DEFAULT_METRICS)})",
        ),
        (
            "--qrels-metrics",
            QRELS_METRICS,
            "ranx metrics under the dataset's qrels, reported as qrels:METRIC; ignored "
            f"when the dataset has none (default: {' '.join(QRELS_METRICS)})",
        ),
    )
    for flag, default, help_text in metric_lists:
        p.add_argument(flag, nargs="+", default=list(default), metavar="METRIC", help=help_text)
    p.add_argument(
        "--tests",
        nargs="+",
        choices=TESTS,
        default=list(TESTS),
        help="paired significance tests: t-test (marked †) and fisher (marked ‡) (default: both)",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=0.05,
        help="p-value below which a difference is significant (default: 0.05)",
    )
    p.add_argument(
        "--permutations",
        type=int,
        default=10_000,
        help="random permutations of Fisher's test (default: 10000)",
    )
    p.add_argument("--seed", type=int, default=42, help="seed of Fisher's test (default: 42)")
    p.add_argument(
        "--plot-metrics",
        nargs="*",
        default=["R@2kt", "R@5kt"],
        metavar="METRIC",
        help="metrics to draw per-language delta plots of (default: R@2kt R@5kt; none: no plots)",
    )
    p.add_argument(
        "--processes",
        type=int,
        default=1,
        help="worker processes for NLTK tokenisation in R@kt (default: 1)",
    )
    add_config_argument(p)
    return p


def parse_run_specs(specs: list[str]) -> dict[str, Path]:
    """``["NAME=PATH", "PATH", ...]`` -> ``{name: path}`` in order (a bare path: its stem).

    Raises
    ------
    ValueError
        For an empty name, a name given twice, or a file that does not exist.
    """
    from xqg_pyserini.cli.named_paths import parse_named_paths

    return parse_named_paths(specs, "--runs", "file")


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError
    from xqg_pyserini.eval.report import build_report, write_report
    from xqg_pyserini.eval.report_render import render_text

    parser = build_parser()
    args = parse_with_config(parser, argv)
    try:
        if args.permutations < 1:
            raise ValueError(f"--permutations must be at least 1, got {args.permutations}")
        if args.processes < 1:
            raise ValueError(f"--processes must be at least 1, got {args.processes}")
        runs = parse_run_specs(args.runs)
        baseline = args.baseline if args.baseline is not None else next(iter(runs))
        if args.output is not None and args.output.exists() and not args.overwrite:
            raise ValueError(
                f"{args.output} exists; pass --overwrite to replace it or choose another --output"
            )
        print(f"scoring {len(runs)} run(s) of {args.dataset} ...", file=sys.stderr)
        report = build_report(
            args.dataset,
            runs,
            baseline,
            corpus=args.corpus,
            metrics=args.metrics,
            qrels_metrics=args.qrels_metrics,
            missing=args.missing,
            tests=args.tests,
            threshold=args.threshold,
            permutations=args.permutations,
            seed=args.seed,
            processes=args.processes,
        )
        print(render_text(report), end="")
        if args.output is not None:
            files = write_report(
                report, args.output, overwrite=args.overwrite, plot_metrics=args.plot_metrics
            )
            print(f"\nwrote {args.output}/: " + ", ".join(f.name for f in files))
    except (XqgError, FileNotFoundError, ValueError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
