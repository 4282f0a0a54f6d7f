"""The value types of training data, shared by every source and by the trainer.

A :class:`TrainingExample` is one query with its positive and (hard) negative
passages: exactly a line of Tevatron's JSONL training format::

    {"query_id": "q1", "query": "...", "answers": ["..."],
     "positive_passages": [{"docid": "7", "title": "...", "text": "..."}],
     "negative_passages": [{"docid": "9", "title": "...", "text": "..."}, ...]}

A :class:`ParallelQuestion` is one question with its English version, for
distillation (Reimers and Gurevych, 2020); its JSONL line is::

    {"query_id": "q1", "language": "ja", "query": "...", "query_en": "..."}
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["ParallelQuestion", "TrainingExample", "TrainingPassage"]


class TrainingPassage(NamedTuple):
    """A passage as training reads it: the model sees ``title + " " + text``."""

    docid: str
    title: str
    text: str


class TrainingExample(NamedTuple):
    """One training query: at least one positive; negatives may be empty."""

    query_id: str
    query: str
    positives: tuple[TrainingPassage, ...]
    negatives: tuple[TrainingPassage, ...] = ()
    answers: tuple[str, ...] = ()


class ParallelQuestion(NamedTuple):
    """A non-English question and its English version (same meaning)."""

    query_id: str
    language: str
    query: str
    query_en: str
