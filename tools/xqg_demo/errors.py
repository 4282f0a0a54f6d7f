"""The one error of the build: the sources cannot meet the collection's requirements."""

from __future__ import annotations

__all__ = ["BuildError"]


class BuildError(RuntimeError):
    """The sources cannot produce a collection that meets the requirements."""
