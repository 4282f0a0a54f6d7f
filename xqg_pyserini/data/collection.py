"""Pyserini JSON collections: ``docsNN.jsonl`` shards, written whole or not at all.

:func:`export_collection` writes passages as ``{"id", "contents", "title", "text"}``
records, for ``pyserini.index.lucene`` (``JsonCollection``) and ``pyserini.encode``
(``--fields title text``). Given generated-question shards, it joins them with
the passages in corpus order, a chunk at a time
(:class:`~xqg_pyserini.data.generated_join.GeneratedJoin`: bounded memory, each
file read once), and every record also carries ``generated_queries``: the
passage's questions as a JSON *string* (:func:`generated_queries_field`), the
field the xQG document encoder reads. A caller may format the records itself
(``record=``): :mod:`xqg_pyserini.data.expansion` appends the questions to
``contents`` for BM25.

Records are ASCII-escaped JSON, because Pyserini opens collection files in the
locale's encoding. The directory holds nothing but ``docsNN.jsonl`` (Pyserini
reads every file in it) and is written under a temporary name, then renamed.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import IO

from xqg_pyserini.atomic import atomic_directory
from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.errors import CorpusFormatError, DatasetError, OutputExistsError

__all__ = [
    "COLLECTION_SHARD_SIZE",
    "JOIN_CHUNK_SIZE",
    "Queries",
    "RecordFormat",
    "collection_record",
    "export_collection",
    "generated_queries_field",
]

COLLECTION_SHARD_SIZE = 1_000_000
#: Passages joined with their generated questions at a time (memory holds one chunk).
JOIN_CHUNK_SIZE = 4096
_COLLECTION_FILE = re.compile(r"docs\d{2,}\.jsonl")

Queries = Mapping[str, Sequence[str]]
#: ``record(passage, questions)``: one collection line; ``questions`` is the
#: passage's ``{language: questions}`` as generated, None when it has no record.
RecordFormat = Callable[[Passage, "Queries | None"], str]


def generated_queries_field(queries: Queries | None) -> str:
    """The ``generated_queries`` field: ``{language: [questions]}`` as a JSON string.

    All languages and all questions, as generated (the encoder selects); ``"{}"``
    for a passage without a record. A string, not an object, because
    Pyserini's ``JsonlCollectionIterator`` calls ``.strip()`` on every field:
    ``json.loads(record["generated_queries"])`` gives ``dict[str, list[str]]``.
    """
    return json.dumps({lang: list(qs) for lang, qs in (queries or {}).items()}, ensure_ascii=False)


def collection_record(passage: Passage, **fields: str) -> str:
    """One line of the JSON collection (ASCII-escaped JSON, newline included).

    ``contents`` is ``title + "\\n" + text``, which Lucene indexes and which
    ``pyserini.encode --fields title text`` can split back on its default delimiter;
    ``title`` and ``text`` are also given whole, which that iterator prefers.
    ``fields`` are further string fields, e.g. ``generated_queries``.
    """
    record = {
        "id": passage.doc_id,
        "contents": f"{passage.title}\n{passage.text}",
        "title": passage.title,
        "text": passage.text,
        **fields,
    }
    # ASCII escapes: pyserini.encode opens files in the locale's encoding.
    return json.dumps(record) + "\n"


def _plain_record(passage: Passage, queries: Queries | None) -> str:
    return collection_record(passage)


def _record_with_queries(passage: Passage, queries: Queries | None) -> str:
    return collection_record(passage, generated_queries=generated_queries_field(queries))


def _check_collection_target(output: Path, overwrite: bool) -> None:
    if not output.exists():
        return
    if not overwrite:
        raise OutputExistsError(f"{output} exists; pass --overwrite to replace it")
    if not output.is_dir() or any(not _COLLECTION_FILE.fullmatch(p.name) for p in output.iterdir()):
        # Pyserini reads every file of the directory; refuse to delete anything else.
        raise OutputExistsError(
            f"{output} holds files other than docsNN.jsonl; not replacing it, remove it yourself"
        )


class _ShardFiles:
    """``docs00.jsonl``, ``docs01.jsonl``, ... in ``directory``, ``shard_size`` lines each."""

    def __init__(self, directory: Path, shard_size: int) -> None:
        self.directory = directory
        self.shard_size = shard_size
        self.counts: list[int] = []
        self._handle: IO[str] | None = None

    def write(self, line: str) -> None:
        if self._handle is None or self.counts[-1] == self.shard_size:
            self.close()
            name = f"docs{len(self.counts):02d}.jsonl"
            self._handle = (self.directory / name).open("w", encoding="utf-8")
            self.counts.append(0)
        self._handle.write(line)
        self.counts[-1] += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> _ShardFiles:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _chunks(passages: Iterable[Passage], size: int) -> Iterator[list[Passage]]:
    iterator = iter(passages)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _check_new(chunk: list[Passage], seen: set[str]) -> None:
    for passage in chunk:
        if passage.doc_id in seen:
            raise CorpusFormatError(f"duplicate docid {passage.doc_id!r} in the corpus")
        seen.add(passage.doc_id)


def export_collection(
    passages: Iterable[Passage],
    output: Path,
    *,
    shard_size: int = COLLECTION_SHARD_SIZE,
    total: int | None = None,
    overwrite: bool = False,
    progress: bool = True,
    generated: Sequence[Path] = (),
    record: RecordFormat | None = None,
) -> list[int]:
    """Write ``passages`` as ``docs00.jsonl``, ``docs01.jsonl``, ... into ``output``.

    Parameters
    ----------
    total
        Number of passages, for the progress bar, when known.
    generated
        Generated-question files in reading order (see
        :func:`~xqg_pyserini.data.generated.resolve_shards`), joined with the
        passages; none: no join.
    record
        Formats each line from the passage and its questions (None without a
        record). Default: :func:`collection_record`, plus the field
        ``generated_queries`` (:func:`generated_queries_field`) when ``generated``
        is given.

    Returns
    -------
    list[int]
        Passages per file.

    Raises
    ------
    CorpusFormatError
        If a docid occurs twice in the corpus, or a generated line is malformed.
    UnmatchedQuestionsError
        If generated questions name a docid the corpus lacks, or one docid twice
        (file and line named).
    DatasetError
        If there is no passage.
    OutputExistsError
        If ``output`` exists and ``overwrite`` is false, or it holds other files.
    """
    from xqg_pyserini.data.generated_join import GeneratedJoin
    from xqg_pyserini.progress import progress_bar

    if shard_size < 1:
        raise ValueError(f"shard_size must be positive, got {shard_size}")
    _check_collection_target(output, overwrite)
    format_record = record or (_record_with_queries if generated else _plain_record)
    seen: set[str] = set()
    with (
        atomic_directory(output) as tmp,
        GeneratedJoin(generated, output) if generated else contextlib.nullcontext() as join,
        _ShardFiles(tmp, shard_size) as files,
        progress_bar(total=total, unit="passage", desc="exporting", enabled=progress) as bar,
    ):
        for chunk in _chunks(passages, JOIN_CHUNK_SIZE):
            _check_new(chunk, seen)
            queries = [None] * len(chunk) if join is None else join.take([p.doc_id for p in chunk])
            for passage, questions in zip(chunk, queries, strict=True):
                files.write(format_record(passage, questions))
            bar.update(len(chunk))
        if not files.counts:
            raise DatasetError("no passages to export")
        if join is not None:
            join.finish(seen.__contains__)
    return files.counts
