"""The ablation's search: questions encoded once, every index searched, TREC runs written.

Each run is what ``python -m pyserini.search.faiss --encoder-class xqg`` writes
for the index (its recorded encoder settings, query length included) (exact inner product over
``Flat``; ``qid Q0 docid rank score Faiss`` lines, scores to six decimals), but
the questions are encoded once for all indexes instead of once per search.
``runs.json`` beside the runs records what each was made from (the index's
``build_key`` and creation time, the dataset, the depth), so a re-run only
searches again where something changed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from xqg_pyserini.errors import XqgError

if TYPE_CHECKING:
    from xqg_pyserini.encoders.transformer import TransformerEncoder
    from xqg_pyserini.indexes.metadata import IndexMetadata

__all__ = [
    "RUN_TAG",
    "encode_questions",
    "open_index",
    "read_questions",
    "search_all",
    "write_trec_run",
]

RUN_TAG = "Faiss"  # the tag pyserini.search.faiss writes
MANIFEST = "runs.json"


def read_questions(dataset: str) -> list[tuple[str, str]]:
    """``(qid, question)`` of an ir_datasets id, in the dataset's order.

    Raises
    ------
    DatasetError
        If the id is unknown or the dataset has no questions.
    """
    from xqg_pyserini.data.export import dataset_queries, resolve_dataset

    loaded, _ = resolve_dataset(dataset)
    return [(str(q.query_id), q.text) for q in dataset_queries(loaded, dataset)]


def encode_questions(
    encoder: TransformerEncoder, questions: Sequence[str], batch_size: int, progress: bool = True
) -> np.ndarray:
    """Query vectors, float32 ``(len(questions), dim)``, in batches sorted by length.

    A batch holds as many padded tokens as ``batch_size`` passages, as in an xQG
    build (:func:`~xqg_pyserini.encoders.batching.max_padded_question_tokens`).
    """
    from xqg_pyserini.encoders.batching import encode_query_batches, max_padded_question_tokens
    from xqg_pyserini.progress import progress_bar

    tokens = max_padded_question_tokens(encoder.settings, batch_size)
    vectors = np.empty((len(questions), encoder.dimension), dtype=np.float32)
    bar = progress_bar(
        total=len(questions), unit="question", desc="encoding questions", enabled=progress
    )
    with bar:
        for rows, batch in encode_query_batches(encoder, questions, tokens):
            vectors[rows] = batch
            bar.update(len(rows))
    return vectors


def write_trec_run(
    path: Path, qids: Sequence[str], docids: Sequence[str], scores: np.ndarray, rows: np.ndarray
) -> None:
    """Write FAISS results (``scores``/``rows`` ``(n_questions, hits)``) as a TREC run.

    Rows of -1 (fewer passages than hits) are left out, as Pyserini does.
    """
    from xqg_pyserini.atomic import atomic_file

    with atomic_file(path) as handle:
        for qid, row_scores, row_ids in zip(qids, scores, rows, strict=True):
            rank = 1
            for score, row in zip(row_scores, row_ids, strict=True):
                if row < 0:
                    continue
                handle.write(f"{qid} Q0 {docids[row]} {rank} {score:.6f} {RUN_TAG}\n")
                rank += 1


def open_index(index_dir: Path) -> tuple[Any, list[str]]:
    """The FAISS index of ``index_dir`` and its docids (row ``i`` is ``docids[i]``).

    Raises
    ------
    XqgError
        If the docid file and the index disagree on the number of passages.
    """
    import faiss

    index = faiss.read_index(str(index_dir / "index"))
    docids = (index_dir / "docid").read_text("utf-8").splitlines()
    if len(docids) != index.ntotal:
        raise XqgError(f"{index_dir}: {len(docids)} docids but {index.ntotal} vectors")
    return index, docids


def _search(
    index_dir: Path, queries: np.ndarray, hits: int
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    index, docids = open_index(index_dir)
    scores, rows = index.search(np.ascontiguousarray(queries, dtype=np.float32), hits)
    return scores, rows, docids


def _run_key(meta: IndexMetadata, dataset: str, hits: int) -> dict[str, Any]:
    return {"index": meta.build_key, "created": meta.created, "dataset": dataset, "hits": hits}


def search_all(
    indexes: Mapping[str, tuple[Path, IndexMetadata]],
    dataset: str,
    encoder: TransformerEncoder,
    output: Path,
    *,
    hits: int = 100,
    batch_size: int = 32,
    progress: bool = True,
) -> dict[str, Path]:
    """Search every index with the dataset's questions; returns ``{name: run file}``.

    Runs whose ``runs.json`` entry matches are kept; the questions are encoded
    only when some run must be made.
    """
    from xqg_pyserini.atomic import atomic_file

    if hits < 1:
        raise ValueError(f"--hits must be at least 1, got {hits}")
    manifest_path = output / MANIFEST
    manifest: dict[str, Any] = {}
    if manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text("utf-8"))
    runs = {name: output / f"{name}.trec" for name in indexes}
    stale = [
        name
        for name, (_, meta) in indexes.items()
        if not runs[name].is_file() or manifest.get(name) != _run_key(meta, dataset, hits)
    ]
    if stale:
        questions = read_questions(dataset)
        vectors = encode_questions(encoder, [q for _, q in questions], batch_size, progress)
        qids = [qid for qid, _ in questions]
        for name in stale:
            directory, meta = indexes[name]
            scores, rows, docids = _search(directory, vectors, hits)
            write_trec_run(runs[name], qids, docids, scores, rows)
            manifest[name] = _run_key(meta, dataset, hits)
            with atomic_file(manifest_path) as handle:
                handle.write(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return runs
