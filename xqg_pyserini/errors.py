"""Exceptions a user can act on; every CLI prints them as one line and exits 2."""

from __future__ import annotations

__all__ = ["CorpusFormatError", "DatasetError", "OutputExistsError", "XqgError"]


class XqgError(Exception):
    """Base class of the errors our CLIs report as a single line."""


class CorpusFormatError(XqgError, ValueError):
    """A corpus file that is not in a supported format (names file and line)."""


class OutputExistsError(XqgError, FileExistsError):
    """An output that exists and would be overwritten."""


class DatasetError(XqgError, ValueError):
    """An ir_datasets id that is not registered, or a dataset lacking what was asked for."""
