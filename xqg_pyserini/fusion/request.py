"""One fusion from request to files: check everything, optimise if asked, fuse, write.

A frozen :class:`FusionRequest` says what to fuse; :func:`check_request` refuses
what cannot work before anything is read, and :func:`fuse_request` reads the
runs (checking that they answer the named datasets' questions), lets ranx choose
the parameters on training runs when given, fuses, and writes the TREC run and
its record ``FILE.json`` (:class:`FusionRecord`) so the fusion can be repeated.
Nothing is written when anything fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from xqg_pyserini.errors import OutputExistsError
from xqg_pyserini.fusion.methods import (
    DEFAULT_METHOD,
    DEFAULT_METRIC,
    DEFAULT_NORM,
    METHODS,
    NORMS,
    FusionError,
    applied_norm,
    check_metric,
    check_params,
    check_search_options,
    get_method,
    method_parameters,
)

__all__ = ["FusionRecord", "FusionRequest", "check_request", "fuse_request", "record_path"]


@dataclass(frozen=True)
class FusionRequest:
    """What to fuse, how, and where to write it.

    Attributes
    ----------
    runs : dict
        ``{name: TREC run file}``, two or more, of ``dataset``.
    output : Path
        The fused TREC run to write; its record goes to ``output + ".json"``.
    dataset : str
        ir_datasets id whose questions the runs answer.
    method, norm : str
        ranx's fusion method and normalisation (``"none"``: raw scores; not applied
        for methods that use ranks only).
    weights : tuple of float, optional
        One per run, in ``runs`` order, for weighted methods.
    params : dict, optional
        ranx's parameters of the method (e.g. ``{"k": 60}``); with training runs,
        options of ranx's search instead (e.g. ``{"step": 0.05}``).
    hits, tag : int, str
        Hits kept per question, and the run tag column.
    train_runs : dict, optional
        The same systems (same names) on ``train_dataset``: ranx chooses the
        parameters on them, maximising ``optimize_metric``.
    """

    runs: Mapping[str, Path]
    output: Path
    dataset: str = "xqg-demo/dev"
    method: str = DEFAULT_METHOD
    norm: str = DEFAULT_NORM
    weights: tuple[float, ...] | None = None
    params: Mapping[str, Any] | None = None
    hits: int = 100
    tag: str = "fused"
    train_runs: Mapping[str, Path] | None = None
    train_dataset: str | None = None
    optimize_metric: str | None = None
    overwrite: bool = False

    @property
    def training(self) -> bool:
        """Whether the parameters are optimised on training runs."""
        return self.train_runs is not None


@dataclass(frozen=True)
class FusionRecord:
    """What was fused and how, as written to ``FILE.json`` (see :func:`record_path`).

    ``optimize_metric``, ``train_value``, ``train_*`` are None without training;
    ``norm`` is None when it was not applied (rank-only methods, ``"none"``).
    """

    method: str
    norm: str | None
    params: dict[str, Any]
    runs: dict[str, str]
    dataset: str
    output: str
    hits: int
    tag: str
    questions: int
    optimize_metric: str | None = None
    train_value: float | None = None
    train_runs: dict[str, str] | None = None
    train_dataset: str | None = None
    train_relevance: str | None = None
    train_questions: int | None = None
    search_options: dict[str, Any] = field(default_factory=dict)
    command: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)


def record_path(output: Path) -> Path:
    """``FILE.json`` next to the fused run ``FILE``."""
    return output.with_name(output.name + ".json")


def _check_weights(request: FusionRequest) -> None:
    if request.weights is None:
        return
    if request.training:
        raise FusionError(
            "weights are chosen on the training runs: give --weights or --train-runs, not both"
        )
    if "weights" not in method_parameters(request.method):
        weighted = [m for m in METHODS if "weights" in method_parameters(m)]
        raise FusionError(
            f"fusion method {request.method!r} takes no weights; "
            f"weighted methods: {', '.join(weighted)}"
        )
    if request.params and "weights" in request.params:
        raise FusionError("weights are given twice, with --weights and in --params")


def _check_training(request: FusionRequest) -> None:
    if request.train_runs is None:
        if request.train_dataset is not None or request.optimize_metric is not None:
            raise FusionError(
                "a training dataset or metric without training runs: give --train-runs "
                "(the same systems run on the training split) too, or neither"
            )
        return
    if request.train_dataset is None:
        raise FusionError("training runs without a training dataset: name it with --train-dataset")
    if list(request.train_runs) != list(request.runs):
        raise FusionError(
            "training runs must be the same systems, named as the runs, in the same order: "
            f"runs {', '.join(request.runs)}; training runs {', '.join(request.train_runs)}"
        )
    check_search_options(request.method, request.params or {})
    check_metric(request.optimize_metric or DEFAULT_METRIC)


def check_request(request: FusionRequest) -> None:
    """Refuse a request that cannot work, before any run is read.

    Raises
    ------
    FusionError
        For fewer than two runs, an unknown method or normalisation, bad weights or
        params, half-given training options, mismatched training runs, an unknown
        metric, or bad ``hits``/``tag``.
    OutputExistsError
        If the output or its record exists and ``overwrite`` is False.
    """
    if len(request.runs) < 2:
        raise FusionError(f"fusion needs two or more runs, got {len(request.runs)}")
    get_method(request.method)
    if request.norm not in NORMS:
        raise FusionError(f"unknown normalisation {request.norm!r}; ranx has: {', '.join(NORMS)}")
    if request.hits < 1:
        raise FusionError(f"hits must be at least 1, got {request.hits}")
    if not request.tag or any(c.isspace() for c in request.tag):
        raise FusionError(f"the run tag must be one word (a TREC column), got {request.tag!r}")
    _check_weights(request)
    _check_training(request)
    if not request.training:
        check_params(request.method, _given_params(request), len(request.runs))
    existing = [p for p in (request.output, record_path(request.output)) if p.exists()]
    if existing and not request.overwrite:
        raise OutputExistsError(
            f"{', '.join(map(str, existing))} exists; pass --overwrite to replace it"
        )


def _versions() -> dict[str, str]:
    import contextlib
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("ranx", "xqg_pyserini"):
        with contextlib.suppress(PackageNotFoundError):
            found[package] = version(package)
    return found


def _given_params(request: FusionRequest) -> dict[str, Any]:
    params = dict(request.params or {})
    if request.weights is not None:
        params["weights"] = list(request.weights)
    return params


def _optimise(
    request: FusionRequest, report: Callable[[str], None] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """ranx's parameters chosen on the training runs, and the record's ``train_*`` fields."""
    from xqg_pyserini.eval.questions import load_questions
    from xqg_pyserini.fusion.runs import optimise_fusion, read_runs, training_qrels

    dataset = request.train_dataset or ""
    train_ids = set(load_questions(dataset).answers)
    train = read_runs(request.train_runs or {}, dataset, train_ids)
    qrels, relevance = training_qrels(train)
    metric = request.optimize_metric or DEFAULT_METRIC
    options = dict(request.params or {})
    best = optimise_fusion(train, qrels, request.method, request.norm, metric, options)
    if report is not None:
        report(
            f"ranx chose {json.dumps(best.params)} for {request.method} on {dataset} "
            f"({best.questions} questions, {relevance}): {metric} = {best.value:.4f}"
        )
    return best.params, {
        "optimize_metric": metric,
        "train_value": best.value,
        "train_runs": {name: str(path) for name, path in train.paths.items()},
        "train_dataset": dataset,
        "train_relevance": relevance,
        "train_questions": best.questions,
        "search_options": options,
    }


def fuse_request(
    request: FusionRequest,
    report: Callable[[str], None] | None = None,
    command: list[str] | None = None,
) -> FusionRecord:
    """Check, read, optimise (with training runs), fuse and write; return the record.

    ``report`` receives one line when ranx has chosen the parameters (params and
    training score); ``command`` (the command line) is kept in the record.

    Raises
    ------
    FusionError, OutputExistsError, RunFormatError, DatasetError
        As :func:`check_request` and :func:`~xqg_pyserini.fusion.read_runs` do;
        nothing is written then.
    """
    from xqg_pyserini.atomic import atomic_file
    from xqg_pyserini.fusion.runs import (
        dataset_question_ids,
        fuse_runs,
        read_runs,
        write_trec_run,
    )

    check_request(request)
    runs = read_runs(request.runs, request.dataset, dataset_question_ids(request.dataset))
    params, training = _given_params(request), {}
    if request.training:
        params, training = _optimise(request, report)
    question_ids = runs.question_ids()
    fused = fuse_runs(runs, request.method, request.norm, params, question_ids)
    record = FusionRecord(
        method=request.method,
        norm=applied_norm(request.method, request.norm),
        params=params,
        runs={name: str(path) for name, path in runs.paths.items()},
        dataset=request.dataset,
        output=str(request.output),
        hits=request.hits,
        tag=request.tag,
        questions=len(question_ids),
        command=list(command or []),
        versions=_versions(),
        **training,
    )
    write_trec_run(fused, request.output, question_ids, hits=request.hits, tag=request.tag)
    with atomic_file(record_path(request.output)) as out:
        json.dump(asdict(record), out, indent=2, ensure_ascii=False)
        out.write("\n")
    return record
