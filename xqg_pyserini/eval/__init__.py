"""Evaluation: run files, XOR-Retrieve's official R@kt, answer-based ranx metrics, significance.

Runs cross module boundaries as ranx ``Run`` objects in rank order
(:func:`read_run`, :func:`ranked_run`) and judgements as ranx ``Qrels``
(:func:`to_qrels`); metrics are found by name in a registry
(:data:`METRIC_FAMILIES`, :func:`register_metric`).
"""

from xqg_pyserini.eval.answer_metrics import (
    DEFAULT_METRICS,
    AnswerMetricsError,
    answer_qrels,
    by_language,
    ranx_metrics,
)
from xqg_pyserini.eval.answers import BOOLEAN_ANSWERS, MissingQuestionsWarning, answer_spans
from xqg_pyserini.eval.metrics import (
    METRIC_FAMILIES,
    Evaluation,
    MetricError,
    MetricFamily,
    MetricScores,
    metric_family,
    register_metric,
)
from xqg_pyserini.eval.nltk_data import ensure_punkt_tab
from xqg_pyserini.eval.rankings import RankingError, ranked_docids, ranked_run, to_qrels
from xqg_pyserini.eval.recall_kt import (
    RecallKtError,
    RecallKtResult,
    recall_at_k_tokens,
    recall_at_k_tokens_trec,
)
from xqg_pyserini.eval.run_file import Hit, RunFormatError, read_run, read_trec_run
from xqg_pyserini.eval.significance import (
    SignificanceError,
    SignificanceResult,
    UnpairedQuestionsWarning,
    compare,
    fisher_randomisation,
    paired_t_test,
)

__all__ = [
    "BOOLEAN_ANSWERS",
    "DEFAULT_METRICS",
    "METRIC_FAMILIES",
    "AnswerMetricsError",
    "Evaluation",
    "Hit",
    "MetricError",
    "MetricFamily",
    "MetricScores",
    "MissingQuestionsWarning",
    "RankingError",
    "RecallKtError",
    "RecallKtResult",
    "RunFormatError",
    "SignificanceError",
    "SignificanceResult",
    "UnpairedQuestionsWarning",
    "answer_qrels",
    "answer_spans",
    "by_language",
    "compare",
    "ensure_punkt_tab",
    "fisher_randomisation",
    "metric_family",
    "paired_t_test",
    "ranked_docids",
    "ranked_run",
    "ranx_metrics",
    "read_run",
    "read_trec_run",
    "recall_at_k_tokens",
    "recall_at_k_tokens_trec",
    "register_metric",
    "to_qrels",
]
