"""The ablation from start to finish: build, search, score, write the curve.

Each step reuses what is up to date: the indexes by their ``build_key``
(:mod:`~xqg_pyserini.ablation.indexes`), the runs by ``runs/runs.json``
(:mod:`~xqg_pyserini.ablation.search`), the report by the digests of the runs
it scored (:mod:`~xqg_pyserini.ablation.report`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xqg_pyserini.ablation.indexes import PLAIN, AblationIndexes

__all__ = ["AblationOutcome", "run_ablation"]


@dataclass
class AblationOutcome:
    """What the run printed and wrote."""

    table: dict[str, Any]
    table_text: str
    paths: list[Path] = field(default_factory=list)


def run_ablation(
    spec: AblationIndexes, dataset: str, output: Path, *, hits: int = 100
) -> AblationOutcome:
    """Build (or reuse) ``spec``'s indexes, search them with ``dataset``'s questions for
    ``hits`` passages each, score the runs and write the curve, all under ``output``.

    Raises
    ------
    XqgError, ValueError, FileNotFoundError
        On bad input, as the index builder and the evaluation report them.
    """
    from xqg_pyserini.ablation.indexes import build_ablation_indexes
    from xqg_pyserini.ablation.report import (
        ablation_table,
        render_table,
        scored_report,
        write_ablation,
    )
    from xqg_pyserini.ablation.search import search_all
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    metas = build_ablation_indexes(spec)
    paths = spec.index_paths()
    plain = metas[PLAIN]
    encoder = TransformerEncoder(plain.encoder_settings(), spec.device, plain.precision)
    runs = search_all(
        {name: (paths[name], metas[name]) for name in paths},
        dataset,
        encoder,
        output / "runs",
        hits=hits,
        batch_size=spec.batch_size,
        progress=spec.progress,
    )
    report_dir = output / "report"
    table = ablation_table(scored_report(dataset, runs, report_dir), list(runs))
    written = write_ablation(table, output)
    return AblationOutcome(table, render_table(table), [*runs.values(), report_dir, *written])
