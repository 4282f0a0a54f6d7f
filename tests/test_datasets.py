"""xqg_pyserini.irds: readers, ir_datasets registration, local copies, downloads.

Every file is written here in the exact published format (DPR TSV with CSV
quoting, XOR JSONL, TREC qrels), a few lines long. IR_DATASETS_HOME points at a
temporary directory and downloads are made to fail, so nothing leaves the test.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path

import ir_datasets
import pytest

from tests.helpers import isolate_ir_datasets
from xqg_pyserini.data.formats import read_dpr_tsv, read_trec_qrels, read_xor_queries
from xqg_pyserini.data.records import TrecQrel, XorDoc, XorQuery
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.irds import dataset_ids, register, xor_tydi, xqg_demo
from xqg_pyserini.irds.sources import DatasetFileMissingError

ROOT = Path(__file__).resolve().parents[1]

UNICODE = {
    "ar": ("القاهرة", "ما هي عاصمة مصر؟"),
    "bn": ("ঢাকা", "বাংলাদেশের রাজধানী কোথায়?"),
    "fi": ("Hämeenlinna", "Missä Hämeenlinna sijaitsee?"),
    "ja": ("富士山", "富士山の高さは何メートルですか？"),
    "ko": ("서울", "한국의 수도는 어디입니까?"),
    "ru": ("Москва", "Какая столица России?"),
    "te": ("హైదరాబాద్", "తెలంగాణ రాజధాని ఏది?"),
}

# DPR's psgs_w100.tsv style: text wrapped in quotes with inner quotes doubled;
# a tab inside a quoted field; quotes in an unquoted field are kept as they are.
CORPUS_TSV = (
    "id\ttext\ttitle\n"
    '1\t"Aaron Aaron ( or ; ""Ahärôn"") is a prophet, high priest."\tAaron\n'
    '2\t"A field with a\ttab inside quotes"\t"Title ""quoted"""\n'
    '3\tplain text with "inner" quotes not at start\tPlain\n'
    + "".join(
        f"{10 + i}\t{title} {question}\t{title}\n"
        for i, (title, question) in enumerate(UNICODE.values())
    )
)
CORPUS_EXPECTED = [
    XorDoc("1", "Aaron", 'Aaron Aaron ( or ; "Ahärôn") is a prophet, high priest.'),
    XorDoc("2", 'Title "quoted"', "A field with a\ttab inside quotes"),
    XorDoc("3", "Plain", 'plain text with "inner" quotes not at start'),
    *(
        XorDoc(str(10 + i), title, f"{title} {question}")
        for i, (title, question) in enumerate(UNICODE.values())
    ),
]

DEV_RECORDS = [
    {
        "id": str(-1000034498953393442 + 7919 * i),
        "question": question,
        "answers": [title, "yes"],
        "lang": lang,
    }
    for i, (lang, (title, question)) in enumerate(UNICODE.items())
]
TEST_RECORDS = [
    {"id": f"t{i}", "question": q, "lang": lang} for i, (lang, (_, q)) in enumerate(UNICODE.items())
]


def write(path: Path, text: str) -> Path:
    """Write UTF-8 text as is (gzip-compressed if the name ends in .gz)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def jsonl(records: list[object]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private IR_DATASETS_HOME, no XOR directory, and downloads that fail loudly."""
    return isolate_ir_datasets(tmp_path / "irds-home", monkeypatch, xor_tydi.ENV_VAR)


# --------------------------------------------------------------------------- DPR corpus TSV


@pytest.mark.parametrize("name", ["corpus.tsv", "corpus.tsv.gz"])
def test_dpr_tsv_unquotes_fields_like_csv_reader(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, CORPUS_TSV)
    assert list(read_dpr_tsv(path)) == CORPUS_EXPECTED


def test_dpr_tsv_agrees_with_the_reference_dpr_loader(tmp_path: Path) -> None:
    path = write(tmp_path / "c.tsv", CORPUS_TSV)
    with path.open(encoding="utf-8") as tsv:  # DPR's load_passages, as published
        reference = {
            row[0]: (row[1], row[2]) for row in csv.reader(tsv, delimiter="\t") if row[0] != "id"
        }
    assert {d.doc_id: (d.text, d.title) for d in read_dpr_tsv(path)} == reference


def test_readers_stream_records_before_reading_the_rest(tmp_path: Path) -> None:
    path = write(tmp_path / "c.tsv", "id\ttext\ttitle\n1\tone\tA\nbroken line\n")
    docs = read_dpr_tsv(path)
    assert next(docs) == XorDoc("1", "A", "one")
    with pytest.raises(CorpusFormatError, match=r":3: expected 3 tab-separated columns"):
        next(docs)


def test_dpr_tsv_default_text_is_title_space_text() -> None:
    assert CORPUS_EXPECTED[0].default_text() == "Aaron " + CORPUS_EXPECTED[0].text


def test_dpr_tsv_blank_lines_crlf_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "c.tsv"
    path.write_bytes(b"\xef\xbb\xbfid\ttext\ttitle\r\n1\tone\tA\r\n\r\n2\ttwo\tB\n\n")
    assert list(read_dpr_tsv(path)) == [XorDoc("1", "A", "one"), XorDoc("2", "B", "two")]


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("1\tx\tA\n", 1, "expected the header 'id<TAB>text<TAB>title'"),
        ("id\ttitle\ttext\n1\tx\tA\n", 1, "expected the header"),
        ("", 1, "expected the header"),
        ("id\ttext\ttitle\n1\tx\tA\n2\tonly two\n", 3, "expected 3 tab-separated columns"),
        ("id\ttext\ttitle\n1\tx\tA\textra\n", 2, "got 4"),
        ('id\ttext\ttitle\n1\t"unclosed\tA\n2\tx\tB\n', 2, "expected a closing double quote"),
        ("id\ttext\ttitle\n\tx\tA\n", 2, "expected a non-empty id"),
        ("id\ttext\ttitle\n7\tx\tA\n8\ty\tB\n7\tz\tC\n", 4, "doc id '7' repeated"),
        ("id\ttext\ttitle\nw1\tx\tA\nw1\ty\tB\n", 3, "doc id 'w1' repeated"),
        ("id\ttext\ttitle\n1\tx\tA\nid\ttext\ttitle\n", 3, "a second header row"),
    ],
)
def test_dpr_tsv_malformed_input_names_file_and_line(
    tmp_path: Path, text: str, line: int, expected: str
) -> None:
    path = write(tmp_path / "c.tsv", text)
    with pytest.raises(CorpusFormatError) as info:
        list(read_dpr_tsv(path))
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert expected in str(info.value)


def test_dpr_tsv_ids_with_leading_zeros_and_huge_numbers_are_distinct(tmp_path: Path) -> None:
    ids = ["1", "01", "001", "0", str(1 << 40), str((1 << 40) + 1)]
    path = write(tmp_path / "c.tsv", "id\ttext\ttitle\n" + "".join(f"{i}\tx\tT\n" for i in ids))
    assert [d.doc_id for d in read_dpr_tsv(path)] == ids
    write(path, f"id\ttext\ttitle\n{1 << 40}\tx\tT\n{1 << 40}\ty\tT\n")
    with pytest.raises(CorpusFormatError, match=":3: .*repeated"):
        list(read_dpr_tsv(path))


def test_bad_utf8_and_truncated_gzip_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "c.tsv"
    path.write_bytes(b"id\ttext\ttitle\n1\tok\tA\n2\tbad \xff byte\tB\n")
    with pytest.raises(
        CorpusFormatError, match=r"c\.tsv:3: not valid UTF-8 \(bad byte at column 7\)"
    ):
        list(read_dpr_tsv(path))
    truncated = tmp_path / "c.tsv.gz"
    truncated.write_bytes(gzip.compress(CORPUS_TSV.encode())[:-12])
    with pytest.raises(CorpusFormatError, match=r"c\.tsv\.gz:\d+: corrupt or truncated gzip file"):
        list(read_dpr_tsv(truncated))


def test_readers_report_a_missing_file(tmp_path: Path) -> None:
    for reader in (read_dpr_tsv, read_xor_queries, read_trec_qrels):
        with pytest.raises(FileNotFoundError, match="nope"):
            list(reader(tmp_path / "nope"))


# --------------------------------------------------------------------------- XOR queries JSONL


@pytest.mark.parametrize("name", ["dev.jsonl", "dev.jsonl.gz"])
def test_xor_queries_dev_format_in_seven_languages(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, jsonl(DEV_RECORDS))
    queries = list(read_xor_queries(path, require_answers=True))
    assert queries[0] == XorQuery(
        "-1000034498953393442", UNICODE["ar"][1], "ar", ("القاهرة", "yes")
    )
    assert [q.language for q in queries] == list(UNICODE)
    assert [q.text for q in queries] == [question for _, question in UNICODE.values()]
    assert queries[3].default_text() == "富士山の高さは何メートルですか？"


def test_xor_queries_test_split_has_no_answers(tmp_path: Path) -> None:
    path = write(tmp_path / "test.jsonl", jsonl(TEST_RECORDS) + "\n")
    queries = list(read_xor_queries(path))
    assert [q.answers for q in queries] == [()] * 7
    assert queries[-1] == XorQuery("t6", UNICODE["te"][1], "te", ())


def test_xor_queries_integer_ids_and_extra_fields(tmp_path: Path) -> None:
    path = write(tmp_path / "q.jsonl", jsonl([{"id": 5, "question": "q?", "lang": "fi", "x": 1}]))
    assert list(read_xor_queries(path)) == [XorQuery("5", "q?", "fi", ())]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "not valid JSON (Expecting property name"),
        ('["a list"]', "expected a JSON object, got list"),
        ('{"question": "q", "answers": [], "lang": "ja"}', "missing field 'id'"),
        (
            '{"id": true, "question": "q", "answers": [], "lang": "ja"}',
            "field 'id' must be a string or integer, got bool",
        ),
        ('{"id": "1", "answers": ["a"], "lang": "ja"}', "missing field 'question'"),
        ('{"id": "1", "question": "q", "answers": ["a"]}', "missing field 'lang'"),
        ('{"id": "1", "question": "q", "lang": "ja"}', "missing field 'answers'"),
        ('{"id": "1", "question": "q", "answers": "a", "lang": "ja"}', "a list of strings"),
        ('{"id": "1", "question": "q", "answers": [1], "lang": "ja"}', "a list of strings"),
        (
            '{"id": "-1000034498953393442", "question": "q", "answers": ["a"], "lang": "ja"}',
            "id '-1000034498953393442' repeated",
        ),
    ],
)
def test_xor_queries_malformed_line(tmp_path: Path, line: str, expected: str) -> None:
    path = write(tmp_path / "q.jsonl", jsonl(DEV_RECORDS[:1]) + line + "\n")
    with pytest.raises(CorpusFormatError) as info:
        list(read_xor_queries(path, require_answers=True))
    assert str(info.value).startswith(f"{path}:2: ")
    assert expected in str(info.value)


# --------------------------------------------------------------------------- TREC qrels


@pytest.mark.parametrize("name", ["qrels.tsv", "qrels.tsv.gz"])
def test_trec_qrels(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, "q1 0 11 1\nq1\t0\t12\t0\n\nq2 Q0 11 2\n")
    assert list(read_trec_qrels(path)) == [
        TrecQrel("q1", "11", 1, "0"),
        TrecQrel("q1", "12", 0, "0"),
        TrecQrel("q2", "11", 2, "Q0"),
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("q1 0 11", "expected 4 columns 'qid iteration docid relevance', got 3"),
        ("q1 0 11 high", "expected an integer relevance, got 'high'"),
        ("q0 0 11 0", "expected one judgement per (qid, docid) pair"),
    ],
)
def test_trec_qrels_malformed_line(tmp_path: Path, line: str, expected: str) -> None:
    path = write(tmp_path / "qrels", f"q0 0 11 1\n{line}\n")
    with pytest.raises(CorpusFormatError) as info:
        list(read_trec_qrels(path))
    assert str(info.value) == f"{path}:2: {expected}"


# --------------------------------------------------------------------------- registration


def test_every_id_is_registered_with_its_components() -> None:
    register()  # a second call changes nothing
    registered = set(ir_datasets.registry)
    assert set(dataset_ids()) <= registered
    expected = {
        "xor-tydi/retrieve": (True, False, False),
        "xor-tydi/retrieve/train": (True, True, False),
        "xor-tydi/retrieve/dev": (True, True, False),
        "xor-tydi/retrieve/test": (True, True, False),
        "xqg-demo": (True, False, False),
        "xqg-demo/train": (True, True, True),
        "xqg-demo/dev": (True, True, True),
        "xqg-demo/train-en": (True, True, True),
    }
    xquad = {"xquad": (True, False, False), "xquad/distractors": (True, False, False)}
    for lang in ("ar", "de", "el", "en", "es", "hi", "ro", "ru", "th", "tr", "vi", "zh"):
        xquad[f"xquad/{lang}"] = xquad[f"xquad/{lang}/distractors"] = (True, True, True)
    xquad["xquad-all"] = xquad["xquad-all/distractors"] = (True, True, True)
    tydiqa = {
        f"tydiqa-goldp/{split}/{lang}": (True, True, True)
        for split in ("train", "dev")
        for lang in ("ar", "bn", "en", "fi", "id", "ko", "ru", "sw", "te")
    }
    mkqa = {f"mkqa/{lang}": (True, True, False) for lang in MKQA_LANGUAGES}
    assert set(expected) | set(xquad) | set(tydiqa) | set(mkqa) == set(dataset_ids())
    for dataset_id, provides in {**expected, **xquad, **tydiqa, **mkqa}.items():
        dataset = ir_datasets.load(dataset_id)
        assert (dataset.has_docs(), dataset.has_queries(), dataset.has_qrels()) == provides
        assert dataset.docs_cls() is XorDoc
        # TyDi QA GoldP is monolingual: its passages are in the questions' language.
        assert dataset.docs_lang() == (dataset_id.split("/")[-1] if dataset_id in tydiqa else "en")
        if dataset.has_queries() and dataset_id in expected:  # others': test_xquad, test_tydiqa
            assert dataset.queries_cls() is XorQuery and dataset.queries_lang() is None
    assert ir_datasets.docs_parent_id("xor-tydi/retrieve/dev") == "xor-tydi/retrieve"


# MKQA's 26 languages, as apple/ml-mkqa lists them
MKQA_LANGUAGES = [
    "ar",
    "da",
    "de",
    "en",
    "es",
    "fi",
    "fr",
    "he",
    "hu",
    "it",
    "ja",
    "km",
    "ko",
    "ms",
    "nl",
    "no",
    "pl",
    "pt",
    "ru",
    "sv",
    "th",
    "tr",
    "vi",
    "zh_cn",
    "zh_hk",
    "zh_tw",
]


def test_registering_again_into_a_registry_holding_our_ids_is_silent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import xqg_pyserini.irds as datasets

    monkeypatch.setattr(datasets, "_registered_into", None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        register()
    assert datasets._registered_into is ir_datasets.registry


def test_an_id_registered_by_someone_else_is_kept_with_a_warning(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = ir_datasets.util.Registry()
    theirs = ir_datasets.Dataset(ir_datasets.formats.TsvQueries(None))
    fresh.register("xor-tydi/retrieve/dev", theirs)
    monkeypatch.setattr(ir_datasets, "registry", fresh)
    with pytest.warns(RuntimeWarning, match="already has 'xor-tydi/retrieve/dev'"):
        register()
    assert not fresh["xor-tydi/retrieve/dev"].has_docs()
    assert set(dataset_ids()) <= set(fresh)


HOOK = """
import importlib.abc, importlib.machinery, sys

class RegisterAfterIrDatasets(importlib.abc.MetaPathFinder):
    # Runs register() right after the ir_datasets module has finished executing.
    def find_spec(self, fullname, path, target=None):
        if fullname != "ir_datasets":
            return None
        # PathFinder directly: asking the other meta-path finders could recurse
        # into a finder that asks us in turn.
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None:
            return None
        original = spec.loader.exec_module

        def exec_module(module):
            original(module)
            from xqg_pyserini.irds import register
            register()

        spec.loader.exec_module = exec_module
        return spec
"""

SCENARIOS = {
    "hook-only": """
import ir_datasets
assert "xqg_pyserini.irds" in sys.modules
""",
    "register-first": """
import xqg_pyserini.irds as datasets
assert "ir_datasets" not in sys.modules, "importing the subpackage imported ir_datasets"
assert not any(m.startswith("xqg_pyserini.irds.components") for m in sys.modules)
sys.meta_path.insert(0, RegisterAfterIrDatasets())
datasets.register()  # imports ir_datasets, whose hook calls register() again
import ir_datasets
from tests.helpers import isolate_ir_datasets
""",
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_register_from_an_import_hook_in_a_fresh_interpreter(tmp_path: Path, scenario: str) -> None:
    install = (
        ""
        if scenario == "register-first"
        else "sys.meta_path.insert(0, RegisterAfterIrDatasets())\n"
    )
    script = (
        HOOK
        + install
        + textwrap.dedent(SCENARIOS[scenario])
        + textwrap.dedent(
            """
        dev = ir_datasets.load("xor-tydi/retrieve/dev")
        assert dev.queries_cls().__name__ == "XorQuery"
        assert ir_datasets.load("xqg-demo/train").has_qrels()
        print("ok")
        """
        )
    )
    env = {**os.environ, "IR_DATASETS_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


# --------------------------------------------------------------------------- XOR-Retrieve files


def place_xor_files(directory: Path, corpus_name: str = xor_tydi.CORPUS_FILE) -> None:
    write(directory / corpus_name, CORPUS_TSV)
    write(directory / xor_tydi.QUERY_FILES["train"], jsonl(DEV_RECORDS[:3]))
    write(directory / xor_tydi.QUERY_FILES["dev"], jsonl(DEV_RECORDS))
    write(directory / xor_tydi.QUERY_FILES["test"], jsonl(TEST_RECORDS))


def test_files_in_the_ir_datasets_cache_are_used_as_is(isolated: Path) -> None:
    place_xor_files(isolated / "xor-tydi")
    dev = ir_datasets.load("xor-tydi/retrieve/dev")
    assert [q.query_id for q in dev.queries_iter()] == [r["id"] for r in DEV_RECORDS]
    assert next(iter(ir_datasets.load("xor-tydi/retrieve/test").queries_iter())).answers == ()
    assert len(list(ir_datasets.load("xor-tydi/retrieve/train").queries_iter())) == 3
    assert not dev.docs_store().built()
    # counted from the corpus file before any docstore exists (progress bars have a total)
    assert dev.docs_count() == len(CORPUS_EXPECTED)
    assert list(dev.docs_iter()) == CORPUS_EXPECTED
    store = dev.docs_store()
    assert store.get("2") == CORPUS_EXPECTED[1]
    assert store.get_many(["13", "1"]) == {"13": CORPUS_EXPECTED[6], "1": CORPUS_EXPECTED[0]}
    with pytest.raises(KeyError):
        store.get("999")
    assert dev.docs_count() == len(CORPUS_EXPECTED)
    assert list(dev.docs_iter()) == CORPUS_EXPECTED  # now read back from the docstore
    assert (isolated / "xor-tydi" / "enwiki_20190201_w100.pklz4").is_dir()


def test_env_directory_is_used_in_place_including_gz(
    tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    originals = tmp_path / "xor-originals"
    place_xor_files(originals, corpus_name=xor_tydi.CORPUS_FILE + ".gz")
    monkeypatch.setenv(xor_tydi.ENV_VAR, str(originals))
    dataset = ir_datasets.load("xor-tydi/retrieve/dev")
    assert dataset.docs_path() == originals / "enwiki_20190201_w100.tsv.gz"
    assert dataset.queries_path() == originals / "xor_dev_retrieve_eng_span_v1_1.jsonl"
    assert dataset.docs_store().get("10").title == "القاهرة"
    assert not (isolated / "xor-tydi" / "enwiki_20190201_w100.tsv").exists()  # nothing copied
    assert sorted(p.name for p in originals.iterdir()) == sorted(
        [xor_tydi.CORPUS_FILE + ".gz", *xor_tydi.QUERY_FILES.values()]
    )


def test_env_directory_takes_precedence_and_must_exist(
    tmp_path: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    place_xor_files(isolated / "xor-tydi")
    write(tmp_path / "mine" / xor_tydi.QUERY_FILES["test"], jsonl(TEST_RECORDS[:1]))
    monkeypatch.setenv(xor_tydi.ENV_VAR, str(tmp_path / "mine"))
    test = ir_datasets.load("xor-tydi/retrieve/test")
    assert len(list(test.queries_iter())) == 1
    assert test.docs_path() == isolated / "xor-tydi" / xor_tydi.CORPUS_FILE  # falls back
    monkeypatch.setenv(xor_tydi.ENV_VAR, str(tmp_path / "absent"))
    with pytest.raises(
        DatasetFileMissingError, match=r"^XQG_XOR_TYDI_DIR=.*absent is not a directory$"
    ):
        list(test.queries_iter())


def test_a_failed_download_says_which_file_from_where_and_where_to_put_it(isolated: Path) -> None:
    dev = ir_datasets.load("xor-tydi/retrieve/dev")
    with pytest.raises(DatasetFileMissingError) as info:
        dev.docs_store().get("1")
    message = str(info.value)
    assert "\n" not in message
    url = "https://nlp.cs.washington.edu/xorqa/XORQA_site/data/models/enwiki_20190201_w100.tsv"
    cache = isolated / "xor-tydi" / "enwiki_20190201_w100.tsv"
    assert message == (
        f"xor-tydi: could not download enwiki_20190201_w100.tsv from {url} "
        f"(network disabled in tests: {url}); download it by hand and put it at {cache} "
        "(or enwiki_20190201_w100.tsv.gz there), "
        "or put it in a directory named by $XQG_XOR_TYDI_DIR"
    )
    with pytest.raises(
        DatasetFileMissingError, match="xor_test_retrieve_eng_span_q_only_v1_1.jsonl"
    ):
        list(ir_datasets.load("xor-tydi/retrieve/test").queries_iter())
    assert not cache.exists() and not cache.with_name(cache.name + ".tmp").exists()


def test_a_download_lands_in_the_cache_and_is_reused(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[str] = []

    def fake_stream(self: ir_datasets.util.RequestsDownload) -> io.BytesIO:
        fetched.append(self.url)
        return io.BytesIO(jsonl(TEST_RECORDS).encode())

    monkeypatch.setattr(ir_datasets.util.RequestsDownload, "stream", fake_stream)
    test = ir_datasets.load("xor-tydi/retrieve/test")
    assert len(list(test.queries_iter())) == 7
    assert len(list(test.queries_iter())) == 7
    assert fetched == [xor_tydi.BASE_URL + "xor_test_retrieve_eng_span_q_only_v1_1.jsonl"]
    assert (isolated / "xor-tydi" / xor_tydi.QUERY_FILES["test"]).read_text("utf-8") == jsonl(
        TEST_RECORDS
    )


def test_docstore_follows_its_source_and_survives_its_removal(isolated: Path) -> None:
    place_xor_files(isolated / "xor-tydi")
    corpus = isolated / "xor-tydi" / xor_tydi.CORPUS_FILE
    docs = ir_datasets.load("xor-tydi/retrieve")
    assert docs.docs_store().get("3").title == "Plain"
    write(corpus, "id\ttext\ttitle\n3\tchanged text\tChanged\n")
    assert docs.docs_store().get("3") == XorDoc("3", "Changed", "changed text")
    assert docs.docs_count() == 1
    corpus.unlink()  # the docstore is now the only copy; no download is attempted
    assert docs.docs_store().get("3").title == "Changed"
    assert list(docs.docs_iter()) == [XorDoc("3", "Changed", "changed text")]


def test_docs_iter_slices_and_a_bad_corpus_leaves_no_half_built_docstore(isolated: Path) -> None:
    corpus = write(isolated / "xor-tydi" / xor_tydi.CORPUS_FILE, CORPUS_TSV + "1\tdup\tD\n")
    docs = ir_datasets.load("xor-tydi/retrieve")
    with pytest.raises(CorpusFormatError, match=r"enwiki_20190201_w100\.tsv:12: .*'1' repeated"):
        docs.docs_store().get("1")
    assert not docs.docs_store().built()  # nothing half-built is left
    write(corpus, CORPUS_TSV)
    assert list(docs.docs_iter()[1:3]) == CORPUS_EXPECTED[1:3]
    assert docs.docs_store().get("1") == CORPUS_EXPECTED[0]


# --------------------------------------------------------------------------- xqg-demo


@pytest.fixture()
def demo_dir(tmp_path: Path) -> Iterator[Path]:
    """A tiny copy of resources/xqg_demo in the agreed names and formats."""
    directory = tmp_path / "xqg_demo"
    write(directory / "psgs_w100.tsv.gz", CORPUS_TSV)
    write(directory / "xor_train_retrieve.jsonl", jsonl(DEV_RECORDS[:4]))
    write(directory / "xor_dev_retrieve.jsonl", jsonl(DEV_RECORDS[4:]))
    train_qrels = "".join(f"{r['id']} 0 {10 + i} 1\n" for i, r in enumerate(DEV_RECORDS[:4]))
    dev_qrels = "".join(f"{r['id']} 0 {14 + i} 1\n" for i, r in enumerate(DEV_RECORDS[4:]))
    write(directory / "qrels.train.tsv", train_qrels)
    write(directory / "qrels.dev.tsv", dev_qrels)
    previous = xqg_demo.set_directory(directory)
    yield directory
    xqg_demo.set_directory(previous)


def test_demo_collection_reads_the_directory_it_is_pointed_at(
    demo_dir: Path, isolated: Path
) -> None:
    train = ir_datasets.load("xqg-demo/train")
    assert [q.language for q in train.queries_iter()] == ["ar", "bn", "fi", "ja"]
    assert train.qrels_dict() == {r["id"]: {str(10 + i): 1} for i, r in enumerate(DEV_RECORDS[:4])}
    dev = ir_datasets.load("xqg-demo/dev")
    assert [q.language for q in dev.queries_iter()] == ["ko", "ru", "te"]
    assert dev.qrels_defs() == xqg_demo.QRELS_DEFS
    assert dev.docs_store().get("16").title == "హైదరాబాద్"
    assert list(ir_datasets.load("xqg-demo").docs_iter()) == CORPUS_EXPECTED
    assert (isolated / "xqg-demo" / "psgs_w100.pklz4").is_dir()


def test_demo_missing_file_is_named(demo_dir: Path) -> None:
    (demo_dir / "qrels.dev.tsv").unlink()
    with pytest.raises(
        DatasetFileMissingError, match=r"xqg-demo: expected qrels\.dev\.tsv in .*xqg_demo"
    ):
        list(ir_datasets.load("xqg-demo/dev").qrels_iter())


def test_demo_default_directory_is_in_the_package() -> None:
    import xqg_pyserini.resources

    package_resources = Path(xqg_pyserini.resources.__file__).parent
    assert xqg_demo.default_directory() == package_resources / "xqg_demo"
    assert xqg_demo.directory() == xqg_demo.default_directory()


def test_the_ir_datasets_cli_exports_every_field(
    demo_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ir_datasets.main(["export", "xqg-demo/dev", "queries", "--format", "jsonl"])
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first == {
        "query_id": DEV_RECORDS[4]["id"],
        "text": UNICODE["ko"][1],
        "language": "ko",
        "answers": ["서울", "yes"],
    }
    ir_datasets.main(["export", "xqg-demo/dev", "docs", "--format", "tsv"])
    assert (
        capsys.readouterr().out.splitlines()[1]
        == '2\tTitle "quoted"\tA field with a tab inside quotes'
    )
    ir_datasets.main(["export", "xqg-demo/dev", "qrels"])
    assert capsys.readouterr().out.splitlines()[0] == f"{DEV_RECORDS[4]['id']} 0 14 1"
