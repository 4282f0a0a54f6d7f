"""Our collections in ir_datasets ("irds"): registrations, and loading ids.

Ids: ``xor-tydi/retrieve`` (docs), ``xor-tydi/retrieve/{train,dev,test}`` (docs +
queries), ``xqg-demo`` (docs), ``xqg-demo/{train,dev}`` (docs + queries + qrels),
``xquad`` (docs), ``xquad/{lang}`` (docs + queries + qrels), and both again with
``/distractors`` (``xquad/distractors``, ``xquad/{lang}/distractors``), ``xquad-all`` and
``xquad-all/distractors`` (every language's questions, ids ``{lang}-{XQuAD id}``),
``tydiqa-goldp/{train,dev}/{lang}`` (docs + queries + qrels, one language each),
``mkqa/{lang}`` (XOR-Retrieve's docs + MKQA's queries in 26 languages, no qrels).
One module per collection (:mod:`.xor_tydi`, :mod:`.xqg_demo`, :mod:`.xquad`, :mod:`.tydiqa`,
:mod:`.mkqa`),
the ir_datasets components they share (:mod:`.components`), where the published files come from
(:mod:`.sources`) and :func:`~xqg_pyserini.irds.load.load_dataset` (:mod:`.load`).
The file readers and record types they use live in :mod:`xqg_pyserini.data.formats`
and :mod:`xqg_pyserini.data.records`.

Importing this package neither imports ir_datasets nor registers anything;
:func:`register` does both, and is safe to call from an import hook that runs
right after the ``ir_datasets`` module has executed.
"""

from __future__ import annotations

import threading
import warnings

__all__ = ["dataset_ids", "register"]

_lock = threading.RLock()
_registered_into: object | None = None  # the ir_datasets registry we filled
_in_progress = False


def dataset_ids() -> tuple[str, ...]:
    """Every id :func:`register` adds, in registration order."""
    from xqg_pyserini.irds import mkqa, tydiqa, xor_tydi, xqg_demo, xquad

    return (
        *xor_tydi.DATASET_IDS,
        *xqg_demo.DATASET_IDS,
        *xquad.DATASET_IDS,
        *tydiqa.DATASET_IDS,
        *mkqa.DATASET_IDS,
    )


def register() -> None:
    """Add our datasets to ``ir_datasets.registry`` (idempotent, thread-safe).

    Registration reads no file and opens no connection. An id that something
    else registered first is left alone, with a warning. A call made while a
    registration is under way in the same thread (e.g. from an import hook
    fired by our own ``import ir_datasets``) returns at once.
    """
    global _registered_into, _in_progress
    with _lock:
        if _in_progress:
            return
        _in_progress = True
        try:
            import ir_datasets

            if _registered_into is ir_datasets.registry:
                return
            _register_all(ir_datasets.registry)
            _registered_into = ir_datasets.registry
        finally:
            _in_progress = False


def _register_all(registry: object) -> None:
    from xqg_pyserini.irds import mkqa, tydiqa, xor_tydi, xqg_demo, xquad

    existing = set(registry)  # type: ignore[call-overload]
    for module in (xor_tydi, xqg_demo, xquad, tydiqa, mkqa):
        for dataset_id, dataset in module.datasets().items():
            if dataset_id in existing:
                if not getattr(registry[dataset_id], "xqg_pyserini_dataset", False):  # type: ignore[index]
                    warnings.warn(
                        f"ir_datasets already has {dataset_id!r}; xqg_pyserini leaves it as is",
                        RuntimeWarning,
                        stacklevel=3,
                    )
                continue
            registry.register(dataset_id, dataset)  # type: ignore[attr-defined]
