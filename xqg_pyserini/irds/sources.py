"""Where the files of our ir_datasets collections come from: local copies first.

A :class:`PublishedFile` (XOR-TyDi, on the UW NLP XOR-QA site) is looked up, in
this order, under its original name or with ``.gz`` appended:

1. in the directory named by an environment variable (``XQG_XOR_TYDI_DIR``),
   used in place, never copied;
2. in ir_datasets' own cache, ``$IR_DATASETS_HOME/<collection>/<name>``;
3. else it is downloaded once, through ir_datasets, to that cache path. If the
   download fails, :class:`DatasetFileMissingError` says which file, from
   which URL, and where to put it by hand.

A :class:`BundledFile` (the demo collection) lives in a directory given by a
function and is never downloaded.

Nothing here touches the disk or imports ir_datasets until a path is asked for.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from xqg_pyserini.errors import XqgError

__all__ = [
    "BundledFile",
    "DatasetFileMissingError",
    "PublishedFile",
    "SourceFile",
    "ir_datasets_home",
]


class DatasetFileMissingError(XqgError, FileNotFoundError):
    """A data file that is neither present locally nor downloadable (says where to put it)."""


class SourceFile(Protocol):
    """What the ir_datasets components need from a data file."""

    name: str

    def local(self) -> Path | None:
        """The file if a copy is already on this machine (no download), else None."""

    def path(self) -> Path:
        """The file, fetched first if needed; raises DatasetFileMissingError if impossible."""


def ir_datasets_home() -> Path:
    """ir_datasets' data directory (``$IR_DATASETS_HOME``, default ``~/.ir_datasets``)."""
    import ir_datasets

    return Path(ir_datasets.util.home_path())


def _one_line(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class PublishedFile:
    """A file published at ``url``, cached by ir_datasets under ``collection/name``.

    Attributes
    ----------
    collection : str
        Sub-directory of ``$IR_DATASETS_HOME`` (e.g. ``"xor-tydi"``).
    name : str
        The published file name, also its name in local copies.
    url : str
        Where it is downloaded from when no local copy exists.
    env_var : str
        Environment variable naming a directory of local copies, used in place.
    """

    collection: str
    name: str
    url: str
    env_var: str

    def cache_path(self) -> Path:
        """``$IR_DATASETS_HOME/<collection>/<name>``: where a download goes."""
        return ir_datasets_home() / self.collection / self.name

    def _env_dir(self) -> Path | None:
        value = os.environ.get(self.env_var)
        if not value:
            return None
        directory = Path(value).expanduser()
        if not directory.is_dir():
            raise DatasetFileMissingError(f"{self.env_var}={value} is not a directory")
        return directory

    def local(self) -> Path | None:
        """The first local copy found ($env_var directory, then the cache), or None."""
        directories = [self._env_dir(), self.cache_path().parent]
        for directory in directories:
            if directory is None:
                continue
            for candidate in (directory / self.name, directory / f"{self.name}.gz"):
                if candidate.is_file():
                    return candidate
        return None

    def path(self) -> Path:
        """A local copy, or the cache path after downloading the file there.

        Raises
        ------
        DatasetFileMissingError
            If there is no local copy and the download fails (one line: the file,
            the URL, the cause, and where to put a copy by hand).
        """
        found = self.local()
        if found is not None:
            return found
        return self._download()

    def _download(self) -> Path:
        import ir_datasets

        target = self.cache_path()
        ir_datasets.log.easy().info(
            f"{self.collection}: downloading {self.name} from {self.url} to {target} "
            f"(to use a local copy instead, set {self.env_var} to its directory)"
        )
        mirror = ir_datasets.util.RequestsDownload(self.url)
        try:
            return Path(ir_datasets.util.Download([mirror], cache_path=str(target)).path())
        except Exception as exc:  # any failure of the fetch means the same thing to the user
            raise DatasetFileMissingError(self.missing_message(exc)) from exc

    def missing_message(self, cause: BaseException) -> str:
        """The one-line error for a failed download, with the manual fix."""
        return (
            f"{self.collection}: could not download {self.name} from {self.url} "
            f"({_one_line(cause)}); download it by hand and put it at {self.cache_path()} "
            f"(or {self.name}.gz there), or put it in a directory named by ${self.env_var}"
        )


@dataclass(frozen=True)
class BundledFile:
    """A file shipped in a directory (the package's resources), never downloaded.

    Attributes
    ----------
    collection : str
        The collection it belongs to (for messages).
    name : str
        The file name inside the directory.
    directory : callable
        Returns the directory, read at each access (so tests can redirect it).
    """

    collection: str
    name: str
    directory: Callable[[], Path]

    def local(self) -> Path | None:
        """The file if it exists, else None."""
        candidate = self.directory() / self.name
        return candidate if candidate.is_file() else None

    def path(self) -> Path:
        """The file.

        Raises
        ------
        DatasetFileMissingError
            If it is not in the directory.
        """
        found = self.local()
        if found is None:
            raise DatasetFileMissingError(
                f"{self.collection}: expected {self.name} in {self.directory()}, "
                "but it is missing (the bundled collection is incomplete)"
            )
        return found
