"""Wiring of ``python -m xqg_pyserini.ablation``: flags to a spec, then build, search, score.

Kept out of the CLI module so ``--help`` imports nothing heavy; each step lives
in its own module (:mod:`xqg_pyserini.indexes.ablation_build`,
:mod:`xqg_pyserini.ablation_search`, :mod:`xqg_pyserini.ablation_report`).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xqg_pyserini.errors import XqgError
from xqg_pyserini.indexes.ablation_build import AblationIndexes

__all__ = ["AblationOutcome", "default_generated_queries", "run_ablation", "spec_from_args"]

DIGESTS = "runs.sha256.json"  # beside the report: the run files it scored


@dataclass
class AblationOutcome:
    """What the run printed and wrote."""

    table: dict[str, Any]
    table_text: str
    paths: list[Path] = field(default_factory=list)


def default_generated_queries(corpus: str) -> list[str]:
    """The bundled stand-in questions for the demo corpus.

    Raises
    ------
    XqgError
        For any other corpus, which has no default.
    """
    from xqg_pyserini.irds.xqg_demo import GENERATED_FILE, NAME, directory

    if corpus != NAME:
        raise XqgError(f"--generated-queries is required with --corpus {corpus}")
    return [str(directory() / GENERATED_FILE)]


def spec_from_args(args: argparse.Namespace, command: tuple[str, ...]) -> AblationIndexes:
    """The indexes the flags ask for.

    Raises
    ------
    XqgError, ValueError, FileNotFoundError
        On a missing default, an out-of-range setting or a path that matches nothing.
    """
    from xqg_pyserini.cli.index_options import encoder_settings
    from xqg_pyserini.data.corpus_source import open_corpus
    from xqg_pyserini.data.generated import resolve_shards
    from xqg_pyserini.encoders.augment import AugmentSettings

    paths = args.generated_queries or default_generated_queries(args.corpus)
    given = {
        "alpha": args.alpha,
        "method": args.augment,
        "languages": tuple(args.languages) if args.languages is not None else None,
    }
    output = Path(args.output)
    return AblationIndexes(
        corpus=open_corpus(args.corpus),
        encoder_name=args.encoder,
        settings=encoder_settings(args),
        generated=tuple(resolve_shards([paths] if isinstance(paths, str) else paths)),
        augment=AugmentSettings(**{k: v for k, v in given.items() if v is not None}),
        max_queries=args.max_queries_per_language,
        directory=output / "indexes",
        plain_index=Path(args.plain_index) if args.plain_index else output / "indexes" / "plain",
        batch_size=args.batch_size,
        device=args.device,
        overwrite=args.overwrite,
        command=command,
    )


def run_ablation(spec: AblationIndexes, args: argparse.Namespace) -> AblationOutcome:
    """Build (or reuse) the indexes, search (or reuse) the runs, score and write the curve."""
    from xqg_pyserini.ablation_report import ablation_table, evaluate, render_table, write_ablation
    from xqg_pyserini.ablation_search import search_all
    from xqg_pyserini.encoders.transformer import TransformerEncoder
    from xqg_pyserini.indexes.ablation_build import build_ablation_indexes

    metas = build_ablation_indexes(spec)
    paths = spec.index_paths()
    output = Path(args.output)
    encoder = TransformerEncoder(metas["plain"].encoder_settings(), device=spec.device)
    runs = search_all(
        {name: (paths[name], metas[name]) for name in paths},
        args.dataset,
        encoder,
        output / "runs",
        hits=args.hits,
        batch_size=spec.batch_size,
    )
    report_dir = output / "report"
    digests = _digests(runs)
    report_json = _reusable_report(report_dir, digests)
    if report_json is None:
        report_json = evaluate(args.dataset, runs, report_dir)
        (report_dir / DIGESTS).write_text(json.dumps(digests, indent=2) + "\n", "utf-8")
    table = ablation_table(report_json, list(runs))
    written = write_ablation(table, output)
    return AblationOutcome(table, render_table(table), [*runs.values(), report_dir, *written])


def _digests(runs: dict[str, Path]) -> dict[str, str]:
    import hashlib

    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in runs.items()}


def _reusable_report(report_dir: Path, digests: dict[str, str]) -> dict[str, Any] | None:
    """The report's JSON when it was made from these very run files (same names, same bytes)."""
    stamp, path = report_dir / DIGESTS, report_dir / "report.json"
    if path.is_file() and stamp.is_file() and json.loads(stamp.read_text("utf-8")) == digests:
        return json.loads(path.read_text("utf-8"))
    return None
