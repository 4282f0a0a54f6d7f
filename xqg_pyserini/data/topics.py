"""Topics in Pyserini's default TSV format: ``qid<TAB>question`` per line, no header.

Lines come from :func:`~xqg_pyserini.data.lines.read_lines` (UTF-8, ``.gz``
too, a leading byte-order mark dropped, CRLF accepted, a lone carriage return
refused, blank lines skipped). The qid is an id
(:func:`~xqg_pyserini.data.fields.id_problem`: it becomes a column of the
run), the question is non-blank text without a tab.
"""

from __future__ import annotations

from pathlib import Path

from xqg_pyserini.data.fields import column_id
from xqg_pyserini.data.lines import read_lines
from xqg_pyserini.errors import CorpusFormatError

__all__ = ["read_topics_tsv"]


def read_topics_tsv(path: str | Path) -> dict[str, str]:
    """Read a topics TSV into ``{qid: question}`` in file order.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    CorpusFormatError
        On a line without exactly one tab, a qid that is empty or not an id, a
        blank question, a repeated qid, or damage found by ``read_lines``
        (file and line named).
    """
    topics: dict[str, str] = {}
    for line in read_lines(path):
        qid, sep, question = line.text.partition("\t")
        if not sep or "\t" in question or not qid:
            raise CorpusFormatError(f"{line.where}: expected 'qid<TAB>question'")
        column_id(qid, line.where, "qid")
        if question.isspace() or not question:
            raise CorpusFormatError(f"{line.where}: expected a non-blank question after the tab")
        if qid in topics:
            raise CorpusFormatError(f"{line.where}: qid {qid!r} appears twice")
        topics[qid] = question
    return topics
