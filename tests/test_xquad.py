"""xqg_pyserini.irds.xquad: XQuAD as ``xquad``, ``xquad/{lang}`` and their ``/distractors``.

The fixture files are written here exactly as google-deepmind/xquad publishes
them: SQuAD v1.1 JSON, indented by 2, keys sorted, non-ASCII as ``\\u`` escapes.
IR_DATASETS_HOME is a temporary directory and downloads fail, so nothing leaves
the test. One test reads the real copy in /work/shared/data/xquad when present.
"""

from __future__ import annotations

import copy
import gzip
import io
import json
import os
from pathlib import Path
from typing import Any

import ir_datasets
import pytest

from tests.helpers import isolate_ir_datasets, write_text_files
from xqg_pyserini.data.records import TrecQrel, XorDoc
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.irds import dataset_ids, xqg_demo, xquad
from xqg_pyserini.irds.sources import DatasetFileMissingError
from xqg_pyserini.irds.xquad_format import XquadQuery, read_xquad

REAL_COPY = Path(os.environ.get("XQG_TEST_XQUAD_DIR", "/work/shared/data/xquad"))


def qa(qid: str, question: str, *answers: tuple[int, str]) -> dict[str, Any]:
    return {
        "id": qid,
        "question": question,
        "answers": [{"answer_start": start, "text": text} for start, text in answers],
    }


def squad(articles: list[tuple[str, list[tuple[str, list[dict[str, Any]]]]]]) -> dict[str, Any]:
    return {
        "data": [
            {"title": title, "paragraphs": [{"context": c, "qas": q} for c, q in paragraphs]}
            for title, paragraphs in articles
        ],
        "version": "1.1",
    }


# Two articles (two paragraphs, then one), four questions, in three parallel files.
EN = squad(
    [
        (
            "Super_Bowl_50",
            [
                (
                    "Super Bowl 50 was won by the Denver Broncos, 24-10.",
                    [
                        qa("56be4db0", "Which team won Super Bowl 50?", (26, "Denver Broncos")),
                        qa("56be4db1", "What was the final score?", (46, "24-10")),
                    ],
                ),
                (
                    "The Panthers defense gave up just 308 points.",
                    [qa("56beb434", "How many points did the Panthers give up?", (34, "308"))],
                ),
            ],
        ),
        (
            "Amazon_rainforest",
            [
                (
                    "The Amazon covers seven million square kilometres.",
                    [
                        qa(
                            "5729e2b3",
                            "How large is the Amazon?",
                            (18, "seven million square kilometres"),
                            (18, "seven million"),
                        )
                    ],
                )
            ],
        ),
    ]
)
DE = squad(
    [
        (
            "Super_Bowl_50",
            [
                (
                    "Super Bowl 50 gewannen die Denver Broncos mit 24:10.",
                    [
                        qa("56be4db0", "Wer gewann den Super Bowl 50?", (27, "Denver Broncos")),
                        qa("56be4db1", "Wie lautete das Endergebnis?", (46, "24:10")),
                    ],
                ),
                (
                    "Die Verteidigung der Panthers gab nur 308 Punkte ab.",
                    [qa("56beb434", "Wie viele Punkte gaben die Panthers ab?", (38, "308"))],
                ),
            ],
        ),
        (
            "Amazon_rainforest",
            [
                (
                    "Der Amazonas bedeckt sieben Millionen Quadratkilometer.",
                    [
                        qa(
                            "5729e2b3",
                            "Wie groß ist der Amazonas?",
                            (21, "sieben Millionen Quadratkilometer"),
                            (21, "sieben Millionen"),
                        )
                    ],
                )
            ],
        ),
    ]
)
ZH = squad(
    [
        (
            "Super_Bowl_50",
            [
                (
                    "丹佛野马队以 24 比 10 赢得了第 50 届超级碗。",
                    [
                        qa("56be4db0", "哪支球队赢得了第 50 届超级碗？", (0, "丹佛野马队")),
                        qa("56be4db1", "最终比分是多少？", (7, "24 比 10")),
                    ],
                ),
                (
                    "黑豹队的防守只丢了 308 分。",
                    [qa("56beb434", "黑豹队的防守丢了多少分？", (10, "308"))],
                ),
            ],
        ),
        (
            "Amazon_rainforest",
            [
                (
                    "亚马逊雨林面积为七百万平方公里。",
                    [qa("5729e2b3", "亚马逊有多大？", (8, "七百万平方公里"))],
                )
            ],
        ),
    ]
)
FILES = {"en": EN, "de": DE, "zh": ZH}

DOCS = [
    XorDoc("xquad-en-0-0", "Super_Bowl_50", "Super Bowl 50 was won by the Denver Broncos, 24-10."),
    XorDoc("xquad-en-0-1", "Super_Bowl_50", "The Panthers defense gave up just 308 points."),
    XorDoc(
        "xquad-en-1-0", "Amazon_rainforest", "The Amazon covers seven million square kilometres."
    ),
]
QRELS = [
    TrecQrel("56be4db0", "xquad-en-0-0", 1, "0"),
    TrecQrel("56be4db1", "xquad-en-0-0", 1, "0"),
    TrecQrel("56beb434", "xquad-en-0-1", 1, "0"),
    TrecQrel("5729e2b3", "xquad-en-1-0", 1, "0"),
]
ENGLISH_ANSWERS = {
    "56be4db0": ("Denver Broncos",),
    "56be4db1": ("24-10",),
    "56beb434": ("308",),
    "5729e2b3": ("seven million square kilometres", "seven million"),
}


def published(document: object) -> str:
    """The text of a file as google-deepmind/xquad writes it."""
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def place(directory: Path, files: dict[str, object] | None = None, gz: bool = False) -> Path:
    texts = {
        f"xquad.{lang}.json": doc if isinstance(doc, str) else published(doc)
        for lang, doc in (files or FILES).items()
    }
    return write_text_files(directory, texts, gz)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private IR_DATASETS_HOME, no XQuAD directory, and downloads that fail loudly."""
    return isolate_ir_datasets(tmp_path / "irds-home", monkeypatch, xquad.ENV_VAR)


@pytest.fixture()
def fixture_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = place(tmp_path / "xquad")
    monkeypatch.setenv(xquad.ENV_VAR, str(directory))
    return directory


# --------------------------------------------------------------------------- registration


def test_every_xquad_id_is_registered_with_its_components() -> None:
    ids = [
        "xquad",
        *(f"xquad/{lang}" for lang in xquad.LANGUAGES),
        "xquad/distractors",
        *(f"xquad/{lang}/distractors" for lang in xquad.LANGUAGES),
        "xquad-all",
        "xquad-all/distractors",
    ]
    assert len(xquad.LANGUAGES) == 12 and list(xquad.DATASET_IDS) == ids
    assert set(ids) <= set(dataset_ids()) <= set(ir_datasets.registry)
    for dataset_id in ids:
        dataset = ir_datasets.load(dataset_id)
        with_queries = dataset_id not in ("xquad", "xquad/distractors")
        assert (dataset.has_docs(), dataset.has_queries(), dataset.has_qrels()) == (
            True,
            with_queries,
            with_queries,
        )
        assert dataset.docs_cls() is XorDoc and dataset.docs_lang() == "en"
        if with_queries:
            assert dataset.queries_cls() is XquadQuery
            every = dataset_id.startswith("xquad-all")
            assert dataset.queries_lang() == (None if every else dataset_id.split("/")[1])
    assert ir_datasets.docs_parent_id("xquad/zh") == "xquad"


def test_an_unknown_language_lists_the_valid_ones() -> None:
    with pytest.raises(KeyError, match=r"XQuAD has no language 'ja'; expected one of \['ar'"):
        xquad.source_file("ja")


# --------------------------------------------------------------------------- fixture


@pytest.mark.parametrize("lang", ["de", "zh"])
def test_fixture_counts_and_golden_records(fixture_dir: Path, lang: str) -> None:
    dataset = ir_datasets.load(f"xquad/{lang}")
    assert dataset.docs_count() == 3
    assert list(dataset.docs_iter()) == DOCS
    assert dataset.docs_store().get("xquad-en-1-0") == DOCS[2]
    queries = list(dataset.queries_iter())
    assert [q.query_id for q in queries] == [q.query_id for q in QRELS]
    first = FILES[lang]["data"][0]["paragraphs"][0]["qas"][0]  # type: ignore[index]
    assert queries[0] == XquadQuery(
        "56be4db0",
        first["question"],
        lang,
        ("Denver Broncos",),
        (first["answers"][0]["text"],),
    )
    assert list(dataset.qrels_iter()) == QRELS


def test_qrels_point_to_the_english_paragraph_of_the_same_question_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The German file lists the Amazon article first: ids, not positions, decide.
    reordered = copy.deepcopy(DE)
    reordered["data"].reverse()
    monkeypatch.setenv(xquad.ENV_VAR, str(place(tmp_path / "x", {"en": EN, "de": reordered})))
    dataset = ir_datasets.load("xquad/de")
    assert sorted(dataset.qrels_iter()) == sorted(QRELS)
    assert [q.query_id for q in dataset.queries_iter()][0] == "5729e2b3"


def test_answers_are_english_and_language_answers_are_the_file_s(fixture_dir: Path) -> None:
    from xqg_pyserini.eval.questions import load_questions

    zh = {q.query_id: q for q in ir_datasets.load("xquad/zh").queries_iter()}
    assert {qid: q.answers for qid, q in zh.items()} == ENGLISH_ANSWERS
    assert zh["56be4db1"].language_answers == ("24 比 10",)
    assert zh["5729e2b3"].language_answers == ("七百万平方公里",)
    de = {q.query_id: q for q in ir_datasets.load("xquad/de").queries_iter()}
    assert de["5729e2b3"].language_answers == (
        "sieben Millionen Quadratkilometer",
        "sieben Millionen",
    )
    for query in ir_datasets.load("xquad/en").queries_iter():
        assert query.answers == query.language_answers == ENGLISH_ANSWERS[query.query_id]
    questions = load_questions("xquad/zh")  # what `python -m xqg_pyserini.eval` reads
    assert questions.answers == {qid: list(a) for qid, a in ENGLISH_ANSWERS.items()}
    assert set(questions.languages.values()) == {"zh"}
    assert questions.qrels == {q.query_id: {q.doc_id: 1} for q in QRELS}


def test_every_language_in_one_dataset_with_language_prefixed_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {lang: FILES.get(lang, EN) for lang in xquad.LANGUAGES}  # the rest: English copies
    monkeypatch.setenv(xquad.ENV_VAR, str(place(tmp_path / "x", files)))
    for dataset_id, docs in [("xquad-all", 3), ("xquad-all/distractors", 3 + 5500)]:
        dataset = ir_datasets.load(dataset_id)
        queries = list(dataset.queries_iter())
        assert len(queries) == 12 * len(QRELS) and dataset.docs_count() == docs
        assert [q.language for q in queries[:: len(QRELS)]] == list(xquad.LANGUAGES)
        de = [q for q in queries if q.language == "de"]
        assert de == [
            q._replace(query_id=f"de-{q.query_id}")
            for q in ir_datasets.load("xquad/de").queries_iter()
        ]
        assert list(dataset.qrels_iter()) == [
            qrel._replace(query_id=f"{lang}-{qrel.query_id}")
            for lang in xquad.LANGUAGES
            for qrel in QRELS
        ]


def test_the_english_corpus_alone(fixture_dir: Path) -> None:
    dataset = ir_datasets.load("xquad")
    assert list(dataset.docs_iter()) == DOCS
    assert dataset.docs_path() == fixture_dir / "xquad.en.json"


# --------------------------------------------------------------------------- where files come from


def test_files_come_from_the_env_directory_gz_included_or_the_cache(
    tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    place(isolated / "xquad", {"en": EN})
    place(tmp_path / "mine", {"de": DE}, gz=True)
    monkeypatch.setenv(xquad.ENV_VAR, str(tmp_path / "mine"))
    dataset = ir_datasets.load("xquad/de")
    assert dataset.queries_path() == tmp_path / "mine" / "xquad.de.json.gz"
    assert dataset.docs_path() == isolated / "xquad" / "xquad.en.json"  # falls back to the cache
    assert len(list(dataset.queries_iter())) == 4
    monkeypatch.setenv(xquad.ENV_VAR, str(tmp_path / "absent"))
    with pytest.raises(DatasetFileMissingError, match=r"^XQG_XQUAD_DIR=.*absent is not a dir"):
        list(dataset.queries_iter())


def test_a_failed_download_names_the_file_the_url_and_where_to_put_it(isolated: Path) -> None:
    with pytest.raises(DatasetFileMissingError) as info:
        list(ir_datasets.load("xquad/th").queries_iter())
    url = "https://raw.githubusercontent.com/google-deepmind/xquad/master/xquad.th.json"
    cache = isolated / "xquad" / "xquad.th.json"
    assert str(info.value) == (
        f"xquad: could not download xquad.th.json from {url} (network disabled in tests: {url}); "
        f"download it by hand and put it at {cache} (or xquad.th.json.gz there), "
        "or put it in a directory named by $XQG_XQUAD_DIR"
    )


def test_a_download_lands_in_the_cache(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fetched: list[str] = []

    def fake_stream(self: ir_datasets.util.RequestsDownload) -> io.BytesIO:
        fetched.append(self.url)
        return io.BytesIO(published(EN).encode())

    monkeypatch.setattr(ir_datasets.util.RequestsDownload, "stream", fake_stream)
    assert len(list(ir_datasets.load("xquad/en").queries_iter())) == 4
    assert list(ir_datasets.load("xquad").docs_iter()) == DOCS
    assert fetched == [xquad.BASE_URL + "xquad.en.json"]
    assert (isolated / "xquad" / "xquad.en.json").read_text("utf-8") == published(EN)


# --------------------------------------------------------------------------- malformed files


def _broken(change: str) -> object:
    document: Any = copy.deepcopy(ZH)
    qa1 = document["data"][1]["paragraphs"][0]["qas"][0]
    if change == "no question":
        del qa1["question"]
    elif change == "int id":
        qa1["id"] = 7
    elif change == "no answers":
        qa1["answers"] = []
    elif change == "blank answer":
        qa1["answers"][0]["text"] = " "
    elif change == "qas not a list":
        document["data"][0]["paragraphs"][1]["qas"] = {}
    elif change == "no context":
        del document["data"][0]["paragraphs"][1]["context"]
    elif change == "no data":
        return {"version": "1.1"}
    elif change == "repeated id":
        qa1["id"] = "56be4db1"
    return document


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("no question", r'data\[1\]\.paragraphs\[0\]\.qas\[0\]: missing "question"$'),
        ("int id", r"data\[1\]\.paragraphs\[0\]\.qas\[0\]: field 'id' must be a string, got int"),
        ("no answers", r'data\[1\]\.paragraphs\[0\]\.qas\[0\]: "answers" is empty'),
        (
            "blank answer",
            r"data\[1\]\.paragraphs\[0\]\.qas\[0\]\.answers\[0\]: field 'text' must be a non-blank",
        ),
        ("qas not a list", r'data\[0\]\.paragraphs\[1\]: "qas" must be a list, got dict$'),
        ("no context", r'data\[0\]\.paragraphs\[1\]: missing "context"$'),
        ("no data", r'\(top level\): missing "data"$'),
        (
            "repeated id",
            r"data\[1\]\.paragraphs\[0\]\.qas\[0\]: question id '56be4db1' already appeared "
            r"at data\[0\]\.paragraphs\[0\]\.qas\[1\]$",
        ),
    ],
)
def test_malformed_files_name_the_file_and_the_json_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, expected: str
) -> None:
    document = _broken(change)
    monkeypatch.setenv(xquad.ENV_VAR, str(place(tmp_path / "x", {"en": EN, "zh": document})))
    with pytest.raises(CorpusFormatError, match=r"^.*/xquad\.zh\.json: " + expected) as info:
        list(ir_datasets.load("xquad/zh").queries_iter())
    assert "\n" not in str(info.value)


def test_a_syntax_error_names_the_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = published(ZH).replace('"version": "1.1"', '"version": "1.1",')  # a trailing comma
    last = text.count("\n")  # the closing brace
    monkeypatch.setenv(xquad.ENV_VAR, str(place(tmp_path / "x", {"en": EN, "zh": text})))
    pattern = rf"^.*/xquad\.zh\.json:{last}: not valid JSON \(Expecting .+ at column 1\)$"
    with pytest.raises(CorpusFormatError, match=pattern):
        list(ir_datasets.load("xquad/zh").queries_iter())


def test_strict_json_rules_apply_to_the_whole_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = published(ZH).replace('"version": "1.1"', '"version": NaN')
    monkeypatch.setenv(xquad.ENV_VAR, str(place(tmp_path / "x", {"en": EN, "zh": text})))
    with pytest.raises(CorpusFormatError, match=r"xquad\.zh\.json: not valid JSON \(.*NaN"):
        list(ir_datasets.load("xquad/zh").queries_iter())


def test_a_question_missing_from_the_english_file_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document: Any = copy.deepcopy(DE)
    document["data"][0]["paragraphs"][1]["qas"][0]["id"] = "orphan-1"
    monkeypatch.setenv(xquad.ENV_VAR, str(place(tmp_path / "x", {"en": EN, "de": document})))
    pattern = r"^.*/xquad\.de\.json: question id 'orphan-1' is not in .*/xquad\.en\.json"
    with pytest.raises(CorpusFormatError, match=pattern):
        list(ir_datasets.load("xquad/de").qrels_iter())


# --------------------------------------------------------------------------- distractors


def test_distractors_add_the_demo_passages_after_the_paragraphs(fixture_dir: Path) -> None:
    dataset = ir_datasets.load("xquad/de/distractors")
    docs = list(dataset.docs_iter())
    assert docs[:3] == DOCS and len(docs) == 3 + 5500
    assert len({doc.doc_id for doc in docs}) == len(docs)
    assert dataset.docs_count() == 3 + 5500
    store = dataset.docs_store()
    found = store.get_many(["xquad-en-0-1", docs[3].doc_id, "absent"])
    assert found == {"xquad-en-0-1": DOCS[1], docs[3].doc_id: docs[3]}
    assert list(dataset.qrels_iter()) == QRELS
    assert list(dataset.queries_iter()) == list(ir_datasets.load("xquad/de").queries_iter())


def test_a_distractor_id_that_could_collide_is_refused(fixture_dir: Path, tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    demo.mkdir()
    tsv = "id\ttext\ttitle\n1\tone\tOne\nxquad-en-0-0\tclash\tClash\n"
    (demo / xqg_demo.CORPUS_FILE).write_bytes(gzip.compress(tsv.encode()))
    previous = xqg_demo.set_directory(demo)
    try:
        with pytest.raises(CorpusFormatError, match="'xquad-en-0-0' could collide"):
            list(ir_datasets.load("xquad/distractors").docs_iter())
    finally:
        xqg_demo.set_directory(previous)


# --------------------------------------------------------------------------- the real files


@pytest.mark.skipif(
    not (REAL_COPY / "xquad.en.json").is_file(), reason=f"no XQuAD copy at {REAL_COPY}"
)
def test_the_real_copy_has_1190_questions_per_language_over_240_paragraphs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(xquad.ENV_VAR, str(REAL_COPY))
    english = read_xquad(REAL_COPY / "xquad.en.json")
    assert len(english.paragraphs) == 240
    doc_ids = {doc.doc_id for doc in english.paragraphs}
    assert len(doc_ids) == 240 and ir_datasets.load("xquad").docs_count() == 240
    english_ids = [q.question_id for q in english.questions]
    for lang in xquad.LANGUAGES:
        dataset = ir_datasets.load(f"xquad/{lang}")
        queries = list(dataset.queries_iter())
        assert len(queries) == 1190, lang
        assert sorted(q.query_id for q in queries) == sorted(english_ids), lang
        assert all(q.language == lang and q.answers and q.language_answers for q in queries)
        qrels = list(dataset.qrels_iter())
        assert len(qrels) == 1190 and {q.doc_id for q in qrels} == doc_ids, lang
        paragraphs = read_xquad(REAL_COPY / f"xquad.{lang}.json").paragraphs
        assert [d.doc_id for d in paragraphs] == [d.doc_id for d in english.paragraphs], lang
    every = ir_datasets.load("xquad-all")
    ids = [q.query_id for q in every.queries_iter()]
    assert len(ids) == len(set(ids)) == 12 * 1190
    assert sum(1 for _ in every.qrels_iter()) == 12 * 1190
