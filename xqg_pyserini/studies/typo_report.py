"""Writing a :class:`~xqg_pyserini.studies.typo_robustness.TypoStudy`: tables, JSON, plot.

``report.md`` and ``report.tex`` hold, per metric, the clean scores, the change each typo
setting makes (typo minus clean, marked ``†`` when the paired t-test and ``‡`` when
Fisher's randomisation test finds it significant) and, for every index but the baseline,
its change minus the baseline's; then the share of questions each setting changed.
``report.json`` holds everything, with a few misspelt questions per setting;
``drop-vs-rate.png`` plots the average change against the typo rate, one panel per
operation and one line per index. All are written into one directory atomically.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from xqg_pyserini.eval.answer_metrics import AVG
from xqg_pyserini.eval.comparison import TEST_MARKS
from xqg_pyserini.studies.typo_robustness import CLEAN, Change, TypoStudy

__all__ = ["PLOT", "render_latex", "render_markdown", "to_json", "write_typo_report"]

PLOT = "drop-vs-rate.png"


def _scale(metric: str) -> float:
    """R@kt is on 0-100 already; ranx metrics are shown x100 too."""
    return 1.0 if metric.startswith("R@") else 100.0


def _marks(cell: Change, threshold: float) -> str:
    return "".join(TEST_MARKS[t] for t, p in cell.p_values.items() if p < threshold)


def _delta(cell: Change | None, metric: str, threshold: float) -> str:
    if cell is None:
        return "–"
    return f"{cell.delta * _scale(metric):+.2f}{_marks(cell, threshold)}"


def _columns(study: TypoStudy) -> list[str]:
    return [*study.languages, AVG]


def _tables(study: TypoStudy) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of every table, shared by Markdown and LaTeX."""
    threshold = study.settings["threshold"]
    columns = _columns(study)
    tables = []
    for metric in study.settings["metrics"]:
        scale = _scale(metric)
        clean = [
            [
                i.name,
                *(
                    f"{study.scores[i.name][CLEAN][metric].get(c, float('nan')) * scale:.2f}"
                    for c in columns
                ),
            ]  # fmt: skip
            for i in study.indexes
        ]
        tables.append((f"{metric}: clean questions", ["index", *columns], clean))
        change = [
            [
                i.name,
                s,
                *(
                    _delta(study.change[i.name][s][metric].get(c), metric, threshold)
                    for c in columns
                ),
            ]  # fmt: skip
            for s in study.setting_names
            for i in study.indexes
        ]
        tables.append(
            (f"{metric}: change with typos (typo − clean)", ["index", "typos", *columns], change)
        )
        if study.versus:
            versus = [
                [
                    name,
                    s,
                    *(_delta(by_setting[s][metric].get(c), metric, threshold) for c in columns),
                ]  # fmt: skip
                for s in study.setting_names
                for name, by_setting in study.versus.items()
            ]
            tables.append(
                (
                    f"{metric}: change minus the change of {study.baseline} "
                    "(> 0: loses less to typos)",
                    ["index", "typos", *columns],
                    versus,
                )
            )
    changed = [
        [s, *(f"{study.changed[s].get(lang, float('nan')) * 100:.1f}" for lang in study.languages)]
        for s in study.setting_names
    ]
    tables.append(("questions changed (%)", ["typos", *study.languages], changed))
    return tables


def _legend(study: TypoStudy) -> list[str]:
    s = study.settings
    marks = ", ".join(f"{TEST_MARKS[t]} {t}" for t in s["tests"])
    return [
        f"Datasets: {', '.join(f'`{d}`' for d in s['datasets'])}; "
        f"questions per language: {', '.join(f'{k} {v}' for k, v in study.questions.items())}.",
        "Indexes (the first is the baseline): "
        + "; ".join(
            f"`{i.name}` = {i.path} ({i.encoder}, {'xQG' if i.augmented else 'plain'})"
            for i in study.indexes
        )
        + ".",
        f"Typos: operations {', '.join(s['operations'])}; `word` = one word per question, a "
        f"number = that share of the eligible words; words shorter than {s['min_length']} "
        f"characters unchanged; seed {s['seed']}.",
        f"Significant at p < {s['threshold']:g}: {marks} (paired, per question; `avg` weighs "
        "each question by one over its language's count). Scores ×100 where not R@kt.",
    ]


def render_markdown(study: TypoStudy) -> str:
    out = ["# Typo robustness", "", *_legend(study), ""]
    for title, header, rows in _tables(study):
        out += [f"## {title}", "", "| " + " | ".join(header) + " |"]
        out.append("|" + "".join("---|" if h in ("index", "typos") else "---:|" for h in header))
        out += ["| " + " | ".join(row) + " |" for row in rows]
        out.append("")
    return "\n".join(out)


def _tex(text: str) -> str:
    text = "".join("\\" + c if c in "&%$#_{}" else c for c in text)
    return (
        text.replace("−", "$-$")
        .replace("†", r"$^\dagger$")
        .replace("‡", r"$^\ddagger$")
        .replace(">", r"$>$")
    )


def render_latex(study: TypoStudy) -> str:
    out = []
    for title, header, rows in _tables(study):
        out += [
            f"% {_tex(title)}",
            rf"\begin{{tabular}}{{{'l' * (2 if 'typos' in header else 1)}"
            rf"{'r' * (len(header) - (2 if 'typos' in header else 1))}}}",
            r"\toprule",
            " & ".join(_tex(h) for h in header) + r" \\",
            r"\midrule",
            *(" & ".join(_tex(cell) for cell in row) + r" \\" for row in rows),
            r"\bottomrule",
            r"\end{tabular}",
            "",
        ]
    return "\n".join(out)


def to_json(study: TypoStudy) -> dict[str, Any]:
    def cells(tree: dict[str, Any]) -> dict[str, Any]:
        return {k: (asdict(v) if isinstance(v, Change) else cells(v)) for k, v in tree.items()}

    return {
        "settings": study.settings,
        "indexes": [asdict(i) for i in study.indexes],
        "baseline": study.baseline,
        "languages": list(study.languages),
        "questions": study.questions,
        "settings_searched": list(study.setting_names),
        "scores": study.scores,
        "change": cells(study.change),
        "versus": cells(study.versus),
        "questions_changed": study.changed,
        "examples": study.examples,
    }


def _plot(study: TypoStudy, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metric = study.settings["metrics"][0]
    rates = [r for r in study.settings["rates"] if r is not None]
    operations = study.settings["operations"]
    figure, axes = plt.subplots(
        1, len(operations), figsize=(3.2 * len(operations), 3.0), dpi=120, squeeze=False
    )
    for axis, operation in zip(axes[0], operations, strict=True):
        for index in study.indexes:
            x, y = [0.0], [0.0]
            for rate in rates:
                name = f"{operation}@{format(rate, 'g')}"
                x.append(rate)
                y.append(study.change[index.name][name][metric][AVG].delta * _scale(metric))
            axis.plot(x, y, marker="o", label=index.name)
        axis.axhline(0, color="grey", linewidth=0.5)
        axis.set_title(operation, fontsize=9)
        axis.set_xlabel("typo rate (share of words)", fontsize=8)
    axes[0][0].set_ylabel(f"{metric} change (avg)", fontsize=8)
    axes[0][-1].legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def write_typo_report(study: TypoStudy, directory: Path, overwrite: bool = False) -> list[Path]:
    """Write ``report.md``, ``report.tex``, ``report.json`` and the plot into ``directory``.

    The plot is left out when no numeric rate was searched (only ``word``).

    Raises
    ------
    OutputExistsError
        If ``directory`` exists and ``overwrite`` is not set.
    """
    from xqg_pyserini.report_files import json_text, write_report_files

    files: dict[str, Any] = {
        "report.md": render_markdown(study),
        "report.tex": render_latex(study),
        "report.json": json_text(to_json(study)),
    }
    if any(r is not None for r in study.settings["rates"]):
        files[PLOT] = lambda path: _plot(study, path)
    return write_report_files(directory, files, overwrite=overwrite)
