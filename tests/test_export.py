"""Exports for Pyserini (topics, collection, answers) from a tiny in-memory ir_datasets dataset."""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import ir_datasets
import pytest
from ir_datasets.formats import BaseQueries

from tests.helpers import Doc, MemoryDocs
from xqg_pyserini.data import collection
from xqg_pyserini.data.__main__ import build_parser, main
from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.data.corpus_source import open_corpus
from xqg_pyserini.data.export import (
    collection_record,
    export_answers,
    export_collection,
    export_topics,
    generated_queries_field,
    tsv_safe,
)
from xqg_pyserini.data.generated_join import UnmatchedQuestionsError
from xqg_pyserini.data.topics import read_topics_tsv
from xqg_pyserini.errors import CorpusFormatError, DatasetError, OutputExistsError
from xqg_pyserini.irds.load import load_dataset


class XorQuery(NamedTuple):
    query_id: str
    text: str
    language: str
    answers: tuple[str, ...]


class UnansweredQuery(NamedTuple):
    query_id: str
    text: str
    language: str


class MemoryQueries(BaseQueries):
    def __init__(self, queries: list[NamedTuple], cls: type) -> None:
        self._queries, self._cls = queries, cls

    def queries_iter(self):  # type: ignore[no-untyped-def]
        return iter(self._queries)

    def queries_cls(self) -> type:
        return self._cls


DOCS = [
    Doc("1", "Cairo", "Cairo is the capital of Egypt."),
    Doc("2", "Helsinki", "Helsinki\tis the capital\nof Finland."),
    Doc("3", "", "A passage without a title."),
    Doc("4", "Tōkyō", "Tōkyō, 東京, is the capital of Japan."),
    Doc("5", "Moscow", "Moscow (Москва) is the capital of Russia."),
]
QUERIES = [
    XorQuery("ar-1", "ما هي عاصمة مصر؟", "ar", ("القاهرة",)),
    XorQuery("bn-1", "বাংলাদেশের\tরাজধানী কী?", "bn", ("ঢাকা",)),
    XorQuery("fi-1", "Mikä on\nSuomen pääkaupunki?", "fi", ("Helsinki",)),
    XorQuery("ja-1", "日本の首都はどこですか？", "ja", ("東京", "Tokyo")),
    XorQuery("ja-2", "富士山は活火山ですか", "ja", ("yes",)),
    XorQuery("ko-1", "한국의 수도는?\r\n", "ko", ("서울",)),
    XorQuery("ru-1", "Какая столица России?", "ru", ("Москва",)),
    XorQuery("te-1", "భారతదేశ రాజధాని ఏది?", "te", ()),
]


@pytest.fixture(scope="session")
def tiny() -> dict[str, str]:
    """Ids of tiny datasets registered for this test session (unique, so re-runs coexist)."""
    root = f"xqg-pytest-{uuid.uuid4().hex[:8]}"
    unanswered = [UnansweredQuery(q.query_id, q.text, q.language) for q in QUERIES]
    empty = [q._replace(answers=()) for q in QUERIES]
    datasets = {
        "dev": ir_datasets.Dataset(MemoryDocs(DOCS), MemoryQueries(QUERIES, XorQuery)),
        "test": ir_datasets.Dataset(MemoryDocs(DOCS), MemoryQueries(unanswered, UnansweredQuery)),
        "blank": ir_datasets.Dataset(MemoryDocs(DOCS), MemoryQueries(empty, XorQuery)),
        "docs": ir_datasets.Dataset(MemoryDocs(DOCS)),
        "dupes": ir_datasets.Dataset(MemoryDocs(DOCS + DOCS[:1])),
    }
    for name, dataset in datasets.items():
        ir_datasets.registry.register(f"{root}/{name}", dataset)
    return {name: f"{root}/{name}" for name in datasets}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


# ---------------------------------------------------------------------------- datasets


def test_unknown_id_suggests_close_ones(tiny: dict[str, str]) -> None:
    with pytest.raises(DatasetError, match=rf"unknown ir_datasets id .*did you mean {tiny['dev']}"):
        load_dataset(tiny["dev"] + "x")


def test_load_dataset_registers_our_ids_without_the_start_up_hook(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ir_datasets

    from xqg_pyserini import irds

    fresh = type(ir_datasets.registry)()  # an ir_datasets registry that knows nothing
    monkeypatch.setattr(ir_datasets, "registry", fresh)
    monkeypatch.setattr(irds, "_registered_into", None)
    assert load_dataset("xqg-demo/dev").has_queries()
    assert "xqg-demo/dev" in fresh


# ---------------------------------------------------------------------------- topics


def test_topics_all_and_per_language(tiny: dict[str, str], tmp_path: Path) -> None:
    counts = export_topics(tiny["dev"], tmp_path)
    assert counts == {
        "topics.all.tsv": 8,
        **{f"topics.{lang}.tsv": 1 for lang in ("ar", "bn", "fi", "ko", "ru", "te")},
        "topics.ja.tsv": 2,
    }
    everything = read_topics_tsv(tmp_path / "topics.all.tsv")
    assert list(everything) == [q.query_id for q in QUERIES]
    assert everything["bn-1"] == "বাংলাদেশের রাজধানী কী?"
    assert everything["fi-1"] == "Mikä on Suomen pääkaupunki?"
    assert everything["ko-1"] == "한국의 수도는?  "
    assert everything["te-1"] == "భారతదేశ రాజధాని ఏది?"
    assert read_topics_tsv(tmp_path / "topics.ja.tsv") == {
        "ja-1": "日本の首都はどこですか？",
        "ja-2": "富士山は活火山ですか",
    }
    for lang in ("ar", "bn", "fi", "ko", "ru", "te"):
        assert list(read_topics_tsv(tmp_path / f"topics.{lang}.tsv")) == [f"{lang}-1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(counts)  # no temporary left


def test_tsv_safe_replaces_every_line_break() -> None:
    assert tsv_safe("a\tb\nc\rd\x0be\x0cf\x1cg\x85h\u2028i\u2029j") == "a b c d e f g h i j"
    assert tsv_safe("no breaks") == "no breaks"


def test_topics_need_overwrite(tiny: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "topics.ja.tsv").write_text("old\tquestion\n")
    with pytest.raises(OutputExistsError, match="topics.ja.tsv exists; pass --overwrite"):
        export_topics(tiny["dev"], tmp_path)
    assert not (tmp_path / "topics.all.tsv").exists()  # nothing written when refusing
    export_topics(tiny["dev"], tmp_path, overwrite=True)
    assert list(read_topics_tsv(tmp_path / "topics.ja.tsv")) == ["ja-1", "ja-2"]


def test_topics_of_a_dataset_without_questions(tiny: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="provides no questions"):
        export_topics(tiny["docs"], tmp_path)


# ---------------------------------------------------------------------------- answers


def test_answers(tiny: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "eval" / "answers.jsonl"
    assert main(["export", "answers", "--dataset", tiny["dev"], "--output", str(out)]) == 0
    records = read_jsonl(out)
    assert records[0] == {"id": "ar-1", "lang": "ar", "answers": ["القاهرة"]}
    assert records[3] == {"id": "ja-1", "lang": "ja", "answers": ["東京", "Tokyo"]}
    assert records[4]["answers"] == ["yes"]  # kept: dropping yes/no is the metric's job
    assert records[7] == {"id": "te-1", "lang": "te", "answers": []}
    assert len(records) == len(QUERIES)


@pytest.mark.parametrize(
    ("split", "message"),
    [("test", "no field 'answers' .*fields: query_id, text, language"), ("blank", "test split")],
)
def test_answers_of_a_split_without_answers(
    tiny: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    split: str,
    message: str,
) -> None:
    out = tmp_path / "answers.jsonl"
    assert main(["export", "answers", "--dataset", tiny[split], "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: dataset ") and err.count("\n") == 1
    with pytest.raises(DatasetError, match=message):
        export_answers(tiny[split], out)
    assert not out.exists()


# ---------------------------------------------------------------------------- collection


def test_collection_shards_and_records(tiny: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "collection"
    argv = ["export", "collection", "--dataset", tiny["dev"], "--output", str(out)]
    assert main([*argv, "--shard-size", "2", "--no-progress"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["docs00.jsonl", "docs01.jsonl", "docs02.jsonl"]
    records = [
        r for name in ("docs00", "docs01", "docs02") for r in read_jsonl(out / f"{name}.jsonl")
    ]
    assert [r["id"] for r in records] == ["1", "2", "3", "4", "5"]
    assert records[1] == {
        "id": "2",
        "contents": "Helsinki\nHelsinki\tis the capital\nof Finland.",
        "title": "Helsinki",
        "text": "Helsinki\tis the capital\nof Finland.",
    }
    assert records[2]["contents"] == "\nA passage without a title."
    assert records[3]["text"] == "Tōkyō, 東京, is the capital of Japan."
    assert (out / "docs01.jsonl").read_bytes().isascii()  # escaped: see collection_record


def test_collection_needs_overwrite_and_never_deletes_foreign_files(
    tiny: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "collection"
    argv = ["export", "collection", "--dataset", tiny["dev"], "--output", str(out), "--no-progress"]
    assert main(argv) == 0
    assert main(argv) == 2
    assert "exists; pass --overwrite" in capsys.readouterr().err
    assert main([*argv, "--overwrite", "--shard-size", "3"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["docs00.jsonl", "docs01.jsonl"]
    (out / "notes.txt").write_text("mine")
    assert main([*argv, "--overwrite"]) == 2
    assert "holds files other than docsNN.jsonl" in capsys.readouterr().err
    assert (out / "notes.txt").read_text() == "mine"


def test_collection_with_a_duplicate_docid_leaves_nothing(
    tiny: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "collection"
    passages = (Passage(d.doc_id, d.title, d.text) for d in load_dataset(tiny["dupes"]).docs_iter())
    with pytest.raises(CorpusFormatError, match="duplicate docid '1'"):
        export_collection(passages, out, progress=False)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(DatasetError, match="no passages"):
        export_collection(iter([]), out, progress=False)
    assert list(tmp_path.iterdir()) == []


def test_collection_from_jsonl_and_tsv_files(tmp_path: Path) -> None:
    jsonl = tmp_path / "corpus.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"docid": d.doc_id, "title": d.title, "text": d.text}) + "\n" for d in DOCS
        )
    )
    # XOR-TyDi's enwiki TSV: header id, text, title; CSV quoting as in DPR's psgs_w100.tsv
    tsv = tmp_path / "corpus.tsv.gz"
    rows = [
        "id\ttext\ttitle",
        '1\t"He said ""hi"" to her"\tGreeting',
        '2\tplain text\t"Quoted, Title"',
    ]
    tsv.write_bytes(gzip.compress("\n".join(rows).encode() + b"\n"))
    expected_tsv = [
        Passage("1", "Greeting", 'He said "hi" to her'),
        Passage("2", "Quoted, Title", "plain text"),
    ]
    assert list(open_corpus(tsv).passages()) == expected_tsv
    for corpus, n in ((jsonl, 5), (tsv, 2)):
        out = tmp_path / f"out-{corpus.name}"
        assert main(["export", "collection", "--corpus", str(corpus), "--output", str(out)]) == 0
        assert len(read_jsonl(out / "docs00.jsonl")) == n
    assert read_jsonl(tmp_path / "out-corpus.tsv.gz" / "docs00.jsonl")[0]["contents"] == (
        'Greeting\nHe said "hi" to her'
    )


def test_collection_record_is_one_ascii_line() -> None:
    text = collection_record(Passage("7", "Tōkyō", "line\nbreak \u2028 東京"))
    assert text.endswith("\n") and text.count("\n") == 1 and text.isascii()
    assert json.loads(text)["contents"] == "Tōkyō\nline\nbreak \u2028 東京"


# ---------------------------------------------------------------------------- with questions

# Generated questions in the authors' format for passages 1, 2 and 4 of DOCS (not 3 and 5).
GENERATED = {
    "1": {"ar": ["ما هي عاصمة مصر؟", "أين تقع القاهرة؟"], "ja": ["エジプトの首都は？"]},
    "2": {"fi": ["Mikä on Suomen pääkaupunki?"], "te": [], "xx": ["other language"]},
    "4": {"ja": ["日本の首都は\nどこ？"], "ko": ["일본의 수도는?"], "ar": ["عاصمة اليابان"]},
}


def write_generated(path: Path, doc_ids: list[str]) -> Path:
    lines = [
        json.dumps(
            {"docid": i, "text": "...", "generated_queries": GENERATED[i]}, ensure_ascii=False
        )
        for i in doc_ids
    ]
    path.write_text("".join(f"{line}\n" for line in lines), "utf-8")
    return path


def export_with(tiny: dict[str, str], out: Path, *generated: Path, extra: tuple = ()) -> int:
    argv = ["export", "collection", "--dataset", tiny["dev"], "--output", str(out), "--no-progress"]
    return main([*argv, "--generated-queries", *map(str, generated), *extra])


def all_records(out: Path) -> list[dict]:
    return [r for path in sorted(out.iterdir()) for r in read_jsonl(path)]


def test_collection_with_generated_queries(tiny: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "collection"
    gen = write_generated(tmp_path / "gen.jsonl", ["1", "2", "4"])
    assert export_with(tiny, out, gen, extra=("--shard-size", "2")) == 0
    records = all_records(out)
    assert [r["id"] for r in records] == ["1", "2", "3", "4", "5"]
    assert all(isinstance(r["generated_queries"], str) for r in records)
    assert [json.loads(r["generated_queries"]) for r in records] == [
        {"ar": ["ما هي عاصمة مصر؟", "أين تقع القاهرة؟"], "ja": ["エジプトの首都は？"]},
        {"fi": ["Mikä on Suomen pääkaupunki?"], "te": [], "xx": ["other language"]},
        {},
        {"ja": ["日本の首都は\nどこ？"], "ko": ["일본의 수도는?"], "ar": ["عاصمة اليابان"]},
        {},
    ]
    assert records[2]["generated_queries"] == "{}"
    # the language order is the file's, as generated
    assert list(json.loads(records[3]["generated_queries"])) == ["ja", "ko", "ar"]
    assert {k: v for k, v in records[1].items() if k != "generated_queries"} == {
        "id": "2",
        "contents": "Helsinki\nHelsinki\tis the capital\nof Finland.",
        "title": "Helsinki",
        "text": "Helsinki\tis the capital\nof Finland.",
    }
    assert all(path.read_bytes().isascii() for path in out.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["collection", "gen.jsonl"]


def test_collection_joins_out_of_order_files_in_chunks(
    tiny: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(collection, "JOIN_CHUNK_SIZE", 2)
    in_order = tmp_path / "in-order"
    assert (
        export_with(tiny, in_order, write_generated(tmp_path / "all.jsonl", ["1", "2", "4"])) == 0
    )
    shards = tmp_path / "shards"
    shards.mkdir()
    write_generated(shards / "a.jsonl", ["4"])  # read first: the corpus order is broken
    write_generated(shards / "b.jsonl", ["2", "1"])
    out = tmp_path / "out-of-order"
    assert export_with(tiny, out, shards) == 0
    assert all_records(out) == all_records(in_order)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # spill removed


def test_collection_records_of_the_library_call(tmp_path: Path) -> None:
    gen = write_generated(tmp_path / "gen.jsonl", ["2"])
    passages = [Passage(d.doc_id, d.title, d.text) for d in DOCS[:3]]
    counts = export_collection(passages, tmp_path / "c", generated=[gen], progress=False)
    assert counts == [3]
    records = read_jsonl(tmp_path / "c" / "docs00.jsonl")
    assert [r["generated_queries"] for r in records] == [
        "{}",
        generated_queries_field(GENERATED["2"]),
        "{}",
    ]
    assert records[0] == json.loads(collection_record(passages[0], generated_queries="{}"))
    export_collection(passages, tmp_path / "plain", progress=False)
    assert "generated_queries" not in read_jsonl(tmp_path / "plain" / "docs00.jsonl")[0]


@pytest.mark.parametrize(
    ("doc_ids", "message"),
    [
        (["1", "99", "2"], r"gen\.jsonl:2: generated questions for docid '99', which is not in"),
        (
            ["1", "2", "1"],
            r"gen\.jsonl:3: docid '1' already has generated questions at .*gen\.jsonl:1",
        ),
    ],
)
def test_collection_with_unmatched_questions_writes_nothing(
    tiny: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    doc_ids: list[str],
    message: str,
) -> None:
    with_99 = {**GENERATED, "99": {"ja": ["?"]}}
    lines = [json.dumps({"docid": i, "text": "", "generated_queries": with_99[i]}) for i in doc_ids]
    gen = tmp_path / "gen.jsonl"
    gen.write_text("".join(f"{line}\n" for line in lines), "utf-8")
    out = tmp_path / "collection"
    assert export_with(tiny, out, gen) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert re.search(message, err), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gen.jsonl"]  # nothing else, no spill
    with pytest.raises(UnmatchedQuestionsError, match=message):
        passages = [Passage(d.doc_id, d.title, d.text) for d in DOCS]
        export_collection(passages, out, generated=[gen], progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gen.jsonl"]


def test_collection_with_bad_generated_input(
    tiny: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gen = write_generated(tmp_path / "gen.jsonl", ["1"])
    with gen.open("a") as handle:
        handle.write('{"docid": "2", "text": "", "generated_queries": ["not", "an object"]}\n')
    out = tmp_path / "collection"
    assert export_with(tiny, out, gen) == 2
    assert re.match(
        r"error: .*gen\.jsonl:2: field 'generated_queries' must be an object",
        capsys.readouterr().err,
    )
    assert export_with(tiny, out, tmp_path / "missing.jsonl") == 2
    assert "no such file" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gen.jsonl"]


def test_every_flag_has_help_and_help_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
        yield parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    yield from parsers(sub)

    names = []
    for parser in parsers(build_parser()):
        names.append(parser.prog.removeprefix("python -m xqg_pyserini.data").strip())
        for action in parser._actions:
            assert action.help, f"{parser.prog} {action.option_strings} has no help"
            assert not any("_" in flag for flag in action.option_strings)
    assert sorted(names) == [
        "",
        "coverage",
        "export",
        "export answers",
        "export collection",
        "export topics",
    ]
    with pytest.raises(SystemExit) as info:
        main(["export", "collection", "--help"])
    assert info.value.code == 0
    shown = capsys.readouterr().out
    assert "--shard-size N" in shown and "--generated-queries PATH [PATH ...]" in shown


@pytest.mark.slow
def test_pyserini_encode_reads_the_collection(tiny: dict[str, str], tmp_path: Path) -> None:
    from pyserini.encode import JsonlCollectionIterator

    out = tmp_path / "collection"
    assert (
        main(
            [
                "export",
                "collection",
                "--dataset",
                tiny["dev"],
                "--output",
                str(out),
                "--shard-size",
                "2",
            ]
        )
        == 0
    )
    info = JsonlCollectionIterator(str(out), fields=["title", "text"]).all_info
    # os.listdir order: compare by id
    read = {
        doc_id: (title, text)
        for doc_id, title, text in zip(info["id"], info["title"], info["text"], strict=True)
    }
    assert read == {
        "1": ("Cairo", "Cairo is the capital of Egypt."),
        "2": ("Helsinki", "Helsinki\tis the capital\nof Finland."),
        "3": (None, "A passage without a title."),  # Pyserini turns an empty field into None
        "4": ("Tōkyō", "Tōkyō, 東京, is the capital of Japan."),
        "5": ("Moscow", "Moscow (Москва) is the capital of Russia."),
    }


@pytest.mark.slow
def test_pyserini_lucene_indexes_the_collection(tiny: dict[str, str], tmp_path: Path) -> None:
    out, index = tmp_path / "collection", tmp_path / "index"
    argv = ["export", "collection", "--dataset", tiny["dev"], "--output", str(out)]
    assert main([*argv, "--shard-size", "2", "--no-progress"]) == 0
    command = [sys.executable, "-m", "pyserini.index.lucene", "--collection", "JsonCollection"]
    command += ["--input", str(out), "--index", str(index), "--threads", "1", "--storeRaw"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    check = (
        "import json, sys\n"
        "from pyserini.search.lucene import LuceneSearcher\n"
        "s = LuceneSearcher(sys.argv[1])\n"
        "print(json.dumps([s.num_docs, json.loads(s.doc('4').raw()), s.search('Москва')[0].docid]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check, str(index)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    num_docs, raw, top = json.loads(result.stdout.strip().splitlines()[-1])
    assert (num_docs, top) == (5, "5")
    assert raw["contents"] == "Tōkyō\nTōkyō, 東京, is the capital of Japan."


@pytest.mark.slow
def test_pyserini_encode_reads_the_generated_queries_field(
    tiny: dict[str, str], tmp_path: Path
) -> None:
    from pyserini.encode import JsonlCollectionIterator

    out = tmp_path / "collection"
    assert export_with(tiny, out, write_generated(tmp_path / "gen.jsonl", ["1", "2", "4"])) == 0
    fields = ["title", "text", "generated_queries"]
    info = JsonlCollectionIterator(str(out), fields=fields).all_info
    read = dict(zip(info["id"], info["generated_queries"], strict=True))
    # the encoder's contract: json.loads of the field, as Pyserini hands it over (stripped)
    assert {doc_id: json.loads(field) for doc_id, field in read.items()} == {
        "1": GENERATED["1"],
        "2": GENERATED["2"],
        "3": {},
        "4": GENERATED["4"],
        "5": {},
    }
