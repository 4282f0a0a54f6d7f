"""The flags of ``python -m xqg_pyserini.index`` (shared with the ablation), and turning them
into build requests and reports.

The encoder and mixing flags are defined here once, for both commands; the
index CLI module only parses and wires.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xqg_pyserini.cli.config import add_config_argument
from xqg_pyserini.cli.corpus import DEFAULT_CORPUS
from xqg_pyserini.encoders.settings import ENCODER_PRESETS, POOLINGS
from xqg_pyserini.languages import XOR_LANGUAGES

if TYPE_CHECKING:  # imported where used: --help stays free of numpy and faiss
    from xqg_pyserini.encoders.settings import EncoderSettings
    from xqg_pyserini.indexes.request import AugmentRequest

__all__ = [
    "AUGMENT_FLAGS",
    "DEFAULT_CORPUS",
    "DEFAULT_ENCODER",
    "add_batch_size_argument",
    "add_device_argument",
    "add_dtype_argument",
    "add_encoder_arguments",
    "add_mixing_arguments",
    "augment_request",
    "command_parser",
    "default_generated_queries",
    "encoder_settings",
    "passage_vectors_from",
    "report_augmentation",
    "storage_index_type",
]

DEFAULT_ENCODER = "multilingual-e5-small"
AUGMENT_METHODS = ("sum", "mean")  # as xqg_pyserini.encoders.augment, without importing numpy

AUGMENT_FLAGS = {  # dest -> flag: the options that need --generated-queries
    "alpha": "--alpha",
    "augment": "--augment",
    "languages": "--languages",
    "queries_per_language": "--queries-per-language",
    "passage_vectors_from": "--passage-vectors-from",
}


def encoder_settings(args: argparse.Namespace, model: str | None = None) -> EncoderSettings:
    """The encoder settings of ``--encoder`` (or ``model``) and the encoder flags.

    The flags are those of ``add_encoder_arguments`` (``--pooling``, ``--l2-norm``,
    the prefixes and lengths), shared with ``python -m xqg_pyserini.train retriever``.
    """
    from xqg_pyserini.encoders.settings import resolve_encoder

    return resolve_encoder(
        model if model is not None else args.encoder,
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
    from xqg_pyserini.indexes.request import AugmentRequest

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


def default_generated_queries(corpus: str) -> list[str]:
    """The bundled stand-in questions of the demo corpus, ``--generated-queries``' default.

    Raises
    ------
    XqgError
        For any other corpus, which has no default.
    """
    from xqg_pyserini.errors import XqgError
    from xqg_pyserini.irds.xqg_demo import GENERATED_FILE, NAME, directory

    if corpus != NAME:
        raise XqgError(f"--generated-queries is required with --corpus {corpus}")
    return [str(directory() / GENERATED_FILE)]


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


def command_parser(prog: str, description: str) -> argparse.ArgumentParser:
    """The parser of an index command (``python -m xqg_pyserini.index``, ``.ablation``,
    ``.merge``), with ``--config`` first."""
    p = argparse.ArgumentParser(prog=prog, description=description)
    add_config_argument(p)
    return p


def add_encoder_arguments(p: argparse.ArgumentParser) -> None:
    """``--encoder`` and the settings that go with it (shared with ``xqg_pyserini.ablation``)."""
    presets = ", ".join(ENCODER_PRESETS)
    p.add_argument(
        "--encoder",
        default=DEFAULT_ENCODER,
        metavar="NAME_OR_DIR",
        help=f"a preset ({presets}), a Hugging Face model directory or a hub "
        f"name (default: {DEFAULT_ENCODER})",
    )
    p.add_argument(
        "--pooling",
        choices=POOLINGS,
        default=None,
        help="cls: last-layer [CLS] (xDR default); mean: masked mean "
        "(default: the preset's, else cls)",
    )
    p.add_argument(
        "--l2-norm",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="L2-normalise vectors (default: the preset's, else off)",
    )
    p.add_argument(
        "--query-prefix",
        default=None,
        metavar="TEXT",
        help="prefix for queries, joined with one space as in Pyserini "
        "(default: the preset's, e.g. 'query:', else none); recorded for search",
    )
    p.add_argument(
        "--passage-prefix",
        default=None,
        metavar="TEXT",
        help="prefix for passages (default: the preset's, e.g. 'passage:', else none)",
    )
    p.add_argument(
        "--query-max-length",
        type=int,
        default=None,
        metavar="N",
        help="query tokens kept (default: the preset's, else 32); recorded for search",
    )
    p.add_argument(
        "--passage-max-length",
        type=int,
        default=None,
        metavar="N",
        help="passage tokens kept, title included (default: the preset's, else 128)",
    )


def add_batch_size_argument(p: argparse.ArgumentParser, more: str = "") -> None:
    """``--batch-size``, passages per encoder batch; ``more`` adds to its help."""
    p.add_argument(
        "--batch-size",
        type=int,
        default=32,
        metavar="N",
        help=f"passages per encoder batch{more} (default: 32)",
    )


def add_device_argument(p: argparse.ArgumentParser) -> None:
    """``--device`` (shared with ``xqg_pyserini.ablation``)."""
    p.add_argument(
        "--device", default="cpu", help="torch device, e.g. cpu or cuda:0 (default: cpu)"
    )


def add_dtype_argument(p: argparse.ArgumentParser) -> None:
    """``--dtype``, the precision the encoder runs in (shared with ``xqg_pyserini.ablation``)."""
    from xqg_pyserini.encoders.precision import PRECISIONS

    p.add_argument(
        "--dtype",
        choices=PRECISIONS,
        default="auto",
        help="precision the encoder runs in: auto picks the fastest the device has (bfloat16 "
        "on a GPU that supports it, else float16; bfloat16 on a CPU with avx512_bf16 "
        "or amx_bf16, else float32 with a notice; in bfloat16/float16 padded lengths are "
        "rounded up to a multiple of 4, or of 16 past 64 tokens); float32 is the exact "
        "reference; float16 needs a GPU. Recorded in metadata.json and used for the queries "
        "too (default: auto)",
    )


def add_mixing_arguments(p: argparse.ArgumentParser) -> None:
    """``--alpha``, ``--augment`` and ``--languages`` (shared with ``xqg_pyserini.ablation``)."""
    p.add_argument(
        "--alpha",
        type=float,
        default=None,
        help="weight of the questions in e'(p) = (1 - alpha) e(p) + alpha * questions, "
        "in [0, 1] (default: 0.01, the paper's)",
    )
    p.add_argument(
        "--augment",
        choices=AUGMENT_METHODS,
        default=None,
        help="combine the question vectors by sum (the authors') or mean (default: sum)",
    )
    p.add_argument(
        "--languages",
        nargs="+",
        default=None,
        metavar="LANG",
        help=f"use the questions of these languages only (default: {' '.join(XOR_LANGUAGES)})",
    )
