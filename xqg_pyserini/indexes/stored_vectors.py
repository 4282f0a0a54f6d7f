"""Passage vectors e(p) read back from a plain index instead of encoded again.

An xQG build (``--passage-vectors-from``, and so the ablation,
:mod:`xqg_pyserini.ablation`) needs e(p) for every passage, which a plain index
of the same corpus and encoder already holds. Encoding is deterministic for
given settings, so reading them back gives the vectors a new encoding would:
:func:`check_plain_index` refuses any index whose recorded inputs differ from
the build's, and :class:`StoredVectors` looks rows up by docid (the index's
``docid`` file) and reconstructs them chunk by chunk
(:func:`passage_vectors_reader`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from xqg_pyserini.errors import XqgError
from xqg_pyserini.indexes.metadata import IndexMetadata, read_metadata

if TYPE_CHECKING:
    from xqg_pyserini.data.corpus import Passage
    from xqg_pyserini.indexes.request import BuildRequest

__all__ = [
    "PlainIndexMismatchError",
    "StoredVectors",
    "check_plain_index",
    "passage_vectors_reader",
]

FLAG = "--passage-vectors-from"


class PlainIndexMismatchError(XqgError, ValueError):
    """A plain index that cannot stand in for encoding: another build, or a docid missing."""


def _canonical(value: Any) -> Any:
    return json.loads(json.dumps(value))  # as stored: tuples become lists


def _first_difference(stored: dict[str, Any], wanted: dict[str, Any]) -> str:
    """``key=stored`` vs ``key=wanted`` of the first differing entry, for the message."""
    for key in sorted(set(stored) | set(wanted)):
        if stored.get(key) != wanted.get(key):
            return f"{key}={stored.get(key)!r} but this build uses {key}={wanted.get(key)!r}"
    return "the same"  # pragma: no cover - only called on a difference


def check_plain_index(directory: Path, request: BuildRequest, flag: str = FLAG) -> IndexMetadata:
    """The metadata of ``directory`` if its vectors are e(p) exactly as ``request`` encodes them.

    Raises
    ------
    PlainIndexMismatchError
        Naming the first field that differs: not a plain, whole-corpus, ``Flat``
        index of the same encoder settings, corpus and dtype.
    XqgError
        If ``directory`` holds no readable ``metadata.json``.
    """
    where = f"{flag} {directory}"
    try:
        meta = read_metadata(directory)
    except XqgError as exc:
        raise PlainIndexMismatchError(f"{where}: {exc}") from None
    if meta.augmentation is not None:
        raise PlainIndexMismatchError(
            f"{where}: an xQG-augmented index; its vectors are e'(p), give a plain index"
        )
    if meta.shard is not None:
        raise PlainIndexMismatchError(
            f"{where}: shard {meta.shard.get('id')} of {meta.shard.get('num')}; "
            "give the whole-corpus index (merge the shards first)"
        )
    if meta.index_type != "Flat":
        raise PlainIndexMismatchError(
            f"{where}: index type {meta.index_type!r}; only a Flat index stores the exact "
            "float32 vectors"
        )
    key, wanted = meta.build_key, _canonical(request.build_key())
    for field in ("encoder", "corpus"):
        if key.get(field) != wanted[field]:
            stored, ours = key.get(field) or {}, wanted[field]
            raise PlainIndexMismatchError(
                f"{where}: built with {field} {_first_difference(stored, ours)}"
            )
    stored_dtype = key.get("dtype", "float32")
    if stored_dtype != request.dtype:
        raise PlainIndexMismatchError(
            f"{where}: built with dtype {stored_dtype} but this build uses dtype "
            f"{request.dtype}: pass --dtype {stored_dtype} (or rebuild the plain index)"
        )
    return meta


class StoredVectors:
    """Rows of a plain FAISS index, looked up by docid.

    Parameters
    ----------
    directory
        An index directory (``index`` + ``docid``), checked beforehand with
        :func:`check_plain_index`.
    flag
        How the user named it, for error messages.

    The index is memory-mapped when FAISS can, so only the rows asked for are read.
    """

    def __init__(self, directory: Path, flag: str = FLAG) -> None:
        import faiss

        self.directory = Path(directory)
        self.flag = flag
        path = str(self.directory / "index")
        try:
            self.index = faiss.read_index(path, faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
        except RuntimeError:  # FAISS builds without mmap support for this type
            self.index = faiss.read_index(path)
        docids = (self.directory / "docid").read_text("utf-8").splitlines()
        if len(docids) != self.index.ntotal:
            raise PlainIndexMismatchError(
                f"{flag} {directory}: {len(docids)} docids but {self.index.ntotal} vectors"
            )
        self.rows = {doc_id: row for row, doc_id in enumerate(docids)}

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    def take(self, doc_ids: Sequence[str]) -> np.ndarray:
        """e(p) of these passages, float32 ``(len(doc_ids), dimension)``, in the order given.

        Raises
        ------
        PlainIndexMismatchError
            If a docid is not in the index.
        """
        try:
            rows = np.fromiter((self.rows[d] for d in doc_ids), dtype=np.int64, count=len(doc_ids))
        except KeyError as exc:
            raise PlainIndexMismatchError(
                f"{self.flag} {self.directory}: docid {exc.args[0]!r} of the corpus is not "
                "in that index (built from another corpus?)"
            ) from None
        if not len(rows):
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.ascontiguousarray(self.index.reconstruct_batch(rows), dtype=np.float32)


def passage_vectors_reader(
    directory: Path | None, dimension: int
) -> Callable[[list[Passage]], np.ndarray] | None:
    """A reader of e(p) from the plain index ``directory``, or None to encode them.

    Raises
    ------
    PlainIndexMismatchError
        If the index's vectors are not of ``dimension``, the encoder's.
    """
    if directory is None:
        return None
    stored = StoredVectors(directory)
    if stored.dimension != dimension:
        raise PlainIndexMismatchError(
            f"{FLAG} {directory}: vectors of dimension {stored.dimension} "
            f"but the encoder gives {dimension}"
        )
    return lambda chunk: stored.take([p.doc_id for p in chunk])
