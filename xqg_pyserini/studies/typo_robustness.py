"""The typo-robustness study: every index searched with clean and with misspelt questions.

For each dataset (questions with answers and a language, over the indexes' corpus) and
each index (with the query encoder its ``metadata.json`` records), the questions are
searched once clean and once per typo setting (an operation of
:data:`~xqg_pyserini.studies.typos.OPERATIONS`, or ``mixed``, at one word per question or
at a rate of the eligible words; :mod:`xqg_pyserini.studies.typos`). Every run is scored
with the eval's metrics (:mod:`xqg_pyserini.eval.metrics`, the official R@2kt and R@5kt by
default) and:

* ``change``: typo score minus clean score of the same index, per language and as the
  macro average, with the paired tests of :mod:`xqg_pyserini.eval.significance` (the
  average weighs each question by one over its language's count, as ``eval`` does);
* ``versus``: for every index but the first (the baseline, e.g. the plain index), its
  change minus the baseline's change on the same questions, tested on the per-question
  differences: a positive value means the index loses less to typos.

:func:`run_typo_study` returns a :class:`TypoStudy`;
:mod:`xqg_pyserini.studies.typo_report` writes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xqg_pyserini.errors import DatasetError, OutputExistsError, XqgError
from xqg_pyserini.eval.answer_metrics import by_language
from xqg_pyserini.eval.comparison import Cell
from xqg_pyserini.studies.typos import OPERATIONS, TypoSettings, misspell_with_changes

__all__ = [
    "CLEAN",
    "DEFAULT_METRICS",
    "DEFAULT_RATES",
    "Change",
    "SearchedIndex",
    "TypoRequest",
    "TypoStudy",
    "TypoStudyError",
    "run_typo_study",
    "setting_name",
]

CLEAN = "clean"
#: The official XOR-Retrieve metrics.
DEFAULT_METRICS = ("R@2kt", "R@5kt")
#: One word per question (None), then shares of the eligible words.
DEFAULT_RATES: tuple[float | None, ...] = (None, 0.25, 0.5, 1.0)
TESTS = ("t-test", "fisher")
_SAMPLED_DOCIDS = 64  # index docids checked against the dataset's corpus before searching


class TypoStudyError(XqgError, ValueError):
    """Settings or inputs the typo study cannot use."""


def setting_name(operation: str, rate: float | None) -> str:
    """``swap@word`` (one word per question) or ``swap@0.25`` (a share of the words)."""
    return f"{operation}@{'word' if rate is None else format(rate, 'g')}"


@dataclass(frozen=True)
class TypoRequest:
    """What to search: ``indexes`` (name -> directory; the first is the baseline) x ``datasets``."""

    indexes: dict[str, Path]
    datasets: tuple[str, ...]
    output: Path
    operations: tuple[str, ...] = OPERATIONS
    rates: tuple[float | None, ...] = DEFAULT_RATES
    min_length: int = 3
    seed: int = 0
    metrics: tuple[str, ...] = DEFAULT_METRICS
    hits: int = 100
    batch_size: int = 32
    dtype: str | None = None
    threshold: float = 0.05
    permutations: int = 10_000
    test_seed: int = 42
    overwrite: bool = False
    progress: bool = True

    def settings(self) -> list[TypoSettings]:
        """One :class:`TypoSettings` per (operation, rate); raises TypoSettingsError."""
        return [
            TypoSettings(operation=op, rate=rate, min_length=self.min_length, seed=self.seed)
            for op in self.operations
            for rate in self.rates
        ]


#: One comparison on one metric and language (or ``avg``): ``delta``, ``n`` and p-values.
Change = Cell


@dataclass(frozen=True)
class SearchedIndex:
    """An index as the study used it."""

    name: str
    path: str
    encoder: str
    corpus: str | None
    augmented: bool


@dataclass(frozen=True)
class TypoStudy:
    """A finished study.

    ``scores[index][setting][metric][lang]`` (``setting`` is :data:`CLEAN` or
    :func:`setting_name`); ``change[index][setting][metric][lang]`` against the index's
    clean run; ``versus[index][setting][metric][lang]`` against the baseline index's change;
    ``changed[setting][lang]`` the share of questions with at least one changed word.
    """

    settings: dict[str, Any]
    indexes: list[SearchedIndex]
    languages: tuple[str, ...]
    questions: dict[str, int]
    setting_names: tuple[str, ...]
    scores: dict[str, dict[str, dict[str, dict[str, float]]]]
    change: dict[str, dict[str, dict[str, dict[str, Change]]]]
    versus: dict[str, dict[str, dict[str, dict[str, Change]]]]
    changed: dict[str, dict[str, float]]
    examples: dict[str, list[dict[str, str]]] = field(default_factory=dict)

    @property
    def baseline(self) -> str:
        return self.indexes[0].name


def _check(request: TypoRequest) -> list[TypoSettings]:
    if not request.indexes:
        raise TypoStudyError("no index to search; give at least one --index NAME=DIR")
    if not request.datasets:
        raise TypoStudyError("no dataset; give at least one --dataset ID")
    if len(set(request.datasets)) != len(request.datasets):
        raise TypoStudyError(f"a dataset is given twice: {', '.join(request.datasets)}")
    if not request.operations or not request.rates:
        raise TypoStudyError("give at least one typo operation and one rate")
    if request.hits < 1 or request.batch_size < 1:
        raise TypoStudyError(f"hits and batch size must be >= 1, got {request.hits}, "
                             f"{request.batch_size}")  # fmt: skip
    if not 0 < request.threshold < 1:
        raise TypoStudyError(f"the p-value threshold must be in (0, 1), got {request.threshold}")
    if request.output.exists() and not request.overwrite:
        raise OutputExistsError(
            f"{request.output} exists; pass --overwrite to replace it or choose another --output"
        )
    from xqg_pyserini.eval.metrics import group_metrics

    group_metrics(request.metrics)  # an unknown metric fails before any search
    return request.settings()


def _open_index(name: str, directory: Path) -> tuple[Any, list[str], Any]:
    """(faiss index, docids, metadata) of an index directory, or one-line errors."""
    from xqg_pyserini.ablation.search import open_index
    from xqg_pyserini.indexes.metadata import read_metadata

    if not directory.is_dir():
        raise TypoStudyError(f"index {name!r}: {directory} is not a directory")
    meta = read_metadata(directory)
    index, docids = open_index(directory)
    return index, docids, meta


def _check_corpus(name: str, directory: Path, docids: list[str], corpus: str | None, dataset: str):  # type: ignore[no-untyped-def]
    """Refuse an index whose passages are not the dataset's (a sample of its docids)."""
    from xqg_pyserini.eval.questions import passage_texts

    step = max(1, len(docids) // _SAMPLED_DOCIDS)
    sample = docids[::step][:_SAMPLED_DOCIDS]
    found = passage_texts(sample, dataset)
    absent = [docid for docid in sample if docid not in found]
    if absent:
        raise TypoStudyError(
            f"index {name!r} ({directory}) was built from another corpus "
            f"({corpus or 'unrecorded'}): {len(absent)} of {len(sample)} sampled docids, e.g. "
            f"{absent[0]!r}, are not passages of {dataset}"
        )


def _key(dataset: str, qid: str, several: bool) -> str:
    return f"{dataset}#{qid}" if several else qid


def _misspelt(
    questions: Sequence[tuple[str, str]], settings: Sequence[TypoSettings]
) -> dict[str, tuple[list[str], list[bool]]]:
    """``{setting: (texts, changed?)}`` for every typo setting."""
    out = {}
    for typo in settings:
        spelt = [misspell_with_changes(text, typo) for _, text in questions]
        out[setting_name(typo.operation, typo.rate)] = (
            [m.text for m in spelt],
            [bool(m.changes) for m in spelt],
        )
    return out


def _compare(
    mine: Mapping[str, float],
    theirs: Mapping[str, float],
    languages: Mapping[str, str],
    request: TypoRequest,
) -> dict[str, Change]:
    """Per language and the weighted macro average: mean(mine - theirs) and p-values."""
    from xqg_pyserini.eval.report import language_cells

    return language_cells(
        mine, theirs, languages, TESTS, threshold=request.threshold,
        permutations=request.permutations, seed=request.test_seed,
    )  # fmt: skip


def run_typo_study(request: TypoRequest) -> TypoStudy:
    """Search, score and compare; nothing is written (see ``typo_report.write_typo_report``).

    Raises
    ------
    TypoStudyError, TypoSettingsError, DatasetError, MetricError, OutputExistsError
        For bad settings, an index that is missing or built from another corpus, a dataset
        without answers or languages, or an unknown metric; one line each.
    """
    from xqg_pyserini.ablation.search import encode_questions, read_questions
    from xqg_pyserini.encoders.spec import query_encoder
    from xqg_pyserini.eval.metrics import Evaluation
    from xqg_pyserini.eval.questions import load_questions, passage_texts
    from xqg_pyserini.eval.rankings import ranked_run
    from xqg_pyserini.eval.scoring import score_run
    from xqg_pyserini.progress import progress_bar

    typo_settings = _check(request)
    names = tuple(setting_name(t.operation, t.rate) for t in typo_settings)
    several = len(request.datasets) > 1
    opened = {name: _open_index(name, Path(path)) for name, path in request.indexes.items()}
    for name, (_, docids, meta) in opened.items():
        for dataset in request.datasets:
            _check_corpus(name, request.indexes[name], docids, meta.corpus, dataset)

    # per_question[index][setting][metric][key]; languages[key]
    per_question: dict[str, dict[str, dict[str, dict[str, float]]]] = {
        name: {s: {} for s in (CLEAN, *names)} for name in opened
    }
    languages: dict[str, str] = {}
    changed: dict[str, dict[str, list[bool]]] = {s: {} for s in names}
    examples: dict[str, list[dict[str, str]]] = {s: [] for s in names}
    encoders = {name: query_encoder(request.indexes[name], request.dtype) for name in opened}
    for dataset in request.datasets:
        evaluation_questions = load_questions(dataset)
        questions = read_questions(dataset)
        if not questions:
            raise DatasetError(f"dataset {dataset!r} has no questions")
        qids = [qid for qid, _ in questions]
        texts = {CLEAN: ([t for _, t in questions], [False] * len(questions))}
        texts.update(_misspelt(questions, typo_settings))
        for setting in names:
            for qid, flag in zip(qids, texts[setting][1], strict=True):
                lang = evaluation_questions.languages.get(qid, "?")
                changed[setting].setdefault(lang, []).append(flag)
            spelt = [
                {"dataset": dataset, "qid": q, "clean": c, "misspelt": m}
                for q, c, m, flag in zip(qids, texts[CLEAN][0], *texts[setting], strict=True)
                if flag
            ]
            examples[setting].extend(spelt)
        rankings: dict[tuple[str, str], dict[str, list[str]]] = {}
        steps = [(name, s) for name in opened for s in (CLEAN, *names)]
        for name, setting in progress_bar(
            steps, enabled=request.progress, desc=f"search {dataset}", unit="run"
        ):
            index, docids, _ = opened[name]
            vectors = encode_questions(
                encoders[name], texts[setting][0], request.batch_size, progress=False
            )
            _, rows = index.search(np.ascontiguousarray(vectors), request.hits)
            rankings[name, setting] = {
                qid: [docids[r] for r in row if r >= 0] for qid, row in zip(qids, rows, strict=True)
            }
        wanted = {d for ranking in rankings.values() for ds in ranking.values() for d in ds}
        evaluation = Evaluation(evaluation_questions, passage_texts(wanted, dataset))
        for (name, setting), ranking in rankings.items():
            scored = score_run(ranked_run(ranking), evaluation, request.metrics)
            for metric in request.metrics:
                target = per_question[name][setting].setdefault(metric, {})
                for qid, score in scored.per_question[metric].items():
                    key = _key(dataset, qid, several)
                    target[key] = score
                    languages[key] = evaluation_questions.languages[qid]

    baseline = next(iter(opened))
    scores = {
        name: {
            s: {m: by_language(v, languages) for m, v in by_metric.items()}
            for s, by_metric in by_setting.items()
        }
        for name, by_setting in per_question.items()
    }
    change = {
        name: {
            s: {
                m: _compare(by_setting[s][m], by_setting[CLEAN][m], languages, request)
                for m in request.metrics
            }
            for s in names
        }
        for name, by_setting in per_question.items()
    }
    versus = {}
    for name, by_setting in per_question.items():
        if name == baseline:
            continue
        base = per_question[baseline]
        versus[name] = {
            s: {
                m: _compare(
                    _drops(by_setting[s][m], by_setting[CLEAN][m]),
                    _drops(base[s][m], base[CLEAN][m]),
                    languages,
                    request,
                )
                for m in request.metrics
            }
            for s in names
        }
    counts: dict[str, int] = {}
    for key in per_question[baseline][CLEAN][request.metrics[0]]:
        counts[languages[key]] = counts.get(languages[key], 0) + 1
    return TypoStudy(
        settings={
            "datasets": list(request.datasets),
            "operations": list(request.operations),
            "rates": [rate for rate in request.rates],
            "min_length": request.min_length,
            "seed": request.seed,
            "metrics": list(request.metrics),
            "hits": request.hits,
            "tests": list(TESTS),
            "threshold": request.threshold,
            "permutations": request.permutations,
            "test_seed": request.test_seed,
        },
        indexes=[
            SearchedIndex(
                name,
                str(request.indexes[name]),
                meta.encoder_name or str(encoders[name].settings.model),
                meta.corpus,
                meta.augmentation is not None,
            )
            for name, (_, _, meta) in opened.items()
        ],
        languages=tuple(sorted(counts)),
        questions=dict(sorted(counts.items())),
        setting_names=names,
        scores=scores,
        change=change,
        versus=versus,
        changed={
            s: {lang: float(np.mean(flags)) for lang, flags in sorted(by_lang.items())}
            for s, by_lang in changed.items()
        },
        examples={s: rows[:5] for s, rows in examples.items()},
    )


def _drops(typo: Mapping[str, float], clean: Mapping[str, float]) -> dict[str, float]:
    """Per question: typo score minus clean score (questions both scored)."""
    return {qid: typo[qid] - clean[qid] for qid in typo.keys() & clean.keys()}
