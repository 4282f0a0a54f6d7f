"""Which passages one shard holds: round-robin over corpus positions.

Shard ``id`` of ``num`` holds the passages at corpus positions ``i`` (from 0)
with ``i % num == id``, for both ``python -m xqg_pyserini.generate`` and
``python -m xqg_pyserini.index``. Round-robin rather than contiguous ranges: it
needs no passage count (a stream of unknown length works) and shards stay
balanced. Row ``j`` of index shard ``id`` is corpus position ``id + j * num``;
:mod:`xqg_pyserini.indexes.merge` interleaves the shards back into corpus order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

__all__ = ["Shard"]


@dataclass(frozen=True)
class Shard:
    """Shard ``id`` of ``num``; ``Shard()`` is the whole corpus."""

    id: int = 0
    num: int = 1

    def __post_init__(self) -> None:
        if self.num < 1:
            raise ValueError(f"--shard-num must be at least 1, got {self.num}")
        if not 0 <= self.id < self.num:
            raise ValueError(f"--shard-id must be in 0..{self.num - 1}, got {self.id}")

    @property
    def is_whole(self) -> bool:
        return self.num == 1

    def holds(self, position: int) -> bool:
        """Whether corpus position ``position`` (from 0) belongs to this shard."""
        return position % self.num == self.id

    def select(self, items: Iterable[T]) -> Iterator[T]:
        """The items (passages) of this shard, in corpus order."""
        for position, item in enumerate(items):
            if self.holds(position):
                yield item

    def size(self, total: int | None) -> int | None:
        """How many of ``total`` corpus passages fall in this shard (None if unknown)."""
        if total is None:
            return None
        return max(0, (total - self.id + self.num - 1) // self.num)

    def to_dict(self) -> dict[str, int]:
        return {"id": self.id, "num": self.num}
