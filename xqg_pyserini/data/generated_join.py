"""Join corpus passages with their generated questions, streaming, in bounded memory.

The generated-question shards are usually in corpus order (the generator walks
the corpus), so :class:`GeneratedJoin` first zips them with the corpus: the next
record must be the next passage's. A passage may lack a record (a prefix of the
corpus was generated, or the generator skipped it) only once the files are used
up. At the first record that is not the current passage's, the join switches
for good to an on-disk index: every record not yet used goes into a SQLite file
(docid -> questions) in a hidden directory beside the output, and each chunk of
passages is looked up there; rows are deleted as they are used. Either way the
result is the same, memory holds one chunk, and each file is read once.

What is left at the end are records whose docid matched no passage:
:meth:`GeneratedJoin.finish` reports the first one (file and line) as an
error, a docid outside the corpus or a docid with two records.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from xqg_pyserini.data.generated import GeneratedQueries, parse_generated_line
from xqg_pyserini.data.lines import read_lines
from xqg_pyserini.errors import CorpusFormatError

__all__ = ["GeneratedJoin", "UnmatchedQuestionsError"]

Queries = dict[str, tuple[str, ...]]
SQL_BATCH = 500  # docids per IN (...) query, below SQLite's variable limit


class UnmatchedQuestionsError(CorpusFormatError):
    """Generated questions for a docid that is not in the corpus, or given twice."""


class _Placed(NamedTuple):
    where: str
    record: GeneratedQueries


def _placed_records(shards: Sequence[Path]) -> Iterator[_Placed]:
    for path in shards:
        for line in read_lines(path):
            yield _Placed(line.where, parse_generated_line(line.text, line.where, line.complete))


class _SpillIndex:
    """docid -> (place, questions as JSON) in a throwaway SQLite file."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        # a rowid table: rowid keeps the reading order, for the first unused record
        self.db.execute("CREATE TABLE generated (docid TEXT PRIMARY KEY, place TEXT, queries TEXT)")

    def fill(self, records: Iterator[_Placed]) -> None:
        last: list[_Placed] = []

        def rows() -> Iterator[tuple[str, str, str]]:
            for placed in records:
                last[:] = [placed]
                queries = json.dumps(placed.record.queries, ensure_ascii=False)
                yield placed.record.doc_id, placed.where, queries

        self.db.execute("BEGIN")
        try:
            self.db.executemany("INSERT INTO generated VALUES (?, ?, ?)", rows())
        except sqlite3.IntegrityError:
            where, record = last[0]
            first = self.db.execute(
                "SELECT place FROM generated WHERE docid = ?", (record.doc_id,)
            ).fetchone()[0]
            raise UnmatchedQuestionsError(
                f"{where}: docid {record.doc_id!r} already has generated questions at {first}"
            ) from None
        finally:
            self.db.execute("COMMIT")

    def take(self, doc_ids: Sequence[str]) -> list[Queries | None]:
        found: dict[str, Queries] = {}
        for start in range(0, len(doc_ids), SQL_BATCH):
            batch = list(doc_ids[start : start + SQL_BATCH])
            marks = ",".join("?" * len(batch))
            rows = self.db.execute(
                f"SELECT docid, queries FROM generated WHERE docid IN ({marks})", batch
            )
            for doc_id, queries in rows:
                found[doc_id] = {lang: tuple(qs) for lang, qs in json.loads(queries).items()}
            self.db.execute(f"DELETE FROM generated WHERE docid IN ({marks})", batch)
        return [found.get(doc_id) for doc_id in doc_ids]

    def leftover(self) -> tuple[int, str, str] | None:
        """(count, first docid, its place) of the unused records, or None."""
        count = self.db.execute("SELECT COUNT(*) FROM generated").fetchone()[0]
        if not count:
            return None
        doc_id, place = self.db.execute(
            "SELECT docid, place FROM generated ORDER BY rowid LIMIT 1"
        ).fetchone()
        return count, doc_id, place

    def close(self) -> None:
        self.db.close()


class GeneratedJoin:
    """Hands out each passage's generated questions, chunk by chunk, in corpus order.

    Parameters
    ----------
    shards
        Generated-question files in reading order (see
        :func:`~xqg_pyserini.data.generated.resolve_shards`).
    spill_beside
        The output path; the on-disk index, when needed, is written in a hidden
        ``.NAME.tmp-join-*`` directory next to it and deleted on exit.

    Use as a context manager: call :meth:`take` for each chunk, then :meth:`finish`.
    """

    def __init__(self, shards: Sequence[Path], spill_beside: Path) -> None:
        self.shards = list(shards)
        self.spill_beside = Path(spill_beside)
        self._records = _placed_records(self.shards)
        self._next: _Placed | None = None
        self._index: _SpillIndex | None = None
        self._spill_dir: Path | None = None

    @property
    def mode(self) -> str:
        """``aligned`` while zipping with the corpus, ``indexed`` once spilled to disk."""
        return "aligned" if self._index is None else "indexed"

    def __enter__(self) -> GeneratedJoin:
        self._next = next(self._records, None)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._index is not None:
            self._index.close()
        if self._spill_dir is not None:
            shutil.rmtree(self._spill_dir, ignore_errors=True)

    def take(self, doc_ids: Sequence[str]) -> list[Queries | None]:
        """The questions of each passage (by language), None where it has no record."""
        out: list[Queries | None] = []
        for i, doc_id in enumerate(doc_ids):
            upcoming = self._next
            if self._index is None and upcoming is not None and upcoming.record.doc_id != doc_id:
                self._spill()
            if self._index is not None:
                return out + self._index.take(doc_ids[i:])
            out.append(self._pop())
        return out

    def _pop(self) -> Queries | None:
        if self._next is None:
            return None
        queries = self._next.record.queries
        self._next = next(self._records, None)
        return queries

    def _spill(self) -> None:
        self.spill_beside.parent.mkdir(parents=True, exist_ok=True)
        prefix = f".{self.spill_beside.name}.tmp-join-"
        self._spill_dir = Path(tempfile.mkdtemp(prefix=prefix, dir=self.spill_beside.parent))
        self._index = _SpillIndex(self._spill_dir / "generated.sqlite")
        pending = [self._next] if self._next is not None else []
        self._next = None
        self._index.fill(_chain(pending, self._records))

    def finish(self, in_corpus: Callable[[str], bool]) -> None:
        """Check that every record was used.

        ``in_corpus(docid)`` is asked only on the error path, to tell a docid
        outside the corpus from one with two records.

        Raises
        ------
        UnmatchedQuestionsError
            Naming the file, line and docid of the first unused record.
        """
        left = self._leftover()
        if left is None:
            return
        count, doc_id, where = left
        if in_corpus(doc_id):
            first = _first_place(self.shards, doc_id)
            raise UnmatchedQuestionsError(
                f"{where}: docid {doc_id!r} already has generated questions at {first}"
            )
        raise UnmatchedQuestionsError(
            f"{where}: generated questions for docid {doc_id!r}, which is not in the corpus "
            f"({count} record(s) in the generated files match no passage)"
        )

    def _leftover(self) -> tuple[int, str, str] | None:
        if self._index is not None:
            return self._index.leftover()
        if self._next is None:
            return None
        first = self._next
        count = 1 + sum(1 for _ in self._records)
        return count, first.record.doc_id, first.where


def _chain(first: list[_Placed], rest: Iterator[_Placed]) -> Iterator[_Placed]:
    yield from first
    yield from rest


def _first_place(shards: Sequence[Path], doc_id: str) -> str:
    """Where ``doc_id`` first occurs (re-read on this rare error, to keep memory low)."""
    with contextlib.closing(_placed_records(shards)) as records:
        for where, record in records:
            if record.doc_id == doc_id:
                return where
    return "an earlier line"  # pragma: no cover - the docid was used, so it is found
