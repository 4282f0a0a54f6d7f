"""Generator training triples from an ir_datasets id with questions, languages and qrels.

Each question is paired with each passage its qrels judge relevant (relevance
1 or more), in question order and then qrels order; the passage's title and
text come from the dataset's docstore. The language is the question's
``language`` field (XOR-TyDi's and xqg-demo's questions have one), else the
dataset's ``queries_lang()``. Questions with no relevant passage are left out
and counted; a relevant docid that is not in the corpus is an error, since the
pair it stands for cannot be built.
"""

from __future__ import annotations

from typing import Any

from xqg_pyserini.errors import DatasetError
from xqg_pyserini.training.generator.triples import QuestionTriple, TripleSource, target_language

__all__ = ["dataset_triples"]


def _question_text(query: Any) -> str:
    text = getattr(query, "text", None)
    return text if isinstance(text, str) else query.default_text()


def _relevant(dataset: Any) -> dict[str, list[str]]:
    relevant: dict[str, list[str]] = {}
    for qrel in dataset.qrels_iter():
        if int(qrel.relevance) >= 1:
            docs = relevant.setdefault(qrel.query_id, [])
            if qrel.doc_id not in docs:
                docs.append(qrel.doc_id)
    return relevant


def _language(query: Any, dataset: Any, dataset_id: str) -> str:
    value = getattr(query, "language", None) or dataset.queries_lang()
    where = f"{dataset_id}: question {query.query_id!r}"
    return target_language(value, where, "the language", DatasetError)


def dataset_triples(dataset_id: str) -> TripleSource:
    """The (passage, question, language) triples of an ir_datasets id.

    Raises
    ------
    DatasetError
        For an unknown id; a dataset without questions, qrels or passages; a
        question whose language is not one the prompt can name; a blank
        question; or a relevant docid that is not in the corpus.
    """
    from xqg_pyserini.data.export import dataset_queries
    from xqg_pyserini.irds.load import load_dataset

    dataset = load_dataset(dataset_id)
    queries = dataset_queries(dataset, dataset_id)
    if not dataset.has_qrels():
        raise DatasetError(
            f"dataset {dataset_id!r} has no qrels: nothing says which passage each question is for"
        )
    if not dataset.has_docs():
        raise DatasetError(f"dataset {dataset_id!r} provides no passages (docs)")
    relevant = _relevant(dataset)
    docs = dataset.docs_store().get_many({d for q in queries for d in relevant.get(q.query_id, ())})
    triples, without = [], 0
    for query in queries:
        doc_ids = relevant.get(query.query_id, [])
        without += not doc_ids
        question = _question_text(query).strip()
        if doc_ids and not question:
            raise DatasetError(f"{dataset_id}: question {query.query_id!r} is blank")
        for doc_id in doc_ids:
            if doc_id not in docs:
                raise DatasetError(
                    f"{dataset_id}: qrels of question {query.query_id!r} judge docid {doc_id!r} "
                    "relevant, but it is not in the corpus"
                )
            doc = docs[doc_id]
            language = _language(query, dataset, dataset_id)
            title = getattr(doc, "title", "") or ""
            triples.append(
                QuestionTriple(question, language, title, doc.text, query.query_id, doc_id)
            )
    return TripleSource(dataset_id, triples, {"questions_without_relevant_passage": without})
