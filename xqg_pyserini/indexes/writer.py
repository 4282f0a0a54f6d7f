"""Writes a Pyserini FAISS index directory: ``index`` + ``docid`` + ``metadata.json``.

Everything goes into a hidden temporary sibling directory that is renamed into
place only when complete (:func:`xqg_pyserini.atomic.atomic_directory`), so the
output is either absent, the old index, or the whole new one. A resumable
writer uses the fixed sibling ``.NAME.partial``, kept after a failure when it
holds a checkpoint (:mod:`xqg_pyserini.indexes.checkpoint`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import numpy as np

from xqg_pyserini.atomic import atomic_directory
from xqg_pyserini.errors import OutputExistsError
from xqg_pyserini.indexes.checkpoint import partial_dir, worth_resuming
from xqg_pyserini.indexes.metadata import IndexMetadata

__all__ = ["FaissIndexWriter", "new_faiss_index"]


def new_faiss_index(dimension: int, index_type: str = "Flat"):  # type: ignore[no-untyped-def]
    """An empty inner-product FAISS index from an ``index_factory`` string."""
    import faiss

    return faiss.index_factory(dimension, index_type, faiss.METRIC_INNER_PRODUCT)


class FaissIndexWriter:
    """Context manager collecting (docid, vector) pairs into a FAISS index.

    Parameters
    ----------
    output
        The index directory to create. It must not exist unless ``overwrite``.
    dimension
        Vector dimension; every added array must be float32 of shape (n, dimension).
    index_type
        A FAISS ``index_factory`` string; ``Flat`` is exact inner product search.
    resumable
        Write into ``.NAME.partial`` (see :func:`partial_dir`) rather than a
        random temporary name, and keep it after a failure if it holds a checkpoint worth resuming.

    Set :attr:`metadata` before the ``with`` block ends; on an exception nothing
    is written and an existing ``output`` is left as it was.
    """

    def __init__(
        self,
        output: Path,
        dimension: int,
        index_type: str = "Flat",
        overwrite: bool = False,
        resumable: bool = False,
    ) -> None:
        self.output = Path(output)
        self.resumable = resumable
        self.dimension = dimension
        self.overwrite = overwrite
        self.index = new_faiss_index(dimension, index_type)
        self.docids: list[str] = []
        self.metadata: IndexMetadata | None = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> FaissIndexWriter:
        if self.output.exists() and not self.overwrite:
            raise OutputExistsError(f"{self.output} exists; pass --overwrite to replace it")
        if self.resumable:
            target = atomic_directory(self.output, partial_dir(self.output), worth_resuming)
        else:
            target = atomic_directory(self.output)
        self._tmp = self._stack.enter_context(target)
        return self

    @property
    def directory(self) -> Path:
        """The temporary directory being written (inside the ``with`` block)."""
        return self._tmp

    def add(self, docids: Sequence[str], vectors: np.ndarray) -> None:
        if vectors.ndim != 2 or vectors.shape != (len(docids), self.dimension):
            raise ValueError(
                f"expected vectors of shape ({len(docids)}, {self.dimension}), got {vectors.shape}"
            )
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self.docids.extend(docids)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        if exc_type is not None:
            return self._stack.__exit__(exc_type, exc, tb)
        with self._stack:
            self._write_files()
        return None

    def _write_files(self) -> None:
        import faiss

        if self.metadata is None:
            raise RuntimeError("set FaissIndexWriter.metadata before the index is closed")
        faiss.write_index(self.index, str(self._tmp / "index"))
        (self._tmp / "docid").write_text("".join(f"{d}\n" for d in self.docids), "utf-8")
        self.metadata.num_docs = len(self.docids)
        self.metadata.write(self._tmp)
