"""``python -m xqg_pyserini.index``: build a Pyserini FAISS index.

With no arguments it indexes the bundled ``xqg-demo`` collection (5,500 English
passages) with the multilingual-e5-small preset. The output directory holds ``index`` and
``docid`` (what Pyserini's FaissSearcher reads) and ``metadata.json``.
With ``--generated-queries`` the passage vectors are augmented with the
generated questions (xQG; see docs/augmentation.md); ``--passage-vectors-from``
then reads e(p) from a plain index instead of encoding the passages again. A killed build resumes
from its last checkpoint when run again; ``--shard-id/--shard-num`` build one
round-robin shard, and ``python -m xqg_pyserini.merge`` joins the shards
(docs/formats.md, "Resuming" and "Sharding and merging"). ``--backend ray``
encodes the chunks in a pool of Ray actors (:mod:`xqg_pyserini.scaleout.index`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from xqg_pyserini.cli.config import parse_with_config
from xqg_pyserini.cli.corpus import add_corpus_argument
from xqg_pyserini.cli.index_options import (
    add_batch_size_argument,
    add_device_argument,
    add_dtype_argument,
    add_encoder_arguments,
    add_mixing_arguments,
    command_parser,
)
from xqg_pyserini.progress import add_progress_argument
from xqg_pyserini.scaleout.ray_runtime import add_ray_arguments

if TYPE_CHECKING:  # imported where used: --help stays fast
    from xqg_pyserini.indexes.request import BuildRequest

DEFAULT_OUTPUT = Path("indexes/xqg-demo-e5-small")


def build_parser() -> argparse.ArgumentParser:
    p = command_parser(
        "python -m xqg_pyserini.index",
        "Build a Pyserini FAISS index (index + docid + metadata.json) from a passage collection.",
    )
    add_corpus_argument(p)
    add_encoder_arguments(p)
    _add_augment_arguments(p)
    p.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="DIR",
        help=f"index directory to create (default: {DEFAULT_OUTPUT})",
    )
    p.add_argument(
        "--index-type",
        default="Flat",
        metavar="FACTORY",
        help="FAISS index_factory string, inner product (default: Flat, exact)",
    )
    add_batch_size_argument(p)
    p.add_argument(
        "--checkpoint-every",
        type=int,
        default=None,
        metavar="N",
        help="passages per encoded chunk and checkpoint; a killed build re-run with the same "
        "options resumes from its last checkpoint (default: 64 batches, 64 * --batch-size)",
    )
    p.add_argument(
        "--shard-id",
        type=int,
        default=0,
        metavar="N",
        help="build shard N only: the passages at corpus positions i (from 0) with "
        "i %% shard-num == N; merge the shards with python -m xqg_pyserini.merge (default: 0)",
    )
    p.add_argument(
        "--shard-num",
        type=int,
        default=1,
        metavar="N",
        help="number of round-robin shards (default: 1, the whole corpus)",
    )
    add_device_argument(p)
    add_dtype_argument(p)
    p.add_argument(
        "--fp16",
        action="store_true",
        help="store the vectors as float16 (FAISS SQfp16, half the memory and disk of Flat, "
        "exhaustive inner-product search); only with --index-type Flat",
    )
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing output directory that holds a different index",
    )
    add_progress_argument(p)
    add_ray_arguments(p, "--checkpoint-every, the single-process build's chunk size")
    return p


def _add_augment_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--generated-queries",
        nargs="+",
        metavar="PATH",
        help="xQG: augment each passage vector with its generated questions, read from these "
        "JSONL(.gz) files, directories or glob patterns (default: none, a plain index)",
    )
    add_mixing_arguments(p)
    p.add_argument(
        "--queries-per-language",
        type=int,
        default=None,
        metavar="N",
        help="use the first N questions of each language (default: all)",
    )
    p.add_argument(
        "--passage-vectors-from",
        type=Path,
        default=None,
        metavar="PLAIN_INDEX_DIR",
        help="read e(p) from this plain index (built by xqg_pyserini.index from the same "
        "corpus with the same encoder settings, Flat, whole corpus) instead of encoding the "
        "passages again; only the questions are encoded; needs --generated-queries "
        "(default: encode the passages)",
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse flags, taking defaults from ``--config`` when given."""
    parser = build_parser()
    args = parse_with_config(parser, argv)
    return args


def request_from_args(args: argparse.Namespace, command: list[str]) -> BuildRequest:
    """The build the flags ask for.

    Raises
    ------
    XqgError, ValueError, FileNotFoundError
        On an out-of-range setting, an unknown corpus or a path that matches nothing.
    """
    from xqg_pyserini.cli.index_options import (
        augment_request,
        encoder_settings,
        passage_vectors_from,
        storage_index_type,
    )
    from xqg_pyserini.data.corpus_source import open_corpus
    from xqg_pyserini.data.shard import Shard
    from xqg_pyserini.encoders.precision import resolve_dtype
    from xqg_pyserini.indexes.request import BuildRequest

    if args.checkpoint_every is not None and args.checkpoint_every < 1:
        raise ValueError(f"--checkpoint-every must be at least 1, got {args.checkpoint_every}")
    shard = Shard(args.shard_id, args.shard_num)
    settings = encoder_settings(args)
    return BuildRequest(
        corpus=open_corpus(args.corpus),
        encoder_name=args.encoder,
        settings=settings,
        output=args.output,
        index_type=storage_index_type(args.index_type, args.fp16),
        batch_size=args.batch_size,
        device=args.device,
        dtype=resolve_dtype(args.dtype, args.device),
        overwrite=args.overwrite,
        command=tuple(command),
        augment=augment_request(args),
        shard=shard,
        checkpoint_every=args.checkpoint_every,
        passage_vectors_from=passage_vectors_from(args),
        progress=not args.no_progress,
    )


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.cli.index_options import report_augmentation
    from xqg_pyserini.errors import XqgError
    from xqg_pyserini.indexes.build import build_index
    from xqg_pyserini.indexes.request import is_up_to_date
    from xqg_pyserini.indexes.search_command import pyserini_search_command
    from xqg_pyserini.scaleout.ray_runtime import ray_options

    args = parse_args(argv)
    command = ["python", "-m", "xqg_pyserini.index", *(sys.argv[1:] if argv is None else argv)]
    try:
        options = ray_options(args)
        request = request_from_args(args, command)
        if not args.overwrite and is_up_to_date(request):
            print(f"{args.output} is up to date (same corpus and settings); nothing to do")
        else:
            if options is None:
                meta = build_index(request)
            else:
                from xqg_pyserini.scaleout.index import build_index_ray

                meta = build_index_ray(request, options)
            shard = request.shard
            what = "" if meta.shard is None else f" (shard {shard.id} of {shard.num})"
            print(
                f"wrote {meta.num_docs} passages{what}, dimension {meta.dimension}, "
                f"to {args.output}"
            )
            if meta.augmentation is not None:
                report_augmentation(meta.augmentation)
    except (XqgError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("search it with Pyserini:\n  " + pyserini_search_command(args.output, device=args.device))
    return 0


if __name__ == "__main__":
    sys.exit(main())
