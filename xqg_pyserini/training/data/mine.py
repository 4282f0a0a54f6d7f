"""Training data mined from a run: questions, their positives, and hard negatives.

For every question of an ir_datasets split (queries plus qrels, or queries with
answers), the positives are

* its qrels-relevant passages (relevance > 0), when the dataset has qrels;
* else the passages among the run's top ``depth`` that contain one of its
  answers (DPR's convention), matched as the evaluation matches them
  (:func:`xqg_pyserini.eval.answer_metrics.answer_qrels`: a case-sensitive
  substring of the passage text, "yes"/"no" dropped).

The hard negatives are drawn from the run's top ``depth`` after skipping the
first ``skip_top`` (likely unjudged positives): never a positive, never a
qrels-relevant passage, never a passage that contains an answer. When more
candidates remain than asked for, ``negatives`` of them are sampled with a
generator seeded by ``seed`` and the question id (so a question's negatives do
not depend on the other questions), and kept in rank order. A question without
any positive is skipped and counted. Passage titles and texts come from the
dataset's docstore, a chunk of questions at a time.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

from xqg_pyserini.errors import DatasetError
from xqg_pyserini.eval.run_file import RunFormatError
from xqg_pyserini.training.data.files import check_output
from xqg_pyserini.training.data.tevatron import write_tevatron
from xqg_pyserini.training.examples import TrainingExample, TrainingPassage

__all__ = ["MineRequest", "MineSummary", "mine_examples", "mine_training_data", "sample_negatives"]

# Questions whose passages are fetched from the docstore together.
_CHUNK = 256


@dataclass(frozen=True)
class MineRequest:
    """What to mine: an ir_datasets split, a TREC run of it, and where the JSONL goes.

    Parameters
    ----------
    dataset
        An ir_datasets id with queries and qrels, or queries with answers.
    run
        A TREC run of those queries over the dataset's corpus.
    output
        The Tevatron JSONL file to write (gzipped if it ends in ``.gz``).
    depth
        Only the run's top ``depth`` passages of a question are looked at.
    negatives
        Hard negatives kept per question (fewer when fewer candidates remain).
    seed
        Seeds the sampling of negatives among the candidates.
    skip_top
        The first ``skip_top`` passages of a ranking are never negatives.
    overwrite
        Replace an existing output.
    progress
        Show a progress bar.
    """

    dataset: str
    run: Path
    output: Path
    depth: int = 100
    negatives: int = 30
    seed: int = 42
    skip_top: int = 0
    overwrite: bool = False
    progress: bool = True

    def __post_init__(self) -> None:
        if self.depth < 1:
            raise ValueError(f"depth must be at least 1, got {self.depth}")
        if self.negatives < 0:
            raise ValueError(f"negatives must be 0 or more, got {self.negatives}")
        if not 0 <= self.skip_top < self.depth:
            raise ValueError(
                f"skip-top must be in [0, depth) = [0, {self.depth}), got {self.skip_top}"
            )
        object.__setattr__(self, "run", Path(self.run))
        object.__setattr__(self, "output", Path(self.output))


@dataclass
class MineSummary:
    """Counts of one mining pass."""

    dataset: str
    positives_from: str = "qrels"
    """``qrels`` or ``answers``."""
    questions: int = 0
    written: int = 0
    skipped_no_positive: int = 0
    not_in_run: int = 0
    """Questions the run does not rank (written with no negative if they have a positive)."""
    short_of_negatives: int = 0
    """Written questions with fewer negatives than asked for."""

    def format(self, output: Path | None = None) -> str:
        """One line for the terminal."""
        where = f" into {output}" if output is not None else ""
        return (
            f"mined {self.questions} questions of {self.dataset}{where}: {self.written} written, "
            f"{self.skipped_no_positive} skipped (no positive), {self.not_in_run} not in the "
            f"run, {self.short_of_negatives} with fewer negatives than asked "
            f"(positives from {self.positives_from})"
        )


def sample_negatives(candidates: Sequence[str], count: int, seed: int, query_id: str) -> list[str]:
    """``count`` of ``candidates`` (all if fewer), drawn with a (seed, query id) generator.

    The result keeps the candidates' (rank) order.
    """
    if len(candidates) <= count:
        return list(candidates)
    rng = random.Random(f"{seed}/{query_id}")
    return [candidates[i] for i in sorted(rng.sample(range(len(candidates)), count))]


# ------------------------------------------------------------------------------ inputs


def _query_text(query: Any) -> str:
    text = getattr(query, "text", None)
    return text if isinstance(text, str) else query.default_text()


def _load(dataset_id: str) -> tuple[Any, list[Any], dict[str, dict[str, int]] | None]:
    from xqg_pyserini.irds.load import load_dataset

    dataset = load_dataset(dataset_id)
    if not dataset.has_queries():
        raise DatasetError(f"dataset {dataset_id!r} has no queries to mine training data for")
    if not dataset.has_docs():
        raise DatasetError(f"dataset {dataset_id!r} has no passages (docs)")
    queries = list(dataset.queries_iter())
    qrels = None
    if dataset.has_qrels():
        qrels = {}
        for qrel in dataset.qrels_iter():
            qrels.setdefault(qrel.query_id, {})[qrel.doc_id] = int(qrel.relevance)
    elif not any(getattr(q, "answers", ()) for q in queries):
        raise DatasetError(
            f"dataset {dataset_id!r} has neither qrels nor answers: nothing says "
            "which passages are positive"
        )
    return dataset, queries, qrels


def _rankings(run: Path, query_ids: set[str], depth: int, dataset_id: str) -> dict[str, list[str]]:
    from xqg_pyserini.eval.run_file import read_trec_run

    hits = read_trec_run(run)
    for qid in hits:
        if qid not in query_ids:
            raise RunFormatError(
                f"{run}: question {qid!r} is not a query of {dataset_id} "
                "(a run of another dataset?)"
            )
    return {
        qid: [hit.doc_id for hit in sorted(ranked, key=attrgetter("rank"))[:depth]]
        for qid, ranked in hits.items()
    }


# ------------------------------------------------------------------------------ mining


@dataclass
class _Context:
    request: MineRequest
    docstore: Any
    qrels: dict[str, dict[str, int]] | None
    rankings: dict[str, list[str]]
    summary: MineSummary


def _fetch(ctx: _Context, chunk: list[Any]) -> dict[str, TrainingPassage]:
    wanted: set[str] = set()
    for query in chunk:
        wanted.update(ctx.rankings.get(query.query_id, ()))
        if ctx.qrels is not None:
            wanted.update(ctx.qrels.get(query.query_id, {}))
    docs = ctx.docstore.get_many(wanted)
    for query in chunk:
        qid = query.query_id
        for docid, relevance in (ctx.qrels or {}).get(qid, {}).items():
            if docid not in docs and relevance > 0:
                raise DatasetError(
                    f"{ctx.request.dataset}: qrels of query {qid!r} judge docid {docid!r} "
                    "relevant, but it is not in the corpus"
                )
        for docid in ctx.rankings.get(qid, ()):
            if docid not in docs:
                raise RunFormatError(
                    f"{ctx.request.run}: docid {docid!r} (question {qid!r}) is not in the "
                    f"corpus of {ctx.request.dataset}"
                )
    return {
        docid: TrainingPassage(docid, getattr(doc, "title", "") or "", doc.text)
        for docid, doc in docs.items()
    }


def _with_answers(
    chunk: list[Any], ranking_of: dict[str, list[str]], passages: dict[str, TrainingPassage]
) -> dict[str, dict[str, int]]:
    """``{qid: {docid: 1}}`` for the ranked passages holding an answer (the evaluation's test)."""
    from xqg_pyserini.eval.answer_metrics import answer_qrels

    answers = {q.query_id: list(getattr(q, "answers", ()) or ()) for q in chunk}
    texts = {docid: p.text for docid, p in passages.items()}
    return answer_qrels(ranking_of, texts, answers)


def _example(
    ctx: _Context, query: Any, holding: dict[str, int], passages: dict[str, TrainingPassage]
) -> TrainingExample | None:
    qid, request = query.query_id, ctx.request
    ranking = ctx.rankings.get(qid, [])
    if ctx.qrels is not None:
        relevant = [d for d, rel in ctx.qrels.get(qid, {}).items() if rel > 0]
    else:
        relevant = [d for d in ranking if d in holding]
    if not relevant:
        return None
    excluded = set(relevant) | set(holding)
    candidates = [d for d in ranking[request.skip_top :] if d not in excluded]
    negatives = sample_negatives(candidates, request.negatives, request.seed, qid)
    ctx.summary.short_of_negatives += len(negatives) < request.negatives
    return TrainingExample(
        qid,
        _query_text(query),
        tuple(passages[d] for d in relevant),
        tuple(passages[d] for d in negatives),
        tuple(getattr(query, "answers", ()) or ()),
    )


def _mine_chunk(ctx: _Context, chunk: list[Any]) -> Iterator[TrainingExample]:
    passages = _fetch(ctx, chunk)
    ranking_of = {q.query_id: ctx.rankings.get(q.query_id, []) for q in chunk}
    holding = _with_answers(chunk, ranking_of, passages)
    for query in chunk:
        example = _example(ctx, query, holding.get(query.query_id, {}), passages)
        if example is None:
            ctx.summary.skipped_no_positive += 1
        else:
            ctx.summary.written += 1
            yield example


def mine_examples(
    request: MineRequest, summary: MineSummary | None = None
) -> Iterator[TrainingExample]:
    """The training examples of ``request.dataset``, in query order; counts go to ``summary``.

    Raises
    ------
    DatasetError
        For an unknown id, a dataset without queries, docs, or both qrels and
        answers, or a qrels-relevant docid that is not in the corpus.
    RunFormatError
        For a malformed run, a run question that is not a query of the dataset,
        or a ranked docid (within ``depth``) that is not in the corpus.
    """
    from xqg_pyserini.progress import progress_bar

    dataset, queries, qrels = _load(request.dataset)
    summary = summary if summary is not None else MineSummary(request.dataset)
    summary.positives_from = "qrels" if qrels is not None else "answers"
    rankings = _rankings(request.run, {q.query_id for q in queries}, request.depth, request.dataset)
    summary.questions = len(queries)
    summary.not_in_run = sum(q.query_id not in rankings for q in queries)
    ctx = _Context(request, dataset.docs_store(), qrels, rankings, summary)
    with progress_bar(
        total=len(queries), unit="question", desc="mining", enabled=request.progress
    ) as bar:
        for start in range(0, len(queries), _CHUNK):
            chunk = queries[start : start + _CHUNK]
            yield from _mine_chunk(ctx, chunk)
            bar.update(len(chunk))


def mine_training_data(request: MineRequest) -> MineSummary:
    """Mine ``request`` and write the examples to ``request.output`` (atomically).

    Raises
    ------
    OutputExistsError
        If the output exists and ``request.overwrite`` is false (checked first).
    DatasetError, RunFormatError
        As :func:`mine_examples`; nothing is written then.
    """
    check_output(request.output, overwrite=request.overwrite)
    summary = MineSummary(request.dataset)
    write_tevatron(mine_examples(request, summary), request.output, overwrite=request.overwrite)
    return summary
