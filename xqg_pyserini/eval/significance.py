"""Paired two-sided significance tests of a system against a baseline, per question.

The paper calls a difference significant at p < 0.05 under a paired test. Scores
are per-question mappings ``{qid: score}`` (floats from
:func:`~xqg_pyserini.eval.answer_metrics.ranx_metrics`, or bools such as
:attr:`RecallKtResult.hits` ``[k]``), paired by qid over the questions both have.

Two tests, as ranx offers them:

* :func:`paired_t_test`: ranx's ``paired_student_t_test`` is
  ``scipy.stats.ttest_rel(..., alternative="two-sided")``, used here directly.
* :func:`fisher_randomisation`: ranx's approximate Fisher randomisation test
  (swap the two systems' scores of each question at random, statistic = absolute
  difference of means, p = share of permutations at least as extreme; Smucker
  et al., CIKM 2007). ranx runs it in a parallel numba kernel whose random streams
  are per thread, so its p-value changes from call to call even with a fixed seed;
  the same algorithm is written here with a seeded NumPy generator (a swap within
  a pair flips the sign of that pair's difference), which makes it reproducible.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from xqg_pyserini.errors import XqgError

__all__ = [
    "SignificanceError",
    "SignificanceResult",
    "UnpairedQuestionsWarning",
    "compare",
    "fisher_randomisation",
    "paired_p_values",
    "paired_scores",
    "paired_t_test",
]

Scores = Mapping[str, float] | Mapping[str, bool]
TestName = Literal["t-test", "fisher"]
_TESTS = ("t-test", "fisher")
_CHUNK = 1000


class SignificanceError(XqgError, ValueError):
    """Scores a paired test cannot compare: no common question, bad test settings."""


class UnpairedQuestionsWarning(UserWarning):
    """Questions scored for only one of the two systems; the tests leave them out."""


@dataclass(frozen=True)
class SignificanceResult:
    """One paired comparison of ``system`` against ``baseline`` on ``metric``.

    ``delta`` is mean(system) - mean(baseline) over the ``n`` paired questions;
    ``significant`` is ``p_value < threshold``. ``missing_in_system`` and
    ``missing_in_baseline`` list the questions left out because only the other
    side scored them.
    """

    metric: str
    system: str
    baseline: str
    test: str
    p_value: float
    threshold: float
    significant: bool
    delta: float
    n: int
    missing_in_system: tuple[str, ...] = ()
    missing_in_baseline: tuple[str, ...] = ()

    def format(self) -> str:
        """One line, e.g. ``mrr@100 xqg vs base: +0.0123 (p=0.0310, t-test, n=1928) *``."""
        mark = " *" if self.significant else ""
        return (
            f"{self.metric} {self.system} vs {self.baseline}: {self.delta:+.4f} "
            f"(p={self.p_value:.4f}, {self.test}, n={self.n}){mark}"
        )


def paired_scores(
    a: Scores, b: Scores, *, warn: bool = True
) -> tuple[list[str], np.ndarray, np.ndarray, tuple[str, ...], tuple[str, ...]]:
    """Scores of the questions both mappings have, as float arrays in sorted-qid order.

    Returns ``(qids, a_scores, b_scores, only_in_b, only_in_a)``, the last two being
    the questions missing from ``a`` and from ``b``; a
    :class:`UnpairedQuestionsWarning` names them when ``warn``.

    Raises
    ------
    SignificanceError
        When no question is in both.
    """
    common = sorted(set(a) & set(b))
    missing_in_a = tuple(sorted(set(b) - set(a)))
    missing_in_b = tuple(sorted(set(a) - set(b)))
    if not common:
        raise SignificanceError("the two systems have no question in common")
    if warn and (missing_in_a or missing_in_b):
        warnings.warn(
            f"paired on {len(common)} common questions; {len(missing_in_a)} scored only for "
            f"the second system and {len(missing_in_b)} only for the first are left out",
            UnpairedQuestionsWarning,
            stacklevel=2,
        )
    x = np.array([float(a[qid]) for qid in common], dtype=np.float64)
    y = np.array([float(b[qid]) for qid in common], dtype=np.float64)
    return common, x, y, missing_in_a, missing_in_b


def _t_test(diffs: np.ndarray) -> float:
    tolerance = 1e-12 * max(1.0, float(np.abs(diffs).max()))
    if np.ptp(diffs) <= tolerance:
        # zero variance of the differences (up to rounding): no difference at all
        # -> 1; a constant non-zero difference is the t -> infinity limit -> 0
        # (scipy gives nan or a value dominated by rounding)
        return 1.0 if abs(diffs.mean()) <= tolerance else 0.0
    from scipy.stats import ttest_1samp

    # ttest_rel(x, y) is exactly ttest_1samp(x - y, 0)
    return float(ttest_1samp(diffs, 0.0, alternative="two-sided").pvalue)


def _fisher(diffs: np.ndarray, n: int, seed: int) -> float:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise SignificanceError(f"n (permutations) must be a positive integer, got {n!r}")
    observed = abs(diffs.mean())
    # tolerance for sums that equal the observed one up to rounding
    tolerance = 1e-12 * max(1.0, float(np.abs(diffs).max()))
    rng = np.random.default_rng(seed)
    extreme = 0
    for start in range(0, n, _CHUNK):
        rows = min(_CHUNK, n - start)
        signs = rng.integers(0, 2, size=(rows, diffs.size), dtype=np.int8) * 2 - 1
        permuted = np.abs(signs @ diffs) / diffs.size
        extreme += int(np.count_nonzero(permuted >= observed - tolerance))
    return extreme / n


def _scales(qids: list[str], weights: Mapping[str, float]) -> np.ndarray:
    """``w * n / sum(w)`` per paired question: mean 1, so a weighted mean is a plain mean."""
    try:
        w = np.array([float(weights[qid]) for qid in qids], dtype=np.float64)
    except KeyError as error:
        raise SignificanceError(f"no weight given for question {error.args[0]!r}") from None
    if not np.all(w > 0):
        raise SignificanceError("weights must be positive")
    return w * w.size / w.sum()


def paired_t_test(a: Scores, b: Scores) -> float:
    """Two-sided paired Student's t-test p-value over the common questions.

    Identical scores give 1.0; a constant non-zero difference (zero variance) 0.0.
    """
    _, x, y, _, _ = paired_scores(a, b)
    return _t_test(x - y)


def fisher_randomisation(a: Scores, b: Scores, n: int = 10_000, seed: int = 42) -> float:
    """Two-sided approximate Fisher randomisation test p-value over the common questions.

    ``n`` random permutations (ranx's default is 1,000; 10,000 resolves p near
    0.05 to about +-0.005), seeded by ``seed``, so the same inputs give the same
    p. p is the share of permutations whose absolute mean difference is at least
    the observed one (ranx's estimate, without a +1 correction): identical scores
    give 1.0.
    """
    _, x, y, _, _ = paired_scores(a, b)
    return _fisher(x - y, n, seed)


def compare(
    system: Scores,
    baseline: Scores,
    *,
    metric: str,
    system_name: str = "system",
    baseline_name: str = "baseline",
    test: TestName = "t-test",
    threshold: float = 0.05,
    n: int = 10_000,
    seed: int = 42,
    weights: Mapping[str, float] | None = None,
) -> SignificanceResult:
    """Test ``system`` against ``baseline`` on one metric's per-question scores.

    With ``weights`` (``{qid: w > 0}``), each paired difference is scaled by
    ``w * n / sum(w)`` before testing, so the tested mean is the weighted mean
    difference: weights of ``1 / questions of its language`` test the macro
    average over languages that R@kt reports. Without, every question counts once.

    Raises
    ------
    SignificanceError
        For an unknown ``test``, a threshold outside (0, 1), bad ``n``, no
        common question, or a paired question without a positive weight.
    """
    if test not in _TESTS:
        raise SignificanceError(f"test must be one of {_TESTS}, got {test!r}")
    if not 0 < threshold < 1:
        raise SignificanceError(f"threshold must be in (0, 1), got {threshold!r}")
    qids, x, y, missing_in_system, missing_in_baseline = paired_scores(system, baseline)
    diffs = x - y
    if weights is not None:
        diffs = diffs * _scales(qids, weights)
    p_value = _t_test(diffs) if test == "t-test" else _fisher(diffs, n, seed)
    if math.isnan(p_value):
        raise SignificanceError(f"{test} gave no p-value for {metric}")
    return SignificanceResult(
        metric=metric,
        system=system_name,
        baseline=baseline_name,
        test=test,
        p_value=p_value,
        threshold=threshold,
        significant=p_value < threshold,
        delta=float(diffs.mean()),
        n=x.size,
        missing_in_system=missing_in_system,
        missing_in_baseline=missing_in_baseline,
    )


def paired_p_values(
    system: Mapping[str, float],
    baseline: Mapping[str, float],
    qids: Sequence[str],
    tests: Sequence[str],
    *,
    threshold: float = 0.05,
    n: int = 10_000,
    seed: int = 42,
    weights: Mapping[str, float] | None = None,
    metric: str = "",
) -> tuple[float, dict[str, float]]:
    """``(delta, {test: p})`` of ``system`` against ``baseline`` over the questions ``qids``.

    :func:`compare` under each of ``tests`` (both always share the delta), quietly: the
    questions are chosen by the caller, so nothing is unpaired by surprise.
    """
    a = {qid: float(system[qid]) for qid in qids}
    b = {qid: float(baseline[qid]) for qid in qids}
    p_values, delta = {}, 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnpairedQuestionsWarning)
        for test in tests:
            result = compare(
                a, b, metric=metric, test=test, threshold=threshold, n=n, seed=seed,  # type: ignore[arg-type]
                weights=weights,
            )  # fmt: skip
            p_values[test], delta = result.p_value, result.delta
    return delta, p_values
