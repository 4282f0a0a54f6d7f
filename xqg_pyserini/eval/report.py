"""A comparison of runs against a baseline: every metric per language, with significance.

:func:`build_report` scores each Pyserini TREC run (or ranx ``Run``) of one dataset with

* the official ``R@2kt`` and ``R@5kt`` (:mod:`~xqg_pyserini.eval.recall_kt`),
* ranx metrics under answer relevance (a passage containing an answer is
  relevant, DPR's convention; :mod:`~xqg_pyserini.eval.answer_metrics`), named as
  ranx names them (``hit_rate@5``, ``mrr@100``, ...),
* ranx metrics under the dataset's own qrels when it has qrels, named
  ``qrels:<ranx name>`` (e.g. ``qrels:ndcg@10``),
* any other metric registered in :mod:`~xqg_pyserini.eval.metrics`,

per language and as the macro average over languages (``avg``), and tests every
run against the baseline per language and on the average with the paired t-test
and Fisher's randomisation test (:mod:`~xqg_pyserini.eval.significance`). The
average's test weighs each question by one over its language's question count,
so it tests the macro average that is reported.

The result is a frozen :class:`~xqg_pyserini.eval.comparison.Report`;
:func:`write_report` writes its tables (:mod:`~xqg_pyserini.eval.report_render`),
JSON and plots (:mod:`~xqg_pyserini.eval.plots`) into one directory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from xqg_pyserini.errors import XqgError
from xqg_pyserini.eval.answer_metrics import AVG, DEFAULT_METRICS
from xqg_pyserini.eval.answers import check_missing_policy
from xqg_pyserini.eval.comparison import TEST_MARKS, Cell, Report
from xqg_pyserini.eval.metrics import QRELS_PREFIX, Evaluation, group_metrics
from xqg_pyserini.eval.plots import plot_deltas
from xqg_pyserini.eval.report_render import render_latex, render_markdown
from xqg_pyserini.eval.scoring import RunScores, RunSource, read_runs, run_source_name, score_run

__all__ = [
    "OFFICIAL_METRICS",
    "QRELS_METRICS",
    "QRELS_PREFIX",
    "TESTS",
    "Report",
    "ReportError",
    "build_report",
    "language_cells",
    "write_report",
]

#: XOR-Retrieve's official metrics, first in every report.
OFFICIAL_METRICS = ("R@2kt", "R@5kt")
#: Metrics under the dataset's own qrels (when it has qrels), ranx names.
QRELS_METRICS = ("recall@5", "recall@20", "recall@100", "mrr@100", "ndcg@10")
TESTS = tuple(TEST_MARKS)


class ReportError(XqgError, ValueError):
    """Runs or settings a comparison cannot be built from."""


@dataclass(frozen=True)
class _Tests:
    """The paired tests a report runs, and their settings."""

    names: tuple[str, ...]
    threshold: float
    permutations: int
    seed: int


def _check(runs: Mapping[str, RunSource], baseline: str, tests: _Tests) -> None:
    if not runs:
        raise ReportError("no run to evaluate")
    if baseline not in runs:
        raise ReportError(f"baseline {baseline!r} is not one of the runs ({', '.join(runs)})")
    unknown = [test for test in tests.names if test not in TESTS]
    if unknown or not tests.names:
        raise ReportError(f"tests must be among {', '.join(TESTS)}, got {list(tests.names)!r}")
    if not 0 < tests.threshold < 1:
        raise ReportError(f"the p-value threshold must be in (0, 1), got {tests.threshold}")


def build_report(
    dataset: str,
    runs: Mapping[str, RunSource],
    baseline: str,
    *,
    corpus: str | Path | None = None,
    metrics: Iterable[str] | None = None,
    qrels_metrics: Iterable[str] = QRELS_METRICS,
    missing: str = "report",
    tests: Sequence[str] = TESTS,
    threshold: float = 0.05,
    permutations: int = 10_000,
    seed: int = 42,
    processes: int = 1,
) -> Report:
    """Score every run of ``dataset`` and test it against ``baseline``.

    Parameters
    ----------
    dataset
        An ir_datasets id whose questions have ``answers`` and ``language``
        (``xor-tydi/retrieve/dev``, ``xqg-demo/dev``).
    runs
        ``{name: TREC run file}`` (read with
        :func:`~xqg_pyserini.eval.run_file.read_run`, rank order kept) or
        ``{name: ranx.Run}`` (read in score order); names are kept in this order.
    baseline
        The name of the run the others are tested against.
    corpus
        Where passage texts come from (a JSONL/TSV file or ir_datasets id);
        the dataset's docstore by default.
    metrics
        Registered metric names after ``R@2kt`` and ``R@5kt``: ranx metrics
        under answer relevance by default
        (:data:`~xqg_pyserini.eval.answer_metrics.DEFAULT_METRICS`).
    qrels_metrics
        ranx metrics under the dataset's qrels, reported as ``qrels:<name>``
        (ignored when it has none).
    missing
        ``"report"``: a question missing from a run is left out of that run's
        scores, as the official script does, and listed; ``"miss"``: it counts as
        a miss (0) on every metric.
    tests, threshold, permutations, seed
        Which paired tests, the p-value below which a difference is significant,
        and the Fisher test's permutations and seed.
    processes
        Worker processes for NLTK tokenisation (R@kt).

    Raises
    ------
    ReportError, MetricError, RunFormatError, RecallKtError, DatasetError
        For bad settings, an unknown metric, malformed runs or runs that share
        no question with the dataset.
    """
    from xqg_pyserini.eval.questions import load_questions

    plan = _Tests(tuple(dict.fromkeys(tests)), threshold, permutations, seed)
    _check(runs, baseline, plan)
    policy = check_missing_policy(missing, ReportError)
    asked = [*OFFICIAL_METRICS, *(DEFAULT_METRICS if metrics is None else metrics)]
    qrels_names = [QRELS_PREFIX + metric for metric in qrels_metrics]
    group_metrics([*asked, *qrels_names])  # an unknown name fails before any run is read
    questions = load_questions(dataset)
    names = list(dict.fromkeys([*asked, *(qrels_names if questions.qrels else ())]))
    read, texts = read_runs(runs, dataset, corpus)
    evaluation = Evaluation(questions, texts, policy, processes)
    scored = {name: score_run(run, evaluation, names) for name, run in read.items()}
    languages = questions.languages
    return Report(
        dataset=dataset,
        baseline=baseline,
        run_files={name: run_source_name(source) for name, source in runs.items()},
        metrics=tuple(names),
        languages=tuple(sorted({languages[q] for s in scored.values() for q in s.scored})),
        questions=_question_counts(scored[baseline].scored, languages),
        scores={name: s.table for name, s in scored.items()},
        significance={
            name: _significance(scored[name], scored[baseline], names, languages, plan)
            for name in scored
            if name != baseline
        },
        tests=plan.names,
        threshold=threshold,
        permutations=permutations,
        seed=seed,
        missing_policy=missing,
        missing={name: s.missing for name, s in scored.items() if s.missing},
    )


def _question_counts(scored: Iterable[str], languages: Mapping[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for qid in scored:
        counts[languages[qid]] = counts.get(languages[qid], 0) + 1
    return dict(sorted(counts.items()))


def _significance(
    system: RunScores,
    baseline: RunScores,
    metrics: list[str],
    languages: Mapping[str, str],
    tests: _Tests,
) -> dict[str, dict[str, Cell]]:
    """``{metric: {lang or "avg": Cell}}``: each language alone, and the weighted macro average."""
    return {
        metric: language_cells(
            system.per_question[metric],
            baseline.per_question[metric],
            languages,
            tests.names,
            threshold=tests.threshold,
            permutations=tests.permutations,
            seed=tests.seed,
            metric=metric,
        )
        for metric in metrics
    }


def language_cells(
    system: Mapping[str, float],
    baseline: Mapping[str, float],
    languages: Mapping[str, str],
    tests: Sequence[str],
    *,
    threshold: float = 0.05,
    permutations: int = 10_000,
    seed: int = 42,
    metric: str = "",
) -> dict[str, Cell]:
    """``{lang or "avg": Cell}`` of ``system`` against ``baseline`` on the questions both score.

    Each language is tested alone; ``avg`` weighs each question by one over its language's
    count, so it tests the macro average over languages.
    """
    from xqg_pyserini.eval.significance import paired_p_values

    common = sorted(set(system) & set(baseline))
    groups: dict[str, list[str]] = {}
    for qid in common:
        groups.setdefault(languages[qid], []).append(qid)
    weights = {qid: 1.0 / len(groups[languages[qid]]) for qid in common}
    cells = {}
    for column, qids in [*sorted(groups.items()), (AVG, common)]:
        delta, p_values = paired_p_values(
            system, baseline, qids, tests, threshold=threshold, n=permutations, seed=seed,
            weights=weights if column == AVG else None, metric=metric,
        )  # fmt: skip
        cells[column] = Cell(delta, len(qids), p_values)
    return cells


def write_report(
    report: Report,
    directory: str | Path,
    *,
    overwrite: bool = False,
    plot_metrics: Iterable[str] = OFFICIAL_METRICS,
) -> list[Path]:
    """Write ``report.md``, ``report.tex``, ``report.json`` and delta plots into ``directory``.

    The directory is written under a temporary name and renamed into place, so it
    is either the old report or the complete new one.

    Raises
    ------
    OutputExistsError
        If ``directory`` exists and ``overwrite`` is not set.
    """
    from xqg_pyserini.report_files import json_text, write_report_files

    files = {
        "report.md": render_markdown(report),
        "report.tex": render_latex(report),
        "report.json": json_text(report.to_json()),
    }
    metrics = [m for m in plot_metrics if m in report.metrics]
    return write_report_files(
        directory,
        files,
        overwrite=overwrite,
        plots=lambda tmp: plot_deltas(report, tmp, metrics),
    )
