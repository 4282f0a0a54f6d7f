"""A comparison of runs against a baseline: every metric per language, with significance.

:func:`build_report` scores each Pyserini TREC run of one dataset with

* the official ``R@2kt`` and ``R@5kt`` (:mod:`~xqg_pyserini.eval.recall_kt`),
* ranx metrics under answer relevance (a passage containing an answer is
  relevant, DPR's convention; :mod:`~xqg_pyserini.eval.answer_metrics`), named as
  ranx names them (``hit_rate@5``, ``mrr@100``, ...),
* ranx metrics under the dataset's own qrels when it has qrels, named
  ``qrels:<ranx name>`` (e.g. ``qrels:ndcg@10``),

per language and as the macro average over languages (``avg``), and tests every
run against the baseline per language and on the average with the paired t-test
and Fisher's randomisation test (:mod:`~xqg_pyserini.eval.significance`). The
average's test weighs each question by one over its language's question count,
so it tests the macro average that is reported.

:mod:`~xqg_pyserini.eval.report_render` turns a :class:`Report` into text,
Markdown and LaTeX tables, :mod:`~xqg_pyserini.eval.plots` into PNG plots, and
:func:`write_report` writes them all into one directory.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xqg_pyserini.errors import XqgError

if TYPE_CHECKING:
    from xqg_pyserini.eval._token_budget import PassageTokens
    from xqg_pyserini.eval.questions import EvalQuestions

__all__ = [
    "QRELS_METRICS",
    "QRELS_PREFIX",
    "RECALL_KT",
    "TESTS",
    "Report",
    "build_report",
    "write_report",
]

#: The official metrics and their token budgets.
RECALL_KT = {"R@2kt": 2000, "R@5kt": 5000}
#: Metrics under the dataset's own qrels (when it has qrels), ranx names.
QRELS_METRICS = ("recall@5", "recall@20", "recall@100", "mrr@100", "ndcg@10")
QRELS_PREFIX = "qrels:"
TESTS = ("t-test", "fisher")
AVG = "avg"


class ReportError(XqgError, ValueError):
    """Runs or settings a comparison cannot be built from."""


@dataclass(frozen=True)
class Cell:
    """One run against the baseline on one metric and language (or ``avg``)."""

    delta: float
    n: int
    p_values: dict[str, float]  # {test: p}

    def significant(self, threshold: float) -> dict[str, bool]:
        return {test: p < threshold for test, p in self.p_values.items()}


@dataclass
class Report:
    """Scores and significance of several runs of one dataset.

    ``scores[run][metric][lang]`` holds every language with a scored question and
    ``"avg"``, their macro average; R@kt is on a 0-100 scale, ranx metrics on
    ranx's 0-1 scale. ``significance[run][metric][lang]`` holds a :class:`Cell`
    for every run but the baseline.
    """

    dataset: str
    baseline: str
    run_files: dict[str, str]
    metrics: list[str]
    languages: list[str]
    questions: dict[str, int]
    scores: dict[str, dict[str, dict[str, float]]]
    significance: dict[str, dict[str, dict[str, Cell]]]
    tests: tuple[str, ...]
    threshold: float
    permutations: int
    seed: int
    missing_policy: str
    missing: dict[str, list[str]] = field(default_factory=dict)

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
        return "".join(
            mark
            for test, mark in (("t-test", "†"), ("fisher", "‡"))
            if significant.get(test, False)
        )

    def to_json(self) -> dict[str, Any]:
        """``{"runs": {run: {metric: {lang: x, "avg": x}}}, "significance": {...}, ...}``."""
        return {
            "dataset": self.dataset,
            "baseline": self.baseline,
            "run_files": self.run_files,
            "questions": self.questions,
            "metrics": self.metrics,
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
                "runs": self.missing,
            },
        }


@dataclass
class _Scored:
    """One run's per-question scores ``{metric: {qid: score}}`` and its table scores."""

    per_question: dict[str, dict[str, float]] = field(default_factory=dict)
    table: dict[str, dict[str, float]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def _check(
    runs: Mapping[str, Path], baseline: str, tests: Sequence[str], threshold: float, missing: str
) -> None:
    if not runs:
        raise ReportError("no run to evaluate")
    if baseline not in runs:
        raise ReportError(f"baseline {baseline!r} is not one of the runs ({', '.join(runs)})")
    unknown = [test for test in tests if test not in TESTS]
    if unknown or not tests:
        raise ReportError(f"tests must be among {', '.join(TESTS)}, got {list(tests)!r}")
    if not 0 < threshold < 1:
        raise ReportError(f"the p-value threshold must be in (0, 1), got {threshold}")
    if missing not in ("report", "miss"):
        raise ReportError(f"missing must be 'report' or 'miss', got {missing!r}")


def _read_runs(
    runs: Mapping[str, Path], dataset: str, corpus: str | Path | None
) -> tuple[dict[str, dict[str, list[str]]], dict[str, str]]:
    """Rankings ``{run: {qid: [docid, ...]}}`` and the texts of every ranked passage.

    Raises
    ------
    RunFormatError
        For a malformed line or a docid not in the corpus (file and line named).
    """
    from xqg_pyserini.eval.questions import passage_texts
    from xqg_pyserini.eval.recall_kt import ranked_docids
    from xqg_pyserini.eval.run_file import read_trec_run

    ranked = {name: ranked_docids(read_trec_run(path)) for name, path in runs.items()}
    wanted = {d for ranking in ranked.values() for docids in ranking.values() for d in docids}
    texts = passage_texts(wanted, dataset, corpus)
    if len(texts) < len(wanted):
        for path in runs.values():  # names the first line with an unknown docid
            read_trec_run(path, known_docids=texts)
    return ranked, texts


def build_report(
    dataset: str,
    runs: Mapping[str, str | Path],
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
        ``{name: TREC run file}``; names are kept in this order.
    baseline
        The name of the run the others are tested against.
    corpus
        Where passage texts come from (a JSONL/TSV file or ir_datasets id);
        the dataset's docstore by default.
    metrics
        ranx metrics under answer relevance; default
        :data:`~xqg_pyserini.eval.answer_metrics.DEFAULT_METRICS`.
    qrels_metrics
        ranx metrics under the dataset's qrels (ignored when it has none).
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
    ReportError, RunFormatError, RecallKtError, DatasetError
        For bad settings, malformed runs or runs that share no question with the dataset.
    """
    from xqg_pyserini.eval.answer_metrics import DEFAULT_METRICS
    from xqg_pyserini.eval.questions import load_questions
    from xqg_pyserini.eval.recall_kt import passage_token_cache

    runs = {name: Path(path) for name, path in runs.items()}
    tests = tuple(dict.fromkeys(tests))
    _check(runs, baseline, tests, threshold, missing)
    questions = load_questions(dataset)
    ranked, texts = _read_runs(runs, dataset, corpus)
    answer_metrics = tuple(DEFAULT_METRICS if metrics is None else metrics)
    qrels_metrics = tuple(qrels_metrics) if questions.qrels else ()
    # one cache for all runs: they mostly rank the same passages
    tokens = passage_token_cache(texts)
    scored = {
        name: _score_run(
            name,
            ranking,
            texts,
            questions,
            (answer_metrics, qrels_metrics),
            missing,
            tokens,
            processes,
        )
        for name, ranking in ranked.items()
    }
    names = list(RECALL_KT) + list(answer_metrics) + [QRELS_PREFIX + m for m in qrels_metrics]
    languages = sorted({lang for s in scored.values() for lang in s.table["R@2kt"]} - {AVG})
    counts = _question_counts(scored[baseline], questions.languages)
    report = Report(
        dataset=dataset,
        baseline=baseline,
        run_files={name: str(path) for name, path in runs.items()},
        metrics=names,
        languages=languages,
        questions=counts,
        scores={name: s.table for name, s in scored.items()},
        significance={},
        tests=tests,
        threshold=threshold,
        permutations=permutations,
        seed=seed,
        missing_policy=missing,
        missing={name: s.missing for name, s in scored.items() if s.missing},
    )
    for name in runs:
        if name != baseline:
            report.significance[name] = _significance(
                scored[name], scored[baseline], names, questions.languages, report
            )
    return report


def _question_counts(scored: _Scored, languages: Mapping[str, str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for qid in scored.per_question["R@2kt"]:
        counts[languages[qid]] = counts.get(languages[qid], 0) + 1
    return dict(sorted(counts.items()))


def _score_run(
    name: str,
    ranking: dict[str, list[str]],
    texts: dict[str, str],
    questions: EvalQuestions,
    metrics: tuple[tuple[str, ...], tuple[str, ...]],
    missing: str,
    tokens: PassageTokens,
    processes: int,
) -> _Scored:
    """Score one run: R@kt, then ranx under answer relevance, then under the dataset's qrels."""
    from xqg_pyserini.eval.answer_metrics import answer_qrels, by_language, ranx_metrics
    from xqg_pyserini.eval.recall_kt import MissingQuestionsWarning, recall_at_k_tokens

    answer_metrics, qrels_metrics = metrics
    out = _Scored()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingQuestionsWarning)  # listed in the report
        result = recall_at_k_tokens(
            ranking,
            texts,
            questions.answers,
            questions.languages,
            tuple(RECALL_KT.values()),
            missing=missing,
            processes=processes,
            token_cache=tokens,
        )
        out.missing = list(result.missing)
        for metric, k in RECALL_KT.items():
            out.per_question[metric] = {q: 100.0 * hit for q, hit in result.hits[k].items()}
            # the official arithmetic, digit for digit
            out.table[metric] = {**result.per_language[k], AVG: result.average[k]}
        qrels = answer_qrels(ranking, texts, questions.answers)
        if missing == "miss":
            qrels.update({qid: {} for qid in result.missing})
        out.per_question.update(ranx_metrics(ranking, qrels, answer_metrics) if qrels else {})
        if qrels_metrics:
            judged = {
                qid: docs
                for qid, docs in questions.qrels.items()
                if (missing == "miss" or qid in ranking) and qid in questions.languages
            }
            if not judged:
                raise ReportError(f"run {name!r} shares no question with the dataset's qrels")
            gold = ranx_metrics(ranking, judged, qrels_metrics)
            out.per_question.update({QRELS_PREFIX + m: s for m, s in gold.items()})
    for metric, per_question in out.per_question.items():
        if metric not in out.table:
            out.table[metric] = by_language(per_question, questions.languages)
    return out


def _significance(
    system: _Scored,
    baseline: _Scored,
    metrics: list[str],
    languages: Mapping[str, str],
    report: Report,
) -> dict[str, dict[str, Cell]]:
    from xqg_pyserini.eval.significance import UnpairedQuestionsWarning, compare

    cells: dict[str, dict[str, Cell]] = {}
    for metric in metrics:
        mine, theirs = system.per_question[metric], baseline.per_question[metric]
        common = sorted(set(mine) & set(theirs))
        groups: dict[str, list[str]] = {}
        for qid in common:
            groups.setdefault(languages[qid], []).append(qid)
        weights = {qid: 1.0 / len(groups[languages[qid]]) for qid in common}
        cells[metric] = {}
        for column in [*sorted(groups), AVG]:
            qids = common if column == AVG else groups[column]
            a = {qid: mine[qid] for qid in qids}
            b = {qid: theirs[qid] for qid in qids}
            p_values, delta = {}, 0.0
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UnpairedQuestionsWarning)
                for test in report.tests:
                    result = compare(
                        a,
                        b,
                        metric=metric,
                        test=test,
                        threshold=report.threshold,
                        n=report.permutations,
                        seed=report.seed,
                        weights=weights if column == AVG else None,
                    )
                    p_values[test], delta = result.p_value, result.delta
            cells[metric][column] = Cell(delta, len(qids), p_values)
    return cells


def write_report(
    report: Report,
    directory: str | Path,
    *,
    overwrite: bool = False,
    plot_metrics: Iterable[str] = ("R@2kt", "R@5kt"),
) -> list[Path]:
    """Write ``report.md``, ``report.tex``, ``report.json`` and delta plots into ``directory``.

    The directory is written under a temporary name and renamed into place, so it
    is either the old report or the complete new one.

    Raises
    ------
    OutputExistsError
        If ``directory`` exists and ``overwrite`` is not set.
    """
    import json

    from xqg_pyserini.atomic import atomic_directory
    from xqg_pyserini.errors import OutputExistsError
    from xqg_pyserini.eval.plots import plot_deltas
    from xqg_pyserini.eval.report_render import render_latex, render_markdown

    directory = Path(directory)
    if directory.exists() and not overwrite:
        raise OutputExistsError(
            f"{directory} exists; pass --overwrite to replace it or choose another --output"
        )
    directory.parent.mkdir(parents=True, exist_ok=True)
    with atomic_directory(directory) as tmp:
        (tmp / "report.md").write_text(render_markdown(report), "utf-8")
        (tmp / "report.tex").write_text(render_latex(report), "utf-8")
        text = json.dumps(report.to_json(), indent=2, ensure_ascii=False)
        (tmp / "report.json").write_text(text + "\n", "utf-8")
        plots = plot_deltas(report, tmp, [m for m in plot_metrics if m in report.metrics])
        names = ["report.md", "report.tex", "report.json", *(p.name for p in plots)]
    return [directory / name for name in names]
