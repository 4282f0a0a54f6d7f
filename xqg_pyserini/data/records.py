"""Record types of our ir_datasets collections (NamedTuples, in ir_datasets style).

Standard library only, so readers and user code can build records without
importing ir_datasets. No ``from __future__ import annotations`` here: ir_datasets
reads the field types from ``__annotations__`` (``ir_datasets export`` skips
fields whose type is a string).
"""

from typing import NamedTuple, Tuple  # noqa: UP035 (see XorQuery.answers)

__all__ = ["TrecQrel", "XorDoc", "XorQuery"]


class XorDoc(NamedTuple):
    """One passage of a DPR-style collection (English Wikipedia, 100 words).

    Attributes
    ----------
    doc_id : str
        The ``id`` column of the TSV (e.g. ``"1"``).
    title : str
        The Wikipedia article title.
    text : str
        The passage text, CSV-unquoted.
    """

    doc_id: str
    title: str
    text: str

    def default_text(self) -> str:
        """``title + " " + text``: what the xDR encoder reads for a passage."""
        return f"{self.title} {self.text}"


class XorQuery(NamedTuple):
    """One XOR-TyDi question.

    Attributes
    ----------
    query_id : str
        The ``id`` field of the JSONL line.
    text : str
        The question, in ``language``.
    language : str
        ISO 639-1 code of the question (``ar``, ``bn``, ``fi``, ``ja``, ``ko``, ``ru``, ``te``).
    answers : tuple of str
        The English short answers; empty for the test split (it has none).
    """

    query_id: str
    text: str
    language: str
    # typing.Tuple, not tuple: ir_datasets recognises only Tuple[str, ...] as a list field.
    answers: Tuple[str, ...]  # noqa: UP006

    def default_text(self) -> str:
        """The question text."""
        return self.text


class TrecQrel(NamedTuple):
    """One judgement of a TREC qrels file (same fields as ``ir_datasets.formats.TrecQrel``)."""

    query_id: str
    doc_id: str
    relevance: int
    iteration: str
