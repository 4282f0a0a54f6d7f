"""``python -m xqg_pyserini.study subsets``: low-resource language subsets with bootstrap CIs.

Parses the flags into a :class:`~xqg_pyserini.studies.subsets.SubsetsRequest`, calls
:func:`~xqg_pyserini.studies.subsets.run_subsets_study` and
:func:`~xqg_pyserini.studies.subsets.write_subsets_report`; see docs/studies.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xqg_pyserini.cli.config import add_config_argument, parse_with_config, require
from xqg_pyserini.progress import add_progress_argument

__all__ = ["build_parser", "main"]

PROG = "python -m xqg_pyserini.study subsets"


def build_parser() -> argparse.ArgumentParser:
    from xqg_pyserini.studies.resource_sizes import thresholds_text

    p = argparse.ArgumentParser(
        prog=PROG,
        description="Score TREC runs of one dataset per language with percentile bootstrap "
        "confidence intervals (questions resampled within each language), group the languages "
        "by their CC-100 data size (Conneau et al. 2020, Table 6) or as given, and report the "
        "gain of every run over a baseline per language and per group with a paired bootstrap "
        "CI and paired tests. Writes report.md, report.tex, report.json and subsets.png into "
        "--output.",
    )
    add_config_argument(p)
    p.add_argument(
        "--dataset",
        default="xqg-demo/dev",
        metavar="ID",
        help="ir_datasets id of the questions, with answers and languages, e.g. "
        "xor-tydi/retrieve/dev (default: xqg-demo/dev, the bundled demo)",
    )
    p.add_argument(
        "--run",
        "--runs",
        dest="run",
        nargs="+",
        default=None,
        metavar="NAME=FILE",
        help="TREC run files of the dataset, each NAME=FILE (a bare FILE is named by its stem); "
        "required",
    )
    p.add_argument(
        "--baseline",
        default=None,
        metavar="NAME",
        help="the run the others are compared with (default: the first of --run)",
    )
    p.add_argument(
        "--metrics",
        nargs="+",
        default=["R@2kt", "R@5kt"],
        metavar="METRIC",
        help="registered metrics, e.g. R@2kt, hit_rate@5, mrr@100, qrels:ndcg@10 "
        "(default: R@2kt R@5kt, XOR-Retrieve's official ones)",
    )
    p.add_argument(
        "--bootstrap",
        type=int,
        default=1000,
        metavar="N",
        help="bootstrap resamples of the questions of each language (default: 1000)",
    )
    p.add_argument(
        "--confidence",
        type=float,
        default=0.95,
        help="level of the percentile confidence intervals, in (0, 1) (default: 0.95)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=42,
        help="seed of the bootstrap and of Fisher's test (default: 42)",
    )
    p.add_argument(
        "--groups",
        nargs="+",
        default=None,
        metavar="NAME=LANG,LANG",
        help="your own language groups, e.g. high=en,ru mid=ja low=bn,te (default: by CC-100 "
        f"size: {thresholds_text('size')}; languages not in the table: unknown)",
    )
    p.add_argument(
        "--measure",
        choices=("size", "tokens"),
        default="size",
        help="the CC-100 measure of the default groups: size in GiB, or tokens "
        f"({thresholds_text('tokens')}) (default: size)",
    )
    p.add_argument(
        "--tests",
        nargs="+",
        choices=("t-test", "fisher"),
        default=["t-test", "fisher"],
        help="paired tests of the gains: t-test (marked †) and fisher (marked ‡) (default: both)",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=0.05,
        help="p-value below which a gain is marked significant (default: 0.05)",
    )
    p.add_argument(
        "--permutations",
        type=int,
        default=10_000,
        metavar="N",
        help="random permutations of Fisher's test (default: 10000)",
    )
    p.add_argument(
        "--corpus",
        default=None,
        help="passage texts from this JSONL / DPR TSV file or ir_datasets id "
        "(default: the dataset's own docstore)",
    )
    p.add_argument(
        "--output", type=Path, default=None, metavar="DIR", help="report directory; required"
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace the output directory if it exists (default: refuse)",
    )
    add_progress_argument(p)
    return p


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError

    parser = build_parser()
    args = parse_with_config(parser, argv)
    require(parser, args, "--run", "--output")
    from xqg_pyserini.eval.__main__ import parse_run_specs
    from xqg_pyserini.studies.resource_sizes import parse_groups
    from xqg_pyserini.studies.subsets import (
        SubsetsRequest,
        run_subsets_study,
        write_subsets_report,
    )

    try:
        request = SubsetsRequest(
            dataset=args.dataset,
            runs=parse_run_specs(args.run),
            output=Path(args.output),
            baseline=args.baseline,
            metrics=tuple(args.metrics),
            bootstrap=args.bootstrap,
            confidence=args.confidence,
            seed=args.seed,
            groups=parse_groups(args.groups) if args.groups else None,
            measure=args.measure,
            tests=tuple(dict.fromkeys(args.tests)),
            threshold=args.threshold,
            permutations=args.permutations,
            corpus=args.corpus,
            overwrite=args.overwrite,
            progress=not args.no_progress,
        )
        study = run_subsets_study(request)
        files = write_subsets_report(study, request.output, overwrite=request.overwrite)
    except (XqgError, OSError, ValueError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"error: {message}", file=sys.stderr)
        return 2
    print(f"{len(study.languages)} language(s), {len(study.groups)} group(s), "
          f"{len(study.run_files)} run(s) against {study.baseline}; "
          f"wrote {', '.join(str(f) for f in files)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
