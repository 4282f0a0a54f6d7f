"""Evaluation: run files, XOR-Retrieve's official R@kt; ranx metrics and reports as they come."""

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

__all__ = [
    "Hit",
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
