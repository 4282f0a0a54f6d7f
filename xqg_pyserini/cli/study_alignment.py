"""``python -m xqg_pyserini.study alignment``: cross-language alignment of parallel questions,
and, with ``--index NAME=DIR ...``, of questions and their gold passages in each index.

Parses the flags into an :class:`~xqg_pyserini.studies.alignment.AlignmentRequest`,
calls :func:`~xqg_pyserini.studies.alignment.run_alignment_study` and
:func:`~xqg_pyserini.studies.alignment.write_alignment_report`; see docs/studies.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from xqg_pyserini.cli.config import add_config_argument, parse_with_config, require
from xqg_pyserini.progress import add_progress_argument

__all__ = ["build_parser", "main"]

PROG = "python -m xqg_pyserini.study alignment"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Encode the parallel questions of an ir_datasets family {prefix}/{lang} "
        "(query ids shared across languages, as XQuAD's) and measure each language against "
        "a pivot: mean parallel and non-parallel cosine and their gap, bitext P@1 both ways, "
        "linear CKA and the InfoNCE bound on mutual information. With --index, also the "
        "InfoNCE bound between each language's questions (encoded with each index's own query "
        "encoder) and their gold English passages (qrels; vectors read from each index; the "
        "candidates of a batch are its unique gold passages), P@1 among those candidates, and "
        "a paired t-test of each index against the first. Writes report.md, report.tex, "
        "report.json and heatmap.png (with --index also heatmap-passages.png) into --output.",
    )
    add_config_argument(p)
    p.add_argument(
        "--encoder",
        metavar="NAME_OR_DIR",
        help="encoder of the question-question part: an index built here, a model directory "
        "or a preset; required unless --index is given (default then: the first index's encoder)",
    )
    p.add_argument(
        "--index",
        nargs="+",
        default=None,
        metavar="NAME=DIR",
        help="add the question-passage part: FAISS index directories built by "
        "xqg_pyserini.index from the family's corpus (e.g. plain=indexes/xquad-plain "
        "xqg=indexes/xquad-xqg); the first is the baseline of the paired t-test; each index's "
        "questions are encoded with its own recorded encoder and precision (default: none, "
        "questions only)",
    )
    p.add_argument("--output", type=Path, metavar="DIR", help="report directory to write; required")
    p.add_argument(
        "--dataset-prefix",
        default="xquad",
        metavar="ID",
        help="ir_datasets family whose {prefix}/{lang}{suffix} datasets share query ids "
        "(default: xquad)",
    )
    p.add_argument(
        "--passages-dataset",
        default=None,
        metavar="ID",
        help="measure only the question-passage part, on the questions of this one dataset "
        "grouped by their language (qrels and a language per question; need not be "
        "parallel: xqg-demo/dev, xquad-all/distractors); needs --index (default: none, the "
        "family of --dataset-prefix)",
    )
    p.add_argument(
        "--dataset-suffix",
        default="",
        metavar="SUFFIX",
        help="what follows the language in the dataset ids, e.g. /distractors for "
        "xquad/{lang}/distractors, whose corpus is xquad/distractors (default: none)",
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
        help="InfoNCE batch size: the question-question bound is at most log N with N the "
        "batch size, so compare bounds at equal N; in the question-passage part, consecutive "
        "batches of this many questions, N their unique gold passages (default: all the "
        "questions in one batch)",
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
    add_progress_argument(p)
    return p


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError

    parser = build_parser()
    args = parse_with_config(parser, argv)
    if args.passages_dataset and not args.index:
        print("error: --passages-dataset measures indexes: give --index NAME=DIR", file=sys.stderr)
        return 2
    require(parser, args, *(("--output",) if args.index else ("--encoder", "--output")))
    from xqg_pyserini.studies.alignment import (
        AlignmentRequest,
        run_alignment_study,
        write_alignment_report,
    )
    from xqg_pyserini.studies.alignment_metrics import DEFAULT_TEMPERATURE
    from xqg_pyserini.studies.passage_alignment import parse_index_option

    try:
        indexes = tuple(parse_index_option(args.index or ()))
        request = AlignmentRequest(
            encoder=args.encoder or str(indexes[0][1]),
            output=Path(args.output),
            dataset_prefix=args.dataset_prefix,
            dataset_suffix=args.dataset_suffix,
            indexes=indexes,
            passages_dataset=args.passages_dataset,
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
    if request.passages_dataset is not None:
        print(f"{study.questions} questions of {request.passages_dataset} against "
              f"{len(indexes)} index(es); wrote {', '.join(str(f) for f in files)}")  # fmt: skip
        return 0
    against = f" and {len(indexes)} index(es)" if indexes else ""
    print(f"{study.questions} parallel questions, {len(study.rows)} language(s) against "
          f"{request.pivot}{against}; wrote {', '.join(str(f) for f in files)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
