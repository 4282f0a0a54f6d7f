"""The ``python -m pyserini.search.faiss`` command line that matches an index."""

from __future__ import annotations

import shlex
from pathlib import Path

from xqg_pyserini.encoders.settings import EncoderSettings

__all__ = ["pyserini_search_command"]


def pyserini_search_command(
    index_dir: Path,
    settings: EncoderSettings,
    topics: str = "TOPICS.tsv",
    output: str = "run.trec",
    hits: int = 100,
) -> str:
    """A shell command that searches ``index_dir`` with Pyserini's own CLI.

    Pyserini's ``auto`` query encoder takes pooling, L2 normalisation and a
    query prefix (joined with one space, as :func:`join_prefix` does).
    """
    args = [
        "python",
        "-m",
        "pyserini.search.faiss",
        "--index",
        str(index_dir),
        "--topics",
        topics,
        "--topics-format",
        "default",
        "--encoder",
        settings.model,
        "--encoder-class",
        "auto",
        "--pooling",
        settings.pooling,
    ]
    if settings.l2_norm:
        args.append("--l2-norm")
    if settings.query_prefix:
        args += ["--query-prefix", settings.query_prefix.rstrip()]
    args += ["--device", "cpu", "--hits", str(hits), "--output", output]
    return shlex.join(args)
