"""The low-resource subsets study: per-language scores with bootstrap CIs, gains per group.

Does xQG help low-resource languages more than high-resource ones? :func:`run_subsets_study`
scores TREC runs of one dataset (questions with answers and languages, as
``xqg-demo/dev``) with registered metrics (the official ``R@2kt``/``R@5kt`` by default) and,
per metric:

* per run and language, the score (mean over the language's questions) and a percentile
  bootstrap CI: questions are resampled with replacement within each language;
* per run and language group, the macro average over the group's languages, its CI from
  the same resamples (the mean of the languages' resampled means);
* per run other than the baseline, the gain (run - baseline) per language and per group,
  with a *paired* bootstrap CI (both runs scored on the same resampled questions) and
  paired tests (:func:`~xqg_pyserini.eval.significance.compare`; for a group each question
  weighs 1 / questions of its language, so the tested mean is the macro average gain).

Groups come from the CC-100 sizes of :mod:`~xqg_pyserini.studies.resource_sizes` unless
given. Only questions every run scores are used, so that all comparisons are paired.
The resamples are one ``(B, n)`` index matrix per language from
``numpy.random.default_rng(seed)``, drawn in sorted language order, the same for every
run: the same seed gives the same numbers. :func:`write_subsets_report` writes
``report.md``, ``report.tex``, ``report.json`` and ``subsets.png`` atomically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from xqg_pyserini.errors import OutputExistsError, XqgError
from xqg_pyserini.eval.comparison import TEST_MARKS
from xqg_pyserini.eval.report import OFFICIAL_METRICS
from xqg_pyserini.eval.scoring import RunSource
from xqg_pyserini.studies.resource_sizes import (
    CC100_SIZES,
    MEASURES,
    SOURCE,
    default_groups,
    resource_group,
    thresholds_text,
)

__all__ = [
    "TESTS",
    "Gain",
    "Interval",
    "MetricSubsets",
    "SubsetsError",
    "SubsetsRequest",
    "SubsetsStudy",
    "bootstrap_indices",
    "percentile_interval",
    "run_subsets_study",
    "subset_statistics",
    "write_subsets_report",
]

TESTS = tuple(TEST_MARKS)
PLOT = "subsets.png"


class SubsetsError(XqgError, ValueError):
    """Settings or runs the subsets study cannot use."""


@dataclass(frozen=True)
class Interval:
    """A score and its bootstrap CI ``[low, high]``."""

    value: float
    low: float
    high: float


@dataclass(frozen=True)
class Gain:
    """run - baseline: the gain, its paired bootstrap CI, the paired questions, p-values."""

    value: float
    low: float
    high: float
    n: int
    p_values: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricSubsets:
    """One metric: questions per language, ``{run: {lang or group: Interval}}``, gains.

    ``gains`` is ``{run: {lang or group: Gain}}`` for every run but the baseline.
    """

    questions: dict[str, int]
    scores: dict[str, dict[str, Interval]]
    gains: dict[str, dict[str, Gain]]


@dataclass(frozen=True)
class SubsetsRequest:
    """What to compute; see :func:`run_subsets_study`.

    ``baseline`` None: the first run. ``groups`` None: by CC-100 ``measure``
    (``"size"`` in GiB or ``"tokens"``), see :mod:`~xqg_pyserini.studies.resource_sizes`.
    """

    dataset: str
    runs: Mapping[str, RunSource]
    output: Path | None = None
    baseline: str | None = None
    metrics: tuple[str, ...] = OFFICIAL_METRICS
    bootstrap: int = 1000
    confidence: float = 0.95
    seed: int = 42
    groups: Mapping[str, tuple[str, ...]] | None = None
    measure: str = "size"
    tests: tuple[str, ...] = TESTS
    threshold: float = 0.05
    permutations: int = 10_000
    corpus: str | Path | None = None
    overwrite: bool = False
    progress: bool = True


@dataclass(frozen=True)
class SubsetsStudy:
    """A finished study (nothing written yet)."""

    settings: dict[str, Any]
    run_files: dict[str, str]
    languages: tuple[str, ...]
    groups: dict[str, tuple[str, ...]]
    ungrouped: tuple[str, ...]
    metrics: dict[str, MetricSubsets]
    missing: dict[str, int]

    @property
    def baseline(self) -> str:
        return self.settings["baseline"]

    def resources(self) -> dict[str, dict[str, Any]]:
        """``{lang: {name, tokens_m, size_gib, group}}`` (None where Table 6 has no row)."""
        owner = {lang: group for group, langs in self.groups.items() for lang in langs}
        out = {}
        for lang in self.languages:
            row = CC100_SIZES.get(lang)
            out[lang] = {
                "name": row.name if row else None,
                "tokens_m": row.tokens_m if row else None,
                "size_gib": row.size_gib if row else None,
                "cc100_group": resource_group(lang, self.settings["measure"]),
                "group": owner.get(lang),
            }
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "source": SOURCE,
            "runs": self.run_files,
            "languages": self.resources(),
            "groups": {group: list(langs) for group, langs in self.groups.items()},
            "ungrouped": list(self.ungrouped),
            "missing": self.missing,
            "metrics": {
                metric: {
                    "questions": m.questions,
                    "scores": {
                        run: {col: asdict(iv) for col, iv in cells.items()}
                        for run, cells in m.scores.items()
                    },
                    "gains": {
                        run: {col: asdict(g) for col, g in cells.items()}
                        for run, cells in m.gains.items()
                    },
                }
                for metric, m in self.metrics.items()
            },
        }


# -- the statistics ----------------------------------------------------------------------


def bootstrap_indices(sizes: Mapping[str, int], resamples: int, seed: int) -> dict[str, np.ndarray]:
    """``{lang: (resamples, n) int matrix}``: rows of indices drawn with replacement.

    One generator ``default_rng(seed)`` draws the languages in sorted order.
    """
    rng = np.random.default_rng(seed)
    return {
        lang: rng.integers(0, sizes[lang], size=(resamples, sizes[lang])) for lang in sorted(sizes)
    }


def percentile_interval(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    """The percentile interval: the ``(1 - c) / 2`` and ``(1 + c) / 2`` quantiles (linear)."""
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(samples, [tail, 1.0 - tail])
    return float(low), float(high)


def _check_numbers(resamples: int, confidence: float) -> None:
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 1:
        raise SubsetsError(f"bootstrap resamples must be an integer >= 1, got {resamples!r}")
    if not 0.0 < confidence < 1.0:
        raise SubsetsError(f"confidence must be in (0, 1), got {confidence!r}")


def subset_statistics(
    per_question: Mapping[str, Mapping[str, float]],
    languages: Mapping[str, str],
    groups: Mapping[str, Sequence[str]],
    baseline: str,
    *,
    resamples: int = 1000,
    confidence: float = 0.95,
    seed: int = 42,
    tests: Sequence[str] = TESTS,
    threshold: float = 0.05,
    permutations: int = 10_000,
) -> MetricSubsets:
    """Scores, CIs and gains of one metric from ``{run: {qid: score}}``.

    Questions are those every run scores and ``languages`` (``{qid: lang}``) knows.
    Columns are the languages (sorted), then the groups with at least one language
    scored; a group's value is the macro average of its languages.

    Raises
    ------
    SubsetsError
        For bad resamples or confidence, an unknown baseline, or no common question.
    """
    _check_numbers(resamples, confidence)
    if baseline not in per_question:
        raise SubsetsError(
            f"baseline {baseline!r} is not one of the runs ({', '.join(per_question)})"
        )
    common = set.intersection(*(set(scores) for scores in per_question.values()))
    by_lang: dict[str, list[str]] = {}
    for qid in sorted(q for q in common if q in languages):
        by_lang.setdefault(languages[qid], []).append(qid)
    if not by_lang:
        raise SubsetsError("the runs have no scored question in common")
    by_lang = dict(sorted(by_lang.items()))
    used = {g: [lang for lang in langs if lang in by_lang] for g, langs in groups.items()}
    used = {g: langs for g, langs in used.items() if langs}
    index = bootstrap_indices({lang: len(q) for lang, q in by_lang.items()}, resamples, seed)
    values = {
        run: {lang: np.array([float(s[q]) for q in qids]) for lang, qids in by_lang.items()}
        for run, s in per_question.items()
    }
    boot = {
        run: {lang: x[index[lang]].mean(axis=1) for lang, x in langs.items()}
        for run, langs in values.items()
    }
    scores: dict[str, dict[str, Interval]] = {}
    for run in per_question:
        cells = {
            lang: Interval(float(x.mean()), *percentile_interval(boot[run][lang], confidence))
            for lang, x in values[run].items()
        }
        for group, langs in used.items():
            mean = float(np.mean([values[run][lang].mean() for lang in langs]))
            samples = np.mean([boot[run][lang] for lang in langs], axis=0)
            cells[group] = Interval(mean, *percentile_interval(samples, confidence))
        scores[run] = cells
    plan = (tuple(tests), threshold, permutations, seed)
    gains = {
        run: _gains(
            per_question[run],
            per_question[baseline],
            by_lang,
            used,
            boot,
            run,
            baseline,
            confidence,
            plan,
        )  # fmt: skip
        for run in per_question
        if run != baseline
    }
    return MetricSubsets({lang: len(q) for lang, q in by_lang.items()}, scores, gains)


def _gains(
    mine: Mapping[str, float],
    theirs: Mapping[str, float],
    by_lang: Mapping[str, list[str]],
    groups: Mapping[str, list[str]],
    boot: Mapping[str, Mapping[str, np.ndarray]],
    run: str,
    baseline: str,
    confidence: float,
    plan: tuple[tuple[str, ...], float, int, int],
) -> dict[str, Gain]:
    cells: dict[str, Gain] = {}
    for lang, qids in by_lang.items():
        diffs = boot[run][lang] - boot[baseline][lang]
        value = float(np.mean([float(mine[q]) - float(theirs[q]) for q in qids]))
        p_values = _p_values(mine, theirs, qids, None, plan)
        cells[lang] = Gain(value, *percentile_interval(diffs, confidence), len(qids), p_values)
    for group, langs in groups.items():
        diffs = np.mean([boot[run][lang] - boot[baseline][lang] for lang in langs], axis=0)
        value = float(np.mean([cells[lang].value for lang in langs]))
        qids = [q for lang in langs for q in by_lang[lang]]
        weights = {q: 1.0 / len(by_lang[lang]) for lang in langs for q in by_lang[lang]}
        p_values = _p_values(mine, theirs, qids, weights, plan)
        cells[group] = Gain(value, *percentile_interval(diffs, confidence), len(qids), p_values)
    return cells


def _p_values(
    mine: Mapping[str, float],
    theirs: Mapping[str, float],
    qids: list[str],
    weights: Mapping[str, float] | None,
    plan: tuple[tuple[str, ...], float, int, int],
) -> dict[str, float]:
    from xqg_pyserini.eval.significance import paired_p_values

    tests, threshold, permutations, seed = plan
    return paired_p_values(
        mine, theirs, qids, tests, threshold=threshold, n=permutations, seed=seed,
        weights=weights,
    )[1]  # fmt: skip


# -- the study ---------------------------------------------------------------------------


def _check_request(request: SubsetsRequest) -> str:
    """The baseline's name, after every check that needs no data."""
    from xqg_pyserini.eval.metrics import group_metrics

    if request.output is not None and request.output.exists() and not request.overwrite:
        raise OutputExistsError(
            f"{request.output} exists; pass --overwrite to replace it or choose another --output"
        )
    if not request.runs:
        raise SubsetsError("no run to evaluate")
    baseline = request.baseline if request.baseline is not None else next(iter(request.runs))
    if baseline not in request.runs:
        raise SubsetsError(
            f"baseline {baseline!r} is not one of the runs ({', '.join(request.runs)})"
        )
    _check_numbers(request.bootstrap, request.confidence)
    if request.measure not in MEASURES:
        raise SubsetsError(f"measure must be one of {', '.join(MEASURES)}, got {request.measure!r}")
    unknown = [test for test in request.tests if test not in TESTS]
    if unknown or not request.tests:
        raise SubsetsError(f"tests must be among {', '.join(TESTS)}, got {list(request.tests)!r}")
    if not 0 < request.threshold < 1:
        raise SubsetsError(f"the p-value threshold must be in (0, 1), got {request.threshold}")
    if request.permutations < 1:
        raise SubsetsError(f"permutations must be at least 1, got {request.permutations}")
    if not request.metrics:
        raise SubsetsError("no metric to compute")
    group_metrics(request.metrics)  # an unknown name fails before any run is read
    return baseline


def _check_groups(request: SubsetsRequest, languages: Sequence[str]) -> None:
    """Groups of --groups whose languages the dataset has (before any run is scored)."""
    known = set(languages)
    for group, langs in (request.groups or {}).items():
        if group in known:
            raise SubsetsError(f"--groups: the group name {group!r} is a language; rename it")
        for lang in langs:
            if lang not in known:
                raise SubsetsError(
                    f"--groups {group}: language {lang!r} is not a language of "
                    f"{request.dataset} ({', '.join(languages)})"
                )


def _resolve_groups(
    request: SubsetsRequest, languages: Sequence[str]
) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    if request.groups is None:
        return default_groups(languages, request.measure), ()
    grouped = {lang for langs in request.groups.values() for lang in langs}
    ungrouped = tuple(lang for lang in languages if lang not in grouped)
    return {group: tuple(langs) for group, langs in request.groups.items()}, ungrouped


def run_subsets_study(request: SubsetsRequest) -> SubsetsStudy:
    """Score the runs, bootstrap every language and group, compare every run to the baseline.

    Raises
    ------
    SubsetsError, OutputExistsError, MetricError, RunFormatError, DatasetError
        For bad settings, an existing output, an unknown metric or language in the
        groups, malformed runs, or a run of another dataset.
    """
    from xqg_pyserini.eval.metrics import Evaluation
    from xqg_pyserini.eval.questions import load_questions
    from xqg_pyserini.eval.scoring import read_runs, run_source_name, score_run
    from xqg_pyserini.progress import progress_bar

    baseline = _check_request(request)
    metrics = tuple(dict.fromkeys(request.metrics))
    questions = load_questions(request.dataset)
    answered = sorted({questions.languages[q] for q, a in questions.answers.items() if a})
    _check_groups(request, answered)
    read, texts = read_runs(request.runs, request.dataset, request.corpus)
    for name, run in read.items():
        foreign = sorted(set(run.get_query_ids()) - set(questions.languages))
        if foreign:
            raise SubsetsError(
                f"run {name!r} ranks {len(foreign)} question(s) that {request.dataset} does not "
                f"have (e.g. {foreign[0]!r}); is it a run of another dataset?"
            )
    evaluation = Evaluation(questions, texts, "report")
    scored = {
        name: score_run(run, evaluation, metrics)
        for name, run in progress_bar(
            read.items(), enabled=request.progress, desc="score", unit="run", total=len(read)
        )
    }
    langs = questions.languages
    common = set.intersection(*(set(s.scored) for s in scored.values()))
    languages = tuple(sorted({langs[q] for q in common}))
    if not languages:
        raise SubsetsError(f"the runs share no scored question of {request.dataset}")
    groups, ungrouped = _resolve_groups(request, languages)
    results = {
        metric: subset_statistics(
            {name: s.per_question[metric] for name, s in scored.items()},
            langs,
            groups,
            baseline,
            resamples=request.bootstrap,
            confidence=request.confidence,
            seed=request.seed,
            tests=request.tests,
            threshold=request.threshold,
            permutations=request.permutations,
        )
        for metric in metrics
    }
    settings = {
        "dataset": request.dataset,
        "baseline": baseline,
        "metrics": list(metrics),
        "bootstrap": request.bootstrap,
        "confidence": request.confidence,
        "seed": request.seed,
        "measure": request.measure,
        "thresholds": thresholds_text(request.measure),
        "custom_groups": request.groups is not None,
        "tests": list(request.tests),
        "threshold": request.threshold,
        "permutations": request.permutations,
    }
    return SubsetsStudy(
        settings=settings,
        run_files={name: run_source_name(source) for name, source in request.runs.items()},
        languages=languages,
        groups={g: tuple(x for x in ls if x in languages) for g, ls in groups.items()},
        ungrouped=ungrouped,
        metrics=results,
        missing={name: len(s.missing) for name, s in scored.items() if s.missing},
    )


# -- the report --------------------------------------------------------------------------


def _decimals(metric: str) -> int:
    from xqg_pyserini.eval.metrics import metric_family

    return metric_family(metric).decimals


def _marks(gain: Gain, threshold: float) -> str:
    return "".join(TEST_MARKS[t] for t, p in gain.p_values.items() if p < threshold)


def _columns(study: SubsetsStudy, m: MetricSubsets) -> list[tuple[str, str, str]]:
    """``(column key, label, group)`` rows of a table: languages, then groups."""
    owner = {lang: g for g, langs in study.groups.items() for lang in langs}
    rows = [(lang, lang, owner.get(lang, "—")) for lang in m.questions]
    for group, langs in study.groups.items():
        present = [lang for lang in langs if lang in m.questions]
        if present:
            rows.append((group, f"{group} ({', '.join(present)})", "macro avg"))
    return rows


def _score_text(iv: Interval, d: int) -> str:
    return f"{iv.value:.{d}f} [{iv.low:.{d}f}, {iv.high:.{d}f}]"


def _gain_text(g: Gain, d: int, threshold: float) -> str:
    return f"{g.value:+.{d}f} [{g.low:+.{d}f}, {g.high:+.{d}f}]{_marks(g, threshold)}"


def _size_text(lang: str) -> str:
    row = CC100_SIZES.get(lang)
    return f"{row.size_gib:g}" if row else "—"


def _tokens_text(lang: str) -> str:
    row = CC100_SIZES.get(lang)
    return f"{row.tokens_m:,}" if row else "—"


def _markdown(study: SubsetsStudy) -> str:
    s = study.settings
    level = round(100 * s["confidence"], 6)
    marks = ", ".join(f"{TEST_MARKS[t]} {t}" for t in s["tests"])
    out = [
        f"# Low-resource subsets on `{s['dataset']}`",
        "",
        f"Baseline: `{study.baseline}`. Runs: "
        + ", ".join(f"`{n}` ({f})" for n, f in study.run_files.items()),
        f"Scores: mean per language with a {level:g}% percentile bootstrap CI "
        f"({s['bootstrap']} resamples of the questions within each language, seed {s['seed']}); "
        "a group is the macro average of its languages. Gains: run − baseline with a paired "
        f"bootstrap CI (same resamples); {marks}: p < {s['threshold']:g} "
        "(a group's test weighs each question 1 / questions of its language).",
        "",
        "## Resource size",
        "",
        f"CC-100 per-language data, {SOURCE['citation']}, {SOURCE['table']} "
        f"({SOURCE['url']}; numbers as transcribed at {SOURCE['transcription']}).",
        "Groups: "
        + (
            "given with --groups"
            if s["custom_groups"]
            else f"by {'size' if s['measure'] == 'size' else 'tokens'}: {s['thresholds']}"
        )
        + ".",
        "",
        "| language | CC-100 GiB | CC-100 tokens (M) | group |",
        "|---|---:|---:|---|",
    ]
    owner = {lang: g for g, langs in study.groups.items() for lang in langs}
    for lang in study.languages:
        out.append(
            f"| {lang} | {_size_text(lang)} | {_tokens_text(lang)} | {owner.get(lang, '—')} |"
        )
    unknown = [lang for lang in study.languages if lang not in CC100_SIZES]
    if unknown:
        out += ["", f"Not in Table 6 (group `unknown` by default): {', '.join(unknown)}."]
    if study.ungrouped:
        out += ["", f"In no group of --groups: {', '.join(study.ungrouped)}."]
    if study.missing:
        out += [
            "",
            "Questions a run lacks (left out for every run, so that all comparisons are "
            "paired): " + ", ".join(f"`{n}` {k}" for n, k in study.missing.items()) + ".",
        ]
    others = [run for run in study.run_files if run != study.baseline]
    for metric, m in study.metrics.items():
        d = _decimals(metric)
        rows = _columns(study, m)
        out += ["", f"## {metric}", "", f"### Scores ({level:g}% CI)", ""]
        out.append("| language | group | questions | " + " | ".join(study.run_files) + " |")
        out.append("|---|---|---:|" + "---:|" * len(study.run_files))
        for key, label, group in rows:
            n = m.questions.get(key) or sum(m.questions[x] for x in study.groups.get(key, ()))
            cells = " | ".join(_score_text(m.scores[run][key], d) for run in study.run_files)
            out.append(f"| {label} | {group} | {n} | {cells} |")
        if others:
            out += ["", f"### Gain over `{study.baseline}` ({level:g}% paired CI)", ""]
            heads = " | ".join(f"{r} − {study.baseline}" for r in others)
            out.append(f"| language | group | {heads} |")
            out.append("|---|---|" + "---:|" * len(others))
            for key, label, group in rows:
                cells = " | ".join(
                    _gain_text(m.gains[run][key], d, s["threshold"]) for run in others
                )
                out.append(f"| {label} | {group} | {cells} |")
    return "\n".join(out) + "\n"


def _tex(text: str) -> str:
    text = "".join("\\" + c if c in "&%$#_{}" else c for c in text)
    return (
        text.replace("−", "--")
        .replace("—", "--")
        .replace("†", r"$^\dagger$")
        .replace("‡", r"$^\ddagger$")
    )


def _latex(study: SubsetsStudy) -> str:
    s = study.settings
    others = [run for run in study.run_files if run != study.baseline]
    runs = list(study.run_files)
    out = [f"% Low-resource subsets on {s['dataset']}; baseline {study.baseline}; "
           f"{s['bootstrap']} bootstrap resamples, seed {s['seed']}, "
           f"{round(100 * s['confidence'], 6):g}% CI; groups: {s['thresholds']}"]  # fmt: skip
    for metric, m in study.metrics.items():
        d = _decimals(metric)
        rows = _columns(study, m)
        out += [
            f"% {metric}: scores [CI]",
            rf"\begin{{tabular}}{{ll{'r' * len(runs)}}}",
            r"\toprule",
            "Language & Group & " + " & ".join(_tex(r) for r in runs) + r" \\",
            r"\midrule",
        ]
        for key, label, group in rows:
            cells = " & ".join(_tex(_score_text(m.scores[r][key], d)) for r in runs)
            out.append(f"{_tex(label)} & {_tex(group)} & {cells}" + r" \\")
        out += [r"\bottomrule", r"\end{tabular}"]
        if not others:
            continue
        out += [
            f"% {metric}: gain over {study.baseline} [paired CI]",
            rf"\begin{{tabular}}{{ll{'r' * len(others)}}}",
            r"\toprule",
            "Language & Group & "
            + " & ".join(_tex(f"{r} − {study.baseline}") for r in others)
            + r" \\",
            r"\midrule",
        ]
        for key, label, group in rows:
            cells = " & ".join(_tex(_gain_text(m.gains[r][key], d, s["threshold"])) for r in others)
            out.append(f"{_tex(label)} & {_tex(group)} & {cells}" + r" \\")
        out += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(out) + "\n"


def _plot(study: SubsetsStudy, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = list(study.metrics)
    runs = list(study.run_files)
    others = [run for run in runs if run != study.baseline]
    figure, axes = plt.subplots(
        len(metrics), 2, figsize=(11, 3.4 * len(metrics)), dpi=120, squeeze=False,
        gridspec_kw={"width_ratios": [2, 1]},
    )  # fmt: skip
    for row, metric in enumerate(metrics):
        m = study.metrics[metric]
        left, right = axes[row]
        order = [lang for g in study.groups.values() for lang in g if lang in m.questions]
        order += [lang for lang in m.questions if lang not in order]
        width = 0.8 / len(runs)
        for i, run in enumerate(runs):
            cells = [m.scores[run][lang] for lang in order]
            x = [j - 0.4 + width * (i + 0.5) for j in range(len(order))]
            y = [c.value for c in cells]
            err = [[c.value - c.low for c in cells], [c.high - c.value for c in cells]]
            left.errorbar(x, y, yerr=err, fmt="o", capsize=3, label=run, markersize=4)
        left.set_xticks(range(len(order)), order)
        left.set_ylabel(metric)
        left.set_title(f"{metric} per language ({study.settings['confidence']:.0%} CI)", fontsize=9)
        left.legend(fontsize=7)
        groups = [g for g in study.groups if g in next(iter(m.scores.values()))]
        if not others or not groups:
            right.text(0.5, 0.5, "no run besides the baseline", ha="center", va="center")
            right.set_axis_off()
            continue
        width = 0.8 / len(others)
        for i, run in enumerate(others):
            cells = [m.gains[run][g] for g in groups]
            x = [j - 0.4 + width * (i + 0.5) for j in range(len(groups))]
            err = [[c.value - c.low for c in cells], [c.high - c.value for c in cells]]
            right.bar(x, [c.value for c in cells], width, yerr=err, capsize=3, label=run)
        right.axhline(0.0, color="black", linewidth=0.8)
        right.set_xticks(range(len(groups)), groups)
        right.set_ylabel(f"Δ {metric}")
        right.set_title(f"gain over {study.baseline} per group", fontsize=9)
        right.legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def write_subsets_report(
    study: SubsetsStudy, directory: Path, overwrite: bool = False
) -> list[Path]:
    """Write ``report.md``, ``report.tex``, ``report.json`` and ``subsets.png`` atomically.

    Raises
    ------
    OutputExistsError
        If ``directory`` exists and ``overwrite`` is not set.
    """
    from xqg_pyserini.report_files import json_text, write_report_files

    files = {
        "report.md": _markdown(study),
        "report.tex": _latex(study),
        "report.json": json_text(study.to_json()),
        PLOT: lambda path: _plot(study, path),
    }
    return write_report_files(directory, files, overwrite=overwrite)
