"""PNG plots of a :class:`~xqg_pyserini.eval.comparison.Report`: deltas to the baseline.

One figure per metric: for each language and the average, one bar per run (all
but the baseline) of run minus baseline, a star above the bars the report finds
significant under any of its tests. matplotlib runs with the Agg backend (no display).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from xqg_pyserini.eval.comparison import Report
from xqg_pyserini.eval.metrics import metric_family

__all__ = ["delta_plot_name", "plot_deltas"]


def delta_plot_name(metric: str) -> str:
    """``R@2kt`` -> ``delta_R2kt.png``, ``qrels:ndcg@10`` -> ``delta_qrels_ndcg10.png``."""
    return "delta_" + re.sub(r"[^A-Za-z0-9]+", "_", metric.replace("@", "")).strip("_") + ".png"


def plot_deltas(report: Report, directory: Path, metrics: Iterable[str]) -> list[Path]:
    """Write one delta plot per metric into ``directory``; returns the files.

    Nothing is written when the report has a single run (no delta to show).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = [run for run in report.runs if run != report.baseline]
    if not systems:
        return []
    written = []
    columns = report.columns
    width = 0.8 / len(systems)
    for metric in metrics:
        figure, axes = plt.subplots(figsize=(1.0 + 0.9 * len(columns), 3.6), dpi=120)
        for i, run in enumerate(systems):
            cells = report.significance[run][metric]
            deltas = [cells[c].delta if c in cells else 0.0 for c in columns]
            offsets = [x - 0.4 + width * (i + 0.5) for x in range(len(columns))]
            bars = axes.bar(offsets, deltas, width, label=run)
            for bar, column in zip(bars, columns, strict=True):
                if report.marks(run, metric, column):
                    height = bar.get_height()
                    axes.annotate(
                        "*",
                        (bar.get_x() + bar.get_width() / 2, height),
                        ha="center",
                        va="bottom" if height >= 0 else "top",
                    )
        axes.axhline(0.0, color="black", linewidth=0.8)
        axes.set_xticks(range(len(columns)), columns)
        axes.set_ylabel(f"Δ {metric} ({metric_family(metric).unit})")
        axes.set_title(
            f"{metric} on {report.dataset}: run − {report.baseline} (* p < {report.threshold:g})",
            fontsize=9,
        )
        axes.legend(fontsize=8)
        figure.tight_layout()
        path = directory / delta_plot_name(metric)
        figure.savefig(path)
        plt.close(figure)
        written.append(path)
    return written
