"""The English train questions (``xqg-demo/train-en``) and the parallel train questions
of the bundled xqg-demo collection, and the builder's English and rewrite rules.

The byte-identical rebuild of every file, these included, is
``test_xqg_demo_files.py::test_rebuild_is_byte_identical`` (slow).
"""

from __future__ import annotations

import csv
import gzip
import importlib
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from types import ModuleType

import ir_datasets
import pytest

from xqg_pyserini.irds import register, xqg_demo
from xqg_pyserini.irds.sources import DatasetFileMissingError
from xqg_pyserini.training.examples import ParallelQuestion

TOOLS = Path(__file__).resolve().parents[1] / "tools"
LANGS = ("ar", "bn", "fi", "ja", "ko", "ru", "te")
# Unicode name prefixes of the letters a question in each language may contain.
SCRIPTS = {
    "ar": ("ARABIC",),
    "bn": ("BENGALI",),
    "fi": ("LATIN",),
    "ja": ("CJK", "HIRAGANA", "KATAKANA"),
    "ko": ("HANGUL",),
    "ru": ("CYRILLIC",),
    "te": ("TELUGU",),
    "en": ("LATIN",),
}


def _jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _qrels(split: str) -> dict[str, list[str]]:
    gold: dict[str, list[str]] = {}
    path = xqg_demo.directory() / xqg_demo.QRELS_FILES[split]
    for line in path.read_text("utf-8").splitlines():
        qid, _, docid, _ = line.split(" ")
        gold.setdefault(qid, []).append(docid)
    return gold


@pytest.fixture(scope="module")
def train() -> list[dict]:
    return _jsonl(xqg_demo.directory() / xqg_demo.QUERY_FILES["train"])


@pytest.fixture(scope="module")
def english() -> list[dict]:
    return _jsonl(xqg_demo.directory() / xqg_demo.QUERY_FILES["train-en"])


@pytest.fixture(scope="module")
def passages() -> dict[str, tuple[str, str]]:
    """docid -> (text, title)."""
    path = xqg_demo.directory() / xqg_demo.CORPUS_FILE
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))[1:]
    return {docid: (text, title) for docid, text, title in rows}


def _in_script(text: str, lang: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(
        unicodedata.name(ch, "").startswith(SCRIPTS[lang]) for ch in letters
    )


# --------------------------------------------------------------------------- xqg-demo/train-en


def test_train_en_is_registered_and_loads() -> None:
    register()
    assert "xqg-demo/train-en" in xqg_demo.DATASET_IDS
    dataset = ir_datasets.load("xqg-demo/train-en")
    assert dataset.has_docs() and dataset.has_queries() and dataset.has_qrels()
    assert dataset.docs_path(force=False) == ir_datasets.load("xqg-demo/train").docs_path(False)
    queries = list(dataset.queries_iter())
    assert len(queries) == 560
    assert {q.language for q in queries} == {"en"}
    assert all(q.answers for q in queries)
    assert {q.query_id for q in queries} == {r.query_id for r in dataset.qrels_iter()}
    assert "English" in dataset.documentation()["desc"]


def test_one_english_question_per_train_question(train, english) -> None:
    assert [q["id"] for q in english] == [f"en-{q['id']}" for q in train]
    for en, q in zip(english, train, strict=True):
        assert list(en) == ["id", "question", "answers", "lang"]
        assert en["lang"] == "en" and en["answers"] == q["answers"]
    assert len({q["question"] for q in english}) == len(english)


def test_english_qrels_are_the_train_qrels(train) -> None:
    gold, gold_en = _qrels("train"), _qrels("train-en")
    assert gold_en == {f"en-{qid}": docids for qid, docids in gold.items()}
    assert len(gold_en) == len(train)


def test_english_answers_are_in_their_gold_passages(english, passages) -> None:
    gold = _qrels("train-en")
    for q in english:
        assert gold[q["id"]], q["id"]
        for docid in gold[q["id"]]:
            text = passages[docid][0]
            assert all(answer in text for answer in q["answers"]), (q["id"], q["answers"])


def test_english_questions_are_english_and_name_their_place(english, passages) -> None:
    gold = _qrels("train-en")
    for q in english:
        text = q["question"]
        assert _in_script(text, "en"), text
        assert text.endswith("?") and "{" not in text and "  " not in text
        title = passages[gold[q["id"]][0]][1]
        assert title.split(",")[0].casefold() in text.casefold(), (text, title)


def test_english_grammar_of_names(english) -> None:
    questions = {q["id"]: q["question"] for q in english}
    text = " ".join(questions.values())
    assert "The Netherlands" not in text  # but "The Hague": the article is part of the name
    for country in ("Netherlands", "Cayman Islands", "United States", "Bahamas", "Maldives"):
        assert not re.search(rf"(?<!the )(?<!, ){country}", text), country
    # A city whose English name another place of the collection shares gets its country.
    assert questions["en-ar-train-037"] == "How many people live in Kasama, Zambia?"


# --------------------------------------------------------------------------- parallel files


def test_parallel_files_are_found_from_python() -> None:
    pairs, everything = xqg_demo.parallel_questions_file(), xqg_demo.parallel_questions_file(True)
    assert pairs == xqg_demo.default_directory() / xqg_demo.PARALLEL_FILE
    assert everything == xqg_demo.default_directory() / xqg_demo.PARALLEL_ALL_FILE
    assert pairs.is_file() and everything.is_file()


def test_missing_parallel_file_is_named(tmp_path: Path) -> None:
    previous = xqg_demo.set_directory(tmp_path)
    try:
        with pytest.raises(DatasetFileMissingError, match=r"expected parallel_train\.jsonl"):
            xqg_demo.parallel_questions_file()
    finally:
        xqg_demo.set_directory(previous)


def test_parallel_lines_are_the_train_questions_and_their_english(train, english) -> None:
    records = _jsonl(xqg_demo.parallel_questions_file())
    parsed = [ParallelQuestion(**r) for r in records]
    assert all(list(r) == list(ParallelQuestion._fields) for r in records)
    assert [p.query_id for p in parsed] == [q["id"] for q in train]
    for p, q, en in zip(parsed, train, english, strict=True):
        assert (p.language, p.query, p.query_en) == (q["lang"], q["question"], en["question"])


def test_all_languages_file_adds_rewrites_after_each_question(train, english) -> None:
    records = _jsonl(xqg_demo.parallel_questions_file(all_languages=True))
    parsed = [ParallelQuestion(**r) for r in records]
    by_id = {q["id"]: (q, en) for q, en in zip(train, english, strict=True)}
    assert [p for p in parsed if p.query_id in by_id] == [
        ParallelQuestion(q["id"], q["lang"], q["question"], en["question"])
        for q, en in zip(train, english, strict=True)
    ]
    asked = {q["question"] for q in train} | {
        q["question"] for q in _jsonl(xqg_demo.directory() / xqg_demo.QUERY_FILES["dev"])
    }
    current = None
    for p in parsed:
        assert _in_script(p.query, p.language), p
        if p.query_id in by_id:
            current = by_id[p.query_id]
            continue
        q, en = current
        assert p.query_id == f"{p.language}-{q['id']}", (p.query_id, q["id"])
        assert p.language in LANGS and p.language != q["lang"]
        assert p.query_en == en["question"] and p.query not in asked
    assert len({p.query_id for p in parsed}) == len({p.query for p in parsed}) == len(parsed)
    rewrites = Counter(p.language for p in parsed) - Counter(q["lang"] for q in train)
    assert set(rewrites) == set(LANGS) and all(n >= 100 for n in rewrites.values()), rewrites


def test_readme_counts_the_new_files(english) -> None:
    readme = (xqg_demo.directory() / "README.md").read_text("utf-8")
    everything = _jsonl(xqg_demo.parallel_questions_file(all_languages=True))
    rows = {
        "xor_train-en_retrieve.jsonl": len(english),
        "qrels.train-en.tsv": len(english),
        "parallel_train.jsonl": len(english),
        "parallel_train_all_languages.jsonl.gz": len(everything),
    }
    for name, count in rows.items():
        match = re.search(rf"^\| `{re.escape(name)}` \|.*\| ([\d,]+) \w+ \|$", readme, re.M)
        assert match, name
        assert int(match.group(1).replace(",", "")) == count, name
    assert "`xqg-demo/train-en`" in readme


# --------------------------------------------------------------------------- builder rules


@pytest.fixture(scope="module")
def builder() -> dict[str, ModuleType]:
    """The builder's modules (tools/xqg_demo), importable without its requirements."""
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(TOOLS))
        names = ("answers", "english", "errors", "parallel", "passages", "selection")
        return {name: importlib.import_module(f"xqg_demo.{name}") for name in names}


def test_country_names_take_the_article_english_needs(builder) -> None:
    country_name = builder["english"].country_name
    cases = {
        "Japan": "Japan",
        "The Netherlands": "the Netherlands",
        "Bahamas": "the Bahamas",
        "United States": "the United States",
        "Cayman Islands": "the Cayman Islands",
        "Democratic Republic of the Congo": "the Democratic Republic of the Congo",
        "Isle of Man": "the Isle of Man",
        "Saint Vincent and the Grenadines": "Saint Vincent and the Grenadines",
        "Ivory Coast": "Ivory Coast",
    }
    assert {name: country_name(name) for name in cases} == cases


def _passage(builder, entity: str, name: str, kind: str = "city", code: str = "ZM", **names):
    return builder["passages"].Passage(
        entity=entity,
        title=name,
        text=f"{name} has a population of 12,345.",
        english_name=name,
        facts={"population": "12,345"},
        names=names,
        kind=kind,
        country_code=code,
    )


def test_english_names_point_to_one_place(builder) -> None:
    passages = [
        _passage(builder, "hand:demo-0001", "Tokyo", kind="handwritten", code="JP"),
        _passage(builder, "country:LU", "Luxembourg", kind="country", code="LU"),
        _passage(builder, "country:NL", "The Netherlands", kind="country", code="NL"),
        _passage(builder, "city:1", "Kasama", code="ZM"),
        _passage(builder, "city:2", "Kasama", code="JP"),
        _passage(builder, "city:3", "Tokyo", code="JP"),
        _passage(builder, "city:4", "Luxembourg", code="LU"),
        _passage(builder, "city:5", "Lusaka", code="ZM"),
    ]
    countries = {"ZM": "Zambia", "JP": "Japan", "LU": "Luxembourg", "NL": "The Netherlands"}
    assert builder["english"].english_names(passages, countries) == {
        "hand:demo-0001": "Tokyo",
        "country:LU": "Luxembourg",
        "country:NL": "the Netherlands",
        "city:1": "Kasama, Zambia",
        "city:2": "Kasama, Japan",
        "city:3": "Tokyo, Japan",
        "city:4": "the city of Luxembourg",
        "city:5": "Lusaka",
    }


def test_english_versions_follow_the_template_of_the_question(builder) -> None:
    english, selection = builder["english"], builder["selection"]
    passages = [
        _passage(builder, "city:1", "Kasama", fi="Kasama", ja="カサマ", ko="카사마", ru="Касама")
    ]
    index = builder["answers"].AnswerIndex([p.text for p in passages])
    ja, ru = "カサマの人口は何人ですか？", "Сколько человек живёт в городе Касама?"
    train = [
        selection.Question("ja-train-001", "ja", ja, ("12,345",), 0, "population"),
        selection.Question("ru-train-001", "ru", ru, ("12,345",), 0, "population"),
    ]
    out = english.english_questions(train, passages, {"city:1": "Kasama"}, index)
    assert [(q.qid, q.lang, q.question) for q in out] == [
        ("en-ja-train-001", "en", "What is the population of Kasama?"),
        ("en-ru-train-001", "en", "How many people live in Kasama?"),
    ]
    assert [(q.answers, q.passage, q.kind) for q in out] == [(("12,345",), 0, "population")] * 2
    owners = selection.entities_by_name(passages)
    assert builder["parallel"].rewrites(train[1], passages[0], owners) == {
        "fi": "Kuinka paljon asukkaita Kasaman kaupungissa on?",
        "ja": "カサマには何人が住んでいますか？",
        "ko": "카사마에는 몇 명이 살고 있나요?",
    }
    # The same inputs give the same questions (nothing is drawn at random).
    again = english.english_questions(train, passages, {"city:1": "Kasama"}, index)
    assert again == out


def test_an_answer_missing_from_the_gold_passage_stops_the_build(builder) -> None:
    english, selection = builder["english"], builder["selection"]
    passages = [_passage(builder, "city:1", "Kasama", ja="カサマ")]
    question = selection.Question(
        "ja-train-001", "ja", "カサマの人口は何人ですか？", ("99,999",), 0, "population"
    )
    with pytest.raises(builder["errors"].BuildError, match="answer '99,999': not in the gold"):
        english.english_questions(
            [question],
            passages,
            {"city:1": "Kasama"},
            builder["answers"].AnswerIndex([passages[0].text]),
        )
