"""The xQG step of an index build: passages joined with their generated questions, mixed in.

:class:`AugmentedChunks` is the per-chunk step of
:func:`~xqg_pyserini.indexes.encoding.encode_corpus` for augmented requests:
it joins each window of the corpus with its questions
(:class:`~xqg_pyserini.data.generated_join.GeneratedJoin`) and mixes e'(p) for
every request at once (:class:`~xqg_pyserini.encoders.augment.PassageAugmenter`,
one variant per request, each question encoded once). Passages a resumed build
skips are counted but not encoded, so each summary is that of a whole build.
:func:`augmentation_record` is the ``augmentation`` entry of ``metadata.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from xqg_pyserini.data.corpus_source import CorpusSource
    from xqg_pyserini.encoders.augment import AugmentSummary, QuestionEncoder
    from xqg_pyserini.indexes.encoding import Window
    from xqg_pyserini.indexes.progress import BuildProgress
    from xqg_pyserini.indexes.request import AugmentRequest, BuildRequest

__all__ = ["AugmentedChunks", "augmentation_record"]


def _augment(request: BuildRequest) -> AugmentRequest:
    if request.augment is None:
        raise ValueError(f"{request.output}: an augmented build needs a request with augment set")
    return request.augment


class AugmentedChunks:
    """Joins and mixes each window for ``requests``, which share one pass (one per output).

    A context manager (the join's on-disk index, when needed, lives beside the
    first output until the end); call it per window, then :meth:`records`.
    """

    def __init__(self, encoder: QuestionEncoder, requests: Sequence[BuildRequest]) -> None:
        from xqg_pyserini.data.generated_join import GeneratedJoin
        from xqg_pyserini.encoders.augment import PassageAugmenter
        from xqg_pyserini.encoders.batching import max_padded_question_tokens

        self.requests = list(requests)
        first = self.requests[0]
        settings = [_augment(request).settings for request in self.requests]
        tokens = max_padded_question_tokens(first.settings, first.batch_size)
        self.augmenter = PassageAugmenter(encoder, settings, tokens)
        self.join = GeneratedJoin(_augment(first).generated, first.output)
        self.progress: BuildProgress | None = None

    def question_total(self) -> int:
        """Questions in the generated files this pass would encode for a whole corpus."""
        from xqg_pyserini.data.generated import count_questions

        augment = _augment(self.requests[0])
        return count_questions(
            augment.generated, augment.settings.languages, self.augmenter.max_per_language
        )

    def follow(self, progress: BuildProgress) -> None:
        """Report each encoded question batch, and the questions not encoded, to ``progress``."""
        self.progress = progress
        self.augmenter.on_encoded = progress.questions_encoded

    def __enter__(self) -> AugmentedChunks:
        self.join.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.join.__exit__(*exc_info)

    def __call__(self, window: Window, vectors: np.ndarray) -> list[np.ndarray]:
        """e'(p) of ``window.chunk`` (``vectors``: e(p), float32 (n, dim)) for every request."""
        docids = [p.doc_id for p in window.passed]
        queries = dict(zip(docids, self.join.take(docids), strict=True))  # all: stay in step
        self.augmenter.count([queries[p.doc_id] for p in window.skipped])
        if self.progress is not None and len(window.chunk) < len(window.passed):
            mine = {p.doc_id for p in window.chunk}
            elsewhere = [queries[d] for d in docids if d not in mine]
            self.progress.questions_elsewhere(self.augmenter.questions_to_encode(elsewhere))
        if not window.chunk:
            return [vectors for _ in self.requests]
        return self.augmenter.augment_variants(vectors, [queries[p.doc_id] for p in window.chunk])

    def records(self, corpus: CorpusSource) -> list[dict[str, Any]]:
        """Check that every generated record was used; each request's ``augmentation`` entry.

        Raises
        ------
        UnmatchedQuestionsError
            If a generated record's docid is not in the corpus, or occurs twice.
        """
        self.join.finish(lambda doc_id: bool(corpus.lookup([doc_id])))
        return [
            augmentation_record(request, self.join.mode, summary)
            for request, summary in zip(self.requests, self.augmenter.summaries, strict=True)
        ]


def augmentation_record(
    request: BuildRequest, join_mode: str, summary: AugmentSummary
) -> dict[str, Any]:
    """``metadata.json``'s ``augmentation``: settings, files, join mode, counts, e(p)'s source."""
    augment = _augment(request)
    return {
        **augment.settings.to_dict(),
        "generated_queries": [str(path) for path in augment.generated],
        "join": join_mode,
        "summary": summary.to_dict(),
        "passage_vectors": _passage_vectors_record(request.passage_vectors_from),
    }


def _passage_vectors_record(directory: Path | None) -> dict[str, str]:
    """Where e(p) came from."""
    if directory is None:
        return {"source": "encoded"}
    return {"source": "index", "index": str(Path(directory).resolve())}
