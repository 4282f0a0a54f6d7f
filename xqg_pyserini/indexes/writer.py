"""Writes a Pyserini FAISS index directory: ``index`` + ``docid`` + ``metadata.json``.

Everything goes into a hidden temporary sibling directory that is renamed into
place only when complete, so the output is either absent or whole.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import numpy as np

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
    """

    def __init__(
        self, output: Path, dimension: int, index_type: str = "Flat", overwrite: bool = False
    ) -> None:
        self.output = Path(output)
        self.dimension = dimension
        self.overwrite = overwrite
        self.index = new_faiss_index(dimension, index_type)
        self.docids: list[str] = []
        self.metadata: IndexMetadata | None = None
        self._tmp = self.output.with_name(f".{self.output.name}.tmp-{os.getpid()}")

    def __enter__(self) -> FaissIndexWriter:
        shutil.rmtree(self._tmp, ignore_errors=True)
        self._tmp.mkdir(parents=True)
        return self

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
    ) -> None:
        if exc_type is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            return
        self._finish()

    def _finish(self) -> None:
        import faiss

        if self.metadata is None:
            raise RuntimeError("set FaissIndexWriter.metadata before the index is closed")
        faiss.write_index(self.index, str(self._tmp / "index"))
        (self._tmp / "docid").write_text("".join(f"{d}\n" for d in self.docids), "utf-8")
        self.metadata.num_docs = len(self.docids)
        self.metadata.write(self._tmp)
        if self.output.exists() and self.overwrite:
            # Move the old index aside first so a crash never leaves neither.
            old = self.output.with_name(f".{self.output.name}.old-{os.getpid()}")
            os.replace(self.output, old)
            os.replace(self._tmp, self.output)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(self._tmp, self.output)
