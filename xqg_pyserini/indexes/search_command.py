"""The ``python -m pyserini.search.faiss`` command line that searches an index built here.

One place for it: ``python -m xqg_pyserini.index`` prints it, ``python -m
xqg_pyserini.search`` runs it, and the Makefile spells the same flags. With
``--encoder-class xqg`` and the index as ``--encoder``, Pyserini's CLI reads the
model, pooling, normalisation, prefix and query length from ``metadata.json``.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

__all__ = ["pyserini_search_argv", "pyserini_search_command"]


def pyserini_search_argv(argv: Sequence[str], index: str | Path) -> list[str]:
    """Pyserini search flags ``argv`` with ``--encoder INDEX --encoder-class xqg`` where left out.

    Flags the user gave are kept; with ``--encoded-queries`` nothing is added.
    """
    given = {arg.split("=", 1)[0] for arg in argv if arg.startswith("--")}
    filled = list(argv)
    if "--encoded-queries" in given:
        return filled
    if "--encoder" not in given:
        filled += ["--encoder", str(index)]
    if "--encoder-class" not in given:
        filled += ["--encoder-class", "xqg"]
    return filled


def pyserini_search_command(
    index_dir: Path,
    topics: str = "TOPICS.tsv",
    output: str = "run.trec",
    hits: int = 100,
    device: str = "cpu",
) -> str:
    """A shell command that searches ``index_dir`` with Pyserini's own CLI."""
    argv = ["--index", str(index_dir), "--topics", topics, "--topics-format", "default",
            "--device", device, "--hits", str(hits), "--output", output]  # fmt: skip
    return shlex.join(
        ["python", "-m", "pyserini.search.faiss", *pyserini_search_argv(argv, index_dir)]
    )
