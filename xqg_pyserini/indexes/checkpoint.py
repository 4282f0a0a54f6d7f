"""Checkpoints of an index build, so a killed build resumes where it stopped.

A resumable build writes into ``.NAME.partial`` beside the output NAME (see
:func:`partial_dir`). After each encoded chunk it appends there:

* ``chunks/NNNNNN.npy``: the chunk's vectors, float32 ``(n, dim)``;
* ``chunks/NNNNNN.docid``: their docids, one a line;
* ``progress.json``: the build's key, the passages done and the chunk count,
  rewritten last.

Each file is written under a temporary name and renamed, so a kill at any
moment leaves the last complete checkpoint. A restart with the same key loads
the chunks and skips that many passages; with another key it discards them.
A build of several indexes in one pass resumes them all from the passages
every one of them holds (:func:`common_passages`, :meth:`Checkpoint.rewind`).
On success the chunks and ``progress.json`` are removed before the directory
becomes the index. Layout: docs/formats.md, "Resuming".
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "Checkpoint",
    "Resumed",
    "chunk_docids",
    "common_passages",
    "partial_dir",
    "worth_resuming",
    "write_chunk",
]

PROGRESS_FILENAME = "progress.json"
CHUNKS_DIRNAME = "chunks"
FORMAT = "xqg_pyserini.index-progress/1"


def partial_dir(output: Path) -> Path:
    """The fixed temporary sibling a resumable build of ``output`` writes into."""
    return output.with_name(f".{output.name}.partial")


def worth_resuming(directory: Path, exc: BaseException) -> bool:
    """Whether to keep ``directory`` after ``exc``: it holds a checkpoint and ``exc``
    is not an input error (:class:`~xqg_pyserini.errors.XqgError`), which a re-run
    would meet again (the fixed input has another key anyway)."""
    from xqg_pyserini.errors import XqgError

    return (directory / PROGRESS_FILENAME).is_file() and not isinstance(exc, XqgError)


@dataclass
class Resumed:
    """What a restart found: passages done and their chunks, in order."""

    passages: int = 0
    chunks: list[tuple[list[str], np.ndarray]] = field(default_factory=list)

    def whole_chunks(self, passages: int) -> int:
        """The most passages, at most ``passages``, that leading whole chunks hold."""
        held = 0
        for docids, _ in self.chunks:
            if held + len(docids) > passages:
                break
            held += len(docids)
        return held


def common_passages(found: Sequence[Resumed]) -> int:
    """The most passages that every one of ``found`` holds as leading whole chunks.

    Builds written in one pass save their chunks one after another, so a kill
    can leave one a chunk ahead of another; they all resume from here.
    """
    passages = min((resumed.passages for resumed in found), default=0)
    while True:
        held = min(resumed.whole_chunks(passages) for resumed in found)
        if held == passages:
            return passages
        passages = held


def _replace_with(path: Path, write: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as handle:
        write(handle)
    os.replace(tmp, path)


def write_chunk(chunks: Path, number: int, docids: Sequence[str], vectors: np.ndarray) -> None:
    """Write chunk ``number`` (``NNNNNN.npy`` then ``NNNNNN.docid``) into ``chunks``, each file
    under a temporary name and renamed, so a complete ``.docid`` means a complete chunk."""
    stem = f"{number:06d}"
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    _replace_with(chunks / f"{stem}.npy", lambda handle: np.save(handle, array))
    text = "".join(f"{d}\n" for d in docids).encode("utf-8")
    _replace_with(chunks / f"{stem}.docid", lambda handle: handle.write(text))


def chunk_docids(chunks: Path, number: int) -> list[str] | None:
    """The docids of chunk ``number`` in ``chunks``, None if it is not complete."""
    stem = f"{number:06d}"
    if not (chunks / f"{stem}.npy").is_file():
        return None
    try:
        return (chunks / f"{stem}.docid").read_text("utf-8").splitlines()
    except FileNotFoundError:
        return None


class Checkpoint:
    """The checkpoints in ``directory`` for the build identified by ``key``."""

    def __init__(self, directory: Path, key: dict[str, Any]) -> None:
        self.directory = Path(directory)
        self.key = json.loads(json.dumps(key))  # as read back: tuples become lists
        self.passages = 0
        self.chunks = 0

    def resume(self) -> Resumed:
        """Load the finished chunks of the same build; discard anything else found."""
        progress_path = self.directory / PROGRESS_FILENAME
        if not progress_path.is_file():
            self._discard(None)
            return Resumed()
        try:
            progress = json.loads(progress_path.read_text("utf-8"))
        except (OSError, ValueError):
            progress = {}
        if progress.get("format") != FORMAT or progress.get("build_key") != self.key:
            self._discard("it was started with different inputs or settings")
            return Resumed()
        chunks = list(self._load(int(progress["chunks"])))
        if sum(len(docids) for docids, _ in chunks) != progress["passages"]:
            self._discard("its chunks do not add up to its progress record")
            return Resumed()
        self.passages, self.chunks = int(progress["passages"]), len(chunks)
        return Resumed(self.passages, chunks)

    def rewind(self, resumed: Resumed, passages: int) -> list[tuple[list[str], np.ndarray]]:
        """Keep the leading chunks of ``resumed`` that hold ``passages``; the next save follows.

        Chunk files past them stay until overwritten, and ``progress.json``
        still counts them until the next save, so a kill in between loses nothing.
        """
        if resumed.whole_chunks(passages) != passages:
            raise ValueError(f"no whole chunks hold exactly {passages} passages")
        kept, held = [], 0
        for docids, vectors in resumed.chunks:
            if held == passages:
                break
            kept.append((docids, vectors))
            held += len(docids)
        self.passages, self.chunks = held, len(kept)
        return kept

    def _load(self, count: int) -> Iterator[tuple[list[str], np.ndarray]]:
        chunks = self.directory / CHUNKS_DIRNAME
        for number in range(count):
            docids = (chunks / f"{number:06d}.docid").read_text("utf-8").splitlines()
            yield docids, np.load(chunks / f"{number:06d}.npy")

    def _discard(self, why: str | None) -> None:
        entries = list(self.directory.iterdir())
        if not entries:
            return
        if why is not None:
            print(f"discarding the partial build in {self.directory}: {why}", file=sys.stderr)
        for path in entries:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()

    def save(self, docids: list[str], vectors: np.ndarray) -> None:
        """Append one chunk (``vectors`` float32 ``(len(docids), dim)``) and record progress."""
        chunks = self.directory / CHUNKS_DIRNAME
        chunks.mkdir(exist_ok=True)
        write_chunk(chunks, self.chunks, docids, vectors)
        self.record(self.passages + len(docids), self.chunks + 1)

    def record(self, passages: int, chunks: int) -> None:
        """Record ``passages`` in the first ``chunks`` chunk files (written beforehand)."""
        self.passages, self.chunks = passages, chunks
        progress = {
            "format": FORMAT,
            "build_key": self.key,
            "passages": self.passages,
            "chunks": self.chunks,
        }
        data = (json.dumps(progress, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
        _replace_with(self.directory / PROGRESS_FILENAME, lambda handle: handle.write(data))

    def clear(self) -> None:
        """Remove the checkpoints (the build is complete)."""
        (self.directory / PROGRESS_FILENAME).unlink(missing_ok=True)
        shutil.rmtree(self.directory / CHUNKS_DIRNAME, ignore_errors=True)
