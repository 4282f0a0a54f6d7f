"""Corpus and query readers, and the collections bundled with the package."""

from xqg_pyserini.data.corpus import Passage, read_jsonl_corpus
from xqg_pyserini.data.demo import demo_corpus_path

__all__ = ["Passage", "demo_corpus_path", "read_jsonl_corpus"]
