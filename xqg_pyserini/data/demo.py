"""The small English collection bundled with the package (see resources/README.md)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["DEMO_CORPUS_NAME", "demo_corpus_path"]

DEMO_CORPUS_NAME = "demo_passages.jsonl"


def demo_corpus_path() -> Path:
    """Path of the bundled demo passages (JSONL: docid, title, text)."""
    return Path(str(resources.files("xqg_pyserini.resources").joinpath(DEMO_CORPUS_NAME)))
