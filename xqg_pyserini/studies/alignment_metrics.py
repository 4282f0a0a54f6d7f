"""Metrics of the cross-language alignment study, on parallel embeddings.

Row ``i`` of ``X`` (n, d) and row ``i`` of ``Y`` (n, d') encode the same text in two
languages (a question in Japanese and in English, say). The metrics ask how well an
encoder puts such pairs together: :func:`parallel_cosine_gap` (parallel versus
non-parallel cosine), :func:`bitext_accuracy` (bitext retrieval P@1 both ways),
:func:`linear_cka` (linear Centered Kernel Alignment of the two representations) and
:func:`infonce_mi_bound` (the InfoNCE lower bound on their mutual information).
:func:`infonce_passage_bound` is the same bound between questions and their gold
passages, where several questions may share one passage: the candidates of a batch are
its unique passages.

NumPy only: encoders produce the arrays elsewhere, so this module loads no model.
Inputs are float arrays, float32 at our boundaries, computed in float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xqg_pyserini.errors import XqgError

__all__ = [
    "AlignmentInputError",
    "BitextAccuracy",
    "CosineGap",
    "InfoNceBound",
    "PassageInfoNceBound",
    "bitext_accuracy",
    "infonce_mi_bound",
    "infonce_passage_bound",
    "linear_cka",
    "parallel_cosine_gap",
]

#: CLIP-like contrastive temperature; the bound depends on it, so report it with the bound
DEFAULT_TEMPERATURE = 0.05


class AlignmentInputError(XqgError, ValueError):
    """Embeddings or parameters that the alignment metrics cannot use (says what was expected)."""


@dataclass(frozen=True)
class CosineGap:
    """Mean cosine of parallel pairs, of non-parallel pairs, and ``parallel - non_parallel``."""

    parallel: float
    non_parallel: float
    gap: float


@dataclass(frozen=True)
class BitextAccuracy:
    """Bitext retrieval P@1 from X to Y and from Y to X, over ``n`` pairs."""

    x_to_y: float
    y_to_x: float
    n: int

    @property
    def mean(self) -> float:
        """Average of both directions."""
        return (self.x_to_y + self.y_to_x) / 2


@dataclass(frozen=True)
class InfoNceBound:
    """InfoNCE bound ``log n - loss`` in nats, with the batch size ``n`` it was computed at.

    ``n_batches`` batches of ``n`` pairs were scored (``n_batches * n`` pairs in all);
    ``symmetric`` says whether ``loss`` averages both directions.
    """

    bound: float
    n: int
    loss: float
    temperature: float
    symmetric: bool = False
    n_batches: int = 1


def _checked_pair(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both arrays as float64, or an :class:`AlignmentInputError` naming what is wrong."""
    arrays = []
    for name, a in (("X", X), ("Y", Y)):
        try:
            a = np.asarray(a, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise AlignmentInputError(f"{name} must be a numeric array (n, dim): {err}") from None
        if a.ndim != 2:
            raise AlignmentInputError(f"{name} must be 2-D (n, dim), got shape {a.shape}")
        if a.shape[0] < 2 or a.shape[1] < 1:
            raise AlignmentInputError(
                f"{name} must have at least 2 rows and 1 column, got shape {a.shape}"
            )
        bad = ~np.isfinite(a).all(axis=1)
        if bad.any():
            raise AlignmentInputError(
                f"{name} must be finite, row {int(np.argmax(bad))} has NaN/inf"
            )
        zero = ~a.any(axis=1)
        if zero.any():
            raise AlignmentInputError(
                f"{name} must have no zero vectors, row {int(np.argmax(zero))} is all zeros"
            )
        arrays.append(a)
    if arrays[0].shape[0] != arrays[1].shape[0]:
        raise AlignmentInputError(
            "X and Y must have the same number of rows (parallel pairs), "
            f"got {arrays[0].shape[0]} and {arrays[1].shape[0]}"
        )
    return arrays[0], arrays[1]


def _checked_same_space(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_checked_pair`, and one dimension for both, as cosines across them need."""
    X, Y = _checked_pair(X, Y)
    if X.shape[1] != Y.shape[1]:
        raise AlignmentInputError(
            f"X and Y must have the same dimension for cosines, got {X.shape[1]} and {Y.shape[1]}"
        )
    return X, Y


def _cosines(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Cosine matrix ``S[i, j] = cos(x_i, y_j)`` (n, n) of checked arrays."""
    Xn = X / np.linalg.norm(X, axis=1, keepdims=True)
    Yn = Y / np.linalg.norm(Y, axis=1, keepdims=True)
    return Xn @ Yn.T


def parallel_cosine_gap(X: np.ndarray, Y: np.ndarray) -> CosineGap:
    r"""Mean cosine of parallel pairs minus mean cosine of non-parallel pairs.

    With rows L2-normalised and :math:`S_{ij} = \cos(x_i, y_j)`,

    .. math::
        \text{parallel} = \frac{1}{n}\sum_i S_{ii}, \qquad
        \text{non\_parallel} = \frac{1}{n(n-1)}\sum_{i \ne j} S_{ij}, \qquad
        \text{gap} = \text{parallel} - \text{non\_parallel}.

    Parameters
    ----------
    X, Y : ndarray of float, shapes (n, d) and (n, d')
        Parallel embeddings, ``d == d'`` (cosines need one space), ``n >= 2``.

    Returns
    -------
    CosineGap
    """
    X, Y = _checked_same_space(X, Y)
    S = _cosines(X, Y)
    n = S.shape[0]
    parallel = float(np.trace(S)) / n
    non_parallel = (float(S.sum()) - float(np.trace(S))) / (n * (n - 1))
    return CosineGap(parallel, non_parallel, parallel - non_parallel)


def bitext_accuracy(X: np.ndarray, Y: np.ndarray) -> BitextAccuracy:
    r"""Bitext retrieval P@1 in both directions, by cosine.

    .. math::
        \text{x\_to\_y} = \frac{1}{n}\sum_i [\operatorname{argmax}_j S_{ij} = i], \qquad
        \text{y\_to\_x} = \frac{1}{n}\sum_j [\operatorname{argmax}_i S_{ij} = j],

    with :math:`S_{ij} = \cos(x_i, y_j)`. Ties (exactly equal cosines) go to the
    lowest row index, NumPy's ``argmax`` rule, so a result never depends on chance;
    a row tied with its partner thus counts as found only if the partner comes first.

    Parameters
    ----------
    X, Y : ndarray of float, shapes (n, d) and (n, d)
        Parallel embeddings in one space, ``n >= 2``.

    Returns
    -------
    BitextAccuracy
    """
    X, Y = _checked_same_space(X, Y)
    S = _cosines(X, Y)
    own = np.arange(S.shape[0])
    x_to_y = float(np.mean(np.argmax(S, axis=1) == own))
    y_to_x = float(np.mean(np.argmax(S, axis=0) == own))
    return BitextAccuracy(x_to_y, y_to_x, S.shape[0])


def linear_cka(X: np.ndarray, Y: np.ndarray) -> float:
    r"""Linear Centered Kernel Alignment (Kornblith et al., ICML 2019).

    With columns centered (:math:`X \leftarrow X - \mathbf{1}\bar{x}^\top`, same for Y),

    .. math::
        \mathrm{CKA}(X, Y) = \frac{\lVert Y^\top X \rVert_F^2}
                                  {\lVert X^\top X \rVert_F \, \lVert Y^\top Y \rVert_F}.

    In [0, 1]; invariant to orthogonal transforms and isotropic scaling of either
    side; ``d`` and ``d'`` may differ.

    Parameters
    ----------
    X, Y : ndarray of float, shapes (n, d) and (n, d')
        Parallel representations, ``n >= 2``; neither may be constant over rows.

    Returns
    -------
    float
    """
    X, Y = _checked_pair(X, Y)
    X = X - X.mean(axis=0)
    Y = Y - Y.mean(axis=0)
    norms = []
    for name, a in (("X", X), ("Y", Y)):
        norm = float(np.linalg.norm(a.T @ a))
        if norm == 0.0:
            raise AlignmentInputError(f"{name} must vary over rows for CKA, all its rows are equal")
        norms.append(norm)
    return float(np.linalg.norm(Y.T @ X) ** 2 / (norms[0] * norms[1]))


def _logsumexp(s: np.ndarray, axis: int) -> np.ndarray:
    """``log(sum(exp(s)))`` along ``axis``, shifted by the maximum so that exp cannot overflow."""
    m = s.max(axis=axis, keepdims=True)
    return np.squeeze(m, axis=axis) + np.log(np.exp(s - m).sum(axis=axis))


def _infonce_losses(S: np.ndarray, symmetric: bool) -> np.ndarray:
    """Cross-entropy per pair of one batch of scores (b, b); both directions averaged if asked."""
    diag = np.diagonal(S)
    losses = _logsumexp(S, axis=1) - diag
    if symmetric:
        losses = (losses + _logsumexp(S, axis=0) - diag) / 2
    return losses


def infonce_mi_bound(
    X: np.ndarray,
    Y: np.ndarray,
    temperature: float = DEFAULT_TEMPERATURE,
    *,
    symmetric: bool = False,
    batch_size: int | None = None,
) -> InfoNceBound:
    r"""InfoNCE lower bound on the mutual information of X and Y (van den Oord et al.
    2018; Poole et al. 2019), in nats.

    Over a batch of N pairs with scores :math:`s_{ij} = \cos(x_i, y_j) / \tau`,

    .. math::
        \mathrm{CE}_i = -\log \frac{e^{s_{ii}}}{\sum_j e^{s_{ij}}}, \qquad
        I(X; Y) \ge \log N - \frac{1}{N}\sum_i \mathrm{CE}_i.

    The bound cannot exceed :math:`\log N`, so it is only comparable at equal N: report
    ``n`` with it. ``symmetric`` averages :math:`\mathrm{CE}_i` with its Y-to-X
    counterpart :math:`-\log(e^{s_{ii}} / \sum_j e^{s_{ji}})`. The log-sum-exp is
    shifted by its maximum, so small temperatures do not overflow.

    Parameters
    ----------
    X, Y : ndarray of float, shapes (n, d) and (n, d)
        Parallel embeddings in one space, ``n >= 2``.
    temperature : float
        :math:`\tau > 0`.
    symmetric : bool
        Average the X-to-Y and Y-to-X losses.
    batch_size : int or None
        Score consecutive batches of this many pairs (``2 <= batch_size <= n``) so that
        N, and the bound, is the same across sets of different sizes; the last
        ``n % batch_size`` rows are left out (shuffle first if row order matters). The
        loss is the mean over all scored pairs. ``None``: one batch of all ``n`` pairs.

    Returns
    -------
    InfoNceBound
        ``bound = log(N) - loss`` with ``N = n`` of the result.
    """
    X, Y = _checked_same_space(X, Y)
    if not (np.isfinite(temperature) and temperature > 0):
        raise AlignmentInputError(f"temperature must be a finite number > 0, got {temperature}")
    n = X.shape[0]
    size = n if batch_size is None else batch_size
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 2 <= size <= n:
        raise AlignmentInputError(f"batch_size must be between 2 and n={n}, got {batch_size}")
    n_batches = n // size
    losses = [
        _infonce_losses(_cosines(X[k : k + size], Y[k : k + size]) / temperature, symmetric)
        for k in range(0, n_batches * size, size)
    ]
    loss = float(np.mean(np.concatenate(losses)))
    return InfoNceBound(
        bound=float(np.log(size)) - loss,
        n=int(size),
        loss=loss,
        temperature=float(temperature),
        symmetric=symmetric,
        n_batches=n_batches,
    )


@dataclass(frozen=True, eq=False)
class PassageInfoNceBound:
    """The question-passage InfoNCE bound of :func:`infonce_passage_bound`, in nats.

    ``terms[i]`` is ``log N_b - CE_i`` of the ``i``-th scored question (``bound`` is their
    mean) and ``found[i]`` whether its own passage scored highest among its batch's
    candidates (``p1`` is their mean); ``scored`` holds the row numbers of the scored
    questions. ``n`` is the mean number of candidates per batch, ``n_min`` and ``n_max``
    the smallest and largest (equal with one batch).
    """

    bound: float
    loss: float
    p1: float
    n: float
    n_min: int
    n_max: int
    n_batches: int
    temperature: float
    terms: np.ndarray
    found: np.ndarray
    scored: np.ndarray


def infonce_passage_bound(
    Q: np.ndarray,
    P: np.ndarray,
    passage_ids: list[str] | tuple[str, ...],
    temperature: float = DEFAULT_TEMPERATURE,
    *,
    batch_size: int | None = None,
) -> PassageInfoNceBound:
    r"""InfoNCE bound between questions and their gold passages, several questions per passage.

    Row ``i`` of ``Q`` is a question, row ``i`` of ``P`` the vector of its gold passage,
    whose id is ``passage_ids[i]``. Rows with one id are one passage (the first such row's
    vector is used), so a passage shared by several questions of a batch is one
    candidate, never a negative of itself. For a batch ``b`` of questions whose gold
    passages are the :math:`N_b` unique candidates :math:`C_b`, with scores
    :math:`s_{ic} = \cos(q_i, p_c) / \tau`,

    .. math::
        \mathrm{CE}_i = -\log \frac{e^{s_{i,g(i)}}}{\sum_{c \in C_b} e^{s_{ic}}}, \qquad
        \text{term}_i = \log N_b - \mathrm{CE}_i, \qquad
        \text{bound} = \frac{1}{n}\sum_i \text{term}_i,

    :math:`g(i)` being question i's gold passage. With one batch (or equal :math:`N_b`)
    this is :math:`\log N - \overline{\mathrm{CE}}`; when all passages differ it equals
    :func:`infonce_mi_bound`. A batch whose questions all share one passage has
    :math:`N_b = 1` and terms 0. P@1 counts question i as found when
    :math:`\operatorname{argmax}_c s_{ic} = g(i)` (ties to the candidate first seen in
    the batch).

    Parameters
    ----------
    Q, P : ndarray of float, shapes (n, d) and (n, d)
        Questions and their gold passages' vectors, one space, ``n >= 2``.
    passage_ids : sequence of str, length n
        The gold passage of each row.
    temperature : float
        :math:`\tau > 0`.
    batch_size : int or None
        Consecutive batches of this many questions (``2 <= batch_size <= n``), the last
        ``n % batch_size`` left out; ``None``: one batch of all ``n`` questions.

    Returns
    -------
    PassageInfoNceBound
    """
    Q, P = _checked_same_space(Q, P)
    n = Q.shape[0]
    keys = list(passage_ids)
    if len(keys) != n:
        raise AlignmentInputError(
            f"passage_ids must have one id per row, got {len(keys)} for {n} rows"
        )
    if not (np.isfinite(temperature) and temperature > 0):
        raise AlignmentInputError(f"temperature must be a finite number > 0, got {temperature}")
    size = n if batch_size is None else batch_size
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 2 <= size <= n:
        raise AlignmentInputError(f"batch_size must be between 2 and n={n}, got {batch_size}")
    n_batches = n // size
    terms, found, counts = [], [], []
    for start in range(0, n_batches * size, size):
        batch = keys[start : start + size]
        first = {key: start + k for k, key in reversed(list(enumerate(batch)))}
        order = sorted(first, key=first.__getitem__)  # candidates in order of first sight
        column = {key: c for c, key in enumerate(order)}
        gold = np.array([column[key] for key in batch])
        candidates = P[[first[key] for key in order]]
        S = _cosines(Q[start : start + size], candidates) / temperature
        rows = np.arange(len(batch))
        losses = _logsumexp(S, axis=1) - S[rows, gold]
        terms.append(np.log(len(order)) - losses)
        found.append(np.argmax(S, axis=1) == gold)
        counts.append(len(order))
    all_terms, all_found = np.concatenate(terms), np.concatenate(found)
    loss = float(np.mean(np.log(np.repeat(counts, size)) - all_terms))
    return PassageInfoNceBound(
        bound=float(np.mean(all_terms)),
        loss=loss,
        p1=float(np.mean(all_found)),
        n=float(np.mean(counts)),
        n_min=int(min(counts)),
        n_max=int(max(counts)),
        n_batches=n_batches,
        temperature=float(temperature),
        terms=all_terms,
        found=all_found,
        scored=np.arange(n_batches * size),
    )
