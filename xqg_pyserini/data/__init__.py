"""Corpus and query readers, and the collections bundled with the package."""

from xqg_pyserini.data.corpus import Passage, read_jsonl_corpus

__all__ = ["Passage", "read_jsonl_corpus"]
