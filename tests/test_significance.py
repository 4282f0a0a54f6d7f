"""Paired significance tests, against hand-worked p-values."""

from __future__ import annotations

import math

import pytest

from xqg_pyserini.eval.significance import (
    SignificanceError,
    SignificanceResult,
    UnpairedQuestionsWarning,
    compare,
    fisher_randomisation,
    paired_scores,
    paired_t_test,
)

QIDS = [f"q{i:02d}" for i in range(12)]


def scores(values):
    return dict(zip(QIDS, values, strict=True))


def test_t_test_hand_worked_df2():
    # differences 1, 2, 3: mean 2, sd 1, t = 2 / (1 / sqrt 3) = 2 sqrt 3, df 2;
    # with 2 degrees of freedom the two-sided p is 1 - t / sqrt(t^2 + 2)
    t = 2 * math.sqrt(3)
    expected = 1 - t / math.sqrt(t * t + 2)
    assert expected == pytest.approx(0.0741799, abs=1e-7)
    p = paired_t_test({"a": 1.0, "b": 2.0, "c": 3.0}, {"a": 0.0, "b": 0.0, "c": 0.0})
    assert p == pytest.approx(expected, rel=1e-9)


def test_t_test_on_bool_hits():
    system = scores([1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0])
    baseline = scores([0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0])
    system = {qid: bool(v) for qid, v in system.items()}
    baseline = {qid: bool(v) for qid, v in baseline.items()}
    # differences: three 1s, nine 0s -> mean 1/4, variance (3 * 0.75^2 + 9 * 0.25^2) / 11
    t = 0.25 / math.sqrt((3 * 0.75**2 + 9 * 0.25**2) / 11 / 12)
    assert t == pytest.approx(1.9148542, abs=1e-6)
    from scipy.stats import t as student

    p = paired_t_test(system, baseline)
    assert p == pytest.approx(2 * student.sf(t, df=11), rel=1e-9)
    assert p == pytest.approx(0.0818642, abs=1e-6)
    # two-sided: symmetric in the order of the systems
    assert paired_t_test(baseline, system) == pytest.approx(p, rel=1e-12)


def test_zero_variance():
    same = scores([0.1 * i for i in range(12)])
    assert paired_t_test(same, dict(same)) == 1.0
    assert fisher_randomisation(same, dict(same)) == 1.0
    shifted = {qid: v + 0.5 for qid, v in same.items()}
    assert paired_t_test(shifted, same) == 0.0


def test_fisher_hand_worked_three_questions():
    # differences 1, 2, 3: of the 8 sign flips only +++ and --- reach |sum| 6 -> p = 2/8
    p = fisher_randomisation({"a": 1, "b": 2, "c": 3}, {"a": 0, "b": 0, "c": 0}, n=20_000)
    assert p == pytest.approx(0.25, abs=0.015)


def test_fisher_strictly_better_everywhere_is_significant_and_deterministic():
    baseline = scores([0.1 * i for i in range(12)])
    system = {qid: v + 0.3 for qid, v in baseline.items()}
    p = fisher_randomisation(system, baseline)
    # exact p is 2 / 2^12 = 0.000488
    assert p < 0.002
    assert fisher_randomisation(system, baseline) == p
    assert fisher_randomisation(system, baseline, seed=42) == p
    assert fisher_randomisation(baseline, system) == p  # two-sided


def test_unpaired_questions_are_left_out_and_reported():
    a = {"q1": 1.0, "q2": 0.0, "q3": 1.0}
    b = {"q2": 0.0, "q3": 0.0, "q4": 1.0}
    with pytest.warns(UnpairedQuestionsWarning):
        qids, x, y, missing_in_a, missing_in_b = paired_scores(a, b)
    assert qids == ["q2", "q3"]
    assert list(x) == [0.0, 1.0] and list(y) == [0.0, 0.0]
    assert missing_in_a == ("q4",) and missing_in_b == ("q1",)
    with pytest.raises(SignificanceError):
        paired_t_test({"q1": 1.0}, {"q2": 1.0})


def test_compare_result():
    baseline = scores([0.1 * i for i in range(12)])
    system = {qid: v + 0.3 for qid, v in baseline.items()}
    system["extra"] = 1.0
    with pytest.warns(UnpairedQuestionsWarning):
        result = compare(
            system,
            baseline,
            metric="mrr@100",
            system_name="xqg",
            baseline_name="base",
            test="fisher",
        )
    assert isinstance(result, SignificanceResult)
    assert result.significant and result.p_value < 0.002
    assert result.delta == pytest.approx(0.3)
    assert result.n == 12 and result.missing_in_baseline == ("extra",)
    assert result.missing_in_system == ()
    assert result.format().startswith("mrr@100 xqg vs base: +0.3000 (p=")
    flat = compare(baseline, baseline, metric="hit_rate@1")
    assert flat.p_value == 1.0 and not flat.significant and flat.test == "t-test"
    with pytest.raises(SignificanceError):
        compare(system, baseline, metric="m", test="wilcoxon")
    with pytest.raises(SignificanceError):
        compare(baseline, baseline, metric="m", test="fisher", n=0)


def test_weights_test_the_weighted_mean_difference():
    system = {"a1": 1.0, "a2": 1.0, "b1": 0.0, "b2": 1.0, "b3": 0.0, "b4": 1.0}
    baseline = {"a1": 0.0, "a2": 1.0, "b1": 0.0, "b2": 0.0, "b3": 0.0, "b4": 0.0}
    plain = compare(system, baseline, metric="m")
    same = compare(system, baseline, metric="m", weights=dict.fromkeys(system, 3.0))
    assert same.delta == pytest.approx(plain.delta) and same.p_value == pytest.approx(plain.p_value)
    # language a: 2 questions, mean difference 1/2; language b: 4 questions, 2/4
    macro = {q: 1 / 2 if q.startswith("a") else 1 / 4 for q in system}
    weighted = compare(system, baseline, metric="m", weights=macro, test="fisher")
    assert weighted.delta == pytest.approx((1 / 2 + 2 / 4) / 2)
    # scaled differences: w * n / sum(w) = 1.5 for a, 0.75 for b
    from scipy.stats import ttest_1samp

    diffs = [1.5, 0.0, 0.0, 0.75, 0.0, 0.75]
    expected = ttest_1samp(diffs, 0.0).pvalue
    assert compare(system, baseline, metric="m", weights=macro).p_value == pytest.approx(expected)
    with pytest.raises(SignificanceError, match="no weight given for question 'b4'"):
        compare(system, baseline, metric="m", weights={q: 1.0 for q in list(system)[:5]})
    with pytest.raises(SignificanceError, match="positive"):
        compare(system, baseline, metric="m", weights=dict.fromkeys(system, 0.0))
