"""Each query's passages for one epoch, drawn as Tevatron's trainer draws them.

For query ``index`` in epoch ``epoch`` (``h = hash(index + seed)``):

* the positive is ``positives[(h + epoch) % len(positives)]``;
* with at least ``n - 1`` negatives, the negatives are shuffled with
  ``random.Random(h)`` (the same order every epoch), doubled, and the window of
  ``n - 1`` starting at ``epoch * (n - 1) % len(negatives)`` is taken, so each
  epoch moves on through the list;
* with fewer, ``n - 1`` are drawn with replacement. Tevatron draws these from
  Python's global generator; here they come from ``random.Random(h + epoch)``,
  so that a resumed run draws the same ones.

Passages are read as ``title + " " + text`` by the embedding function.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from xqg_pyserini.errors import XqgError
from xqg_pyserini.training.examples import TrainingExample, TrainingPassage

__all__ = ["GroupSampler", "TrainingDataError"]


class TrainingDataError(XqgError, ValueError):
    """Training data the recipe cannot use (no positives, too few queries, ...)."""


class GroupSampler:
    """The ``(query, passages)`` of every training query, per epoch.

    Parameters
    ----------
    examples : sequence of TrainingExample
        The training queries; each needs a positive, and hard negatives when
        ``n_passages > 1``.
    n_passages : int
        Passages per query: one positive and ``n_passages - 1`` negatives.
    seed : int
        Tevatron's ``--seed``: fixes which positive and negatives each epoch sees.
    """

    def __init__(self, examples: Sequence[TrainingExample], n_passages: int, seed: int) -> None:
        if n_passages < 1:
            raise TrainingDataError(f"--train-n-passages must be at least 1, got {n_passages}")
        for example in examples:
            if not example.positives:
                raise TrainingDataError(
                    f"query {example.query_id!r} has no positive passage; "
                    "every training query needs one"
                )
            if n_passages > 1 and not example.negatives:
                raise TrainingDataError(
                    f"query {example.query_id!r} has no negative passages, but "
                    f"--train-n-passages {n_passages} needs {n_passages - 1} per query: mine "
                    "hard negatives (python -m xqg_pyserini.train mine) or use "
                    "--train-n-passages 1 (in-batch negatives only)"
                )
        self.examples = list(examples)
        self.n_passages = n_passages
        self.seed = seed

    def __len__(self) -> int:
        return len(self.examples)

    def group(self, index: int, epoch: int) -> tuple[str, list[TrainingPassage]]:
        """The query text and its ``n_passages`` passages, positive first."""
        example = self.examples[index]
        hashed = hash(index + self.seed)
        positives = example.positives
        passages = [positives[(hashed + epoch) % len(positives)]]
        wanted = self.n_passages - 1
        negatives = list(example.negatives)
        if wanted == 0:
            pass
        elif len(negatives) < wanted:
            passages += random.Random(hashed + epoch).choices(negatives, k=wanted)
        else:
            random.Random(hashed).shuffle(negatives)
            offset = epoch * wanted % len(negatives)
            passages += (negatives * 2)[offset : offset + wanted]
        return example.query, passages
