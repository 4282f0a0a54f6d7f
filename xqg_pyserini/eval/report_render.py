"""A :class:`~xqg_pyserini.eval.comparison.Report` as a plain-text, Markdown or LaTeX table.

One row per metric and run, one column per language and the average, with the
decimals of the metric's family (:mod:`~xqg_pyserini.eval.metrics`): R@kt two
(0-100), ranx metrics four (0-1). A run's value carries ``†``
when the paired t-test and ``‡`` when Fisher's randomisation test finds it
different from the baseline's at the report's threshold.
"""

from __future__ import annotations

from xqg_pyserini.eval.comparison import Report
from xqg_pyserini.eval.metrics import metric_family

__all__ = ["legend", "render_latex", "render_markdown", "render_text"]


def _value(metric: str, value: float) -> str:
    return f"{value:.{metric_family(metric).decimals}f}"


def _rows(report: Report) -> list[tuple[str, str, list[str]]]:
    """``(metric, run, [cell, ...])``; the metric is named on its first run's row only."""
    rows = []
    for metric in report.metrics:
        for i, run in enumerate(report.runs):
            scores = report.scores[run][metric]
            cells = [
                _value(metric, scores[column]) + report.marks(run, metric, column)
                if column in scores
                else "-"
                for column in report.columns
            ]
            rows.append((metric if i == 0 else "", run, cells))
    return rows


def legend(report: Report) -> list[str]:
    """Lines saying what the table holds: questions, baseline, tests, missing questions."""
    per_language = ", ".join(f"{lang} {n}" for lang, n in report.questions.items())
    total = sum(report.questions.values())
    tests = []
    if "t-test" in report.tests:
        tests.append("† paired t-test")
    if "fisher" in report.tests:
        permutations = f"{report.permutations:,} permutations, seed {report.seed}"
        tests.append(f"‡ Fisher randomisation test ({permutations})")
    lines = [
        f"{report.dataset}: {total} scored questions ({per_language}); "
        f"avg is the macro average over languages.",
        f"Significance against {report.baseline!r}, p < {report.threshold:g}: "
        + "; ".join(tests)
        + ". R@kt on 0-100, ranx metrics on 0-1; qrels: metrics use the dataset's qrels, "
        "the others answer relevance (a passage containing an answer).",
    ]
    for run, missing in report.missing.items():
        how = "counted as misses" if report.missing_policy == "miss" else "left out of its scores"
        lines.append(
            f"{run}: {len(missing)} answerable questions missing from the run, {how} "
            f"(first: {', '.join(missing[:5])})"
        )
    return lines


def render_text(report: Report) -> str:
    """The table for a terminal, then the legend."""
    rows = _rows(report)
    header = ("metric", "run", report.columns)
    metric_w = max(len(header[0]), *(len(r[0]) for r in rows))
    run_w = max(len(header[1]), *(len(r[1]) for r in rows))
    cell_w = max(8, *(len(c) for r in rows for c in r[2])) + 1

    def line(metric: str, run: str, cells: list[str]) -> str:
        return f"{metric:<{metric_w}}  {run:<{run_w}}" + "".join(f"{c:>{cell_w}}" for c in cells)

    out = [line(*header)]
    out += [line(*row) for row in rows]
    return "\n".join(out + [""] + legend(report)) + "\n"


def render_markdown(report: Report) -> str:
    """A Markdown document: title, table, legend, run files."""
    out = [f"# Retrieval on {report.dataset}", ""]
    out.append("| metric | run | " + " | ".join(report.columns) + " |")
    out.append("|---|---|" + "---:|" * len(report.columns))
    for metric, run, cells in _rows(report):
        out.append(f"| {metric} | {run} | " + " | ".join(cells) + " |")
    out += ["", *legend(report), "", "Run files:", ""]
    out += [f"- `{run}`: `{path}`" for run, path in report.run_files.items()]
    return "\n".join(out) + "\n"


_LATEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"}


def _tex(text: str) -> str:
    text = "".join(_LATEX_SPECIAL.get(c, c) for c in text)
    return text.replace("†", r"$^\dagger$").replace("‡", r"$^\ddagger$")


def render_latex(report: Report) -> str:
    """A booktabs ``table`` ready to paste into a paper (needs ``\\usepackage{booktabs}``)."""
    columns = "ll" + "r" * len(report.columns)
    out = [
        r"\begin{table}[t]",
        r"\centering",
        r"\small",
        rf"\begin{{tabular}}{{{columns}}}",
        r"\toprule",
        "Metric & Run & " + " & ".join(_tex(c) for c in report.columns) + r" \\",
    ]
    for metric, run, cells in _rows(report):
        if metric:
            out.append(r"\midrule")
        out.append(f"{_tex(metric)} & {_tex(run)} & " + " & ".join(map(_tex, cells)) + r" \\")
    tests = []
    if "t-test" in report.tests:
        tests.append(r"$^\dagger$ paired t-test")
    if "fisher" in report.tests:
        tests.append(r"$^\ddagger$ Fisher randomisation test")
    caption = (
        f"Retrieval on {_tex(report.dataset)} per language and macro average. "
        f"Significant against {_tex(report.baseline)} at $p < {report.threshold:g}$: "
        + ", ".join(tests)
        + "."
    )
    out += [r"\bottomrule", r"\end{tabular}", rf"\caption{{{caption}}}", r"\end{table}"]
    return "\n".join(out) + "\n"
