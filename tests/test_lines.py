"""The line layer every text reader shares (data/lines.py) and the field rules (data/fields.py)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from xqg_pyserini.data.fields import id_problem, is_language_code, parse_rank, parse_score
from xqg_pyserini.data.json_lines import parse_json_object
from xqg_pyserini.data.lines import Line, read_lines, shown
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.eval.run_file import RunFormatError


def lines_of(path: Path, data: bytes, **options: object) -> list[Line]:
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return list(read_lines(path, **options))  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["t.txt", "t.txt.gz"])
def test_endings_bom_blank_lines_and_numbers(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    got = lines_of(path, b"\xef\xbb\xbfone\r\n\n  \t \r\ntwo \xe2\x80\x94 2\nlast")
    assert got == [
        Line(path, 1, "one", True),
        Line(path, 4, "two \u2014 2", True),
        Line(path, 5, "last", False),
    ]
    assert got[1].where == f"{path}:4"


def test_a_bom_is_only_dropped_at_the_start_of_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    assert [line.text for line in lines_of(path, b"a\n\xef\xbb\xbfb\n")] == ["a", "\ufeffb"]


LONE_CR = "expected lines ending in \\n or \\r\\n, got a lone carriage return at column"
UTF16 = "not valid UTF-8 (the file starts with a UTF-16 byte-order mark; save it as UTF-8)"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"ok\nbad\rline\n", f"2: {LONE_CR} 4"),
        (b"ok\nmac\r", f"2: {LONE_CR} 4"),
        (b"ok\r\r\n", f"1: {LONE_CR} 3"),
        (b"ok\n\xc3(\n", "2: not valid UTF-8 (bad byte at column 1)"),
        (b"ok\n\xed\xa0\x80\n", "2: not valid UTF-8 (bad byte at column 1)"),
        (b"a\x00b\n", "1: not valid UTF-8 text (a NUL byte at column 2; is the file UTF-16?)"),
        (b"\xff\xfea\x00", f"1: {UTF16}"),
    ],
    ids=["lone-cr", "cr-at-end", "cr-before-crlf", "bad-utf8", "encoded-surrogate", "nul", "utf16"],
)
def test_damage_is_one_line_naming_file_and_line(
    tmp_path: Path, data: bytes, expected: str
) -> None:
    path = tmp_path / "t.txt"
    with pytest.raises(CorpusFormatError) as info:
        lines_of(path, data)
    assert str(info.value) == f"{path}:{expected}"
    with pytest.raises(RunFormatError) as info:  # a reader may choose its error class
        lines_of(path, data, error=RunFormatError)
    assert str(info.value) == f"{path}:{expected}"


def test_truncated_gzip_names_the_line_it_broke_in(tmp_path: Path) -> None:
    path = tmp_path / "t.txt.gz"
    path.write_bytes(gzip.compress(b"".join(b"line %d\n" % i for i in range(5000)))[:-40])
    with pytest.raises(CorpusFormatError, match=rf"^{path}:\d+: corrupt or truncated gzip file"):
        list(read_lines(path))
    path.write_bytes(b"not gzip at all\n")
    with pytest.raises(CorpusFormatError) as info:
        list(read_lines(path))
    assert str(info.value) == (
        f"{path}:1: corrupt or truncated gzip file (Not a gzipped file (b'no'))"
    )


def test_complete_only_leaves_out_a_cut_last_line_unchecked(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    cut = "質問".encode()[:4]  # a killed writer can stop inside a character
    assert lines_of(path, b"a\nb\n" + cut, complete_only=True) == [
        Line(path, 1, "a", True),
        Line(path, 2, "b", True),
    ]
    with pytest.raises(CorpusFormatError, match=":3: not valid UTF-8"):
        list(read_lines(path))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="file not found: .*nope"):
        list(read_lines(tmp_path / "nope"))


def test_shown_quotes_values_on_one_short_line() -> None:
    assert shown("q\ufeff1") == "'q\\ufeff1'"
    assert shown("a\nb") == "'a\\nb'"
    long = shown("x" * 1000)
    assert len(long) == 40 and long.startswith("'xxx") and long.endswith("x'")


def test_json_errors_keep_the_hint() -> None:
    with pytest.raises(CorpusFormatError) as info:
        parse_json_object('{"a": NaN}', "f:3", "; the last line is incomplete")
    assert (
        str(info.value)
        == "f:3: not valid JSON (NaN is not a JSON number); the last line is incomplete"
    )
    with pytest.raises(CorpusFormatError) as info:
        parse_json_object("[1]", "f:4")
    assert str(info.value) == "f:4: expected a JSON object, got list"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("d1", None),
        ("wiki:Tōkyō#3", None),
        ("-1000034498953393442", None),
        ("", "is empty"),
        ("a b", "holds whitespace"),
        ("a\u00a0b", "holds whitespace"),
        ("a\u2028", "holds whitespace"),
        ("\ufeffa", "holds a byte-order mark (U+FEFF)"),
        ("a\x7f", "holds a control character (U+007F)"),
        ("a\x9b", "holds a control character (U+009B)"),
    ],
)
def test_id_rule(value: str, problem: str | None) -> None:
    assert id_problem(value) == problem


def test_language_codes_and_numbers() -> None:
    assert all(map(is_language_code, ["ja", "en", "zh-Hans", "x_y1"]))
    assert not any(map(is_language_code, ["", " ", "ja ", "日本", None, 1]))
    assert [parse_rank(t, "w") for t in ("1", "007", "999999999999999999")] == [1, 7, 10**18 - 1]
    assert [parse_score(t, "w") for t in ("1", "-0.5", "+.5", "5.", "3E+2")] == [
        1.0,
        -0.5,
        0.5,
        5.0,
        300.0,
    ]
    for bad in ("1" * 19, "+1", " 1", "1.0", "१"):
        with pytest.raises(CorpusFormatError):
            parse_rank(bad, "w")
    for bad in ("", ".", "e5", "1e", "0x10", "nan", "-inf", "1e400", "1,5", "٣"):
        with pytest.raises(CorpusFormatError):
            parse_score(bad, "w")
