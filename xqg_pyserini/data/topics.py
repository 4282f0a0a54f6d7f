"""Topics in Pyserini's default TSV format: ``qid<TAB>question`` per line, no header."""

from __future__ import annotations

from pathlib import Path

from xqg_pyserini.errors import CorpusFormatError

__all__ = ["read_topics_tsv"]


def read_topics_tsv(path: str | Path) -> dict[str, str]:
    """Read a topics TSV into ``{qid: question}`` in file order.

    Raises
    ------
    CorpusFormatError
        On a line without exactly one tab, or a repeated qid (file and line named).
    """
    path = Path(path)
    topics: dict[str, str] = {}
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            qid, sep, question = line.partition("\t")
            if not sep or "\t" in question or not qid:
                raise CorpusFormatError(f"{path}:{number}: expected 'qid<TAB>question'")
            if qid in topics:
                raise CorpusFormatError(f"{path}:{number}: qid {qid!r} appears twice")
            topics[qid] = question
    return topics
