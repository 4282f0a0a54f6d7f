"""``python -m xqg_pyserini.study alignment``: cross-language alignment of parallel questions.

Parses the flags into an :class:`~xqg_pyserini.studies.alignment.AlignmentRequest`,
calls :func:`~xqg_pyserini.studies.alignment.run_alignment_study` and
:func:`~xqg_pyserini.studies.alignment.write_alignment_report`; see docs/studies.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xqg_pyserini.cli.config import add_config_argument, parse_with_config

__all__ = ["build_parser", "main"]

PROG = "python -m xqg_pyserini.study alignment"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Encode the parallel questions of an ir_datasets family {prefix}/{lang} "
        "(query ids shared across languages, as XQuAD's) and measure each language against "
        "a pivot: mean parallel and non-parallel cosine and their gap, bitext P@1 both ways, "
        "linear CKA and the InfoNCE bound on mutual information. Writes report.md, report.tex, "
        "report.json and heatmap.png into --output.",
    )
    add_config_argument(p)
    p.add_argument(
        "--encoder",
        metavar="NAME_OR_DIR",
        help="an index built here, a model directory or a preset; required",
    )
    p.add_argument("--output", type=Path, metavar="DIR", help="report directory to write; required")
    p.add_argument(
        "--dataset-prefix",
        default="xquad",
        metavar="ID",
        help="ir_datasets family whose {prefix}/{lang} datasets share query ids (default: xquad)",
    )
    p.add_argument(
        "--languages",
        nargs="+",
        default=None,
        metavar="LANG",
        help="languages to measure against the pivot (default: every language of the "
        "family but the pivot)",
    )
    p.add_argument("--pivot", default="en", help="the language compared with (default: en)")
    p.add_argument(
        "--dtype",
        default=None,
        choices=("auto", "float32", "float16", "bfloat16"),
        help="precision of the encoder (default: an index's own; float32 for a model)",
    )
    p.add_argument(
        "--temperature",
        type=float,
        default=None,
        help="InfoNCE temperature tau (default: 0.05, the metrics module's)",
    )
    p.add_argument(
        "--batch-size",
        type=int,
        default=None,
        metavar="N",
        help="InfoNCE batch size N: the bound is at most log N, so compare bounds at equal N "
        "(default: all the questions in one batch)",
    )
    p.add_argument(
        "--max-questions",
        type=int,
        default=None,
        metavar="N",
        help="use only the first N parallel questions, for quick runs (default: all)",
    )
    p.add_argument(
        "--overwrite", action="store_true", help="replace the output directory if it exists"
    )
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError

    parser = build_parser()
    args = parse_with_config(parser, argv)
    missing = [f"--{name}" for name in ("encoder", "output") if getattr(args, name) is None]
    if missing:
        parser.error(f"the following arguments are required: {', '.join(missing)}")
    from xqg_pyserini.studies.alignment import (
        AlignmentRequest,
        run_alignment_study,
        write_alignment_report,
    )
    from xqg_pyserini.studies.alignment_metrics import DEFAULT_TEMPERATURE

    try:
        request = AlignmentRequest(
            encoder=args.encoder,
            output=Path(args.output),
            dataset_prefix=args.dataset_prefix,
            languages=tuple(args.languages) if args.languages else None,
            pivot=args.pivot,
            dtype=args.dtype,
            temperature=DEFAULT_TEMPERATURE if args.temperature is None else args.temperature,
            batch_size=args.batch_size,
            max_questions=args.max_questions,
            overwrite=args.overwrite,
            progress=not args.no_progress,
        )
        study = run_alignment_study(request)
        files = write_alignment_report(study, request.output, overwrite=request.overwrite)
    except (XqgError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{study.questions} parallel questions, {len(study.rows)} language(s) against "
          f"{request.pivot}; wrote {', '.join(str(f) for f in files)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
