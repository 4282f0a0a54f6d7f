"""Issue 14's cases, reader by reader: each bad input gives exactly one line naming file and line.

Every case writes a tiny file and asserts the whole message (``path:line: ...``),
so wording changes are deliberate. Valid inputs that used to be refused or read
unevenly (a byte-order mark, long DPR fields) are read back exactly.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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

READERS: dict[str, Callable[[Path], Any]] = {
    "run": read_trec_run,
    "topics": read_topics_tsv,
    "qrels": lambda p: list(read_trec_qrels(p)),
    "dpr": lambda p: list(read_dpr_tsv(p)),
    "xor": lambda p: list(read_xor_queries(p, require_answers=True)),
    "corpus": lambda p: list(read_jsonl_corpus(p)),
    "generated": lambda p: list(read_generated_queries(p)),
    "resume": completed_doc_ids,
    "jsonl": lambda p: list(json_objects(p)),
}
FILE_NAMES = {"run": "run.trec", "topics": "topics.tsv", "qrels": "qrels.txt", "dpr": "c.tsv"}


def file_with(tmp_path: Path, reader: str, data: bytes | str, gz: bool = False) -> Path:
    name = FILE_NAMES.get(reader, f"{reader}.jsonl") + (".gz" if gz else "")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    path = tmp_path / name
    path.write_bytes(gzip.compress(raw) if gz else raw)
    return path


def message(reader: str, path: Path) -> str:
    with pytest.raises(XqgError) as info:
        READERS[reader](path)
    error = type(info.value)
    assert error is (RunFormatError if reader == "run" else CorpusFormatError)
    return str(info.value)


def check(tmp_path: Path, reader: str, data: bytes | str, expected: str, gz: bool = False) -> None:
    """``expected`` is the message after ``path:``, e.g. ``2: expected ...``."""
    path = file_with(tmp_path, reader, data, gz)
    assert message(reader, path) == f"{path}:{expected}"


# ----------------------------------------------------------- raw exceptions, now one line

RUN_OK = "q1 Q0 d1 1 2.5 tag\n"
LANG_RULE = "must be a language code (letters, digits, '-' or '_')"
UTF8 = "not valid UTF-8 (bad byte at column {})"
UTF16 = "1: not valid UTF-8 (the file starts with a UTF-16 byte-order mark; save it as UTF-8)"


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_invalid_utf8_in_runs_and_topics(tmp_path: Path, gz: bool) -> None:
    check(tmp_path, "run", RUN_OK.encode() + b"q1 Q0 d\xff 2 1.0 t\n", "2: " + UTF8.format(8), gz)
    check(tmp_path, "topics", b"q1\tok\nq2\tcaf\xe9\n", "2: " + UTF8.format(7), gz)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_runs_and_topics_are_named(tmp_path: Path, encoding: str) -> None:
    data = ("\ufeff" + RUN_OK).encode(encoding)
    check(tmp_path, "run", data, UTF16)
    check(tmp_path, "topics", "\ufeffq1\tquestion\n".encode(encoding), UTF16, gz=True)


def test_utf16_without_a_mark_is_named_by_its_nul_bytes(tmp_path: Path) -> None:
    check(
        tmp_path,
        "topics",
        "q1\tquestion\n".encode("utf-16-le"),
        "1: not valid UTF-8 text (a NUL byte at column 2; is the file UTF-16?)",
    )


JSON_BASE = {
    "jsonl": {"a": 1},
    "corpus": {"docid": "d1", "text": "t"},
    "xor": {"id": "q1", "question": "q?", "lang": "ja", "answers": ["a"]},
    "generated": {"docid": "d1", "text": "t", "generated_queries": {"ja": ["q?"]}},
    "resume": {"docid": "d1", "text": "t", "generated_queries": {"ja": ["q?"]}},
}


def with_ignored_field(reader: str, raw_value: str) -> str:
    """A valid line of ``reader`` plus ``"x": raw_value``, a field every reader ignores."""
    return json.dumps(JSON_BASE[reader])[:-1] + f', "x": {raw_value}}}\n'


@pytest.mark.parametrize("reader", list(JSON_BASE))
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9" * 5000, "an integer of more than 4300 digits"),
        ("-" + "9" * 4301, "an integer of more than 4300 digits"),
        ("[" * 1000 + "]" * 1000, "nested deeper than 200 levels"),
        ('{"a": ' * 1000 + "1" + "}" * 1000, "nested deeper than 200 levels"),
        ("NaN", "NaN is not a JSON number"),
        ("Infinity", "Infinity is not a JSON number"),
        ("[-Infinity]", "-Infinity is not a JSON number"),
        ("1e999", "number '1e999' is out of range"),
        ('"\\ud800"', "unpaired surrogate '\\ud800' in a string"),
        ('{"k": "\\udc00 and more"}', "unpaired surrogate '\\udc00' in a string"),
        ('{"k": 1, "k": 2}', "duplicate key 'k'"),
    ],
    ids=[
        "huge-int",
        "huge-negative-int",
        "deep-arrays",
        "deep-objects",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e999",
        "surrogate",
        "low-surrogate",
        "duplicate-key",
    ],
)
def test_json_lines_readers_refuse_in_ignored_fields(
    tmp_path: Path, reader: str, raw: str, expected: str
) -> None:
    check(tmp_path, reader, with_ignored_field(reader, raw), f"1: not valid JSON ({expected})")


@pytest.mark.parametrize("reader", list(JSON_BASE))
def test_json_lines_readers_refuse_a_duplicate_top_level_key(tmp_path: Path, reader: str) -> None:
    line = json.dumps(JSON_BASE[reader])[:-1] + ', "text": "again"}\n'
    if reader in ("jsonl", "xor"):
        line = json.dumps(JSON_BASE[reader])[:-1] + ', "a": 2, "a": 3}\n'
        check(tmp_path, reader, line, "1: not valid JSON (duplicate key 'a')")
    else:
        check(tmp_path, reader, line, "1: not valid JSON (duplicate key 'text')")


def test_valid_surrogate_pairs_and_big_numbers_within_limits_are_read(tmp_path: Path) -> None:
    path = file_with(tmp_path, "jsonl", '{"e": "\\ud83d\\ude00", "n": ' + "9" * 4300 + "}\n")
    [(where, record)] = list(json_objects(path))
    assert where == f"{path}:1"
    assert record["e"] == "\U0001f600" and record["n"] == int("9" * 4300)
    nested = "[" * 199 + "]" * 199  # 200 levels with the object
    path = file_with(tmp_path, "jsonl", '{"deep": ' + nested + "}\n")
    assert len(list(json_objects(path))) == 1


# ------------------------------------------------------------------- runs and qrels


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("q1 Q0 d2 2 nan t", "expected a finite score (a decimal number), got 'nan'"),
        ("q1 Q0 d2 2 inf t", "expected a finite score (a decimal number), got 'inf'"),
        ("q1 Q0 d2 2 -Infinity t", "expected a finite score (a decimal number), got '-Infinity'"),
        ("q1 Q0 d2 2 1e999 t", "expected a finite score (a decimal number), got '1e999'"),
        ("q1 Q0 d2 2 1_0.5 t", "expected a finite score (a decimal number), got '1_0.5'"),
        ("q1 Q0 d2 2 ١٫٥ t", "expected a finite score (a decimal number), got '١٫٥'"),
        ("q1 Q0 d2 0 1.0 t", "expected a positive integer rank (ASCII digits), got '0'"),
        ("q1 Q0 d2 -3 1.0 t", "expected a positive integer rank (ASCII digits), got '-3'"),
        ("q1 Q0 d2 1_0 1.0 t", "expected a positive integer rank (ASCII digits), got '1_0'"),
        ("q1 Q0 d2 ١٠ 1.0 t", "expected a positive integer rank (ASCII digits), got '١٠'"),
        ("q1 Q0 d2 2.0 1.0 t", "expected a positive integer rank (ASCII digits), got '2.0'"),
        ("q1 0 d2 2 1.0 t", "expected 'Q0' in column 2, got '0'"),
        ("q1 q0 d2 2 1.0 t", "expected 'Q0' in column 2, got 'q0'"),
        ("\ufeffq1 Q0 d2 2 1.0 t", "qid '\\ufeffq1' holds a byte-order mark (U+FEFF)"),
        ("q1 Q0 d\ufeff2 2 1.0 t", "docid 'd\\ufeff2' holds a byte-order mark (U+FEFF)"),
        ("q1 Q0 d\x012 2 1.0 t", "docid 'd\\x012' holds a control character (U+0001)"),
    ],
)
def test_run_lines(tmp_path: Path, line: str, expected: str) -> None:
    check(tmp_path, "run", RUN_OK + line + "\n", f"2: {expected}")


def test_run_with_a_leading_bom_crlf_and_every_number_form(tmp_path: Path) -> None:
    path = file_with(
        tmp_path,
        "run",
        b"\xef\xbb\xbfq1 Q0 d1 1 14.25 t\r\nq1\tQ0\td2\t02\t-3e-2\tt\r\n\r\nq2 Q0 d1 1 +.5 t",
    )
    assert read_trec_run(path) == {
        "q1": [Hit("d1", 1, 14.25), Hit("d2", 2, -0.03)],
        "q2": [Hit("d1", 1, 0.5)],
    }


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("q1 0 d2 1_0", "expected an integer relevance, got '1_0'"),
        ("q1 0 d2 ١", "expected an integer relevance, got '١'"),
        ("q1 0 d2 +1", "expected an integer relevance, got '+1'"),
        ("q1 0 d2 1" + "0" * 18, "expected an integer relevance, got '1000000000000000000'"),
        ("q1 0 \ufeffd2 1", "docid '\\ufeffd2' holds a byte-order mark (U+FEFF)"),
        ("\ufeffq2 0 d2 1", "qid '\\ufeffq2' holds a byte-order mark (U+FEFF)"),
    ],
)
def test_qrels_lines(tmp_path: Path, line: str, expected: str) -> None:
    check(tmp_path, "qrels", "q1 0 d1 1\n" + line + "\n", f"2: {expected}")


def test_qrels_keep_any_iteration_and_negative_grades(tmp_path: Path) -> None:
    path = file_with(tmp_path, "qrels", "\ufeffq1 0 d1 1\nq1 Q0 d2 -2\nq1 iter7 d3 0\n")
    assert list(read_trec_qrels(path)) == [
        TrecQrel("q1", "d1", 1, "0"),
        TrecQrel("q1", "d2", -2, "Q0"),
        TrecQrel("q1", "d3", 0, "iter7"),
    ]


# ------------------------------------------------------------------------------ topics


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("q1\tok\nq2\t\n", "2: expected a non-blank question after the tab"),
        ("q1\tok\nq2\t  \n", "2: expected a non-blank question after the tab"),
        ("q1\tok\n \tquestion\n", "2: qid ' ' holds whitespace"),
        ("q1\tok\n\tquestion\n", "2: expected 'qid<TAB>question'"),
        ("q1\tok\nq\ufeff2\tquestion\n", "2: qid 'q\\ufeff2' holds a byte-order mark (U+FEFF)"),
        (
            "q1\tfirst half\rq2\tsecond\nq3\tthird\n",
            "1: expected lines ending in \\n or \\r\\n, got a lone carriage return at column 14",
        ),
    ],
    ids=["empty-question", "blank-question", "blank-qid", "empty-qid", "bom-qid", "lone-cr"],
)
def test_topics_lines(tmp_path: Path, data: str, expected: str) -> None:
    check(tmp_path, "topics", data, expected)


def test_topics_drop_a_leading_bom_and_keep_line_numbers(tmp_path: Path) -> None:
    path = file_with(tmp_path, "topics", "\ufeffq1\tFirst?\r\n\r\nq2\tSecond?\n\nq1\tagain\n")
    with pytest.raises(CorpusFormatError) as info:
        read_topics_tsv(path)
    assert str(info.value) == f"{path}:5: qid 'q1' appears twice"
    path.write_bytes("\ufeffq1\tFirst?\r\n\r\nq2\tSecond?\n".encode())
    assert read_topics_tsv(path) == {"q1": "First?", "q2": "Second?"}


# ------------------------------------------------------------------------------- DPR TSV

HEADER = "id\ttext\ttitle\n"
BOM = "holds a byte-order mark (U+FEFF)"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            HEADER + '1\t"starts here\tA\n2\tends here"\tB\n',
            "2: expected a closing double quote for the field opened in column 2 "
            "(a quoted field cannot span lines)",
        ),
        (
            HEADER + '1\tone\tA\n2\ttwo\t"Title\n',
            "3: expected a closing double quote for the field opened in column 3 "
            "(a quoted field cannot span lines)",
        ),
        (
            HEADER + '1\t"quoted"tail\tA\n',
            "2: expected a tab or the end of the line after the closing quote of column 2, got 't'",
        ),
        (HEADER + "1\tone\tA\n\ufeff2\ttwo\tB\n", f"3: id '\\ufeff2' {BOM}"),
        (HEADER + "1\tone\tA\n2 3\ttwo\tB\n", "3: id '2 3' holds whitespace"),
        (
            HEADER + "1\tone\tA\n2\ttw\ro\tB\n",
            "3: expected lines ending in \\n or \\r\\n, got a lone carriage return at column 5",
        ),
    ],
    ids=[
        "quote-swallows-next-line",
        "quote-open-at-end",
        "text-after-quote",
        "bom-id",
        "space-id",
        "lone-cr",
    ],
)
def test_dpr_tsv_lines(tmp_path: Path, data: str, expected: str) -> None:
    check(tmp_path, "dpr", data, expected)


def test_dpr_tsv_long_fields_bom_header_and_quotes(tmp_path: Path) -> None:
    long_text = "word " * 40_000  # 200,000 characters: past csv's 131,072 limit
    quoted = '"' + long_text.replace("word", 'a ""word""', 10) + '"'
    path = file_with(
        tmp_path, "dpr", f'\ufeff{HEADER}1\t{long_text}\tLong\n2\t{quoted}\t"Tab\there"\n'
    )
    assert list(read_dpr_tsv(path)) == [
        XorDoc("1", "Long", long_text),
        XorDoc("2", "Tab\there", long_text.replace("word", 'a "word"', 10)),
    ]


# ----------------------------------------------------------------------- JSONL corpus


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"docid": False, "text": "t"}, "field 'docid' must be a string or integer, got bool"),
        ({"id": True, "text": "t"}, "field 'id' must be a string or integer, got bool"),
        ({"docid": None, "text": "t"}, "field 'docid' must be a string or integer, got null"),
        ({"docid": 1.5, "text": "t"}, "field 'docid' must be a string or integer, got float"),
        ({"docid": " ", "text": "t"}, "field 'docid' holds whitespace: ' '"),
        ({"docid": "", "text": "t"}, "field 'docid' is empty"),
        ({"docid": "\ufeffd", "text": "t"}, f"field 'docid' {BOM}: '\\ufeffd'"),
        ({"docid": "d", "title": 0, "text": "t"}, "field 'title' must be a string, got int"),
        ({"docid": "d", "title": [], "text": "t"}, "field 'title' must be a string, got list"),
        ({"docid": "d", "title": False, "text": "t"}, "field 'title' must be a string, got bool"),
        ({"docid": "d", "text": None}, "field 'text' must be a string, got null"),
        ({"id": "d", "contents": ["c"]}, "field 'contents' must be a string, got list"),
    ],
)  # fmt: skip
def test_corpus_lines(tmp_path: Path, record: dict[str, Any], expected: str) -> None:
    check(
        tmp_path, "corpus", '{"id": "ok", "text": "fine"}\n' + json.dumps(record), f"2: {expected}"
    )


def test_corpus_reads_integer_ids_null_titles_and_a_bom(tmp_path: Path) -> None:
    data = '\ufeff{"id": 7, "title": null, "text": ""}\r\n{"docid": "d", "contents": "c"}'
    assert list(read_jsonl_corpus(file_with(tmp_path, "corpus", data))) == [
        Passage("7", "", ""),
        Passage("d", "", "c"),
    ]


# ------------------------------------------------------------------------- XOR queries


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"question": "  "}, "field 'question' must be a non-blank string, got '  '"),
        ({"question": ""}, "field 'question' must be a non-blank string, got ''"),
        ({"question": 5}, "field 'question' must be a string, got int"),
        ({"lang": " "}, f"field 'lang' {LANG_RULE}, got ' '"),
        ({"lang": ""}, f"field 'lang' {LANG_RULE}, got ''"),
        ({"lang": None}, f"field 'lang' {LANG_RULE}, got null"),
        ({"answers": []}, "field 'answers' must hold at least one answer, got []"),
        ({"answers": ["a", 1]}, "field 'answers' must be a list of strings"),
        ({"id": " "}, "field 'id' holds whitespace: ' '"),
        ({"id": False}, "field 'id' must be a string or integer, got bool"),
    ],
)  # fmt: skip
def test_xor_query_lines(tmp_path: Path, change: dict[str, Any], expected: str) -> None:
    good = {"id": "q0", "question": "q?", "lang": "ja", "answers": ["a"]}
    data = json.dumps(good) + "\n" + json.dumps({**good, "id": "q1", **change}) + "\n"
    check(tmp_path, "xor", data, f"2: {expected}")


def test_xor_queries_without_answers_where_none_are_required(tmp_path: Path) -> None:
    data = '{"id": 3, "question": "q?", "lang": "zh-Hans", "answers": []}\n'
    path = file_with(tmp_path, "xor", "\ufeff" + data)
    assert list(read_xor_queries(path)) == [XorQuery("3", "q?", "zh-Hans", ())]


# ------------------------------------------------------------------ generated questions


@pytest.mark.parametrize("reader", ["generated", "resume"])
@pytest.mark.parametrize(
    ("queries", "expected"),
    [
        ({" ": ["q"]}, f"a key of 'generated_queries' {LANG_RULE}, got ' '"),
        ({"": ["q"]}, f"a key of 'generated_queries' {LANG_RULE}, got ''"),
        ({"ja": ["q", ""]}, "generated_queries['ja'][1] must be a non-blank question, got ''"),
        ({"ja": [" \t"]}, "generated_queries['ja'][0] must be a non-blank question, got ' \\t'"),
    ],
)
def test_generated_lines(tmp_path: Path, reader: str, queries: dict, expected: str) -> None:
    record = {"docid": "d1", "text": "t", "generated_queries": queries}
    check(tmp_path, reader, json.dumps(record) + "\n", f"1: {expected}")


def test_generated_readers_accept_a_bom_like_the_other_json_readers(tmp_path: Path) -> None:
    record = {"docid": "d1", "text": "t", "generated_queries": {"ja": ["q?"]}}
    path = file_with(tmp_path, "generated", "\ufeff" + json.dumps(record) + "\n")
    assert list(read_generated_queries(path)) == [GeneratedQueries("d1", "t", {"ja": ("q?",)})]
    assert completed_doc_ids(path) == {"d1"}
    assert [r for _, r in json_objects(path)] == [record]
