"""What an evaluation needs from a dataset: answers, languages, qrels and passage texts.

:func:`load_questions` reads an ir_datasets id's questions (``answers`` and
``language`` fields, as XOR-Retrieve's and xqg-demo's have) and its qrels when
it has any. :func:`passage_texts` fetches the ``text`` field (no title, as R@kt
wants) of the passages a run ranks, from the dataset's docstore or from a
corpus file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from xqg_pyserini.errors import DatasetError

__all__ = ["EvalQuestions", "load_questions", "passage_texts"]


@dataclass(frozen=True)
class EvalQuestions:
    """The questions of one dataset, as the metrics take them.

    Attributes
    ----------
    dataset : str
        The ir_datasets id.
    answers : dict
        ``{qid: [answer, ...]}`` (possibly empty lists, e.g. test questions).
    languages : dict
        ``{qid: language code}``.
    qrels : dict or None
        ``{qid: {docid: relevance}}`` when the dataset has qrels, else None.
    """

    dataset: str
    answers: dict[str, list[str]]
    languages: dict[str, str]
    qrels: dict[str, dict[str, int]] | None


def load_questions(dataset_id: str) -> EvalQuestions:
    """Questions, answers, languages and qrels of an ir_datasets id.

    Raises
    ------
    DatasetError
        For an unknown id, questions without ``answers``/``language`` fields, or
        no question with an answer.
    """
    from xqg_pyserini.data.export import dataset_queries
    from xqg_pyserini.irds.load import load_dataset

    dataset = load_dataset(dataset_id)
    queries = dataset_queries(dataset, dataset_id, need=("answers", "language"))
    answers = {q.query_id: list(q.answers) for q in queries}
    if not any(answers.values()):
        raise DatasetError(
            f"dataset {dataset_id!r} has no answers to score (e.g. a test set); "
            "answer-based metrics need a dev or train set"
        )
    languages = {q.query_id: q.language for q in queries}
    qrels = None
    if dataset.has_qrels():
        qrels = {}
        for qrel in dataset.qrels_iter():
            qrels.setdefault(qrel.query_id, {})[qrel.doc_id] = int(qrel.relevance)
    return EvalQuestions(dataset_id, answers, languages, qrels)


def passage_texts(
    doc_ids: Iterable[str], dataset_id: str, corpus: str | Path | None = None
) -> dict[str, str]:
    """``{docid: text}`` of the given passages that exist (unknown ids are left out).

    From ``corpus`` (a JSONL or DPR TSV file, or another ir_datasets id; see
    :func:`~xqg_pyserini.data.corpus_source.open_corpus`) when given, else from
    the docstore of ``dataset_id``.

    Raises
    ------
    DatasetError
        If ``corpus`` is None and the dataset has no passages.
    """
    from xqg_pyserini.data.corpus_source import open_corpus
    from xqg_pyserini.irds.load import load_dataset

    if corpus is None and not load_dataset(dataset_id).has_docs():
        raise DatasetError(
            f"dataset {dataset_id!r} provides no passages; name the corpus with --corpus"
        )
    source = open_corpus(corpus if corpus is not None else dataset_id)
    return {doc_id: passage.text for doc_id, passage in source.lookup(doc_ids).items()}
