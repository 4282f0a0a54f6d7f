"""The fusion methods, normalisations and metrics of ranx, checked before any run is read.

:data:`METHODS` names every method ``ranx.fuse`` accepts, with what ranx does not
say about it: whether it uses only the order of each run (then score
normalisation cannot change its result) and whether its parameters only come
from training data. A method's parameters are read from ranx's own functions
(:func:`method_parameters`, :func:`search_options`), so they cannot drift from
the installed ranx. Importing this module imports nothing heavy.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from xqg_pyserini.errors import XqgError

__all__ = [
    "DEFAULT_METHOD",
    "DEFAULT_METRIC",
    "DEFAULT_NORM",
    "METHODS",
    "NORMS",
    "FusionError",
    "FusionMethod",
    "applied_norm",
    "check_metric",
    "check_params",
    "check_search_options",
    "get_method",
    "json_params",
    "method_parameters",
    "ranx_params",
    "search_options",
]


class FusionError(XqgError, ValueError):
    """Fusion inputs that cannot work: unknown method, bad params, runs of another dataset."""


@dataclass(frozen=True)
class FusionMethod:
    """One of ranx's fusion methods.

    Attributes
    ----------
    name : str
        ranx's name for it (``ranx.fuse(..., method=name)``).
    ranks_only : bool
        It uses each run's order, not its scores, so normalisation is not applied.
    trained : bool
        Its parameters are estimated from relevance judgements (``--train-runs``).
    summary : str
        One line for ``--help``.
    """

    name: str
    ranks_only: bool
    trained: bool
    summary: str


def _method(name: str, ranks_only: bool, summary: str, trained: bool = False) -> FusionMethod:
    return FusionMethod(name, ranks_only, trained, summary)


#: Every method of ``ranx.fuse`` (ranx 0.3.21), by name.
METHODS: dict[str, FusionMethod] = {
    m.name: m
    for m in (
        _method("rrf", True, "reciprocal rank fusion, sum of 1/(k + rank) (k, default 60)"),
        _method("isr", True, "inverse square rank, sum of 1/rank^2"),
        _method("log_isr", True, "ISR times log(number of runs retrieving the passage)"),
        _method("logn_isr", True, "ISR times log(runs retrieving it + sigma) (sigma, 0.01)"),
        _method("rbc", True, "rank-biased centroids (phi)"),
        _method("bordafuse", True, "Borda count"),
        _method("w_bordafuse", True, "weighted Borda count (weights)"),
        _method("condorcet", True, "Condorcet voting"),
        _method("w_condorcet", True, "weighted Condorcet voting (weights)"),
        _method("bayesfuse", True, "Bayesian log-odds by rank (log_odds)", trained=True),
        _method("mapfuse", True, "MAP of each run / rank (map_scores)", trained=True),
        _method("posfuse", True, "relevance probability by rank (probs)", trained=True),
        _method("probfuse", True, "relevance probability by segment (probs)", trained=True),
        _method("segfuse", True, "probability by growing segments (probs)", trained=True),
        _method("slidefuse", True, "probability in a sliding window (probs, w)", trained=True),
        _method("sum", False, "CombSUM, sum of the normalised scores"),
        _method("mnz", False, "CombMNZ, CombSUM times the number of runs retrieving it"),
        _method("anz", False, "CombANZ, CombSUM / number of runs retrieving it"),
        _method("gmnz", False, "CombGMNZ, CombSUM times runs retrieving it ^ gamma (gamma)"),
        _method("max", False, "CombMAX"),
        _method("min", False, "CombMIN"),
        _method("med", False, "CombMED"),
        _method("wsum", False, "weighted sum of the normalised scores (weights)"),
        _method("wmnz", False, "weighted CombMNZ (weights)"),
        _method("mixed", False, "weighted sum times sqrt(runs retrieving it) (weights)"),
    )
}
DEFAULT_METHOD = "rrf"
#: ranx's normalisations (``ranx.fuse(..., norm=...)``); ``none`` fuses raw scores.
NORMS = ("min-max", "max", "sum", "zmuv", "rank", "borda", "min-max-inverted", "none")
DEFAULT_NORM = "min-max"
DEFAULT_METRIC = "mrr@100"
#: Parameters holding one value (or one array) per run, in the runs' order.
_PER_RUN = frozenset({"weights", "probs", "log_odds", "map_scores"})
#: Arguments of ranx's optimisers that are not options of the search.
_NOT_OPTIONS = frozenset({"qrels", "runs", "metric", "show_progress", "return_optimization_report"})


def get_method(name: str) -> FusionMethod:
    """The method called ``name``; an unknown name lists the valid ones."""
    try:
        return METHODS[name]
    except KeyError:
        raise FusionError(
            f"unknown fusion method {name!r}; ranx has: {', '.join(METHODS)}"
        ) from None


def applied_norm(method: str, norm: str | None) -> str | None:
    """The normalisation ranx applies: None for ``"none"`` and for rank-only methods."""
    return None if norm in (None, "none") or get_method(method).ranks_only else norm


def method_parameters(name: str) -> dict[str, bool]:
    """``{parameter: required}`` of ranx's fusion function for ``name`` (runs and name aside)."""
    from ranx.fusion import fusion_switch

    signature = inspect.signature(fusion_switch(get_method(name).name))
    return {
        p.name: p.default is inspect.Parameter.empty
        for p in signature.parameters.values()
        if p.name not in ("runs", "name")
    }


def search_options(name: str) -> tuple[str, ...]:
    """Options of ranx's optimiser for ``name`` (e.g. ``step``, ``min_k``); none for a method
    whose parameters are estimated rather than searched.

    Raises
    ------
    FusionError
        If the method has no parameter to optimise.
    """
    from ranx.fusion_optimization import optimization_switch

    get_method(name)
    try:
        optimiser = optimization_switch(name)
    except ValueError:
        raise FusionError(
            f"fusion method {name!r} has no parameters to optimise; methods that have: "
            + ", ".join(m for m in METHODS if method_parameters(m))
        ) from None
    return tuple(p for p in inspect.signature(optimiser).parameters if p not in _NOT_OPTIONS)


def check_search_options(name: str, options: Mapping[str, Any]) -> None:
    """Check options for ranx's optimiser of method ``name`` (e.g. ``{"step": 0.05}``).

    Raises
    ------
    FusionError
        For a method without parameters to optimise, or an option its optimiser lacks.
    """
    accepted = search_options(name)
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise FusionError(
            f"ranx's optimiser for {name!r} has no option {', '.join(unknown)} "
            f"(its options: {', '.join(accepted) or 'none'})"
        )


def check_params(name: str, params: Mapping[str, Any], n_runs: int) -> None:
    """Check ``params`` for ranx's method ``name`` fusing ``n_runs`` runs.

    Raises
    ------
    FusionError
        For a parameter the method does not take, a required one missing, or a
        per-run parameter (weights, probs, ...) without exactly one value per run.
    """
    accepted = method_parameters(name)
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        takes = ", ".join(accepted) if accepted else "none"
        raise FusionError(
            f"fusion method {name!r} takes no parameter {', '.join(unknown)} "
            f"(its parameters: {takes})"
        )
    missing = [p for p, required in accepted.items() if required and p not in params]
    if missing:
        raise FusionError(
            f"fusion method {name!r} needs {', '.join(missing)}: optimise them on training "
            "runs (--train-runs, --train-dataset) or give them (--params"
            + (", --weights)" if "weights" in missing else ")")
        )
    for key in _PER_RUN & set(params):
        value = params[key]
        if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != n_runs:
            count = len(value) if isinstance(value, Sequence) else "not a list of"
            raise FusionError(
                f"fusion method {name!r}: {key} needs one value per run, in the runs' order: "
                f"{n_runs} runs, {count} {key}"
            )
    weights = params.get("weights", ())
    if not all(isinstance(w, (int, float)) and not isinstance(w, bool) for w in weights):
        raise FusionError(f"fusion method {name!r}: weights must be numbers, got {weights!r}")


def check_metric(metric: str) -> None:
    """Check that ranx can evaluate ``metric`` (e.g. ``mrr@100``, ``ndcg@10``).

    Raises
    ------
    FusionError
        For a name ranx does not know or a malformed cut-off.
    """
    from ranx.meta.evaluate import extract_metric_and_params
    from ranx.metrics import metric_switch

    try:
        base, _, _ = extract_metric_and_params(metric)
        metric_switch(base)
    except ValueError:
        raise FusionError(
            f"{metric!r} is not a ranx metric; e.g. mrr@100, ndcg@10, recall@20, map, "
            "hit_rate@5 (names: hits, hit_rate, precision, recall, f1, r-precision, mrr, map, "
            "dcg, dcg_burges, ndcg, ndcg_burges, bpref, rbp.95)"
        ) from None


def json_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with NumPy arrays and scalars (as ranx's optimisers return) made JSON-able."""

    def plain(value: Any) -> Any:
        if hasattr(value, "tolist"):  # NumPy arrays and scalars
            return value.tolist()
        if isinstance(value, (list, tuple)):
            return [plain(item) for item in value]
        if isinstance(value, Mapping):
            return {str(k): plain(v) for k, v in value.items()}
        return value

    return {str(key): plain(value) for key, value in params.items()}


def ranx_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` as ranx's kernels take them: per-run lists of numbers as float arrays."""
    import numpy as np

    out: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
            out[key] = [np.asarray(v, dtype=np.float64) for v in value]
        elif key in _PER_RUN and isinstance(value, list):
            out[key] = [float(v) for v in value]
        else:
            out[key] = value
    return out
