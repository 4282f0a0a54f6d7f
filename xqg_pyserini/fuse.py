"""``python -m xqg_pyserini.fuse``: hybrid retrieval, TREC runs fused with ranx.

Example (a dense and a BM25 run of the demo's dev questions, reciprocal rank fusion)::

    python -m xqg_pyserini.fuse --runs dense=runs/dev-dense.trec bm25=runs/dev-bm25.trec \\
        --output runs/dev-rrf.trec

or with weights that ranx chooses on the same systems' training runs::

    python -m xqg_pyserini.fuse --method wsum \\
        --runs dense=runs/dev-dense.trec bm25=runs/dev-bm25.trec \\
        --train-runs dense=runs/train-dense.trec bm25=runs/train-bm25.trec \\
        --train-dataset xqg-demo/train --output runs/dev-wsum.trec

writes the fused run, scored like any other by ``python -m xqg_pyserini.eval``,
and ``FILE.json`` with the method, normalisation, parameters and inputs. The
work is done by :mod:`xqg_pyserini.fusion`.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

from xqg_pyserini.cli.config import add_config_argument, parse_with_config
from xqg_pyserini.fusion.methods import DEFAULT_METHOD, DEFAULT_METRIC, DEFAULT_NORM, METHODS, NORMS

__all__ = ["build_parser", "main"]


def _methods_epilog() -> str:
    ranks = [f"  {m.name:<12} {m.summary}" for m in METHODS.values() if m.ranks_only]
    scores = [f"  {m.name:<12} {m.summary}" for m in METHODS.values() if not m.ranks_only]
    return (
        "fusion methods (ranx's; parameters in brackets; those of bayesfuse, mapfuse,\n"
        "posfuse, probfuse, segfuse and slidefuse are estimated from --train-runs):\n"
        "rank-based, --norm not applied:\n" + "\n".join(ranks) + "\n"
        "score-based, after --norm:\n" + "\n".join(scores)
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m xqg_pyserini.fuse",
        description=textwrap.fill(
            "Fuse two or more TREC runs of one dataset (e.g. dense and BM25, as "
            "python -m pyserini.search.faiss / .lucene write them) into one TREC run with "
            "ranx, optionally with parameters (e.g. weights) that ranx optimises on the same "
            "systems' runs of a training split. Writes FILE and FILE.json (method, "
            "parameters, inputs).",
            width=80,
        ),
        epilog=_methods_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--runs",
        nargs="+",
        required=True,
        metavar="NAME=RUN",
        help="the TREC runs to fuse, two or more, each NAME=PATH (a bare PATH is named by its "
        "file stem); weights follow this order",
    )
    p.add_argument(
        "--output",
        type=Path,
        required=True,
        metavar="FILE",
        help="the fused TREC run to write (atomically); its record goes to FILE.json",
    )
    p.add_argument(
        "--method",
        default=DEFAULT_METHOD,
        choices=list(METHODS),
        metavar="METHOD",
        help=f"ranx fusion method, listed below (default: {DEFAULT_METHOD}, reciprocal rank "
        "fusion)",
    )
    p.add_argument(
        "--norm",
        default=DEFAULT_NORM,
        choices=NORMS,
        metavar="NORM",
        help="ranx score normalisation per question before score-based methods; 'none' fuses "
        "raw scores; ignored by rank-based methods such as rrf "
        f"(default: {DEFAULT_NORM}; choices: {', '.join(NORMS)})",
    )
    p.add_argument(
        "--weights",
        nargs="+",
        type=float,
        default=None,
        metavar="W",
        help="one weight per run, in --runs order, for weighted methods "
        "(wsum, wmnz, mixed, w_bordafuse, w_condorcet); not with --train-runs",
    )
    p.add_argument(
        "--params",
        default=None,
        metavar="JSON",
        help="ranx parameters of the method as a JSON object, e.g. '{\"k\": 60}' for rrf; with "
        "--train-runs, options of ranx's search instead, e.g. '{\"step\": 0.05}' for wsum "
        "(default: ranx's defaults)",
    )
    p.add_argument(
        "--hits",
        type=int,
        default=100,
        metavar="N",
        help="hits written per question (default: 100)",
    )
    p.add_argument("--tag", default="fused", help="the run tag column (default: fused)")
    p.add_argument(
        "--dataset",
        default="xqg-demo/dev",
        metavar="ID",
        help="ir_datasets id whose questions the runs answer; a question id not in it is an "
        "error (default: xqg-demo/dev)",
    )
    p.add_argument(
        "--train-runs",
        nargs="+",
        default=None,
        metavar="NAME=RUN",
        help="the same systems, with the same names in the same order, run on the training "
        "split: ranx.optimize_fusion chooses the method's parameters on them (default: none, "
        "fixed parameters)",
    )
    p.add_argument(
        "--train-dataset",
        default=None,
        metavar="ID",
        help="ir_datasets id of the training runs, e.g. xqg-demo/train; its qrels judge the "
        "optimisation, or without qrels its answers (a retrieved passage containing one is "
        "relevant); required with --train-runs",
    )
    p.add_argument(
        "--optimize-metric",
        default=None,
        metavar="METRIC",
        help=f"ranx metric that the optimisation maximises (default: {DEFAULT_METRIC})",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing --output and its FILE.json",
    )
    add_config_argument(p)
    return p


def _run_specs(specs: list[str] | None, flag: str) -> dict[str, Path] | None:
    from xqg_pyserini.eval.__main__ import parse_run_specs

    if specs is None:
        return None
    try:
        return parse_run_specs(specs)
    except ValueError as exc:  # its messages name --runs
        message = str(exc)
        raise ValueError(
            flag + message.removeprefix("--runs") if flag != "--runs" else message
        ) from None


def _params(value: str | dict[str, Any] | None) -> dict[str, Any] | None:
    from xqg_pyserini.data.json_lines import parse_json_object

    if value is None or isinstance(value, dict):  # a --config file gives an object
        return value
    return parse_json_object(value, f"--params {value!r}", ' (write e.g. {"k": 60})')


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError
    from xqg_pyserini.fusion.request import FusionRequest, fuse_request, record_path

    args = parse_with_config(build_parser(), argv)
    command = ["python", "-m", "xqg_pyserini.fuse", *(sys.argv[1:] if argv is None else argv)]
    try:
        request = FusionRequest(
            runs=_run_specs(args.runs, "--runs") or {},
            output=args.output,
            dataset=args.dataset,
            method=args.method,
            norm=args.norm,
            weights=None if args.weights is None else tuple(args.weights),
            params=_params(args.params),
            hits=args.hits,
            tag=args.tag,
            train_runs=_run_specs(args.train_runs, "--train-runs"),
            train_dataset=args.train_dataset,
            optimize_metric=args.optimize_metric,
            overwrite=args.overwrite,
        )
        record = fuse_request(request, report=print, command=command)
    except (XqgError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    norm = f", {record.norm} normalised" if record.norm else ""
    print(
        f"fused {len(record.runs)} runs ({', '.join(record.runs)}) of {record.dataset} with "
        f"{record.method}{norm}: {record.questions} questions, up to {record.hits} hits each, "
        f"written to {record.output} (record: {record_path(args.output)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
