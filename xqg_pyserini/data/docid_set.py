"""The docids seen so far, at about 10 bytes each: the duplicate-docid check of a build.

A Python ``set[str]`` costs ~130 bytes a docid (2.3 GB at XOR-Retrieve's 18M
passages). :class:`DocidSet` keeps each docid as its 8-byte BLAKE2b hash instead
(deterministic across processes, unlike ``hash()``):

* new hashes wait in a small Python set, sorted into a NumPy ``uint64`` run
  every :data:`BUFFER` docids;
* runs are merged log-structured (a run is merged with the one before it while
  that one is no larger), so sizes double, there are at most ~log2(n / BUFFER)
  runs, every hash is copied O(log n) times, and membership is one
  ``searchsorted`` per run;
* a one-hash bit filter (:data:`FILTER_BITS` bits a docid, rebuilt as the set
  doubles) answers "certainly new" for most docids, so the runs are searched for
  a few percent of them only.

A hash already present is either a duplicate or a 64-bit collision (odds about
n² / 2⁶⁵: 1e-5 at 18M docids). With ``reread`` (the docids added so far, read
again from the start, e.g. the corpus once more) the docid is compared exactly:
a duplicate raises, a collision is remembered as its exact string (a small
set), so later checks stay exact. Without ``reread`` a hash hit is reported as a
duplicate, and the message says so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from itertools import islice

import numpy as np

from xqg_pyserini.errors import CorpusFormatError

__all__ = ["BUFFER", "FILTER_BITS", "DocidSet"]

BUFFER = 4096
"""Docids held as Python ints before they are sorted into a run."""
FILTER_BITS = 16
"""Bits of the filter per docid of capacity (a false hit: ~3-6% of new docids)."""
_CHUNK = 1 << 20  # hashes per step when a filter is rebuilt: bounds transient memory


def _hash(docid: str) -> int:
    """The docid's 8-byte BLAKE2b digest, read as a little-endian uint64."""
    digest = hashlib.blake2b(docid.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


class DocidSet:
    """Docids added so far, as 8-byte hashes; adding one twice raises.

    Parameters
    ----------
    reread : callable, optional
        Returns an iterable over the docids added so far, in the order they were
        added (more may follow; only as many as were added are read). Called only
        when a docid's hash is already present, to tell a duplicate from a hash
        collision. Without it, a hash hit counts as a duplicate.

    Examples
    --------
    >>> docids = DocidSet()
    >>> docids.add_many(["a", "b"])
    >>> len(docids)
    2
    >>> try:
    ...     docids.add("a")
    ... except CorpusFormatError as error:
    ...     print(error)
    duplicate docid 'a' in the corpus (detected by its 64-bit hash)
    """

    def __init__(self, reread: Callable[[], Iterable[str]] | None = None) -> None:
        self._reread = reread
        self._count = 0
        self._pending: set[int] = set()
        self._runs: list[np.ndarray] = []  # sorted uint64, sizes decreasing
        self._collided: set[str] = set()  # docids whose hash an earlier docid has
        self._capacity = BUFFER
        self._mask = BUFFER * FILTER_BITS - 1  # a hash's filter bit: hash & mask
        self._filter = bytearray(BUFFER * FILTER_BITS // 8)

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        """Bytes held by the runs and the filter (not the < BUFFER pending Python ints)."""
        return sum(run.nbytes for run in self._runs) + len(self._filter)

    def add(self, docid: str, where: str = "the corpus") -> None:
        """Remember ``docid``.

        Raises
        ------
        CorpusFormatError
            If ``docid`` was added before (``where`` names the input in the message).
        """
        hashed = _hash(docid)
        slot = hashed & self._mask
        byte, bit = slot >> 3, 1 << (slot & 7)
        if docid in self._collided or (self._filter[byte] & bit and self._holds(hashed)):
            self._check_hit(docid, where)
        else:
            self._pending.add(hashed)
            self._filter[byte] |= bit
        self._count += 1
        if len(self._pending) >= BUFFER:
            self._flush()
        if self._count > self._capacity:
            self._grow()

    def add_many(self, docids: Sequence[str], where: str = "the corpus") -> None:
        """Remember ``docids``, in order; checked as one batch (hashes vectorised).

        Raises
        ------
        CorpusFormatError
            If a docid was added before or occurs twice in ``docids``; those before
            it are then added, those after it are not.
        """
        if not docids:
            return
        hashes = np.fromiter(map(_hash, docids), dtype=np.uint64, count=len(docids))
        ordered = np.sort(hashes)
        if (
            bool((ordered[1:] == ordered[:-1]).any())
            or not self._collided.isdisjoint(docids)
            or self._holds_any(ordered)
        ):
            for docid in docids:  # rare: find the first hit, exactly
                self.add(docid, where)
            return
        if ordered.size >= BUFFER:
            self._push_run(ordered)
        else:
            self._pending.update(ordered.tolist())
        self._count += ordered.size
        if self._count > self._capacity:
            self._grow()
        else:
            self._mark(ordered)
        if len(self._pending) >= BUFFER:
            self._flush()

    def _holds(self, hashed: int) -> bool:
        """Whether ``hashed``, whose filter bit is set, is present (pending, then runs)."""
        if hashed in self._pending:
            return True
        value = np.uint64(hashed)
        for run in self._runs:
            at = run.searchsorted(value)
            if at < run.size and run[at] == value:
                return True
        return False

    def _holds_any(self, hashes: np.ndarray) -> bool:
        """Whether any of ``hashes`` (uint64) is present."""
        index = hashes & np.uint64(self._mask)
        bits = np.frombuffer(self._filter, dtype=np.uint8)[index >> 3] >> (index & 7)
        candidates = hashes[(bits & 1).astype(bool)]
        if not self._pending.isdisjoint(candidates.tolist()):
            return True
        for run in self._runs:
            at = np.minimum(run.searchsorted(candidates), run.size - 1)
            if bool((run[at] == candidates).any()):
                return True
        return False

    def _check_hit(self, docid: str, where: str) -> None:
        """Raise unless ``docid`` only shares its hash with an earlier, different docid."""
        message = f"duplicate docid {docid!r} in {where}"
        if docid in self._collided:
            raise CorpusFormatError(message)
        if self._reread is None:
            raise CorpusFormatError(f"{message} (detected by its 64-bit hash)")
        if any(seen == docid for seen in islice(self._reread(), self._count)):
            raise CorpusFormatError(message)
        self._collided.add(docid)

    def _flush(self) -> None:
        run = np.fromiter(self._pending, dtype=np.uint64, count=len(self._pending))
        run.sort()
        self._pending.clear()
        self._push_run(run)

    def _push_run(self, run: np.ndarray) -> None:
        """Add a sorted run, merging while the last run is no larger (sizes double)."""
        while self._runs and self._runs[-1].size <= run.size:
            run = np.concatenate((self._runs.pop(), run))
            run.sort(kind="stable")  # timsort: one linear merge of the two sorted halves
        self._runs.append(run)

    def _grow(self) -> None:
        """Double the capacity until it holds every docid, and rebuild the filter."""
        while self._capacity < self._count:
            self._capacity *= 2
        self._mask = self._capacity * FILTER_BITS - 1
        self._filter = bytearray(self._capacity * FILTER_BITS // 8)
        pending = np.fromiter(self._pending, dtype=np.uint64, count=len(self._pending))
        for hashes in (*self._runs, pending):
            for start in range(0, hashes.size, _CHUNK):
                self._mark(hashes[start : start + _CHUNK])

    def _mark(self, hashes: np.ndarray) -> None:
        """Set the filter bits of ``hashes`` (uint64)."""
        index = hashes & np.uint64(self._mask)
        bits = np.left_shift(np.uint8(1), (index & 7).astype(np.uint8))
        np.bitwise_or.at(np.frombuffer(self._filter, dtype=np.uint8), index >> 3, bits)
