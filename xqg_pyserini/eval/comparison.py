"""The value a comparison of runs is: :class:`Report`, with a :class:`Cell` per test.

:func:`~xqg_pyserini.eval.report.build_report` builds a :class:`Report` in one
call; nothing changes it afterwards. :mod:`~xqg_pyserini.eval.report_render`
and :mod:`~xqg_pyserini.eval.plots` read it, and :meth:`Report.to_json` is what
``report.json`` holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xqg_pyserini.eval.answer_metrics import AVG

__all__ = ["Cell", "Report", "TEST_MARKS"]

#: The paired tests a report can run and the mark each puts on a significant value.
TEST_MARKS = {"t-test": "†", "fisher": "‡"}


@dataclass(frozen=True)
class Cell:
    """One run against the baseline on one metric and language (or ``avg``)."""

    delta: float
    n: int
    p_values: dict[str, float]  # {test: p}

    def significant(self, threshold: float) -> dict[str, bool]:
        return {test: p < threshold for test, p in self.p_values.items()}


@dataclass(frozen=True)
class Report:
    """Scores and significance of several runs of one dataset.

    ``scores[run][metric][lang]`` holds every language with a scored question and
    ``"avg"``, their macro average; R@kt is on a 0-100 scale, ranx metrics on
    ranx's 0-1 scale. ``significance[run][metric][lang]`` holds a :class:`Cell`
    for every run but the baseline. ``missing[run]`` lists the answerable
    questions a run lacks (runs that lack none are left out).
    """

    dataset: str
    baseline: str
    run_files: dict[str, str]
    metrics: tuple[str, ...]
    languages: tuple[str, ...]
    questions: dict[str, int]
    scores: dict[str, dict[str, dict[str, float]]]
    significance: dict[str, dict[str, dict[str, Cell]]]
    tests: tuple[str, ...]
    threshold: float
    permutations: int
    seed: int
    missing_policy: str
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def runs(self) -> list[str]:
        return list(self.scores)

    @property
    def columns(self) -> list[str]:
        """The languages, then ``avg``."""
        return [*self.languages, AVG]

    def marks(self, run: str, metric: str, column: str) -> str:
        """``†`` when the t-test, ``‡`` when Fisher's test finds the difference significant."""
        cell = self.significance.get(run, {}).get(metric, {}).get(column)
        if cell is None:
            return ""
        significant = cell.significant(self.threshold)
        return "".join(mark for test, mark in TEST_MARKS.items() if significant.get(test, False))

    def to_json(self) -> dict[str, Any]:
        """``{"runs": {run: {metric: {lang: x, "avg": x}}}, "significance": {...}, ...}``."""
        return {
            "dataset": self.dataset,
            "baseline": self.baseline,
            "run_files": self.run_files,
            "questions": self.questions,
            "metrics": list(self.metrics),
            "runs": self.scores,
            "significance": {
                "baseline": self.baseline,
                "tests": list(self.tests),
                "threshold": self.threshold,
                "fisher_permutations": self.permutations,
                "seed": self.seed,
                "avg": "macro average: each question weighted by 1 / its language's count",
                "results": {
                    run: {
                        metric: {
                            column: {
                                "delta": cell.delta,
                                "n": cell.n,
                                "p_value": cell.p_values,
                                "significant": cell.significant(self.threshold),
                            }
                            for column, cell in cells.items()
                        }
                        for metric, cells in metrics.items()
                    }
                    for run, metrics in self.significance.items()
                },
            },
            "missing_questions": {
                "policy": self.missing_policy,
                "runs": {run: list(qids) for run, qids in self.missing.items()},
            },
        }
