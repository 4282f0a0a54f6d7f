"""Pyserini ``QueryEncoder`` / ``DocumentEncoder`` subclasses over :class:`TransformerEncoder`.

Use them wherever Pyserini takes an encoder, e.g.
``FaissSearcher(index_dir, XqgQueryEncoder.from_index(index_dir))``. Importing this
module imports ``pyserini.encode``, which starts the JVM (a few seconds); the
start-up hook first picks a Java 21+ runtime (see :mod:`xqg_pyserini.pyserini_env`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from xqg_pyserini.encoders.settings import EncoderSettings
from xqg_pyserini.encoders.transformer import TransformerEncoder
from xqg_pyserini.pyserini_env import install_import_hook

install_import_hook()

from pyserini.encode import DocumentEncoder, QueryEncoder  # noqa: E402

__all__ = ["XqgDocumentEncoder", "XqgQueryEncoder"]


class XqgQueryEncoder(QueryEncoder):
    """Pyserini query encoder: ``encode(query) -> (dim,) float32``."""

    def __init__(self, settings: EncoderSettings, device: str = "cpu") -> None:
        super().__init__()
        self.encoder = TransformerEncoder(settings, device=device)
        self.has_model = True

    @classmethod
    def from_index(cls, index_dir: str | Path, device: str = "cpu") -> XqgQueryEncoder:
        """The query encoder an index was built for, read from its metadata."""
        from xqg_pyserini.indexes.metadata import read_metadata

        return cls(read_metadata(Path(index_dir)).encoder_settings(), device=device)

    def encode(self, query: str, **kwargs: object) -> np.ndarray:
        return self.encoder.encode_queries([query])[0]


class XqgDocumentEncoder(DocumentEncoder):
    """Pyserini document encoder: ``encode(texts, titles=None) -> (n, dim) float32``."""

    def __init__(self, settings: EncoderSettings, device: str = "cpu") -> None:
        self.encoder = TransformerEncoder(settings, device=device)

    def encode(
        self, texts: Sequence[str], titles: Sequence[str] | None = None, **kwargs: object
    ) -> np.ndarray:
        return self.encoder.encode_passages(texts, titles)
