"""The ablation's result: R@2kt / R@5kt against N, as JSON, a Markdown table and a plot.

:func:`evaluate` scores the runs with :func:`xqg_pyserini.eval.report.build_report`
(the plain run is the baseline) and writes the full report into ``report/``, or
reuses the one made from the same run files (:func:`scored_report`);
:func:`ablation_table` picks the curve out of it (N = 0 is the plain index);
:func:`write_ablation` writes ``ablation.json``, ``ablation.md`` and ``ablation.png``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "METRICS",
    "ablation_table",
    "evaluate",
    "render_table",
    "scored_report",
    "write_ablation",
]

METRICS = ("R@2kt", "R@5kt")
AVG = "avg"
DIGESTS = "runs.sha256.json"  # beside the report: the run files it scored


def evaluate(dataset: str, runs: Mapping[str, Path], directory: Path) -> dict[str, Any]:
    """Score ``runs`` (``"plain"`` first) against ``"plain"``; write and return the report JSON."""
    from xqg_pyserini.eval.report import build_report, write_report

    report = build_report(dataset, dict(runs), "plain", missing="report", threshold=0.05)
    write_report(report, directory, overwrite=True)
    return report.to_json()


def scored_report(dataset: str, runs: Mapping[str, Path], directory: Path) -> dict[str, Any]:
    """The report JSON of ``runs``: the one in ``directory`` when made from these very run
    files (same names, same bytes), else :func:`evaluate`'s."""
    import hashlib

    digests = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in runs.items()}
    stamp, path = directory / DIGESTS, directory / "report.json"
    if path.is_file() and stamp.is_file() and json.loads(stamp.read_text("utf-8")) == digests:
        return json.loads(path.read_text("utf-8"))
    report = evaluate(dataset, runs, directory)
    stamp.write_text(json.dumps(digests, indent=2) + "\n", "utf-8")
    return report


def ablation_table(report: Mapping[str, Any], runs: list[str]) -> dict[str, Any]:
    """``{"n": [0..N], "R@2kt": {lang: [...], "avg": [...]}, "R@5kt": {...}}``.

    ``runs`` are the run names in order of N, the plain run first; languages
    are those the report scored, ``avg`` last.
    """
    scores = report["runs"]
    table: dict[str, Any] = {"n": list(range(len(runs))), "runs": list(runs)}
    for metric in METRICS:
        columns = [c for c in scores[runs[0]][metric] if c != AVG] + [AVG]
        table[metric] = {c: [scores[run][metric].get(c) for run in runs] for c in columns}
    significance = report.get("significance", {}).get("results", {})
    table["significant_avg"] = {
        metric: [
            bool(
                any(
                    significance.get(run, {})
                    .get(metric, {})
                    .get(AVG, {})
                    .get("significant", {})
                    .values()
                )
            )
            for run in runs
        ]
        for metric in METRICS
    }
    return table


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def render_table(table: Mapping[str, Any]) -> str:
    """A Markdown table: one row per N, R@2kt and R@5kt per language and on average.

    A ``*`` marks an average that differs significantly from N = 0 (p < 0.05, either test).
    """
    lines = []
    for metric in METRICS:
        columns = list(table[metric])
        lines.append(f"| N | {metric} " + " | ".join(columns) + " |")
        lines.append("|---" * (len(columns) + 1) + "|")
        for i, n in enumerate(table["n"]):
            cells = [_fmt(table[metric][c][i]) for c in columns]
            if table.get("significant_avg", {}).get(metric, [False] * (i + 1))[i]:
                cells[-1] += "*"
            lines.append(f"| {n} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _plot(table: Mapping[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(5, 3.5))
    for metric, marker in zip(METRICS, ("o", "s"), strict=True):
        axes.plot(table["n"], table[metric][AVG], marker=marker, label=f"{metric} (average)")
    axes.set_xlabel("generated questions per language (N; 0 = plain)")
    axes.set_ylabel("recall (%)")
    axes.set_xticks(table["n"])
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=150)
    plt.close(figure)


def write_ablation(table: Mapping[str, Any], directory: Path) -> list[Path]:
    """Write ``ablation.json``, ``ablation.md`` and ``ablation.png`` into ``directory``."""
    from xqg_pyserini.atomic import atomic_file

    directory.mkdir(parents=True, exist_ok=True)
    json_path, md_path, png_path = (directory / f"ablation.{ext}" for ext in ("json", "md", "png"))
    with atomic_file(json_path) as handle:
        handle.write(json.dumps(table, indent=2, ensure_ascii=False) + "\n")
    with atomic_file(md_path) as handle:
        handle.write("# R@kt against N, generated questions per language\n\n")
        handle.write(render_table(table) + "\n")
    tmp = png_path.with_name(f".{png_path.name}.tmp.png")
    _plot(table, tmp)
    tmp.replace(png_path)
    return [json_path, md_path, png_path]
