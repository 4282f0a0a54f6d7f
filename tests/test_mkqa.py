"""xqg_pyserini.irds.mkqa: MKQA as ``mkqa/{lang}``, over XOR-Retrieve's English corpus.

The fixture file is written here as apple/ml-mkqa publishes ``mkqa.jsonl.gz``:
gzipped JSON lines, one example per line with all 26 languages, integer
``example_id`` (64-bit, negative ones too), answers with or without ``entity``
and ``aliases``, null ``text`` for unanswerable and long answers.
IR_DATASETS_HOME is a temporary directory and downloads fail, so nothing
leaves the test.
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import re
from pathlib import Path
from typing import Any

import ir_datasets
import pytest

from tests.helpers import isolate_ir_datasets
from xqg_pyserini.data.records import XorDoc
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.irds import dataset_ids, mkqa, xor_tydi
from xqg_pyserini.irds.mkqa_format import MkqaQuery, read_mkqa
from xqg_pyserini.irds.sources import DatasetFileMissingError

LANGS = [
    "ar", "da", "de", "en", "es", "fi", "fr", "he", "hu", "it", "ja", "km", "ko",
    "ms", "nl", "no", "pl", "pt", "ru", "sv", "th", "tr", "vi", "zh_cn", "zh_hk", "zh_tw",
]  # fmt: skip


def example(example_id: int, en: str, queries: dict[str, str], answers: dict[str, list]) -> dict:
    """One line: every language, with ``[lang] en`` and the English answers where not given."""
    queries = {"en": en, **queries}
    return {
        "query": en,
        "queries": {lang: queries.get(lang, f"[{lang}] {en}") for lang in LANGS},
        "example_id": example_id,
        "answers": {lang: copy.deepcopy(answers.get(lang, answers["en"])) for lang in LANGS},
    }


def entity(text: str | None, qid: str, aliases: list[str] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"type": "entity", "entity": qid, "text": text}
    if aliases is not None:
        answer["aliases"] = aliases
    return answer


EXAMPLES = [
    # An entity; English without aliases, Russian with one repeating the English text,
    # zh_cn without "aliases" at all and with the trailing space of the published file.
    example(
        563260143484355911,
        "who sings i hear you knocking but you can't come in",
        {
            "de": "Wer singt I hear you knocking but you can't come in?",
            "zh_cn": "《i hear you knocking but you can't come in》是谁演唱的",
            "ja": "「 I hear you knocking」は誰が歌っていますか",
        },
        {
            "en": [entity("Dave Edmunds", "Q545186", [])],
            "ru": [entity("Эдмундс, Дэйв", "Q545186", ["Эдмундс", "Дэйв Эдмундс", "Dave Edmunds"])],
            "zh_cn": [entity("戴维·埃德蒙兹 ", "Q545186")],
            "de": [entity("Dave Edmunds", "Q545186", ["Dave Edmunds", "Edmunds"])],
        },
    ),
    # A date and a number: texts, then aliases, each once; a blank alias is left out.
    example(
        -7449157003522518870,
        "when did the first man land on the moon",
        {"de": "Wann landete der erste Mensch auf dem Mond?", "zh_cn": "第一个人什么时候登上月球"},
        {
            "en": [
                {"type": "date", "text": "20 July 1969", "aliases": ["July 20, 1969", " "]},
                {"type": "number", "text": "1969", "aliases": []},
            ],
            "de": [{"type": "date", "text": "20. Juli 1969", "aliases": ["1969"]}],
            "zh_cn": [{"type": "date", "text": "1969年7月20日"}],
        },
    ),
    # Unanswerable: stays, with no answers.
    example(
        42,
        "what is the meaning of life",
        {"zh_cn": "生命的意义是什么"},
        {"en": [{"type": "unanswerable", "text": None}]},
    ),
    # Binary and long answers are dropped; the number with a unit and short phrase stay.
    example(
        7,
        "how tall is mount everest and is it the tallest",
        {"zh_cn": "珠穆朗玛峰有多高"},
        {
            "en": [
                {"type": "binary", "text": "yes"},
                {"type": "long_answer", "text": None},
                {"type": "number_with_unit", "text": "8,848 metres", "aliases": ["8848 m"]},
                {"type": "short_phrase", "text": "the tallest mountain", "entity": None},
            ],
            "de": [{"type": "binary", "text": "ja"}, {"type": "long_answer", "text": None}],
        },
    ),
]
IDS = ["563260143484355911", "-7449157003522518870", "42", "7"]
ENGLISH = {
    "563260143484355911": ("Dave Edmunds",),
    "-7449157003522518870": ("20 July 1969", "July 20, 1969", "1969"),
    "42": (),
    "7": ("8,848 metres", "8848 m", "the tallest mountain"),
}
TYPES = {
    "563260143484355911": ("entity",),
    "-7449157003522518870": ("date", "number"),
    "42": ("unanswerable",),
    "7": ("binary", "long_answer", "number_with_unit", "short_phrase"),
}


def published(examples: list[dict]) -> bytes:
    """``mkqa.jsonl.gz`` as apple/ml-mkqa writes it: JSON lines, non-ASCII kept, gzipped."""
    text = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in examples)
    return gzip.compress(text.encode("utf-8"))


def place(directory: Path, data: bytes | None = None, name: str = mkqa.FILE_NAME) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(published(EXAMPLES) if data is None else data)
    return directory / name


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private IR_DATASETS_HOME, no MKQA or XOR-TyDi directory, downloads that fail loudly."""
    return isolate_ir_datasets(tmp_path / "irds-home", monkeypatch, mkqa.ENV_VAR, xor_tydi.ENV_VAR)


@pytest.fixture()
def fixture_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = place(tmp_path / "mkqa").parent
    monkeypatch.setenv(mkqa.ENV_VAR, str(directory))
    return directory


# --------------------------------------------------------------------------- registration


def test_every_mkqa_id_is_registered_over_the_xor_retrieve_corpus() -> None:
    ids = [f"mkqa/{lang}" for lang in LANGS]
    assert list(mkqa.DATASET_IDS) == ids and len(ids) == 26
    assert set(ids) <= set(dataset_ids()) <= set(ir_datasets.registry)
    xor_docs = ir_datasets.load("xor-tydi/retrieve").docs_handler()
    for dataset_id in ids:
        dataset = ir_datasets.load(dataset_id)
        assert (dataset.has_docs(), dataset.has_queries(), dataset.has_qrels()) == (
            True,
            True,
            False,
        )
        assert dataset.docs_cls() is XorDoc and dataset.docs_lang() == "en"
        assert dataset.queries_cls() is MkqaQuery
        assert dataset.queries_lang() == dataset_id.split("/")[1]
        docs = dataset.docs_handler()
        assert type(docs) is type(xor_docs) and docs.docs_namespace() == "xor-tydi"
        assert docs._source == xor_docs._source  # the same corpus file...
        assert docs._store_path() == xor_docs._store_path()  # ...and docstore


def test_an_unknown_language_lists_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match=r"MKQA has no language 'zh'; expected one of \['ar'"):
        list(read_mkqa(place(tmp_path), "zh"))


# --------------------------------------------------------------------------- fixture


def test_counts_and_golden_records(fixture_dir: Path) -> None:
    de = list(ir_datasets.load("mkqa/de").queries_iter())
    assert len(de) == 4 and [q.query_id for q in de] == IDS
    assert de[0] == MkqaQuery(
        "563260143484355911",
        "Wer singt I hear you knocking but you can't come in?",
        "de",
        ("Dave Edmunds",),
        ("Dave Edmunds", "Edmunds"),
        ("entity",),
    )
    assert de[1].language_answers == ("20. Juli 1969", "1969")
    assert de[3].language_answers == ()  # binary and long_answer only
    zh = {q.query_id: q for q in ir_datasets.load("mkqa/zh_cn").queries_iter()}
    assert zh["563260143484355911"] == MkqaQuery(
        "563260143484355911",
        "《i hear you knocking but you can't come in》是谁演唱的",
        "zh_cn",
        ("Dave Edmunds",),
        ("戴维·埃德蒙兹 ",),
        ("entity",),
    )
    assert zh["-7449157003522518870"].text == "第一个人什么时候登上月球"
    assert zh["-7449157003522518870"].language_answers == ("1969年7月20日",)
    ru = next(iter(ir_datasets.load("mkqa/ru").queries_iter()))
    assert ru.language_answers == ("Эдмундс, Дэйв", "Эдмундс", "Дэйв Эдмундс", "Dave Edmunds")
    assert ru.text == "[ru] who sings i hear you knocking but you can't come in"


def test_answers_are_english_with_aliases_and_dropped_types_give_none(fixture_dir: Path) -> None:
    for lang in ("en", "ja", "zh_tw"):
        queries = {q.query_id: q for q in ir_datasets.load(f"mkqa/{lang}").queries_iter()}
        assert {qid: q.answers for qid, q in queries.items()} == ENGLISH
        assert {qid: q.answer_types for qid, q in queries.items()} == TYPES
        assert all(q.language == lang for q in queries.values())
    for query in ir_datasets.load("mkqa/en").queries_iter():
        assert query.language_answers == query.answers
        by_id = {str(e["example_id"]): e["query"] for e in EXAMPLES}
        assert query.text == by_id[query.query_id]


def test_every_language_has_the_same_ids_so_the_sets_are_parallel(fixture_dir: Path) -> None:
    from xqg_pyserini.studies.alignment import available_languages, parallel_questions

    for lang in LANGS:
        assert [q.query_id for q in ir_datasets.load(f"mkqa/{lang}").queries_iter()] == IDS
    assert available_languages("mkqa") == sorted(LANGS)
    parallel = parallel_questions("mkqa", ["de", "zh_cn"], "en")
    assert list(parallel.ids) == IDS


def test_the_eval_reads_answers_and_unanswerable_questions_have_none(fixture_dir: Path) -> None:
    from xqg_pyserini.eval.answers import answer_spans
    from xqg_pyserini.eval.questions import load_questions

    questions = load_questions("mkqa/ko")  # what `python -m xqg_pyserini.eval` reads
    assert questions.answers == {qid: list(a) for qid, a in ENGLISH.items()}
    assert set(questions.languages.values()) == {"ko"} and questions.qrels is None
    assert answer_spans(questions.answers)["42"] == []  # left out of R@kt's denominator


def test_reading_queries_opens_and_downloads_no_corpus(
    fixture_dir: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[str] = []

    def recording_stream(self: ir_datasets.util.RequestsDownload) -> io.BytesIO:
        fetched.append(self.url)
        raise ConnectionError("no network")

    monkeypatch.setattr(ir_datasets.util.RequestsDownload, "stream", recording_stream)
    for lang in ("en", "de", "th"):
        assert len(list(ir_datasets.load(f"mkqa/{lang}").queries_iter())) == 4
    assert fetched == []
    assert not (isolated / "xor-tydi").exists()


def test_the_docs_are_xor_retrieve_s(
    fixture_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "xor"
    corpus.mkdir()
    tsv = "id\ttext\ttitle\n1\tDave Edmunds is a Welsh singer.\tDave Edmunds\n2\tThe Moon.\tMoon\n"
    (corpus / xor_tydi.CORPUS_FILE).write_text(tsv, encoding="utf-8")
    monkeypatch.setenv(xor_tydi.ENV_VAR, str(corpus))
    dataset = ir_datasets.load("mkqa/fi")
    docs = [
        XorDoc("1", "Dave Edmunds", "Dave Edmunds is a Welsh singer."),
        XorDoc("2", "Moon", "The Moon."),
    ]
    assert list(dataset.docs_iter()) == docs and dataset.docs_count() == 2
    assert dataset.docs_store().get("2") == docs[1]
    assert list(ir_datasets.load("xor-tydi/retrieve").docs_iter()) == docs


# ---------------------------------------------------------------- where the file comes from


def test_the_file_comes_from_the_env_directory_then_the_cache(
    tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = place(isolated / "mkqa")
    assert ir_datasets.load("mkqa/de").queries_path() == cached
    text = gzip.decompress(published(EXAMPLES[:2]))
    mine = place(tmp_path / "mine", text, name="mkqa.jsonl")  # uncompressed copies are found too
    monkeypatch.setenv(mkqa.ENV_VAR, str(mine.parent))
    dataset = ir_datasets.load("mkqa/de")
    assert dataset.queries_path() == mine
    assert [q.query_id for q in dataset.queries_iter()] == IDS[:2]
    monkeypatch.setenv(mkqa.ENV_VAR, str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    assert ir_datasets.load("mkqa/de").queries_path() == cached  # falls back to the cache
    monkeypatch.setenv(mkqa.ENV_VAR, str(tmp_path / "absent"))
    with pytest.raises(DatasetFileMissingError, match=r"^XQG_MKQA_DIR=.*absent is not a dir"):
        list(dataset.queries_iter())


def test_a_missing_file_is_one_line_naming_the_url_and_where_to_put_it(isolated: Path) -> None:
    with pytest.raises(DatasetFileMissingError) as info:
        list(ir_datasets.load("mkqa/ja").queries_iter())
    url = "https://github.com/apple/ml-mkqa/raw/main/dataset/mkqa.jsonl.gz"
    cache = isolated / "mkqa" / "mkqa.jsonl.gz"
    assert str(info.value) == (
        f"mkqa: could not download mkqa.jsonl.gz from {url} (network disabled in tests: {url}); "
        f"download it by hand and put it at {cache} (or mkqa.jsonl there, uncompressed), "
        "or put it in a directory named by $XQG_MKQA_DIR"
    )
    with pytest.raises(FileNotFoundError, match="file not found"):
        list(read_mkqa(isolated / "nowhere.jsonl.gz", "en"))


def test_a_download_lands_in_the_cache(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fetched: list[str] = []

    def fake_stream(self: ir_datasets.util.RequestsDownload) -> io.BytesIO:
        fetched.append(self.url)
        return io.BytesIO(published(EXAMPLES))

    monkeypatch.setattr(ir_datasets.util.RequestsDownload, "stream", fake_stream)
    assert [q.query_id for q in ir_datasets.load("mkqa/sv").queries_iter()] == IDS
    assert fetched == [mkqa.URL]
    assert (isolated / "mkqa" / "mkqa.jsonl.gz").read_bytes() == published(EXAMPLES)


# --------------------------------------------------------------------------- malformed lines


def _broken(change: str) -> list[str]:
    """The fixture's lines with line 3 (example 42) broken by ``change``."""
    examples = copy.deepcopy(EXAMPLES)
    record: Any = examples[2]
    lines = [json.dumps(e, ensure_ascii=False) for e in examples]
    if change == "bad json":
        lines[2] = lines[2][:-1]
        return lines
    if change == "no example_id":
        del record["example_id"]
    elif change == "string example_id":
        record["example_id"] = "42"
    elif change == "bool example_id":
        record["example_id"] = True
    elif change == "no queries":
        del record["queries"]
    elif change == "language missing from queries":
        del record["queries"]["km"]
    elif change == "language missing from answers":
        del record["answers"]["zh_hk"]
    elif change == "blank question":
        record["queries"]["fi"] = " "
    elif change == "answers not a list":
        record["answers"]["de"] = {"type": "entity"}
    elif change == "unknown type":
        record["answers"]["en"][0]["type"] = "span"
    elif change == "no text":
        del record["answers"]["en"][0]["text"]
    elif change == "int text":
        record["answers"]["ja"][0]["text"] = 3
    elif change == "aliases not strings":
        record["answers"]["en"][0]["aliases"] = [1]
    elif change == "entity not a string":
        record["answers"]["en"][0]["entity"] = 545186
    elif change == "repeated id":
        record["example_id"] = 563260143484355911
    elif change == "not an object":
        lines[2] = "[1, 2]"
        return lines
    return [json.dumps(e, ensure_ascii=False) for e in examples]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("bad json", r"not valid JSON \(Expecting ',' delimiter\)"),
        ("no example_id", r'missing "example_id"'),
        ("string example_id", r'"example_id" must be an integer, got str'),
        ("bool example_id", r'"example_id" must be an integer, got bool'),
        ("no queries", r'missing "queries"'),
        ("language missing from queries", r'"queries" has no language "km"'),
        ("language missing from answers", r'"answers" has no language "zh_hk"'),
        ("blank question", r"queries\[\"fi\"\] must be a non-blank string, got ' '"),
        ("answers not a list", r'answers\["de"\] must be a list, got dict'),
        ("unknown type", r'answers\["en"\]\[0\]: "type" must be one of \[.*\], got \'span\''),
        ("no text", r'answers\["en"\]\[0\]: missing "text"'),
        ("int text", r'answers\["ja"\]\[0\]: "text" must be a string or null, got int'),
        ("aliases not strings", r'answers\["en"\]\[0\]: "aliases" must be a list of strings'),
        (
            "entity not a string",
            r'answers\["en"\]\[0\]: "entity" must be a string or null, got int',
        ),
        ("repeated id", r"example_id 563260143484355911 already appeared at line 1"),
        ("not an object", r"expected a JSON object, got list"),
    ],
)
def test_a_malformed_line_is_named_by_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, expected: str
) -> None:
    text = "".join(line + "\n" for line in _broken(change))
    path = place(tmp_path / "m", gzip.compress(text.encode("utf-8")))
    monkeypatch.setenv(mkqa.ENV_VAR, str(path.parent))
    # Whichever language is read: the whole line is checked.
    for lang in ("en", "zh_cn"):
        with pytest.raises(CorpusFormatError) as info:
            list(ir_datasets.load(f"mkqa/{lang}").queries_iter())
        message = str(info.value)
        assert message.startswith(f"{path}:3: ") and "\n" not in message, message
        assert re.search(expected + "$", message), message


def test_a_truncated_gzip_stream_and_bad_utf8_are_named(tmp_path: Path) -> None:
    data = published(EXAMPLES)
    path = place(tmp_path / "cut", data[: len(data) // 2])
    with pytest.raises(CorpusFormatError, match=rf"^{path}:\d+: corrupt or truncated gzip"):
        list(read_mkqa(path, "de"))
    raw = gzip.decompress(data).replace("生命".encode(), b"\xff\xfe")
    path = place(tmp_path / "utf8", gzip.compress(raw))
    with pytest.raises(CorpusFormatError, match=rf"^{path}:3: not valid UTF-8"):
        list(read_mkqa(path, "de"))
