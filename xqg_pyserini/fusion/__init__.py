"""Hybrid retrieval: fuse TREC runs (dense, BM25, ...) with ranx, optionally tuned on training runs.

:mod:`~xqg_pyserini.fusion.methods` names ranx's fusion methods and checks their
parameters, :mod:`~xqg_pyserini.fusion.runs` moves TREC runs in and out of ranx
(``ranx.fuse``, ``ranx.optimize_fusion``), and :mod:`~xqg_pyserini.fusion.request`
runs one fusion from a :class:`FusionRequest` to the fused run and its record.
``python -m xqg_pyserini.fuse`` is the command line. Importing this package
imports nothing heavy.
"""

from xqg_pyserini.fusion.methods import (
    DEFAULT_METHOD,
    DEFAULT_METRIC,
    DEFAULT_NORM,
    METHODS,
    NORMS,
    FusionError,
    FusionMethod,
    applied_norm,
    check_metric,
    check_params,
    check_search_options,
    get_method,
    json_params,
    method_parameters,
    ranx_params,
    search_options,
)
from xqg_pyserini.fusion.request import (
    FusionRecord,
    FusionRequest,
    check_request,
    fuse_request,
    record_path,
)
from xqg_pyserini.fusion.runs import (
    Optimisation,
    RunSet,
    dataset_question_ids,
    fuse_runs,
    optimise_fusion,
    read_runs,
    training_qrels,
    write_trec_run,
)

__all__ = [
    "DEFAULT_METHOD",
    "DEFAULT_METRIC",
    "DEFAULT_NORM",
    "METHODS",
    "NORMS",
    "FusionError",
    "FusionMethod",
    "FusionRecord",
    "FusionRequest",
    "Optimisation",
    "RunSet",
    "applied_norm",
    "check_metric",
    "check_params",
    "check_request",
    "check_search_options",
    "dataset_question_ids",
    "fuse_request",
    "fuse_runs",
    "get_method",
    "json_params",
    "method_parameters",
    "optimise_fusion",
    "ranx_params",
    "read_runs",
    "record_path",
    "search_options",
    "training_qrels",
    "write_trec_run",
]
