"""Fuzzing every reader (Hypothesis): any bytes give valid records or one line naming file and line.

Inputs are random bytes and, mostly, valid files of each format with a few
mutations: bytes flipped, inserted (byte-order marks, carriage returns, NaN,
huge numbers, deep nesting, quotes, tabs, other digits...), deleted or cut off,
lines repeated, JSON fields given other values; the file is sometimes gzipped,
and the gzip stream sometimes damaged. For each input the reader must either

* return exactly the records that this module's own reading of the file gives
  (``EXPECTED``: a reading written from the format rules of docs/formats.md,
  independently of the readers, that fails the test on anything the rules
  refuse), or
* raise the project's error (``RunFormatError`` for runs, ``CorpusFormatError``
  otherwise) with a one-line message ``path:N: ...``, N a line of the file.
  The SQuAD-style documents of XQuAD and TyDi QA GoldP are one JSON document
  per file, and their reader names the line of a JSON syntax error but the
  JSON path of any other problem (``path: data[0].paragraphs[1]: ...``), so
  for them ``path: ...`` (the file, no line) is accepted too.

Any other exception fails the test. Examples are derandomized and counted
(``tests/helpers.py:fuzz_settings``); ``XQG_FUZZ_EXAMPLES=10000`` runs a longer
campaign (docs/formats.md).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.helpers import fuzz_settings, valid_id
from xqg_pyserini.data.corpus import Passage, read_jsonl_corpus
from xqg_pyserini.data.formats import read_dpr_tsv, read_trec_qrels, read_xor_queries
from xqg_pyserini.data.generated import (
    GeneratedQueries,
    completed_doc_ids,
    read_generated_queries,
)
from xqg_pyserini.data.json_lines import json_objects
from xqg_pyserini.data.records import TrecQrel, XorDoc, XorQuery
from xqg_pyserini.data.topics import read_topics_tsv
from xqg_pyserini.errors import CorpusFormatError, XqgError
from xqg_pyserini.eval.run_file import Hit, RunFormatError, read_trec_run
from xqg_pyserini.irds import tydiqa
from xqg_pyserini.irds.mkqa_format import MkqaQuery, read_mkqa
from xqg_pyserini.irds.xquad_format import XquadFile, XquadQuestion, read_xquad

# --------------------------------------------------------------- the test's own reading


class Bad(Exception):
    """The input breaks a format rule: the reader must have refused it."""


def check(condition: object) -> None:
    if not condition:
        raise Bad


def text_lines(plain: bytes, complete_only: bool = False) -> list[tuple[int, str]]:
    """``(number, text)`` of the non-blank lines, as docs/formats.md describes the layer."""
    raws = plain.split(b"\n")
    last = len(raws) - 1  # the piece after the last \n (b"" when the file ends with one)
    found = []
    for index, raw in enumerate(raws):
        complete = index < last
        if complete_only and not complete:
            continue
        if complete and raw.endswith(b"\r"):
            raw = raw[:-1]
        if index == 0 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        check(not (index == 0 and raw[:2] in (b"\xff\xfe", b"\xfe\xff")))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise Bad from None
        check("\r" not in text and "\x00" not in text)
        if text.strip():
            found.append((index + 1, text))
    return found


def json_id(value: object, integers: bool = True) -> str:
    if integers and type(value) is int:
        return str(value)
    check(valid_id(value))
    return value  # type: ignore[return-value]


def nonblank(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


LANGUAGE = re.compile(r"[A-Za-z0-9_-]+\Z")
DIGITS = re.compile(r"[0-9]+\Z")


def strict_json(text: str) -> dict[str, Any]:
    """JSON as RFC 8259 + I-JSON define it: no NaN, no duplicate keys, finite numbers."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        check(len({k for k, _ in items}) == len(items))
        return dict(items)

    def constant(name: str) -> Any:
        raise Bad

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except (ValueError, RecursionError):
        raise Bad from None
    check(isinstance(value, dict) and depth(value) <= 200 and sound(value))
    return value


def depth(value: Any) -> int:
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


def sound(value: Any) -> bool:
    """No lone surrogate in any string, no infinite float."""
    if isinstance(value, str):
        return not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(sound(k) and sound(v) for k, v in value.items())
    if isinstance(value, list):
        return all(map(sound, value))
    return True


def unique(keys: list[Any]) -> None:
    check(len(set(keys)) == len(keys))


def expect_jsonl(path: Path, plain: bytes) -> list[tuple[str, dict]]:
    return [(f"{path}:{n}", strict_json(text)) for n, text in text_lines(plain)]


def expect_corpus(path: Path, plain: bytes) -> list[Passage]:
    passages = []
    for _, text in text_lines(plain):
        record = strict_json(text)
        key = "docid" if "docid" in record else "id"
        check(key in record)
        if "text" in record:
            body, title = record["text"], record.get("title")
            title = "" if title is None else title
        else:
            check("contents" in record)
            body, title = record["contents"], ""
        check(isinstance(body, str) and isinstance(title, str))
        passages.append(Passage(json_id(record[key]), title, body))
    return passages


def expect_xor(path: Path, plain: bytes) -> list[XorQuery]:
    queries = []
    for _, text in text_lines(plain):
        record = strict_json(text)
        check({"id", "question", "lang", "answers"} <= set(record))
        question, lang, answers = record["question"], record["lang"], record["answers"]
        check(nonblank(question) and isinstance(lang, str) and LANGUAGE.match(lang))
        check(isinstance(answers, list) and answers and all(isinstance(a, str) for a in answers))
        queries.append(XorQuery(json_id(record["id"]), question, lang, tuple(answers)))
    unique([q.query_id for q in queries])
    return queries


def generated(text: str) -> GeneratedQueries:
    record = strict_json(text)
    check({"docid", "text", "generated_queries"} <= set(record))
    queries = record["generated_queries"]
    check(isinstance(record["text"], str) and isinstance(queries, dict))
    for lang, questions in queries.items():
        check(LANGUAGE.match(lang) and isinstance(questions, list))
        check(all(nonblank(q) for q in questions))
    as_tuples = {lang: tuple(qs) for lang, qs in queries.items()}
    return GeneratedQueries(json_id(record["docid"], integers=False), record["text"], as_tuples)


def expect_generated(path: Path, plain: bytes) -> list[GeneratedQueries]:
    records = [generated(text) for _, text in text_lines(plain)]
    unique([r.doc_id for r in records])
    return records


def expect_resume(path: Path, plain: bytes) -> set[str]:
    return {generated(text).doc_id for _, text in text_lines(plain, complete_only=True)}


def expect_run(path: Path, plain: bytes) -> dict[str, list[Hit]]:
    run: dict[str, list[Hit]] = {}
    for _, text in text_lines(plain):
        fields = text.split()
        check(
            len(fields) == 6 and fields[1] == "Q0" and valid_id(fields[0]) and valid_id(fields[2])
        )
        qid, _, doc_id, rank, score, _ = fields
        check(DIGITS.match(rank) and len(rank) <= 18 and int(rank) >= 1)
        check(re.fullmatch(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?", score))
        check(math.isfinite(float(score)))
        run.setdefault(qid, []).append(Hit(doc_id, int(rank), float(score)))
    for hits in run.values():
        unique([hit.doc_id for hit in hits])
    return run


def expect_qrels(path: Path, plain: bytes) -> list[TrecQrel]:
    qrels = []
    for _, text in text_lines(plain):
        fields = text.split()
        check(len(fields) == 4 and valid_id(fields[0]) and valid_id(fields[2]))
        qid, iteration, doc_id, grade = fields
        check(re.fullmatch(r"-?[0-9]{1,18}", grade))
        qrels.append(TrecQrel(qid, doc_id, int(grade), iteration))
    unique([(q.query_id, q.doc_id) for q in qrels])
    return qrels


def expect_topics(path: Path, plain: bytes) -> dict[str, str]:
    topics = {}
    for _, text in text_lines(plain):
        fields = text.split("\t")
        check(len(fields) == 2 and valid_id(fields[0]) and nonblank(fields[1]))
        check(fields[0] not in topics)
        topics[fields[0]] = fields[1]
    return topics


def expect_dpr(path: Path, plain: bytes) -> list[XorDoc]:
    lines = text_lines(plain)
    check(lines)
    rows = []
    for _, text in lines:
        try:  # csv, strict: a quoted field closes on its line and is followed by a tab
            [row] = list(csv.reader([text], delimiter="\t", strict=True))
        except (csv.Error, ValueError):
            raise Bad from None
        rows.append(row)
    check(rows[0] == ["id", "text", "title"])
    docs = []
    for row in rows[1:]:
        check(len(row) == 3 and valid_id(row[0]) and row[0] != "id")
        docs.append(XorDoc(row[0], row[2], row[1]))
    unique([d.doc_id for d in docs])
    return docs


# MKQA (mkqa.jsonl): every line gives all 26 languages; answers of these types are kept.
MKQA_LANGUAGES = (
    "ar", "da", "de", "en", "es", "fi", "fr", "he", "hu", "it", "ja", "km", "ko",
    "ms", "nl", "no", "pl", "pt", "ru", "sv", "th", "tr", "vi", "zh_cn", "zh_hk", "zh_tw",
)  # fmt: skip
MKQA_KEPT = ("entity", "date", "number", "number_with_unit", "short_phrase")
MKQA_TYPES = (*MKQA_KEPT, "unanswerable", "long_answer", "binary")
MKQA_READ = "zh_cn"  # the language the fuzzed reader is asked for


def mkqa_answers(items: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(kept texts and aliases, each once; every type) of one language's answer list."""
    check(isinstance(items, list))
    kept: list[str] = []
    types = []
    for answer in items:  # type: ignore[attr-defined]
        check(isinstance(answer, dict) and "type" in answer and "text" in answer)
        check(answer["type"] in MKQA_TYPES)
        text, entity = answer["text"], answer.get("entity")
        aliases = answer.get("aliases") or []
        check(text is None or isinstance(text, str))
        check(entity is None or isinstance(entity, str))
        check(isinstance(aliases, list) and all(isinstance(a, str) for a in aliases))
        types.append(answer["type"])
        for value in [text, *aliases] if answer["type"] in MKQA_KEPT else []:
            if nonblank(value) and value not in kept:
                kept.append(value)
    return tuple(kept), tuple(types)


def expect_mkqa(path: Path, plain: bytes) -> list[MkqaQuery]:
    queries = []
    for _, text in text_lines(plain):
        record = strict_json(text)
        check({"example_id", "queries", "answers"} <= set(record))
        example_id, texts, answers = record["example_id"], record["queries"], record["answers"]
        check(type(example_id) is int and isinstance(texts, dict) and isinstance(answers, dict))
        check(all(nonblank(texts.get(lang)) for lang in MKQA_LANGUAGES))
        check(all(lang in answers for lang in MKQA_LANGUAGES))
        found = {lang: mkqa_answers(answers[lang]) for lang in MKQA_LANGUAGES}
        english, types = found["en"]
        queries.append(
            MkqaQuery(
                str(example_id), texts[MKQA_READ], MKQA_READ, english, found[MKQA_READ][0], types
            )
        )
    unique([q.query_id for q in queries])
    return queries


def squad_document(plain: bytes) -> list[tuple[int, int, str, str, list[XquadQuestion]]]:
    """``(article, paragraph, title, context, questions)`` of a SQuAD v1.1 file, in order.

    One JSON document (a UTF-8 byte-order mark allowed), strict JSON as JSON lines are;
    positions are 0-based, and the questions' ``doc_id`` is left empty.
    """
    if plain.startswith(b"\xef\xbb\xbf"):
        plain = plain[3:]
    try:
        text = plain.decode("utf-8")
    except UnicodeDecodeError:
        raise Bad from None
    document = strict_json(text)
    check(isinstance(document.get("data"), list))
    paragraphs = []
    for a, article in enumerate(document["data"]):
        check(isinstance(article, dict) and isinstance(article.get("paragraphs"), list))
        check(nonblank(article.get("title")))
        for p, paragraph in enumerate(article["paragraphs"]):
            check(isinstance(paragraph, dict) and isinstance(paragraph.get("qas"), list))
            check(nonblank(paragraph.get("context")))
            questions = []
            for qa in paragraph["qas"]:
                check(isinstance(qa, dict) and isinstance(qa.get("answers"), list))
                check(qa["answers"] and "id" in qa and valid_id(qa["id"]))
                check(nonblank(qa.get("question")))
                check(all(isinstance(x, dict) and nonblank(x.get("text")) for x in qa["answers"]))
                answers = tuple(x["text"] for x in qa["answers"])
                questions.append(XquadQuestion(qa["id"], qa["question"], answers, ""))
            paragraphs.append((a, p, article["title"], paragraph["context"], questions))
    unique([q.question_id for *_, questions in paragraphs for q in questions])
    return paragraphs


def expect_xquad(path: Path, plain: bytes) -> XquadFile:
    docs, questions = [], []
    for a, p, title, context, qs in squad_document(plain):
        doc_id = f"xquad-en-{a}-{p}"
        docs.append(XorDoc(doc_id, title, context))
        questions += [XquadQuestion(q.question_id, q.text, q.answers, doc_id) for q in qs]
    return XquadFile(tuple(docs), tuple(questions))


TYDI_NAMES = {name: code for code, name in tydiqa.LANGUAGES.items()}


def expect_tydiqa(path: Path, plain: bytes) -> dict[str, tydiqa.TydiLanguage]:
    passages: dict[str, dict[str, XorDoc]] = {code: {} for code in TYDI_NAMES.values()}
    questions: dict[str, list[XquadQuestion]] = {code: [] for code in TYDI_NAMES.values()}
    for _, _, title, context, qs in squad_document(plain):
        for q in qs:
            code = TYDI_NAMES.get(q.question_id.split("-")[0])
            check(code is not None)
            digest = hashlib.sha1((title + "\0" + context).encode("utf-8")).hexdigest()
            doc_id = f"tydiqa-goldp-{code}-{digest[:16]}"
            passages[code].setdefault(doc_id, XorDoc(doc_id, title, context))  # type: ignore[index]
            questions[code].append(XquadQuestion(q.question_id, q.text, q.answers, doc_id))  # type: ignore[index]
    return {
        code: tydiqa.TydiLanguage(tuple(passages[code].values()), tuple(questions[code]))
        for code in passages
    }


def read_tydiqa(path: Path) -> dict[str, tydiqa.TydiLanguage]:
    # The reader caches a parse by (path, size, mtime): the fuzz rewrites one path
    # faster than mtime ticks, so each example starts from an empty cache.
    tydiqa._by_language.cache_clear()
    return {code: tydiqa.read_language(path, code) for code in tydiqa.LANGUAGES}


class Reader(NamedTuple):
    file_name: str
    read: Callable[[Path], Any]
    expect: Callable[[Path, bytes], Any]
    error: type[XqgError]
    whole_file: bool = False  # one JSON document: errors may name a JSON path, not a line


READERS = {
    "jsonl": Reader("x.jsonl", lambda p: list(json_objects(p)), expect_jsonl, CorpusFormatError),
    "corpus": Reader(
        "c.jsonl", lambda p: list(read_jsonl_corpus(p)), expect_corpus, CorpusFormatError
    ),
    "dpr": Reader("c.tsv", lambda p: list(read_dpr_tsv(p)), expect_dpr, CorpusFormatError),
    "xor": Reader(
        "q.jsonl",
        lambda p: list(read_xor_queries(p, require_answers=True)),
        expect_xor,
        CorpusFormatError,
    ),
    "qrels": Reader(
        "qrels.txt", lambda p: list(read_trec_qrels(p)), expect_qrels, CorpusFormatError
    ),
    "generated": Reader(
        "g.jsonl", lambda p: list(read_generated_queries(p)), expect_generated, CorpusFormatError
    ),
    "resume": Reader("r.jsonl", completed_doc_ids, expect_resume, CorpusFormatError),
    "run": Reader("run.trec", read_trec_run, expect_run, RunFormatError),
    "topics": Reader("topics.tsv", read_topics_tsv, expect_topics, CorpusFormatError),
    "mkqa": Reader(
        "mkqa.jsonl", lambda p: list(read_mkqa(p, MKQA_READ)), expect_mkqa, CorpusFormatError
    ),
    "xquad": Reader("xquad.xx.json", read_xquad, expect_xquad, CorpusFormatError, True),
    "tydiqa": Reader("tydiqa.json", read_tydiqa, expect_tydiqa, CorpusFormatError, True),
}

# ----------------------------------------------------------------------- valid files

ID_CHARS = st.characters(
    exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), exclude_characters="\ufeff"
)
IDS = st.sampled_from(["q1", "q2", "d1", "d2", "7", "007", "-12", "ar-1"]) | st.text(
    ID_CHARS, min_size=1, max_size=6
)
TEXT = st.sampled_from(["", " ", "q?", "a\tb", 'say "hi"', "Tōkyō"]) | st.text(max_size=12)
NONBLANK = st.sampled_from(["q?", "富士山は？", " x "]) | st.text(min_size=1, max_size=12).filter(
    str.strip
)
LANGS = st.sampled_from(["ar", "bn", "fi", "ja", "ko", "ru", "te", "en", "zh-Hans"])
SCORES = st.floats(allow_nan=False, allow_infinity=False, width=32)
KEYS = st.text(max_size=3)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=6,
)
TSV_TEXT = st.text(
    st.characters(exclude_characters="\t\n\r\x00", exclude_categories=("Cs",)), max_size=10
)


def json_record(draw: st.DrawFn, reader: str) -> dict[str, Any]:
    if reader == "jsonl":
        return draw(st.dictionaries(st.text(max_size=4), JSON_VALUES, max_size=4))
    if reader == "corpus":
        shape = draw(st.sampled_from(["docid", "id", "contents"]))
        if shape == "contents":
            return {"id": draw(IDS | st.integers()), "contents": draw(TEXT)}
        return {shape: draw(IDS), "title": draw(TEXT | st.none()), "text": draw(TEXT)}
    if reader == "xor":
        return {
            "id": draw(IDS | st.integers()),
            "question": draw(NONBLANK),
            "lang": draw(LANGS),
            "answers": draw(st.lists(TEXT, min_size=1, max_size=3)),
        }
    questions = st.lists(NONBLANK, max_size=3)
    return {
        "docid": draw(IDS),
        "text": draw(TEXT),
        "generated_queries": draw(st.dictionaries(LANGS, questions, max_size=3)),
    }


def mutate_record(draw: st.DrawFn, record: dict[str, Any]) -> dict[str, Any]:
    """Give a field (maybe nested, maybe new) another JSON value, or delete it."""
    target = record
    inner = record.get("generated_queries")
    if isinstance(inner, dict) and draw(st.booleans()):
        target = inner
    keys = sorted(target, key=str) + ["docid", "id", "title", "answers", "x", " ", ""]
    key = draw(st.sampled_from(keys))
    if draw(st.integers(0, 3)) == 0:
        target.pop(key, None)
    else:
        target[key] = draw(JSON_VALUES | IDS | TEXT)
    return record


def tsv_field(draw: st.DrawFn, value: str) -> str:
    """A DPR field as csv.writer would write it (quoted when needed, or just because)."""
    if '"' in value or "\t" in value or draw(st.integers(0, 4)) == 0:
        return '"' + value.replace('"', '""') + '"'
    return value


def tsv_line(draw: st.DrawFn, reader: str) -> str:
    if reader == "run":
        score = draw(SCORES)
        shown = draw(st.sampled_from([repr(score), f"{score:.6f}", f"{score:g}"]))
        rank = str(draw(st.integers(1, 10**6)))
        fields = [draw(IDS), "Q0", draw(IDS), rank, shown, draw(IDS)]
    elif reader == "qrels":
        grade = str(draw(st.integers(-2, 3)))
        fields = [draw(IDS), draw(st.sampled_from(["0", "Q0"])), draw(IDS), grade]
    elif reader == "topics":
        return f"{draw(IDS)}\t{draw(TSV_TEXT.filter(str.strip))}"
    else:
        row = [draw(IDS), draw(TSV_TEXT | TEXT.filter(lambda t: "\r" not in t)), draw(TSV_TEXT)]
        return "\t".join(tsv_field(draw, value) for value in row)
    return draw(st.sampled_from([" ", "\t", "  ", " \t"])).join(fields)


MKQA_IDS = st.sampled_from([0, 7, -7449157003522518870, 563260143484355911]) | st.integers()
SPECIAL = st.sampled_from([None, [], {}, "", " ", "entity", "binary", "long_answer", 1, True])


def mkqa_answer(draw: st.DrawFn) -> dict[str, Any]:
    answer: dict[str, Any] = {"type": draw(st.sampled_from(MKQA_TYPES))}
    answer["text"] = draw(TEXT | st.none())
    if draw(st.booleans()):
        answer["entity"] = draw(st.sampled_from(["Q545186", "Q1"]) | st.none())
    if draw(st.booleans()):
        answer["aliases"] = draw(st.lists(TEXT, max_size=2))
    return answer


def mkqa_record(draw: st.DrawFn) -> dict[str, Any]:
    """One MKQA line: the read language, English and one more drawn, the rest filled in."""
    english = draw(NONBLANK)
    answers = {
        lang: [mkqa_answer(draw) for _ in range(draw(st.integers(0, 2)))]
        for lang in ("en", MKQA_READ, "de")
    }
    queries = {lang: f"[{lang}] {english}" for lang in MKQA_LANGUAGES}
    queries.update({"en": english, MKQA_READ: draw(NONBLANK)})
    return {
        "example_id": draw(MKQA_IDS),
        "query": english,
        "queries": queries,
        "answers": {lang: answers.get(lang, answers["de"]) for lang in MKQA_LANGUAGES},
    }


def squad_file(draw: st.DrawFn, reader: str) -> dict[str, Any]:
    """A SQuAD v1.1 document: XQuAD's, or TyDi QA GoldP's (ids prefixed by a language name)."""
    names = [*TYDI_NAMES, "klingon", ""] if reader == "tydiqa" else [""]

    def qa() -> dict[str, Any]:
        prefix = draw(st.sampled_from(names))
        qid = draw(IDS)
        return {
            "answers": [
                {"answer_start": draw(st.integers(0, 9)), "text": draw(NONBLANK)}
                for _ in range(draw(st.integers(1, 2)))
            ],
            "id": f"{prefix}-{qid}" if prefix else qid,
            "question": draw(NONBLANK),
        }

    titles = st.sampled_from(["Helsinki", "Super_Bowl_50"]) | NONBLANK
    contexts = st.sampled_from(["Oslo is the capital of Norway."]) | NONBLANK
    return {
        "data": [
            {
                "title": draw(titles),
                "paragraphs": [
                    {
                        "context": draw(contexts),
                        "qas": [qa() for _ in range(draw(st.integers(0, 2)))],
                    }
                    for _ in range(draw(st.integers(0, 2)))
                ],
            }
            for _ in range(draw(st.integers(0, 3)))
        ],
        "version": "1.1",
    }


def nested_mutation(draw: st.DrawFn, value: Any) -> Any:
    """Give one field or item, at any depth, another JSON value, or delete it."""
    containers = []

    def walk(node: Any) -> None:
        if isinstance(node, (dict, list)):
            containers.append(node)
            for child in node.values() if isinstance(node, dict) else node:
                walk(child)

    walk(value)
    target = draw(st.sampled_from(containers))
    other = SPECIAL | JSON_VALUES | IDS | TEXT
    if isinstance(target, dict):
        keys = sorted(target, key=str) + ["type", "text", "aliases", "id", "title", "x", ""]
        key = draw(st.sampled_from(keys))
        if draw(st.integers(0, 2)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(other)
    elif target and draw(st.booleans()):
        index = draw(st.integers(0, len(target) - 1))
        if draw(st.booleans()):
            del target[index]
        else:
            target[index] = draw(other)
    else:
        target.append(draw(other))
    return value


@st.composite
def valid_file(draw: st.DrawFn, reader: str) -> bytes:
    """A valid file of ``reader``'s format (give or take a repeated id), as bytes."""
    if reader in ("xquad", "tydiqa"):
        document = squad_file(draw, reader)
        if draw(st.booleans()):
            document = nested_mutation(draw, document)
        indent = draw(st.sampled_from([None, 2]))
        text = json.dumps(document, indent=indent, ensure_ascii=draw(st.booleans()))
        if draw(st.integers(0, 5)) == 0:
            text = "\ufeff" + text
        return (text + draw(st.sampled_from(["", "\n", "\r\n"]))).encode("utf-8", "surrogatepass")
    count = draw(st.integers(0, 5))
    if reader in ("run", "qrels", "topics", "dpr"):
        lines = [tsv_line(draw, reader) for _ in range(count)]
        if reader == "dpr":
            lines.insert(0, "id\ttext\ttitle")
    elif reader == "mkqa":
        records = [mkqa_record(draw) for _ in range(count)]
        if records and draw(st.booleans()):
            index = draw(st.integers(0, len(records) - 1))
            records[index] = nested_mutation(draw, records[index])
        ascii_only = draw(st.booleans())
        lines = [json.dumps(r, ensure_ascii=ascii_only) for r in records]
    else:
        records = [json_record(draw, reader) for _ in range(count)]
        if records and draw(st.booleans()):
            index = draw(st.integers(0, len(records) - 1))
            records[index] = mutate_record(draw, records[index])
        ascii_only = draw(st.booleans())
        lines = [json.dumps(r, ensure_ascii=ascii_only) for r in records]
    if lines and draw(st.integers(0, 3)) == 0:
        lines.insert(draw(st.integers(0, len(lines))), draw(st.sampled_from(["", "  ", "\t"])))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    text = "".join(line + ending for line in lines)
    if text and draw(st.integers(0, 3)) == 0:
        text = text[: -len(ending)]  # no newline after the last line
    if draw(st.integers(0, 5)) == 0:
        text = "\ufeff" + text
    return text.encode("utf-8", "surrogatepass")


TOKENS = [
    b"\xef\xbb\xbf", b"\xff\xfe", b"\r", b"\r\n", b"\n", b"\t", b" ", b'"', b'""', b"\\",
    b"\x00", b"\xff", b"\xed\xa0\x80", b"\xc3", "\u00a0".encode(), "\u2028".encode(),
    "\x85".encode(), b"\x1c", b"\x01", "١٠".encode(), "٫".encode(), b"1_0", b"0", b"-1", b"Q0",
    b"nan", b"inf", b"1e999", b"NaN", b"Infinity", b"-Infinity", b"9" * 4301, b"[" * 1000,
    b'{"a":' * 300, b"\\ud800", b"\\udc00", b'"docid": "x", ', b'"id": 1, ', b'"text": "t", ',
    b"false", b"null", b"[]", b"{}", b"true", b",", b":", b"{", b"}", b"]", b"id\ttext\ttitle\n",
    b'"a": 1, "a": 2, ',
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with up to four byte-level mutations."""
    buffer = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        where = draw(st.integers(0, len(buffer)))
        kind = draw(st.integers(0, 5))
        if kind == 0 and buffer:
            buffer[min(where, len(buffer) - 1)] = draw(st.integers(0, 255))
        elif kind in (1, 2):
            buffer[where:where] = draw(st.sampled_from(TOKENS))
        elif kind == 3:
            del buffer[where : where + draw(st.integers(1, 8))]
        elif kind == 4:
            del buffer[where:]
        else:
            lines = bytes(buffer).split(b"\n")
            line = draw(st.integers(0, len(lines) - 1))
            lines.insert(line, lines[line])
            buffer = bytearray(b"\n".join(lines))
    return bytes(buffer)


# ---------------------------------------------------------------------------- the check


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def read_and_judge(reader: str, directory: Path, plain: bytes, gz: bool, damage: bytes) -> None:
    """Write the input, read it, and hold the outcome to the module docstring's promise."""
    spec = READERS[reader]
    path = directory / (spec.file_name + (".gz" if gz else ""))
    stored = gzip.compress(plain, mtime=0) if gz else plain
    if damage:
        stored = damage
    path.write_bytes(stored)
    try:
        got = spec.read(path)
    except XqgError as exc:
        message = str(exc)
        assert type(exc) is spec.error, (type(exc), message)
        assert "\n" not in message and "\r" not in message, message
        match = re.match(rf"{re.escape(str(path))}:([0-9]+): \S", message)
        if match is None and spec.whole_file:
            assert re.match(rf"{re.escape(str(path))}: \S", message), message
            return
        assert match, message
        line = int(match.group(1))
        assert line >= 1, message
        if not damage:  # a damaged gzip stream may decompress to other lines
            assert line <= plain.count(b"\n") + 1, message
        return
    content = gzip.decompress(stored) if gz else stored
    try:
        expected = spec.expect(path, content)
    except Bad:
        pytest.fail(f"{reader} accepted input that breaks its format: {content[:300]!r} -> {got!r}")
    assert got == expected


@st.composite
def gzip_damage(draw: st.DrawFn, plain: bytes) -> bytes:
    """Nothing (b"") or a damaged gzip stream of ``plain``."""
    if draw(st.integers(0, 2)) != 0:
        return b""
    return draw(mutated(gzip.compress(plain, mtime=0)))


@pytest.mark.parametrize("reader", list(READERS))
@fuzz_settings()
@given(data=st.data())
def test_mutated_valid_files(workdir: Path, reader: str, data: st.DataObject) -> None:
    plain = data.draw(valid_file(reader).flatmap(mutated), label="file")
    gz = data.draw(st.integers(0, 3), label="gzip") == 0
    damage = data.draw(gzip_damage(plain), label="damage") if gz else b""
    read_and_judge(reader, workdir, plain, gz, damage)


@pytest.mark.parametrize("reader", list(READERS))
@fuzz_settings()
@given(raw=st.binary(max_size=200), gz=st.booleans())
@example(raw=b'{"data": ' + b"[" * 100_000 + b"}", gz=False)  # too deep for json.loads
def test_any_bytes(workdir: Path, reader: str, raw: bytes, gz: bool) -> None:
    read_and_judge(reader, workdir, raw, gz, b"")
