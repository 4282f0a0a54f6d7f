"""Named training sets (Tevatron's published files), and what ``--train-data`` accepts.

A registered name stands for the raw files of a Hugging Face dataset repository;
Tevatron's loading scripts no longer run with ``datasets`` 4, so the JSONL files
are read directly. Each file is a
:class:`~xqg_pyserini.irds.sources.PublishedFile`, found like XOR-Retrieve's:

1. in the directory named by ``$XQG_TRAINING_DATA_DIR``, under its published
   name (or with ``.gz`` appended), used in place;
2. in ir_datasets' cache, ``$IR_DATASETS_HOME/<set name>/<file name>``;
3. else downloaded there once; a failure is one line saying which file, from
   which URL, and where to put a copy by hand.

:func:`load_training_data` takes a registered name or a path (a JSONL(.gz)
file, a directory of them, or a glob pattern).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xqg_pyserini.errors import DatasetError
from xqg_pyserini.irds.sources import PublishedFile
from xqg_pyserini.training.data.tevatron import read_tevatron, tevatron_files
from xqg_pyserini.training.examples import TrainingExample

__all__ = [
    "ENV_VAR",
    "TRAINING_SETS",
    "TrainingSet",
    "iter_training_data",
    "load_training_data",
    "training_data_files",
    "training_set",
]

ENV_VAR = "XQG_TRAINING_DATA_DIR"
_HF = "https://huggingface.co/datasets"


@dataclass(frozen=True)
class TrainingSet:
    """A named training set: its published files, in reading order.

    Attributes
    ----------
    name : str
        The registered name (the Hugging Face dataset repository).
    description : str
        One line: what it is.
    files : tuple of PublishedFile
        The raw JSONL(.gz) files of its train split.
    """

    name: str
    description: str
    files: tuple[PublishedFile, ...]

    def local_paths(self) -> list[Path] | None:
        """The files if every one has a local copy (no download), else None."""
        found = [f.local() for f in self.files]
        return None if any(p is None for p in found) else found  # type: ignore[return-value]

    def paths(self) -> list[Path]:
        """The files, downloading those without a local copy.

        Raises
        ------
        DatasetFileMissingError
            If a file has no local copy and cannot be downloaded.
        """
        return [f.path() for f in self.files]


def _hf_file(repo: str, path: str) -> PublishedFile:
    return PublishedFile(repo, Path(path).name, f"{_HF}/{repo}/resolve/main/{path}", ENV_VAR)


TRAINING_SETS: dict[str, TrainingSet] = {
    "Tevatron/xor-tydi": TrainingSet(
        "Tevatron/xor-tydi",
        "XOR-TyDi eng_span train: questions in 7 languages, English passages "
        "(the authors' xDR training data)",
        (_hf_file("Tevatron/xor-tydi", "train/xor-t2e-100w.jsonl.gz"),),
    ),
    "Tevatron/wikipedia-nq": TrainingSet(
        "Tevatron/wikipedia-nq",
        "Natural Questions train with DPR's BM25 hard negatives (English; the zero-shot recipe)",
        (_hf_file("Tevatron/wikipedia-nq", "nq-train.jsonl.gz"),),
    ),
}
"""Registered name -> training set; the file names are the repositories' own."""


def training_set(name: str) -> TrainingSet:
    """The registered training set ``name``.

    Raises
    ------
    DatasetError
        If no set has that name (the registered names are listed).
    """
    try:
        return TRAINING_SETS[name]
    except KeyError:
        raise DatasetError(
            f"unknown training set {name!r}; registered: {', '.join(TRAINING_SETS)}"
        ) from None


def training_data_files(source: str | os.PathLike[str]) -> list[Path]:
    """The files behind ``source``: a registered name, or a file, directory or glob pattern.

    A registered name wins over a relative path of the same spelling (write
    ``./Tevatron/xor-tydi`` for the directory).

    Raises
    ------
    DatasetError
        If ``source`` is neither a registered name nor an existing path or
        matching pattern (close registered names are suggested).
    DatasetFileMissingError
        If a registered set's file is neither local nor downloadable.
    FileNotFoundError
        If a directory holds no JSONL file.
    """
    name = os.fspath(source)
    if name in TRAINING_SETS:
        return TRAINING_SETS[name].paths()
    try:
        return tevatron_files(name)
    except FileNotFoundError as exc:
        if Path(name).is_dir():
            raise
        close = difflib.get_close_matches(name, list(TRAINING_SETS), n=2, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise DatasetError(
            f"training data {name!r} is neither a registered set "
            f"({', '.join(TRAINING_SETS)}) nor an existing file, directory or glob pattern"
            f"{hint}"
        ) from exc


def iter_training_data(source: str | os.PathLike[str]) -> Iterator[TrainingExample]:
    """Stream the examples of a registered set or of Tevatron JSONL(.gz) files.

    Raises
    ------
    DatasetError, DatasetFileMissingError, FileNotFoundError
        As :func:`training_data_files` (before the first example).
    CorpusFormatError
        On a malformed line (file and line named).
    """
    files = training_data_files(source)
    return read_tevatron(files)


def load_training_data(source: str | os.PathLike[str]) -> list[TrainingExample]:
    """All examples of a registered set or of Tevatron JSONL(.gz) files, in file order.

    Raises
    ------
    DatasetError, DatasetFileMissingError, FileNotFoundError, CorpusFormatError
        As :func:`iter_training_data`.
    """
    return list(iter_training_data(source))
