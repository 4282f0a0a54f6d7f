"""Merge the shards of one sharded build back into one index, in corpus order.

Shard ``id`` of ``num`` holds corpus positions ``id, id + num, ...`` (see
:mod:`xqg_pyserini.data.shard`), so merged row ``i`` is row ``i // num`` of
shard ``i % num``. The shards must be one complete set: the same ``build_key``
(which leaves the shard out), the same ``num``, each id once, the same
dimension and index type, and sizes that fit one corpus. Vectors are
reconstructed from each shard's FAISS index and added to a fresh index of the
same factory string; an index type that needs training (IVF, PQ) is trained on
the merged vectors. Rules: docs/formats.md, "Sharding and merging".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from xqg_pyserini.errors import OutputExistsError, XqgError
from xqg_pyserini.indexes.metadata import IndexMetadata, read_metadata

__all__ = ["ShardSetError", "check_shards", "merge_shards"]


class ShardSetError(XqgError, ValueError):
    """The directories given are not one complete, consistent set of shards."""


def check_shards(shards: Sequence[tuple[Path, IndexMetadata]]) -> list[Path]:
    """The shard directories ordered by shard id, after checking they form one set.

    Raises
    ------
    ShardSetError
        Naming the offending directory and what differs.
    """
    if not shards:
        raise ShardSetError("no shard directories given")
    first_dir, first = shards[0]
    for directory, meta in shards:
        if meta.shard is None:
            raise ShardSetError(f"{directory}: not a shard (built without --shard-num)")
    num = first.shard["num"]  # type: ignore[index]
    by_id: dict[int, Path] = {}
    for directory, meta in shards:
        shard: dict[str, int] = meta.shard  # type: ignore[assignment]
        _check_same(directory, meta, first_dir, first)
        if shard["num"] != num:
            raise ShardSetError(f"{directory}: shard-num {shard['num']} vs {num} in {first_dir}")
        if shard["id"] in by_id:
            raise ShardSetError(
                f"{directory}: shard {shard['id']} given twice (also {by_id[shard['id']]})"
            )
        by_id[shard["id"]] = directory
    missing = [str(i) for i in range(num) if i not in by_id]
    if missing:
        raise ShardSetError(f"shard(s) {', '.join(missing)} of {num} missing")
    ordered = [by_id[i] for i in range(num)]
    sizes = {d: m.num_docs for d, m in shards}
    total = sum(sizes.values())
    for shard_id, directory in enumerate(ordered):
        expected = (total - shard_id + num - 1) // num
        if sizes[directory] != expected:
            raise ShardSetError(
                f"{directory}: {sizes[directory]} passages, expected {expected} for shard "
                f"{shard_id} of {num} with {total} in all (an incomplete or foreign shard?)"
            )
    return ordered


def _check_same(
    directory: Path, meta: IndexMetadata, first_dir: Path, first: IndexMetadata
) -> None:
    if meta.dimension != first.dimension:
        raise ShardSetError(
            f"{directory}: dimension {meta.dimension} vs {first.dimension} in {first_dir}"
        )
    if meta.index_type != first.index_type:
        raise ShardSetError(
            f"{directory}: index type {meta.index_type!r} vs {first.index_type!r} in {first_dir}"
        )
    if meta.build_key != first.build_key:
        keys = sorted(set(meta.build_key) | set(first.build_key))
        differ = [k for k in keys if meta.build_key.get(k) != first.build_key.get(k)]
        raise ShardSetError(
            f"{directory}: built from different inputs than {first_dir} "
            f"(build key differs in {', '.join(differ)})"
        )


def _read_vectors(directory: Path) -> tuple[np.ndarray, list[str]]:
    """float32 ``(n, dim)`` vectors and docids of one index directory."""
    import faiss

    index = faiss.read_index(str(directory / "index"))
    try:
        vectors = index.reconstruct_n(0, index.ntotal)
    except RuntimeError:  # IVF: reconstruction needs the direct map
        faiss.extract_index_ivf(index).make_direct_map()
        vectors = index.reconstruct_n(0, index.ntotal)
    docids = (directory / "docid").read_text("utf-8").splitlines()
    if len(docids) != index.ntotal:
        raise ShardSetError(f"{directory}: {index.ntotal} vectors but {len(docids)} docids")
    return np.asarray(vectors, dtype=np.float32), docids


def _sum_counts(records: list[Any]) -> Any:
    """Element-wise sum of equally shaped count records (ints and dicts of them)."""
    if isinstance(records[0], dict):
        keys = {k: None for r in records for k in r}
        return {k: _sum_counts([r.get(k, 0) for r in records]) for k in keys}
    return sum(records)


def _merged_augmentation(metas: list[IndexMetadata]) -> dict[str, Any] | None:
    if metas[0].augmentation is None:
        return None
    records = [m.augmentation or {} for m in metas]
    joins = sorted({r.get("join") for r in records})
    merged = {**records[0], "summary": _sum_counts([r["summary"] for r in records])}
    merged["join"] = joins[0] if len(joins) == 1 else "indexed" if "indexed" in joins else joins[0]
    return merged


def merge_shards(
    shard_dirs: Sequence[Path],
    output: Path,
    overwrite: bool = False,
    command: Sequence[str] = (),
    index_type: str | None = None,
) -> IndexMetadata:
    """Merge ``shard_dirs`` (any order) into the index directory ``output``.

    ``index_type`` (a FAISS factory string) converts the merged vectors, e.g.
    Flat shards into ``IVF65536,PQ64``, trained on the merged set; by default
    the shards' own type is kept.

    Raises
    ------
    ShardSetError
        If the shards are not one complete set (see :func:`check_shards`).
    OutputExistsError
        If ``output`` exists and ``overwrite`` is not set.
    """
    from xqg_pyserini.atomic import build_lock
    from xqg_pyserini.indexes.writer import FaissIndexWriter

    shards = [(Path(d), read_metadata(Path(d))) for d in shard_dirs]
    ordered = check_shards(shards)
    metas = {d: m for d, m in shards}
    first = metas[ordered[0]]
    num = len(ordered)
    total = sum(m.num_docs for m in metas.values())
    vectors = np.empty((total, first.dimension), dtype=np.float32)
    docids: list[str] = [""] * total
    for shard_id, directory in enumerate(ordered):
        rows, ids = _read_vectors(directory)
        if rows.shape[1] != first.dimension:
            raise ShardSetError(
                f"{directory}: index dimension {rows.shape[1]} vs {first.dimension}"
            )
        vectors[shard_id::num] = rows
        docids[shard_id::num] = ids
    with build_lock(output, remove=True):
        if output.exists() and not overwrite:
            raise OutputExistsError(f"{output} exists; pass --overwrite to replace it")
        target_type = index_type or first.index_type
        writer = FaissIndexWriter(output, first.dimension, target_type, overwrite=overwrite)
        with writer:
            if not writer.index.is_trained:
                writer.index.train(vectors)
            writer.add(docids, vectors)
            writer.metadata = replace(
                first,
                num_docs=total,
                shard=None,
                index_type=target_type,
                build_key={**first.build_key, "index_type": target_type},
                augmentation=_merged_augmentation([metas[d] for d in ordered]),
                command=list(command),
            )
    return writer.metadata
