"""Alignment-study metrics: cosine gap, bitext P@1, linear CKA and the InfoNCE bound.

Expected values are worked out by hand in the comments next to them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from xqg_pyserini.errors import XqgError
from xqg_pyserini.studies.alignment_metrics import (
    AlignmentInputError,
    bitext_accuracy,
    infonce_mi_bound,
    infonce_passage_bound,
    linear_cka,
    parallel_cosine_gap,
)

# The 3 x 2 example; rows are scaled to check that cosines normalise them.
# Unit rows x = (1,0), (0,1), (-1,0); y = (1,0), (0,1), (0,1); cosines S[i, j] = x_i . y_j:
#   [[ 1, 0, 0],
#    [ 0, 1, 1],
#    [-1, 0, 0]]
X3 = np.array([[2.0, 0.0], [0.0, 0.5], [-3.0, 0.0]], dtype=np.float32)
Y3 = np.array([[1.0, 0.0], [0.0, 4.0], [0.0, 1.0]], dtype=np.float32)
E = math.e


def rng_normal(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


# parallel_cosine_gap


def test_cosine_gap_by_hand():
    gap = parallel_cosine_gap(X3, Y3)
    # diagonal 1, 1, 0 -> 2/3; off-diagonal 0+0+0+1-1+0 = 0 over 6 pairs -> 0
    assert gap.parallel == pytest.approx(2 / 3)
    assert gap.non_parallel == pytest.approx(0.0, abs=1e-12)
    assert gap.gap == pytest.approx(2 / 3)


def test_cosine_gap_of_identical_orthonormal_rows_is_one_minus_zero():
    gap = parallel_cosine_gap(np.eye(4), np.eye(4))
    assert (gap.parallel, gap.non_parallel, gap.gap) == pytest.approx((1.0, 0.0, 1.0))


def test_cosine_gap_of_opposite_pairs():
    # x_i = -y_i: parallel -1; non-parallel cos(e_i, -e_j) = 0
    gap = parallel_cosine_gap(np.eye(3), -np.eye(3))
    assert (gap.parallel, gap.non_parallel, gap.gap) == pytest.approx((-1.0, 0.0, -1.0))


def test_cosine_gap_averages_over_the_n_times_n_minus_1_other_pairs():
    # X = I_3, y_i = (1, 1, 1) / sqrt(3): every cosine is 1/sqrt(3), so the gap is 0;
    # x = (1, 0), (0, 1), y = (1, 0), (1, 0): S = [[1, 1], [0, 0]] -> (1 + 0) / 2 both
    gap = parallel_cosine_gap(np.eye(3), np.ones((3, 3)))
    assert gap.non_parallel == pytest.approx(1 / math.sqrt(3))
    assert gap.gap == pytest.approx(0.0, abs=1e-12)
    gap = parallel_cosine_gap(np.eye(2), np.array([[1.0, 0.0], [1.0, 0.0]]))
    assert (gap.parallel, gap.non_parallel) == pytest.approx((0.5, 0.5))


# bitext_accuracy


def test_bitext_accuracy_by_hand_with_ties():
    acc = bitext_accuracy(X3, Y3)
    # X->Y: row 0 -> 0 (hit); row 1 ties 1 and 2 -> 1 (hit); row 2 ties 1 and 2 -> 1 (miss)
    # Y->X: column 0 [1, 0, -1] -> 0 (hit); column 1 [0, 1, 0] -> 1 (hit); column 2 -> 1 (miss)
    assert (acc.x_to_y, acc.y_to_x, acc.n) == (pytest.approx(2 / 3), pytest.approx(2 / 3), 3)
    assert acc.mean == pytest.approx(2 / 3)


def test_bitext_ties_go_to_the_lowest_index():
    # all cosines 1: every row retrieves row 0, so only pair 0 is found
    acc = bitext_accuracy(np.ones((4, 2)), np.ones((4, 2)))
    assert (acc.x_to_y, acc.y_to_x) == (0.25, 0.25)


@pytest.mark.parametrize(
    ("perm", "fixed_share"),
    [
        ([0, 1, 2, 3, 4], 1.0),
        ([2, 0, 1, 3, 4], 0.4),  # a 3-cycle, then fixed points 3 and 4
        ([1, 0, 3, 4, 2], 0.0),  # no fixed point
        ([0, 2, 1, 3, 4], 0.6),
    ],
)
@pytest.mark.parametrize("orthonormal", [True, False])
def test_bitext_accuracy_of_a_permutation_is_its_share_of_fixed_points(
    perm, fixed_share, orthonormal
):
    X = np.eye(5) if orthonormal else rng_normal(5, 8)
    acc = bitext_accuracy(X, X[perm])
    assert acc.x_to_y == pytest.approx(fixed_share)
    assert acc.y_to_x == pytest.approx(fixed_share)


def test_bitext_directions_can_differ():
    # X = I_3, y_0 = (0.6, 0.8, 0), y_1 = e_1, y_2 = e_2: S = [[.6, 0, 0], [.8, 1, 0], [0, 0, 1]]
    # X->Y: rows -> 0, 1, 2 (all hits); Y->X: column 0 [.6, .8, 0] -> 1 (miss), then 1, 2
    Y = np.array([[0.6, 0.8, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    acc = bitext_accuracy(np.eye(3), Y)
    assert (acc.x_to_y, acc.y_to_x) == (pytest.approx(1.0), pytest.approx(2 / 3))


# linear_cka


def test_cka_by_hand_with_different_dimensions():
    # centered X = [[1,0],[0,1],[-1,-1]], Y = [[1],[0],[-1]] (Y's column mean 5 removed):
    # X^T X = [[2,1],[1,2]] -> ||.||_F = sqrt(10); Y^T Y = [[2]] -> 2; Y^T X = [2, 1] -> 5
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    Y = np.array([[6.0], [5.0], [4.0]])
    expected = 5 / (2 * math.sqrt(10))
    assert linear_cka(X, Y) == pytest.approx(expected)
    # centering: shifting columns changes nothing
    assert linear_cka(X + [5.0, -3.0], Y + 7.0) == pytest.approx(expected)
    assert linear_cka(Y, X) == pytest.approx(expected)


def test_cka_of_identical_representations_is_one():
    X = rng_normal(20, 6)
    assert linear_cka(X, X) == pytest.approx(1.0)


def test_cka_is_invariant_to_rotation_and_isotropic_scaling():
    X, Y = rng_normal(30, 5, seed=1), rng_normal(30, 7, seed=2)
    Q, _ = np.linalg.qr(rng_normal(7, 7, seed=3))
    base = linear_cka(X, Y)
    assert 0.0 < base < 1.0
    assert linear_cka(X, 2.5 * Y @ Q) == pytest.approx(base)
    # and a rotated, scaled copy of X is as aligned as X itself
    Qx, _ = np.linalg.qr(rng_normal(5, 5, seed=4))
    assert linear_cka(X, 0.1 * X @ Qx) == pytest.approx(1.0)


def test_cka_is_not_invariant_to_anisotropic_scaling():
    X = rng_normal(30, 4, seed=5)
    assert linear_cka(X, X * [1.0, 1.0, 1.0, 10.0]) < 0.99


def test_cka_of_orthogonal_representations_is_zero():
    # centered columns with Y^T X = 1 - 1 - 1 + 1 = 0
    X = np.array([[1.0], [-1.0], [1.0], [-1.0]])
    Y = np.array([[1.0, 2.0], [1.0, 2.0], [-1.0, -2.0], [-1.0, -2.0]])
    assert linear_cka(X, Y) == pytest.approx(0.0, abs=1e-12)


# infonce_mi_bound


def test_infonce_by_hand():
    # S of the 3 x 2 example, tau = 1; CE_i = log sum_j exp(S_ij) - S_ii
    rows = [math.log(E + 2) - 1, math.log(1 + 2 * E) - 1, math.log(1 / E + 2)]
    loss = sum(rows) / 3
    result = infonce_mi_bound(X3, Y3, temperature=1.0)
    assert result.loss == pytest.approx(loss)
    assert result.bound == pytest.approx(math.log(3) - loss)
    assert (result.n, result.temperature, result.symmetric, result.n_batches) == (3, 1.0, False, 1)


def test_infonce_symmetric_by_hand():
    # columns of S: [1, 0, -1] diag 1; [0, 1, 0] diag 1; [0, 1, 0] diag 0
    rows = [math.log(E + 2) - 1, math.log(1 + 2 * E) - 1, math.log(1 / E + 2)]
    cols = [math.log(E + 1 + 1 / E) - 1, math.log(2 + E) - 1, math.log(2 + E)]
    loss = (sum(rows) + sum(cols)) / 6
    result = infonce_mi_bound(X3, Y3, temperature=1.0, symmetric=True)
    assert result.loss == pytest.approx(loss)
    assert result.bound == pytest.approx(math.log(3) - loss)
    assert result.symmetric


def test_infonce_temperature_scales_the_scores():
    # X = Y = I_2, tau = 0.5: s = 2 I, CE = log(e^2 + 1) - 2
    result = infonce_mi_bound(np.eye(2), np.eye(2), temperature=0.5)
    assert result.bound == pytest.approx(math.log(2) - (math.log(E**2 + 1) - 2))


@pytest.mark.parametrize("n", [2, 8, 64])
def test_infonce_of_perfect_pairs_at_low_temperature_approaches_log_n(n):
    # s = I / tau; CE = log(1 + (n-1) e^{-1000}); exp(1000) would overflow unshifted
    for symmetric in (False, True):
        result = infonce_mi_bound(np.eye(n), np.eye(n), temperature=1e-3, symmetric=symmetric)
        assert math.isfinite(result.bound)
        assert abs(result.bound - math.log(n)) < 1e-6
        assert result.n == n


def test_infonce_of_identical_scores_is_zero():
    X = np.tile([1.0, 2.0, 3.0], (5, 1))
    Y = np.tile([0.5, -1.0, 0.0], (5, 1))
    for symmetric in (False, True):
        result = infonce_mi_bound(X, Y, temperature=0.1, symmetric=symmetric)
        assert result.bound == pytest.approx(0.0, abs=1e-12)
        assert result.loss == pytest.approx(math.log(5))


def test_infonce_never_exceeds_log_n():
    X = rng_normal(16, 4, seed=6)
    result = infonce_mi_bound(X, X + 0.01 * rng_normal(16, 4, seed=7), temperature=0.01)
    assert result.bound <= math.log(16)


def test_infonce_batches_fix_n_and_drop_the_remainder():
    # I_7 in batches of 3: two batches of s = I_3 (tau 1), row 6 left out
    result = infonce_mi_bound(np.eye(7), np.eye(7), temperature=1.0, batch_size=3)
    loss = math.log(E + 2) - 1
    assert (result.n, result.n_batches) == (3, 2)
    assert result.loss == pytest.approx(loss)
    assert result.bound == pytest.approx(math.log(3) - loss)
    # the whole set: N = 7, and a larger bound than batches of 3 can reach
    whole = infonce_mi_bound(np.eye(7), np.eye(7), temperature=1.0)
    assert whole.n == 7
    assert whole.bound == pytest.approx(math.log(7) - (math.log(E + 6) - 1))


def test_infonce_batches_only_see_their_own_negatives():
    # pairs 0,1 and 2,3 are duplicates of each other; split so no batch holds both copies
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    batched = infonce_mi_bound(X, X, temperature=1.0, batch_size=2)
    assert batched.loss == pytest.approx(math.log(E + 1) - 1)
    # whole set: each row also meets its duplicate, CE = log(2e + 2) - 1
    whole = infonce_mi_bound(X, X, temperature=1.0)
    assert whole.loss == pytest.approx(math.log(2 * E + 2) - 1)


# bad input


@pytest.mark.parametrize(
    ("X", "Y", "message"),
    [
        (np.eye(3), np.ones((4, 3)), r"same number of rows \(parallel pairs\), got 3 and 4"),
        (np.ones((1, 2)), np.ones((1, 2)), "at least 2 rows"),
        (np.ones(3), np.ones(3), "2-D"),
        (np.array([[1.0, np.nan], [1.0, 0.0]]), np.eye(2), "X must be finite, row 0"),
        (np.eye(2), np.array([[1.0, 0.0], [np.inf, 0.0]]), "Y must be finite, row 1"),
        (np.array([[1.0, 0.0], [0.0, 0.0]]), np.eye(2), "X must have no zero vectors, row 1"),
        (np.array([["a", "b"], ["c", "d"]]), np.eye(2), "numeric array"),
    ],
)
@pytest.mark.parametrize(
    "metric", [parallel_cosine_gap, bitext_accuracy, linear_cka, infonce_mi_bound]
)
def test_bad_input_raises_one_line(metric, X, Y, message):
    with pytest.raises(AlignmentInputError, match=message) as caught:
        metric(X, Y)
    assert isinstance(caught.value, XqgError)
    assert isinstance(caught.value, ValueError)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("metric", [parallel_cosine_gap, bitext_accuracy, infonce_mi_bound])
def test_cosine_metrics_need_one_dimension(metric):
    with pytest.raises(AlignmentInputError, match="same dimension for cosines, got 2 and 3"):
        metric(np.eye(2), np.eye(3)[:2])


def test_cka_needs_varying_rows():
    with pytest.raises(AlignmentInputError, match="Y must vary over rows"):
        linear_cka(np.eye(3), np.ones((3, 2)))


@pytest.mark.parametrize("temperature", [0.0, -1.0, float("nan"), float("inf")])
def test_infonce_rejects_bad_temperature(temperature):
    with pytest.raises(AlignmentInputError, match="temperature must be a finite number > 0"):
        infonce_mi_bound(np.eye(3), np.eye(3), temperature=temperature)


@pytest.mark.parametrize("batch_size", [1, 4, 2.5, True])
def test_infonce_rejects_bad_batch_size(batch_size):
    with pytest.raises(AlignmentInputError, match="batch_size must be between 2 and n=3"):
        infonce_mi_bound(np.eye(3), np.eye(3), batch_size=batch_size)


# infonce_passage_bound: questions and their gold passages, several questions per passage


def test_passage_bound_of_perfectly_aligned_distinct_passages_is_log_n():
    # Q = P = I_3, ids a, b, c: cos 1 on the diagonal, 0 elsewhere; tau = 0.01 ->
    # CE_i = log(1 + 2 e^-100) ~ 0, so the bound is log 3 - 0 and every question is found
    result = infonce_passage_bound(np.eye(3), np.eye(3), ["a", "b", "c"], temperature=0.01)
    assert result.bound == pytest.approx(math.log(3), abs=1e-12)
    assert (result.n, result.n_min, result.n_max, result.n_batches) == (3, 3, 3, 1)
    assert result.p1 == 1.0 and result.loss == pytest.approx(0.0, abs=1e-12)


def test_passage_bound_two_questions_sharing_one_passage():
    # q0 = q1 = (1, 0) both about passage a = (1, 0); q2 = (0, 1) about b = (0, 1).
    # Candidates {a, b}, N = 2 (not 3); tau = 1: every question scores its own passage 1
    # and the other 0, so CE_i = log(e + 1) - 1 = log(1 + 1/e) and
    # bound = log 2 - log(1 + 1/e) ~ 0.3799.
    Q = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    P = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0]])  # a's second row is ignored
    result = infonce_passage_bound(Q, P, ["a", "a", "b"], temperature=1.0)
    expected = math.log(2) - math.log(1 + 1 / E)
    assert result.bound == pytest.approx(expected)
    assert result.terms == pytest.approx([expected] * 3)
    assert result.n == 2 and result.p1 == 1.0
    # counting the duplicate of a as a negative would give N = 3 and
    # CE_0 = log(2e + 1) - 1: a different (wrong) number
    naive = infonce_mi_bound(Q, P, temperature=1.0)
    assert naive.n == 3 and naive.bound != pytest.approx(expected)


def test_passage_bound_p1_and_terms_by_hand():
    # q0 = (0, 1) is about a = (1, 0) but b = (0, 1) scores higher: not found;
    # tau = 1: CE_0 = log(1 + e) - 0, term_0 = log 2 - log(1 + e);
    # q1 = (1, 0) about a: term_1 = log 2 - log(1 + 1/e); q2 = (0, 1) about b: the same
    Q = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    P = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    result = infonce_passage_bound(Q, P, ["a", "a", "b"], temperature=1.0)
    good, bad = math.log(2) - math.log(1 + 1 / E), math.log(2) - math.log(1 + E)
    assert result.terms == pytest.approx([bad, good, good])
    assert result.found.tolist() == [False, True, True] and result.p1 == pytest.approx(2 / 3)
    assert result.bound == pytest.approx((bad + 2 * good) / 3)


def test_passage_bound_batches_count_their_own_candidates():
    # batches of 2: (q0, q1) share a -> N = 1, terms 0; (q2, q3) about b, c -> N = 2;
    # q4 is left out. tau = 1, all aligned: term = log 2 - log(1 + 1/e) for q2, q3
    Q = np.array([[1.0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]])
    result = infonce_passage_bound(Q, Q, ["a", "a", "b", "c", "a"], 1.0, batch_size=2)
    good = math.log(2) - math.log(1 + 1 / E)
    assert result.terms == pytest.approx([0.0, 0.0, good, good])
    assert (result.n, result.n_min, result.n_max, result.n_batches) == (1.5, 1, 2, 2)
    assert result.scored.tolist() == [0, 1, 2, 3]
    assert result.bound == pytest.approx(good / 2)


@pytest.mark.parametrize("batch_size", [None, 3, 5])
def test_passage_bound_with_distinct_passages_is_infonce_mi_bound(batch_size):
    X, Y = rng_normal(10, 4, seed=1), rng_normal(10, 4, seed=2)
    ids = [f"p{i}" for i in range(10)]
    ours = infonce_passage_bound(X, Y, ids, 0.5, batch_size=batch_size)
    theirs = infonce_mi_bound(X, Y, 0.5, batch_size=batch_size)
    assert ours.bound == pytest.approx(theirs.bound)
    assert ours.loss == pytest.approx(theirs.loss)
    assert (ours.n, ours.n_batches) == (theirs.n, theirs.n_batches)
    if batch_size is None:
        assert ours.p1 == bitext_accuracy(X, Y).x_to_y


def test_passage_bound_rejects_bad_input():
    with pytest.raises(AlignmentInputError, match="one id per row, got 2 for 3 rows"):
        infonce_passage_bound(np.eye(3), np.eye(3), ["a", "b"])
    with pytest.raises(AlignmentInputError, match="batch_size must be between 2 and n=3"):
        infonce_passage_bound(np.eye(3), np.eye(3), ["a", "b", "c"], batch_size=4)
    with pytest.raises(AlignmentInputError, match="temperature must be a finite number > 0"):
        infonce_passage_bound(np.eye(3), np.eye(3), ["a", "b", "c"], temperature=0.0)
    with pytest.raises(AlignmentInputError, match="same dimension for cosines"):
        infonce_passage_bound(np.eye(2), np.eye(3)[:2], ["a", "b"])
