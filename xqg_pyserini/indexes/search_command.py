"""The ``python -m pyserini.search.faiss`` command line that searches an index built here."""

from __future__ import annotations

import shlex
from pathlib import Path

__all__ = ["pyserini_search_command"]


def pyserini_search_command(
    index_dir: Path,
    topics: str = "TOPICS.tsv",
    output: str = "run.trec",
    hits: int = 100,
    device: str = "cpu",
) -> str:
    """A shell command that searches ``index_dir`` with Pyserini's own CLI.

    ``--encoder-class xqg`` with the index as ``--encoder`` reads the model,
    pooling, normalisation, prefix and query length from its ``metadata.json``.
    """
    args = [
        "python", "-m", "pyserini.search.faiss",
        "--index", str(index_dir),
        "--encoder", str(index_dir), "--encoder-class", "xqg",
        "--topics", topics, "--topics-format", "default",
        "--device", device, "--hits", str(hits), "--output", output,
    ]  # fmt: skip
    return shlex.join(args)
