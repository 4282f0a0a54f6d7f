"""The JSONL corpus reader, in every supported shape and with malformed input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from xqg_pyserini.data import Passage, read_jsonl_corpus
from xqg_pyserini.errors import CorpusFormatError

UNICODE = {
    "ar": "القاهرة",
    "bn": "ঢাকা",
    "fi": "Hämeenlinna",
    "ja": "富士山",
    "ko": "서울",
    "ru": "Москва",
    "te": "హైదరాబాద్",
}


def write_lines(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def test_docid_title_text_and_pyserini_contents(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "c.jsonl",
        [
            {"docid": "a", "title": "A", "text": "alpha"},
            {"id": 7, "title": "B", "text": "beta"},
            {"id": "c", "contents": "gamma"},
            {"docid": "d", "text": "no title"},
        ],
    )
    assert list(read_jsonl_corpus(path)) == [
        Passage("a", "A", "alpha"),
        Passage("7", "B", "beta"),
        Passage("c", "", "gamma"),
        Passage("d", "", "no title"),
    ]


def test_gzip_and_unicode_in_all_seven_scripts(tmp_path: Path) -> None:
    records = [{"docid": lang, "title": word, "text": word * 3} for lang, word in UNICODE.items()]
    path = tmp_path / "c.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    passages = list(read_jsonl_corpus(path))
    assert [(p.doc_id, p.title) for p in passages] == list(UNICODE.items())


def test_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "a", "text": "x"}\n\n   \n{"id": "b", "text": "y"}\n')
    assert [p.doc_id for p in read_jsonl_corpus(path)] == ["a", "b"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "not valid JSON"),
        ('["a", "b"]', "expected a JSON object"),
        ('{"title": "t", "text": "x"}', "missing field 'docid'"),
        ('{"id": "a", "title": "t"}', "missing field 'text'"),
        ('{"id": "a", "text": 3}', "field 'text' must be a string, got int"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path: Path, line: str, expected: str) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "ok", "text": "fine"}\n' + line + "\n")
    with pytest.raises(CorpusFormatError, match=expected) as info:
        list(read_jsonl_corpus(path))
    assert str(info.value).startswith(f"{path}:2: ")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="corpus file not found"):
        list(read_jsonl_corpus(tmp_path / "nope.jsonl"))
