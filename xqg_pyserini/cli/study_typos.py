"""``python -m xqg_pyserini.study typos``: how much misspelt questions cost each index.

Parses the flags into a :class:`~xqg_pyserini.studies.typo_robustness.TypoRequest`, calls
:func:`~xqg_pyserini.studies.typo_robustness.run_typo_study` and
:func:`~xqg_pyserini.studies.typo_report.write_typo_report`; see docs/studies.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xqg_pyserini.cli.config import add_config_argument, parse_with_config, require
from xqg_pyserini.progress import add_progress_argument

__all__ = ["build_parser", "main", "parse_rates"]

PROG = "python -m xqg_pyserini.study typos"


def parse_rates(values: list[str]) -> tuple[float | None, ...]:
    """``["word", "0.25"]`` -> ``(None, 0.25)``; raises ValueError for anything else."""
    rates: list[float | None] = []
    for value in values:
        if value == "word":
            rates.append(None)
            continue
        try:
            rate = float(value)
        except ValueError:
            raise ValueError(f"--rates: {value!r} is neither 'word' nor a number") from None
        if not 0.0 < rate <= 1.0:
            raise ValueError(f"--rates: {value!r} must be in (0, 1]")
        rates.append(rate)
    return tuple(dict.fromkeys(rates))


def build_parser() -> argparse.ArgumentParser:
    from xqg_pyserini.studies.typo_robustness import DEFAULT_METRICS, DEFAULT_RATES
    from xqg_pyserini.studies.typos import OPERATIONS

    rates = " ".join("word" if r is None else format(r, "g") for r in DEFAULT_RATES)
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Search every index with the dataset's questions clean and misspelt "
        "(seeded typos of every script: insertion, deletion and substitution of a character "
        "of the word's own script, swapping neighbours, a keyboard neighbour where a layout "
        "exists), score the runs with the eval's metrics and report the change per language "
        "and operation with paired significance, each index against the first. Writes "
        "report.md, report.tex, report.json and drop-vs-rate.png into --output.",
    )
    add_config_argument(p)
    p.add_argument(
        "--index",
        nargs="+",
        metavar="NAME=DIR",
        help="indexes built by xqg_pyserini.index over the datasets' corpus, each searched "
        "with the query encoder it records; the first is the baseline the others' changes "
        "are tested against (e.g. plain=indexes/plain xqg=indexes/xqg); required",
    )
    p.add_argument(
        "--dataset",
        nargs="+",
        default=["xqg-demo/dev"],
        metavar="ID",
        help="ir_datasets ids with answers and languages over the indexes' corpus; several "
        "(xquad/ar/distractors xquad/de/distractors ...) are scored together (default: "
        "xqg-demo/dev)",
    )
    p.add_argument(
        "--operations",
        nargs="+",
        default=list(OPERATIONS),
        choices=(*OPERATIONS, "mixed"),
        help=f"typo operations, each searched alone; mixed picks one per word (default: "
        f"{' '.join(OPERATIONS)})",
    )
    p.add_argument(
        "--rates",
        nargs="+",
        default=None,
        metavar="RATE",
        help=f"'word' for one word per question, or a share of the eligible words in (0, 1] "
        f"(default: {rates})",
    )
    p.add_argument(
        "--min-length",
        type=int,
        default=3,
        metavar="N",
        help="words shorter than N characters are never changed (default: 3)",
    )
    p.add_argument(
        "--seed", type=int, default=0, help="typo seed: same question and seed, same typos "
        "(default: 0)"
    )  # fmt: skip
    p.add_argument(
        "--metrics",
        nargs="+",
        default=list(DEFAULT_METRICS),
        metavar="NAME",
        help=f"metrics as xqg_pyserini.eval names them (default: {' '.join(DEFAULT_METRICS)})",
    )
    p.add_argument("--hits", type=int, default=100, help="passages per question (default: 100)")
    p.add_argument(
        "--batch-size", type=int, default=32, metavar="N",
        help="encoder batch, in padded tokens of N passages (default: 32)",
    )  # fmt: skip
    p.add_argument(
        "--dtype",
        default=None,
        choices=("auto", "float32", "float16", "bfloat16"),
        help="query encoder precision (default: each index's own)",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=0.05,
        help="p-value below which a change is marked significant (default: 0.05)",
    )
    p.add_argument(
        "--permutations",
        type=int,
        default=10_000,
        metavar="N",
        help="permutations of Fisher's randomisation test (default: 10000)",
    )
    p.add_argument("--output", type=Path, metavar="DIR", help="report directory; required")
    p.add_argument(
        "--overwrite", action="store_true", help="replace the output directory if it exists"
    )
    add_progress_argument(p)
    return p


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError

    parser = build_parser()
    args = parse_with_config(parser, argv)
    require(parser, args, "--index", "--output")
    from xqg_pyserini.cli.named_paths import parse_named_paths
    from xqg_pyserini.studies.typo_report import write_typo_report
    from xqg_pyserini.studies.typo_robustness import DEFAULT_RATES, TypoRequest, run_typo_study

    try:
        request = TypoRequest(
            indexes=parse_named_paths(args.index, "--index", "dir"),
            datasets=tuple(args.dataset),
            output=Path(args.output),
            operations=tuple(dict.fromkeys(args.operations)),
            rates=DEFAULT_RATES if args.rates is None else parse_rates(args.rates),
            min_length=args.min_length,
            seed=args.seed,
            metrics=tuple(dict.fromkeys(args.metrics)),
            hits=args.hits,
            batch_size=args.batch_size,
            dtype=args.dtype,
            threshold=args.threshold,
            permutations=args.permutations,
            overwrite=args.overwrite,
            progress=not args.no_progress,
        )
        study = run_typo_study(request)
        files = write_typo_report(study, request.output, overwrite=request.overwrite)
    except (XqgError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{sum(study.questions.values())} questions, {len(study.indexes)} index(es), "
          f"{len(study.setting_names)} typo setting(s); wrote "
          f"{', '.join(str(f) for f in files)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
