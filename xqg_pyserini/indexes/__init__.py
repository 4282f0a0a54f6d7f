"""Building Pyserini FAISS indexes: writer, encoding loop, metadata."""

from xqg_pyserini.indexes.metadata import METADATA_FILENAME, IndexMetadata, read_metadata
from xqg_pyserini.indexes.search_command import pyserini_search_command
from xqg_pyserini.indexes.writer import FaissIndexWriter

__all__ = [
    "METADATA_FILENAME",
    "FaissIndexWriter",
    "IndexMetadata",
    "pyserini_search_command",
    "read_metadata",
]
