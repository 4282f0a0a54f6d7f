"""xqg_pyserini.irds.tydiqa: TyDi QA GoldP as ``tydiqa-goldp/{split}/{lang}``.

The fixture files are written here in the published layout: one SQuAD v1.1
JSON document, one paragraph per article, question ids prefixed by the
language's English name (a negative number gives a double dash, as in
``indonesian--4256...-0``). IR_DATASETS_HOME is a temporary directory and
downloads fail, so nothing leaves the test.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import ir_datasets
import pytest

from tests.helpers import isolate_ir_datasets, write_text_files
from xqg_pyserini.data.records import TrecQrel, XorDoc, XorQuery
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.irds import dataset_ids, tydiqa
from xqg_pyserini.irds.sources import DatasetFileMissingError

HELSINKI = "Helsinki on Suomen pääkaupunki ja suurin kaupunki."
CAIRO = "القاهرة هي عاصمة مصر وأكبر مدنها."
OSLO = "Oslo is the capital of Norway."


def qa(qid: str, question: str, *answers: tuple[int, str]) -> dict[str, Any]:
    return {
        "answers": [{"answer_start": start, "text": text} for start, text in answers],
        "id": qid,
        "question": question,
    }


def article(title: str, context: str, *qas: dict[str, Any]) -> dict[str, Any]:
    return {"paragraphs": [{"context": context, "qas": list(qas)}], "title": title}


# Finnish: one passage given twice (two articles), three questions; Arabic: one
# question with two answers; English: one question; no Swahili at all.
DEV = {
    "data": [
        article(
            "Helsinki",
            HELSINKI,
            qa("finnish-8207385312307458787-0", "Mikä on Suomen pääkaupunki?", (0, "Helsinki")),
            qa("finnish--113425513445311267-0", "Mikä on Suomen suurin kaupunki?", (0, "Helsinki")),
        ),
        article(
            "القاهرة",
            CAIRO,
            qa(
                "arabic-2387335860751143628-1",
                "ما هي عاصمة مصر؟",
                (0, "القاهرة"),
                (0, "القاهرة هي"),
            ),
        ),
        article(
            "Helsinki",
            HELSINKI,
            qa("finnish-554671112018716510-0", "Missä maassa Helsinki on?", (23, "Suomen")),
        ),
        article(
            "Oslo",
            OSLO,
            qa("english-7826584493616307006-0", "What is the capital of Norway?", (0, "Oslo")),
        ),
    ],
    "version": "TyDiQA-GoldP-1.1-for-SQuAD-1.1",
}
TRAIN = {
    "data": [article("Oslo", OSLO, qa("english-1-0", "Where is Oslo?", (23, "Norway")))],
    "version": "TyDiQA-GoldP-1.1-for-SQuAD-1.1",
}


def expected_id(lang: str, title: str, text: str) -> str:
    return f"tydiqa-goldp-{lang}-" + hashlib.sha1(f"{title}\0{text}".encode()).hexdigest()[:16]


FI_DOC = XorDoc(expected_id("fi", "Helsinki", HELSINKI), "Helsinki", HELSINKI)
AR_DOC = XorDoc(expected_id("ar", "القاهرة", CAIRO), "القاهرة", CAIRO)


def published(document: object) -> str:
    return json.dumps(document, ensure_ascii=False)


def place(directory: Path, files: dict[str, object] | None = None, gz: bool = False) -> Path:
    texts = {
        f"tydiqa-goldp-v1.1-{split}.json": doc if isinstance(doc, str) else published(doc)
        for split, doc in (files or {"dev": DEV, "train": TRAIN}).items()
    }
    return write_text_files(directory, texts, gz)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private IR_DATASETS_HOME, no TyDi directory, and downloads that fail loudly."""
    return isolate_ir_datasets(tmp_path / "irds-home", monkeypatch, tydiqa.ENV_VAR)


@pytest.fixture()
def fixture_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = place(tmp_path / "tydiqa")
    monkeypatch.setenv(tydiqa.ENV_VAR, str(directory))
    return directory


# --------------------------------------------------------------------------- registration


def test_every_tydiqa_id_is_registered_with_its_components() -> None:
    langs = ["ar", "bn", "en", "fi", "id", "ko", "ru", "sw", "te"]
    ids = [f"tydiqa-goldp/{split}/{lang}" for split in ("train", "dev") for lang in langs]
    assert list(tydiqa.LANGUAGES) == langs and list(tydiqa.DATASET_IDS) == ids
    assert set(ids) <= set(dataset_ids()) <= set(ir_datasets.registry)
    for dataset_id in ids:
        dataset = ir_datasets.load(dataset_id)
        assert (dataset.has_docs(), dataset.has_queries(), dataset.has_qrels()) == (True,) * 3
        lang = dataset_id.rsplit("/", 1)[1]
        assert dataset.docs_cls() is XorDoc and dataset.docs_lang() == lang
        assert dataset.queries_cls() is XorQuery and dataset.queries_lang() == lang


def test_an_unknown_language_or_split_lists_the_valid_ones(fixture_dir: Path) -> None:
    path = fixture_dir / "tydiqa-goldp-v1.1-dev.json"
    with pytest.raises(KeyError, match=r"GoldP has no language 'ja'; expected one of \['ar', 'bn'"):
        tydiqa.read_language(path, "ja")
    with pytest.raises(
        KeyError, match=r"GoldP has no split 'test'; expected one of \['train', 'dev'\]"
    ):
        tydiqa.source_file("test")
    assert "tydiqa-goldp/dev/th" not in ir_datasets.registry


# --------------------------------------------------------------------------- fixture


def test_fixture_counts_and_golden_records(fixture_dir: Path) -> None:
    fi = ir_datasets.load("tydiqa-goldp/dev/fi")
    assert fi.docs_count() == 1  # the passage given twice is one doc
    assert list(fi.docs_iter()) == [FI_DOC]
    assert fi.docs_store().get(FI_DOC.doc_id) == FI_DOC
    assert list(fi.queries_iter()) == [
        XorQuery(
            "finnish-8207385312307458787-0", "Mikä on Suomen pääkaupunki?", "fi", ("Helsinki",)
        ),
        XorQuery(
            "finnish--113425513445311267-0", "Mikä on Suomen suurin kaupunki?", "fi", ("Helsinki",)
        ),
        XorQuery("finnish-554671112018716510-0", "Missä maassa Helsinki on?", "fi", ("Suomen",)),
    ]
    assert list(fi.qrels_iter()) == [
        TrecQrel(qid, FI_DOC.doc_id, 1, "0")
        for qid in (
            "finnish-8207385312307458787-0",
            "finnish--113425513445311267-0",
            "finnish-554671112018716510-0",
        )
    ]
    ar = ir_datasets.load("tydiqa-goldp/dev/ar")
    assert list(ar.docs_iter()) == [AR_DOC]
    assert list(ar.queries_iter()) == [
        XorQuery(
            "arabic-2387335860751143628-1", "ما هي عاصمة مصر؟", "ar", ("القاهرة", "القاهرة هي")
        )
    ]
    assert list(ar.qrels_iter()) == [
        TrecQrel("arabic-2387335860751143628-1", AR_DOC.doc_id, 1, "0")
    ]
    sw = ir_datasets.load("tydiqa-goldp/dev/sw")
    assert sw.docs_count() == 0 and list(sw.queries_iter()) == []


def test_splits_read_their_own_file_and_languages_keep_their_passages(fixture_dir: Path) -> None:
    train = ir_datasets.load("tydiqa-goldp/train/en")
    dev = ir_datasets.load("tydiqa-goldp/dev/en")
    assert [q.query_id for q in train.queries_iter()] == ["english-1-0"]
    assert [q.query_id for q in dev.queries_iter()] == ["english-7826584493616307006-0"]
    # The same passage in two splits has the same id (content, not position).
    assert [d.doc_id for d in train.docs_iter()] == [d.doc_id for d in dev.docs_iter()]
    assert train.docs_path() == fixture_dir / "tydiqa-goldp-v1.1-train.json"


def test_the_evaluation_reads_answers_and_qrels(fixture_dir: Path) -> None:
    from xqg_pyserini.eval.questions import load_questions

    questions = load_questions("tydiqa-goldp/dev/ar")
    assert questions.answers == {"arabic-2387335860751143628-1": ["القاهرة", "القاهرة هي"]}
    assert questions.languages == {"arabic-2387335860751143628-1": "ar"}
    assert questions.qrels == {"arabic-2387335860751143628-1": {AR_DOC.doc_id: 1}}


# --------------------------------------------------------------------------- where files come from


def test_files_come_from_the_env_directory_gz_included(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(tydiqa.ENV_VAR, str(place(tmp_path / "mine", {"dev": DEV}, gz=True)))
    dataset = ir_datasets.load("tydiqa-goldp/dev/fi")
    assert dataset.queries_path() == tmp_path / "mine" / "tydiqa-goldp-v1.1-dev.json.gz"
    assert len(list(dataset.queries_iter())) == 3


def test_a_failed_download_names_the_file_the_url_and_where_to_put_it(isolated: Path) -> None:
    with pytest.raises(DatasetFileMissingError) as info:
        list(ir_datasets.load("tydiqa-goldp/dev/te").queries_iter())
    url = "https://storage.googleapis.com/tydiqa/v1.1/tydiqa-goldp-v1.1-dev.json"
    cache = isolated / "tydiqa-goldp" / "tydiqa-goldp-v1.1-dev.json"
    assert str(info.value) == (
        f"tydiqa-goldp: could not download tydiqa-goldp-v1.1-dev.json from {url} "
        f"(network disabled in tests: {url}); download it by hand and put it at {cache} "
        "(or tydiqa-goldp-v1.1-dev.json.gz there), "
        "or put it in a directory named by $XQG_TYDIQA_DIR"
    )


# --------------------------------------------------------------------------- malformed files


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("no question", r'data\[2\]\.paragraphs\[0\]\.qas\[0\]: missing "question"$'),
        ("no answers", r'data\[2\]\.paragraphs\[0\]\.qas\[0\]: "answers" is empty'),
        (
            "thai",
            r"data\[2\]\.paragraphs\[0\]: question id 'thai-1-0' does not start with a TyDi QA "
            r"GoldP language name and '-' \(one of \['arabic', 'bengali'",
        ),
    ],
)
def test_malformed_files_name_the_file_and_the_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str, expected: str
) -> None:
    document: Any = copy.deepcopy(DEV)
    qa1 = document["data"][2]["paragraphs"][0]["qas"][0]
    if change == "no question":
        del qa1["question"]
    elif change == "no answers":
        qa1["answers"] = []
    else:
        qa1["id"] = "thai-1-0"
    monkeypatch.setenv(tydiqa.ENV_VAR, str(place(tmp_path / "x", {"dev": document})))
    pattern = r"^.*/tydiqa-goldp-v1\.1-dev\.json: " + expected
    with pytest.raises(CorpusFormatError, match=pattern) as info:
        list(ir_datasets.load("tydiqa-goldp/dev/en").queries_iter())
    assert "\n" not in str(info.value)


def test_a_syntax_error_names_the_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = published(DEV)[:-1] + ",}"  # a trailing comma
    monkeypatch.setenv(tydiqa.ENV_VAR, str(place(tmp_path / "x", {"dev": text})))
    with pytest.raises(
        CorpusFormatError, match=r"^.*/tydiqa-goldp-v1\.1-dev\.json:1: not valid JSON"
    ):
        list(ir_datasets.load("tydiqa-goldp/dev/fi").docs_iter())
