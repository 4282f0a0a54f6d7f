"""Every writer's round trip (Hypothesis): what a writer writes, its reader reads back equal.

Writers and readers of one format: generated questions (``GeneratedQueriesWriter``
and the resume scan), TREC runs (fusion's and the ablation's writers), topics
(``export_topics``), Pyserini JSON collections (``export_collection`` read by
the JSONL corpus reader), Tevatron training data and parallel questions.
Records are drawn with odd characters (line breaks, tabs, quotes, byte-order
marks, other scripts); where a writer checks its input (generated questions,
topics), it may refuse a record, but only one that breaks the format's rules,
and then writes nothing of it. Same settings as tests/test_fuzz_readers.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import fuzz_settings, valid_id
from xqg_pyserini.ablation.search import write_trec_run as write_ablation_run
from xqg_pyserini.data.collection import export_collection
from xqg_pyserini.data.corpus import Passage, read_jsonl_corpus
from xqg_pyserini.data.export import export_topics, tsv_safe
from xqg_pyserini.data.generated import (
    GeneratedQueries,
    GeneratedQueriesWriter,
    completed_doc_ids,
    read_generated_queries,
)
from xqg_pyserini.data.topics import read_topics_tsv
from xqg_pyserini.errors import DatasetError
from xqg_pyserini.eval.run_file import Hit, read_trec_run
from xqg_pyserini.fusion.runs import write_trec_run as write_fused_run
from xqg_pyserini.languages import LANGUAGE_NAMES
from xqg_pyserini.training.data.parallel import read_parallel_questions, write_parallel_questions
from xqg_pyserini.training.data.tevatron import read_tevatron, write_tevatron
from xqg_pyserini.training.examples import ParallelQuestion, TrainingExample, TrainingPassage

ID_CHARS = st.characters(
    exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), exclude_characters="\ufeff"
)
IDS = st.sampled_from(["q1", "d1", "7", "-12", "ar-1"]) | st.text(ID_CHARS, min_size=1, max_size=6)
ODD = st.sampled_from(["", " ", "\t", "\n", "\r\n", "\r", "\x00", "\ufeff", '"', "\u2028", "\x85"])
TEXT = st.lists(ODD | st.text(max_size=5), max_size=4).map("".join)
# Anything a caller could pass, surrogates and every control character included.
ANY_TEXT = (
    st.text(st.characters(codec=None, categories=("L", "N", "P", "S", "Z", "C")), max_size=6) | ODD
)
LANGS = st.sampled_from(["ar", "bn", "ja", "en", "zh-Hans"])
SCORES = st.floats(allow_nan=False, allow_infinity=False)
LANGUAGE = re.compile(r"[A-Za-z0-9_-]+")  # the rule, apart from the readers'


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("round-trips")


def fresh(path: Path) -> Path:
    if path.is_dir():
        shutil.rmtree(path)
    path.unlink(missing_ok=True)
    return path


def encodable(text: str) -> bool:
    return not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


# ------------------------------------------------------------------ generated questions


def valid_generated(record: GeneratedQueries) -> bool:
    doc_id, text, queries = record
    return (
        valid_id(doc_id)
        and encodable(text)
        and all(
            LANGUAGE.fullmatch(lang) and all(q.strip() and encodable(q) for q in qs)
            for lang, qs in queries.items()
        )
    )


@fuzz_settings()
@given(
    records=st.lists(
        st.builds(
            GeneratedQueries,
            IDS | ANY_TEXT.filter(bool),
            TEXT | ANY_TEXT,
            st.dictionaries(LANGS | ANY_TEXT.filter(bool), st.lists(TEXT | ANY_TEXT, max_size=3)),
        ),
        max_size=5,
        unique_by=lambda r: r.doc_id,
    )
)
def test_generated_questions(workdir: Path, records: list[GeneratedQueries]) -> None:
    path = fresh(workdir / "generated.jsonl")
    written = []
    with GeneratedQueriesWriter(path) as writer:
        for record in records:
            size = path.stat().st_size
            try:
                writer.write(record)
            except ValueError:
                assert not valid_generated(record), record
                assert path.stat().st_size == size
                continue
            record = record._replace(queries={k: tuple(v) for k, v in record.queries.items()})
            assert valid_generated(record)
            written.append(record)
    assert list(read_generated_queries(path)) == written
    assert completed_doc_ids(path) == {r.doc_id for r in written}


# ---------------------------------------------------------------------------- TREC runs


class Scores(NamedTuple):
    """What the fusion writer uses of a ranx ``Run`` (a real one costs ~0.5 s to build)."""

    scores: dict[str, dict[str, float]]

    def to_dict(self) -> dict[str, dict[str, float]]:
        return self.scores


@fuzz_settings()
@given(
    scores=st.dictionaries(
        IDS, st.dictionaries(IDS, SCORES, min_size=1, max_size=4), min_size=1, max_size=4
    ),
    extra_qids=st.lists(IDS, max_size=2),
    hits=st.integers(1, 5),
    tag=IDS,
)
def test_fused_runs(
    workdir: Path, scores: dict[str, dict[str, float]], extra_qids: list[str], hits: int, tag: str
) -> None:
    question_ids = list(dict.fromkeys([*scores, *extra_qids]))
    path = fresh(workdir / "fused.trec")
    write_fused_run(Scores(scores), path, question_ids, hits=hits, tag=tag)
    expected = {}
    for qid in question_ids:
        ranked = sorted(scores.get(qid, {}).items(), key=lambda item: (-item[1], item[0]))[:hits]
        if ranked:
            expected[qid] = [Hit(doc, rank, score) for rank, (doc, score) in enumerate(ranked, 1)]
    assert read_trec_run(path) == expected


class Searched(NamedTuple):
    qids: list[str]
    docids: list[str]
    scores: np.ndarray
    rows: np.ndarray


@st.composite
def searched(draw: st.DrawFn) -> Searched:
    """What FAISS gives the ablation: per question, distinct rows (or -1) and float32 scores."""
    docids = draw(st.lists(IDS, min_size=1, max_size=6, unique=True))
    qids = draw(st.lists(IDS, min_size=1, max_size=4, unique=True))
    hits = draw(st.integers(1, 4))
    rows = [draw(st.permutations([*range(len(docids)), *[-1] * hits]))[:hits] for _ in qids]
    values = st.floats(width=32, allow_nan=False, allow_infinity=False)
    scores = [draw(st.lists(values, min_size=hits, max_size=hits)) for _ in qids]
    return Searched(qids, docids, np.array(scores, np.float32), np.array(rows, np.int64))


@fuzz_settings()
@given(result=searched())
def test_ablation_runs(workdir: Path, result: Searched) -> None:
    path = fresh(workdir / "ablation.trec")
    write_ablation_run(path, result.qids, result.docids, result.scores, result.rows)
    expected: dict[str, list[Hit]] = {}
    for qid, row_scores, row_ids in zip(result.qids, result.scores, result.rows, strict=True):
        kept = [(r, s) for r, s in zip(row_ids, row_scores, strict=True) if r >= 0]
        if kept:
            expected[qid] = [
                Hit(result.docids[r], rank, float(f"{s:.6f}"))
                for rank, (r, s) in enumerate(kept, 1)
            ]
    assert read_trec_run(path) == expected


# ------------------------------------------------------------------------------- topics


class Question(NamedTuple):
    query_id: str
    text: str
    language: str


class Questions:
    """The part of an ir_datasets dataset that ``export_topics`` uses."""

    def __init__(self, questions: list[Question]) -> None:
        self.questions = questions

    def has_queries(self) -> bool:
        return True

    def queries_cls(self) -> type:
        return Question

    def queries_iter(self) -> Any:
        return iter(self.questions)

    def queries_lang(self) -> None:
        return None

    def dataset_id(self) -> str:
        return "fuzz"


@fuzz_settings()
@given(
    questions=st.lists(
        st.builds(Question, IDS | TEXT, TEXT, LANGS),
        min_size=1,
        max_size=5,
        unique_by=lambda q: q.query_id,
    )
)
def test_topics(workdir: Path, questions: list[Question]) -> None:
    output = fresh(workdir / "topics")
    output.mkdir()
    try:
        export_topics(Questions(questions), output, overwrite=True)
    except DatasetError:
        assert any(not valid_id(q.query_id) or not tsv_safe(q.text).strip() for q in questions)
        assert list(output.iterdir()) == []
        return
    assert read_topics_tsv(output / "topics.all.tsv") == {
        q.query_id: tsv_safe(q.text) for q in questions
    }
    for lang in {q.language for q in questions}:
        assert list(read_topics_tsv(output / f"topics.{lang}.tsv")) == [
            q.query_id for q in questions if q.language == lang
        ]


# ------------------------------------------------------------------ Pyserini collection


@fuzz_settings()
@given(
    passages=st.lists(
        st.builds(Passage, IDS, TEXT, TEXT), min_size=1, max_size=6, unique_by=lambda p: p.doc_id
    ),
    shard_size=st.integers(1, 3),
)
def test_collection(workdir: Path, passages: list[Passage], shard_size: int) -> None:
    output = fresh(workdir / "collection")
    export_collection(passages, output, shard_size=shard_size, progress=False)
    files = sorted(output.iterdir())
    assert [p for path in files for p in read_jsonl_corpus(path)] == passages


# --------------------------------------------------------------------- training data

PASSAGES = st.builds(TrainingPassage, IDS | TEXT.filter(bool), TEXT, TEXT)


@fuzz_settings()
@given(
    examples=st.lists(
        st.builds(
            TrainingExample,
            IDS | TEXT.filter(bool),
            TEXT,
            st.lists(PASSAGES, min_size=1, max_size=2).map(tuple),
            st.lists(PASSAGES, max_size=2).map(tuple),
            st.lists(TEXT, max_size=2).map(tuple),
        ),
        max_size=4,
        unique_by=lambda e: e.query_id,
    ),
    gz=st.booleans(),
)
def test_tevatron(workdir: Path, examples: list[TrainingExample], gz: bool) -> None:
    path = fresh(workdir / ("train.jsonl.gz" if gz else "train.jsonl"))
    write_tevatron(examples, path)
    assert list(read_tevatron(path)) == examples


@fuzz_settings()
@given(
    questions=st.lists(
        st.builds(
            ParallelQuestion,
            IDS | TEXT.filter(bool),
            st.sampled_from(sorted(LANGUAGE_NAMES)),
            TEXT.filter(str.strip),
            TEXT.filter(str.strip),
        ),
        max_size=4,
        unique_by=lambda q: q.query_id,
    )
)
def test_parallel_questions(workdir: Path, questions: list[ParallelQuestion]) -> None:
    path = fresh(workdir / "parallel.jsonl")
    write_parallel_questions(questions, path)
    assert list(read_parallel_questions(path)) == questions
