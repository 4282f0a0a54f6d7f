"""Generated questions in the authors' published format: read, write, resume.

The xQG authors published their generated questions (Hugging Face dataset
``ielab/xor-tydi-xqg-augmented``) as JSONL shards, optionally gzipped, one
passage per line::

    {"docid": "123", "text": "<passage>", "generated_queries": {"ar": ["...", ...], ...}}

:func:`read_generated_queries` streams such shards (files, directories or glob
patterns; sorted order) as :class:`GeneratedQueries` records and rejects
malformed lines and duplicate docids with a :class:`CorpusFormatError` naming the
file and line. Lines come through :mod:`.lines` and :mod:`.json_lines` like every
other reader's; the docid is a string id, each key of ``generated_queries`` a
language code and each question non-blank (:mod:`.fields`).
:class:`GeneratedQueriesWriter` writes the same format one complete line at a
time, so a generator that is killed can resume where it stopped (see
:func:`completed_doc_ids`). Coverage statistics live in
:mod:`xqg_pyserini.data.coverage`.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, NamedTuple

from xqg_pyserini.data.coverage import CoverageSummary, summarize_coverage
from xqg_pyserini.data.fields import (
    id_problem,
    is_language_code,
    json_id,
    json_language,
    json_string,
)
from xqg_pyserini.data.json_lines import parse_json_object
from xqg_pyserini.data.lines import decode_line, numbered_lines, read_lines, shown
from xqg_pyserini.errors import CorpusFormatError

__all__ = [
    "CoverageSummary",
    "GeneratedQueries",
    "GeneratedQueriesWriter",
    "completed_doc_ids",
    "count_questions",
    "parse_generated_line",
    "read_generated_queries",
    "resolve_jsonl_paths",
    "resolve_shards",
    "summarize_coverage",
]

PathArg = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]
SHARD_SUFFIXES = (".jsonl", ".json", ".jsonl.gz", ".json.gz")
_GLOB_CHARS = frozenset("*?[")


class GeneratedQueries(NamedTuple):
    """The generated questions of one passage.

    ``queries`` maps a language code (``"ar"``, ``"bn"``, ...) to its questions,
    in the order they were generated.
    """

    doc_id: str
    text: str
    queries: dict[str, tuple[str, ...]]


# ---------------------------------------------------------------------------- paths


def resolve_jsonl_paths(
    paths: PathArg, what: str, *, unit: str = "file", missing_ok: bool = False
) -> list[Path]:
    """Files, directories (their ``.jsonl(.gz)``/``.json(.gz)`` files) and glob patterns.

    Returns the distinct files, sorted by path, so that files given in any
    order are read in the same order. ``what`` names the input in errors
    (e.g. ``"generated questions"``), ``unit`` what a directory should hold.

    Raises
    ------
    FileNotFoundError
        If a path does not exist, a pattern matches nothing or a directory holds
        no such file (unless ``missing_ok``, which skips them).
    """
    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    found: set[Path] = set()
    for item in items:
        path = Path(item)
        if path.is_file():
            matches = [path]
        elif path.is_dir():
            matches = [
                p
                for p in path.iterdir()
                if p.is_file() and not p.name.startswith(".") and p.name.endswith(SHARD_SUFFIXES)
            ]
        elif _GLOB_CHARS & set(str(item)):
            matches = [Path(m) for m in glob.glob(str(item)) if Path(m).is_file()]
        else:
            matches = []
        if not matches and not missing_ok:
            kind = f"directory holds no .jsonl(.gz) {unit}" if path.is_dir() else "no such file"
            raise FileNotFoundError(f"{what}: {kind}: {item}")
        found.update(matches)
    return sorted(found, key=str)


def resolve_shards(paths: PathArg, *, missing_ok: bool = False) -> list[Path]:
    """Expand files, directories and glob patterns into a sorted list of shard files.

    A directory contributes its non-hidden files ending in ``.jsonl``, ``.json``
    or either plus ``.gz``. The result is sorted and free of repeats, so the same
    shards given in any order are read in the same order.

    Raises
    ------
    FileNotFoundError
        If a path does not exist, a pattern matches nothing or a directory holds
        no shard (unless ``missing_ok``, which skips them).
    """
    return resolve_jsonl_paths(paths, "generated questions", unit="shard", missing_ok=missing_ok)


# ---------------------------------------------------------------------------- reading


def _check_queries(value: object, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise CorpusFormatError(
            f"{where}: field 'generated_queries' must be an object "
            f"{{language: [questions]}}, got {type(value).__name__}"
        )
    queries: dict[str, tuple[str, ...]] = {}
    for lang, questions in value.items():
        if not is_language_code(lang):
            json_language(lang, where, "a key of 'generated_queries'")
        try:  # str.strip at C speed: TypeError on a non-string, "" on a blank question
            nonblank = isinstance(questions, list) and all(map(str.strip, questions))
        except TypeError:
            nonblank = False
        if not nonblank:
            _question_error(lang, questions, where)
        queries[lang] = tuple(questions)
    return queries


def _question_error(lang: str, questions: object, where: str) -> None:
    """Raise the error for a value of ``generated_queries`` that is not all non-blank strings."""
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        raise CorpusFormatError(f"{where}: generated_queries[{lang!r}] must be a list of strings")
    index = next(i for i, q in enumerate(questions) if not q.strip())
    raise CorpusFormatError(
        f"{where}: generated_queries[{lang!r}][{index}] must be a non-blank question, "
        f"got {shown(questions[index])}"
    )


def parse_generated_line(line: str | bytes, where: str, complete: bool = True) -> GeneratedQueries:
    """Parse one JSONL line into a record; ``where`` (``file:line``) names it in errors.

    ``line`` is the text of a :class:`~xqg_pyserini.data.lines.Line` (or raw
    bytes, decoded here). ``complete=False`` (a last line without its newline)
    adds a hint about a killed writer to a JSON error.

    Raises
    ------
    CorpusFormatError
        On invalid UTF-8 or JSON, a non-object, a missing or ill-typed field,
        a docid that is not an id, a key of ``generated_queries`` that is not
        a language code, or a blank question.
    """
    if isinstance(line, bytes):
        line = decode_line(line, where)
    hint = "" if complete else "; the last line is incomplete (a killed writer?)"
    record = parse_json_object(line, where, hint)
    for field in ("docid", "text", "generated_queries"):
        if field not in record:
            raise CorpusFormatError(f"{where}: missing field {field!r}")
    doc_id = json_id(record["docid"], where, "docid", integers=False)
    text = json_string(record["text"], where, "text")
    queries = _check_queries(record["generated_queries"], where)
    return GeneratedQueries(doc_id, text, queries)


def _iter_records(path: Path) -> Iterator[tuple[int, bool, GeneratedQueries]]:
    for line in read_lines(path):
        yield line.number, line.complete, parse_generated_line(line.text, line.where, line.complete)


def _first_place(shards: Sequence[Path], doc_id: str) -> str:
    """Where ``doc_id`` first occurs (re-read on the rare duplicate, to keep memory low)."""
    for path in shards:
        for number, _, record in _iter_records(path):
            if record.doc_id == doc_id:
                return f"{path}:{number}"
    return "an earlier line"  # pragma: no cover - the id was seen, so it is found


def count_questions(
    shards: Sequence[Path], languages: Sequence[str], per_language: int | None = None
) -> int:
    """Questions of these languages in the shards, at most ``per_language`` each per passage.

    A quick counting pass for progress bars: lines that do not parse are skipped
    here (the build's own reading reports them, with file and line).
    """
    wanted = set(languages)
    total = 0
    for path in shards:
        for _, line in numbered_lines(path):
            try:
                queries = json.loads(line)["generated_queries"]
                counts = [len(qs) for lang, qs in queries.items() if lang in wanted]
            except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
                continue
            total += sum(counts if per_language is None else (min(n, per_language) for n in counts))
    return total


def read_generated_queries(
    paths: PathArg, *, check_duplicates: bool = True
) -> Iterator[GeneratedQueries]:
    """Stream the records of generated-question shards, shard by shard in sorted order.

    Parameters
    ----------
    paths
        A file, directory or glob pattern, or several; see :func:`resolve_shards`.
    check_duplicates
        Refuse a docid seen before, in any shard. Costs a set of all docids
        (about 90 bytes each: 1.6 GB for the 18M passages of XOR-Retrieve).

    Raises
    ------
    FileNotFoundError
        If a path matches no file.
    CorpusFormatError
        On a malformed line (file and line named), or a docid that occurs twice
        (both places named).
    """
    shards = resolve_shards(paths)
    seen: set[str] = set()
    for index, path in enumerate(shards):
        for number, _, record in _iter_records(path):
            if check_duplicates:
                if record.doc_id in seen:
                    first = _first_place(shards[: index + 1], record.doc_id)
                    raise CorpusFormatError(
                        f"{path}:{number}: docid {record.doc_id!r} already appeared at {first}"
                    )
                seen.add(record.doc_id)
            yield record


def completed_doc_ids(paths: PathArg) -> set[str]:
    """Docids with a complete line in ``paths``: the passages a resumed run can skip.

    A last line without its newline (left by a killed writer) does not count,
    whether or not it parses; missing files count as empty.

    Raises
    ------
    CorpusFormatError
        On a malformed complete line.
    """
    done: set[str] = set()
    for path in resolve_shards(paths, missing_ok=True):
        for line in read_lines(path, complete_only=True):
            done.add(parse_generated_line(line.text, line.where).doc_id)
    return done


# ---------------------------------------------------------------------------- writing


def _encode_record(record: GeneratedQueries) -> bytes:
    """One line of the file; the record is checked against what the reader accepts."""
    doc_id, text, queries = record
    if not isinstance(doc_id, str) or not doc_id:
        raise TypeError(f"doc_id must be a non-empty string, got {doc_id!r}")
    if id_problem(doc_id) is not None:
        raise ValueError(f"doc_id {doc_id!r} {id_problem(doc_id)}")
    if not isinstance(text, str):
        raise TypeError(f"text of {doc_id!r} must be a string, got {type(text).__name__}")
    if not isinstance(queries, Mapping):
        raise TypeError(f"queries of {doc_id!r} must be a mapping {{language: [questions]}}")
    out: dict[str, list[str]] = {}
    for lang, questions in queries.items():
        if not isinstance(lang, str) or not lang or isinstance(questions, str):
            raise TypeError(f"queries of {doc_id!r}: bad entry {lang!r}: {questions!r}")
        if not is_language_code(lang):
            raise ValueError(f"queries of {doc_id!r}: {lang!r} is not a language code")
        out[lang] = list(questions)
        if not all(isinstance(q, str) for q in out[lang]):
            raise TypeError(f"queries of {doc_id!r}: {lang!r} holds a non-string question")
        if any(not q or q.isspace() for q in out[lang]):
            raise ValueError(f"queries of {doc_id!r}: {lang!r} holds a blank question")
    line = {"docid": doc_id, "text": text, "generated_queries": out}
    try:
        return (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(
            f"record {doc_id!r} holds an unpaired surrogate, which UTF-8 cannot encode"
        ) from None


def _truncate_partial_line(path: Path) -> int:
    """Cut a trailing line that lacks its newline; returns the number of bytes removed."""
    with path.open("r+b") as handle:
        size = handle.seek(0, os.SEEK_END)
        end = size
        while end > 0:
            start = max(0, end - (1 << 16))
            handle.seek(start)
            block = handle.read(end - start)
            if end == size and block.endswith(b"\n"):
                return 0
            cut = block.rfind(b"\n")
            if cut >= 0:
                keep = start + cut + 1
                break
            end = start
        else:
            keep = 0
        handle.truncate(keep)
        return size - keep


class GeneratedQueriesWriter:
    """Append records to a plain JSONL file, one complete, flushed line per passage.

    Each record is encoded first and written with a single call, then flushed,
    so a killed process leaves at most one partial last line. Opening an existing
    file first cuts such a line, so that appending resumes cleanly; combine with
    :func:`completed_doc_ids` to skip the passages already written. The file is
    locked while open, so two writers cannot interleave.

    Parameters
    ----------
    path
        A ``.jsonl`` file (not gzipped: a killed gzip stream cannot be repaired);
        created with its parent directories when absent.
    fsync
        Also ``fsync`` after every line (survives power loss, slower).

    Examples
    --------
    >>> with GeneratedQueriesWriter(path) as writer:  # doctest: +SKIP
    ...     writer.write(GeneratedQueries("12", "passage", {"ja": ("質問",)}))
    """

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = False) -> None:
        self.path = Path(path)
        if self.path.name.endswith(".gz"):
            raise ValueError(f"{self.path}: write plain JSONL and compress when done")
        self.fsync = fsync
        self.written = 0
        self.truncated_bytes = 0
        self._handle: IO[bytes] | None = None

    def open(self) -> GeneratedQueriesWriter:
        """Lock the file, cut a partial last line and open it for appending."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "ab", buffering=0)  # noqa: SIM115 - closed in close()
        try:
            _lock(handle, self.path)
            self.truncated_bytes = _truncate_partial_line(self.path)
        except BaseException:
            handle.close()
            raise
        self._handle = handle
        return self

    def write(self, record: GeneratedQueries) -> None:
        """Append one record as one line (validated first, so nothing partial is written).

        Raises
        ------
        TypeError
            If a field has the wrong type (nothing is written then).
        ValueError
            If the docid is not an id, a language not a language code, a
            question blank, or a string holds an unpaired surrogate: what the
            reader would refuse (nothing is written then).
        """
        if self._handle is None:
            raise ValueError(f"{self.path}: writer is not open (use it in a with block)")
        data = memoryview(_encode_record(record))
        while data:
            data = data[self._handle.write(data) :]
        self._handle.flush()
        if self.fsync:
            os.fsync(self._handle.fileno())
        self.written += 1

    def close(self) -> None:
        """Close the file (releasing its lock); safe to call twice."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> GeneratedQueriesWriter:
        return self.open()

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _lock(handle: IO[bytes], path: Path) -> None:
    try:
        import fcntl
    except ImportError:  # not POSIX: no guard against a second writer
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise BlockingIOError(f"{path}: another process is writing this file") from None
