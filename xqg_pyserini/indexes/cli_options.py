"""Turning ``python -m xqg_pyserini.index`` flags into build requests, and its reports.

Kept apart from the CLI module so that ``index.py`` only parses and wires.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xqg_pyserini.indexes.augmented import AugmentRequest

if TYPE_CHECKING:
    from xqg_pyserini.encoders.settings import EncoderSettings

__all__ = [
    "AUGMENT_FLAGS",
    "augment_request",
    "encoder_settings",
    "passage_vectors_from",
    "report_augmentation",
    "storage_index_type",
]

AUGMENT_FLAGS = {  # dest -> flag: the options that need --generated-queries
    "alpha": "--alpha",
    "augment": "--augment",
    "languages": "--languages",
    "queries_per_language": "--queries-per-language",
    "passage_vectors_from": "--passage-vectors-from",
}


def encoder_settings(args: argparse.Namespace) -> EncoderSettings:
    """The encoder settings of ``--encoder`` and its options (see ``add_encoder_arguments``)."""
    from xqg_pyserini.encoders.settings import resolve_encoder

    return resolve_encoder(
        args.encoder,
        pooling=args.pooling,
        l2_norm=args.l2_norm,
        query_prefix=args.query_prefix,
        passage_prefix=args.passage_prefix,
        query_max_length=args.query_max_length,
        passage_max_length=args.passage_max_length,
    )


def passage_vectors_from(args: argparse.Namespace) -> Path | None:
    """``--passage-vectors-from`` as a path (a string when it came from ``--config``)."""
    value = getattr(args, "passage_vectors_from", None)
    return None if value is None else Path(value)


def augment_request(args: argparse.Namespace) -> AugmentRequest | None:
    """The augmentation the flags ask for, or None for a plain index.

    Raises
    ------
    ValueError
        If an augmentation option is given without ``--generated-queries``, or
        is out of range.
    FileNotFoundError
        If a generated-questions path matches no file.
    """

    if not args.generated_queries:
        given = [flag for dest, flag in AUGMENT_FLAGS.items() if getattr(args, dest) is not None]
        if given:
            verb = "needs" if len(given) == 1 else "need"
            raise ValueError(f"{', '.join(given)} {verb} --generated-queries")
        return None
    paths = args.generated_queries
    return AugmentRequest.from_paths(
        [paths] if isinstance(paths, str) else paths,  # a string from --config
        alpha=args.alpha,
        method=args.augment,
        languages=tuple(args.languages) if args.languages is not None else None,
        queries_per_language=args.queries_per_language,
    )


def report_augmentation(augmentation: dict[str, Any]) -> None:
    """One line on what the augmentation did, and a warning for unused languages."""
    summary = augmentation["summary"]
    used = summary["questions_per_language"]
    print(
        f"augmented {summary['passages_augmented']} passages with {sum(used.values())} "
        f"generated questions ({augmentation['method']}, alpha {augmentation['alpha']}); "
        f"{summary['passages_without_questions']} passages had none"
    )
    unused = [lang for lang in augmentation["languages"] if not used.get(lang)]
    if unused:
        print(f"warning: no generated question in {', '.join(unused)}", file=sys.stderr)


def storage_index_type(index_type: str, fp16: bool) -> str:
    """The FAISS factory string to build: ``--fp16`` turns ``Flat`` into ``SQfp16``."""
    if not fp16:
        return index_type
    if index_type != "Flat":
        raise ValueError(
            f"--fp16 goes with --index-type Flat; for {index_type!r} write the float16 "
            "encoding into the factory string itself (e.g. IVF65536,SQfp16)"
        )
    return "SQfp16"
