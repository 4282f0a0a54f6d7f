"""Evaluation: run files, XOR-Retrieve's official R@kt, answer-based ranx metrics, significance."""

from xqg_pyserini.eval.answer_metrics import (
    DEFAULT_METRICS,
    AnswerMetricsError,
    answer_qrels,
    by_language,
    ranx_metrics,
)
from xqg_pyserini.eval.nltk_data import ensure_punkt_tab
from xqg_pyserini.eval.recall_kt import (
    MissingQuestionsWarning,
    RecallKtError,
    RecallKtResult,
    ranked_docids,
    recall_at_k_tokens,
    recall_at_k_tokens_trec,
)
from xqg_pyserini.eval.run_file import Hit, RunFormatError, read_trec_run
from xqg_pyserini.eval.significance import (
    SignificanceError,
    SignificanceResult,
    UnpairedQuestionsWarning,
    compare,
    fisher_randomisation,
    paired_t_test,
)

__all__ = [
    "DEFAULT_METRICS",
    "AnswerMetricsError",
    "Hit",
    "SignificanceError",
    "SignificanceResult",
    "UnpairedQuestionsWarning",
    "answer_qrels",
    "by_language",
    "compare",
    "fisher_randomisation",
    "paired_t_test",
    "ranx_metrics",
    "MissingQuestionsWarning",
    "RecallKtError",
    "RecallKtResult",
    "RunFormatError",
    "ensure_punkt_tab",
    "ranked_docids",
    "read_trec_run",
    "recall_at_k_tokens",
    "recall_at_k_tokens_trec",
]
