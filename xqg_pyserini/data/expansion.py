"""Cross-lingual doc2query for BM25: each passage followed by its generated questions.

:func:`expand_collection` writes a Pyserini JSON collection (``docsNN.jsonl``,
``{"id", "contents"}`` per line) whose ``contents`` is the passage
(``title + "\\n" + text``) followed by its selected generated questions, one per
line, for ``python -m pyserini.index.lucene -collection JsonCollection``. The
questions are chosen exactly as the xQG dense index chooses them
(:func:`~xqg_pyserini.encoders.augment.select_questions` with an
:class:`~xqg_pyserini.encoders.augment.AugmentSettings`: languages, then the
first N per language); a passage without any keeps its plain contents. Writing,
sharding, the streaming join with the generated files and its errors are
:func:`~xqg_pyserini.data.collection.export_collection`'s.

The contents mix scripts, so index and search them with a multilingual
tokenizer: :func:`lucene_commands` gives the Pyserini commands (see
docs/expansion.md).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from xqg_pyserini.data.collection import COLLECTION_SHARD_SIZE, Queries, export_collection
from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.data.export import tsv_safe

if TYPE_CHECKING:
    from xqg_pyserini.data.corpus_source import CorpusSource
    from xqg_pyserini.encoders.augment import AugmentSettings, AugmentSummary

__all__ = [
    "E5_TOKENIZER",
    "ExpansionRequest",
    "ExpansionResult",
    "expand_collection",
    "expanded_contents",
    "expansion_record",
    "lucene_commands",
]

#: The multilingual tokenizer's directory, as a shell substitution (the offline e5 model).
E5_TOKENIZER = '"$(python -m xqg_pyserini.models.e5_small)"'


def expanded_contents(passage: Passage, questions: Sequence[str]) -> str:
    """``title + "\\n" + text``, then one line per question.

    Tabs and line breaks inside a question become spaces, so each stays on its
    own line; a passage without questions keeps ``title + "\\n" + text``.
    """
    return "\n".join([passage.title, passage.text, *(tsv_safe(q) for q in questions)])


def expansion_record(passage: Passage, questions: Sequence[str]) -> str:
    """One line of the expanded collection: ``{"id", "contents"}``, ASCII-escaped JSON."""
    return (
        json.dumps({"id": passage.doc_id, "contents": expanded_contents(passage, questions)}) + "\n"
    )


@dataclass(frozen=True)
class ExpansionRequest:
    """What to expand, with which questions, and where to write it.

    Parameters
    ----------
    corpus
        The passages (see :func:`~xqg_pyserini.data.corpus_source.open_corpus`).
    generated
        Generated-question files in reading order (see
        :func:`~xqg_pyserini.data.generated.resolve_shards`).
    settings
        The languages and questions per language; the mixing fields are unused.
    output
        The collection directory to create.
    """

    corpus: CorpusSource
    generated: tuple[Path, ...]
    settings: AugmentSettings
    output: Path
    shard_size: int = COLLECTION_SHARD_SIZE
    overwrite: bool = False
    progress: bool = True


@dataclass(frozen=True)
class ExpansionResult:
    """What :func:`expand_collection` wrote.

    ``summary.passages_augmented`` counts the passages that received at least
    one question; ``summary.questions_per_language`` the questions added.
    """

    output: Path
    files: tuple[int, ...]
    """Passages per ``docsNN.jsonl`` file."""
    languages: tuple[str, ...]
    summary: AugmentSummary

    @property
    def passages(self) -> int:
        return sum(self.files)

    def format(self) -> str:
        """One line: passages written, passages expanded, questions added per language."""
        added = self.summary.questions_per_language
        per_language = ", ".join(f"{lang} {added.get(lang, 0)}" for lang in self.languages)
        return (
            f"wrote {self.passages} passages in {len(self.files)} file(s) to {self.output}; "
            f"{self.summary.passages_augmented} passages expanded; questions added: {per_language}"
        )


def expand_collection(request: ExpansionRequest) -> ExpansionResult:
    """Write the expanded collection of ``request`` (whole or not at all).

    Raises
    ------
    UnmatchedQuestionsError
        If generated questions name a docid the corpus lacks, or one docid twice.
    CorpusFormatError
        On a malformed generated or corpus line (file and line named), or a
        docid that occurs twice in the corpus.
    OutputExistsError
        If the output exists and ``overwrite`` is false, or it holds other files.
    """
    from xqg_pyserini.encoders.augment import AugmentSummary, select_questions

    summary = AugmentSummary()

    def record(passage: Passage, queries: Queries | None) -> str:
        questions = select_questions(queries, request.settings, summary)
        summary.count_passage(len(questions), queries is not None)
        return expansion_record(passage, questions)

    files = export_collection(
        request.corpus.passages(),
        request.output,
        shard_size=request.shard_size,
        total=request.corpus.count(),
        overwrite=request.overwrite,
        progress=request.progress,
        generated=request.generated,
        record=record,
    )
    return ExpansionResult(request.output, tuple(files), request.settings.languages, summary)


def lucene_commands(
    collection: Path,
    index: Path | None = None,
    topics: str = "TOPICS.tsv",
    run: str = "run.trec",
) -> list[str]:
    """The Pyserini commands that index ``collection`` and search it with BM25.

    Both sides use the multilingual e5 tokenizer (XLM-R's SentencePiece
    vocabulary): Anserini's ``-analyzeWithHuggingFaceTokenizer`` at indexing,
    ``--tokenizer`` at search (topics tokenised the same way, whitespace analyzer).
    ``index`` defaults to ``indexes/lucene-NAME`` for a collection ``.../NAME``.
    """
    index = index if index is not None else Path("indexes") / f"lucene-{collection.name}"
    build = (
        "python -m pyserini.index.lucene -collection JsonCollection "
        f"-input {shlex.quote(str(collection))} -index {shlex.quote(str(index))} "
        "-generator DefaultLuceneDocumentGenerator -threads 2 "
        f"-analyzeWithHuggingFaceTokenizer {E5_TOKENIZER}"
    )
    search = (
        f"python -m pyserini.search.lucene --index {shlex.quote(str(index))} "
        f"--topics {shlex.quote(topics)} --topics-format default --tokenizer {E5_TOKENIZER} "
        f"--bm25 --hits 100 --output {shlex.quote(run)}"
    )
    return [build, search]
