"""Generated questions in the published xQG format: reading, writing, resuming, coverage."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xqg_pyserini.data.__main__ import main
from xqg_pyserini.data.coverage import CoverageSummary, summarize_coverage
from xqg_pyserini.data.generated import (
    GeneratedQueries,
    GeneratedQueriesWriter,
    completed_doc_ids,
    read_generated_queries,
    resolve_shards,
)
from xqg_pyserini.errors import CorpusFormatError

LANGS = ("ar", "bn", "fi", "ja", "ko", "ru", "te")
QUESTIONS = {
    "ar": ["ما هي عاصمة مصر؟", "من بنى الأهرامات؟"],
    "bn": ["বাংলাদেশের রাজধানী কী?"],
    "fi": ["Mikä on Hämeenlinnan väkiluku?"],
    "ja": ["富士山の高さは？", "日本の首都はどこですか"],
    "ko": ["서울의 인구는 얼마입니까?"],
    "ru": ["Какая река течёт через Москву?"],
    "te": ["హైదరాబాద్ ఎక్కడ ఉంది?"],
}


def line(doc_id: object, text: object = "passage", queries: object = None, **kw: object) -> dict:
    record = {"docid": doc_id, "text": text, "generated_queries": queries or {}}
    record.update(kw)
    return record


def write_shard(path: Path, records: list[dict], ascii_only: bool = False) -> Path:
    data = "".join(json.dumps(r, ensure_ascii=ascii_only) + "\n" for r in records)
    if path.name.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as handle:
            handle.write(data)
    else:
        path.write_text(data, "utf-8")
    return path


def ids(paths: object) -> list[str]:
    return [r.doc_id for r in read_generated_queries(paths)]  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- reading


@pytest.mark.parametrize("ascii_only", [False, True], ids=["utf8", "escaped"])
@pytest.mark.parametrize("name", ["g.jsonl", "g.jsonl.gz"])
def test_reads_published_format_in_all_seven_scripts(
    tmp_path: Path, name: str, ascii_only: bool
) -> None:
    path = write_shard(
        tmp_path / name,
        [line("101", "The Nile flows north.", QUESTIONS), line("102", "Empty.", {})],
        ascii_only,
    )
    records = list(read_generated_queries(path))
    assert records[0] == GeneratedQueries(
        "101", "The Nile flows north.", {k: tuple(v) for k, v in QUESTIONS.items()}
    )
    assert records[0].queries["te"] == ("హైదరాబాద్ ఎక్కడ ఉంది?",)
    assert records[1] == GeneratedQueries("102", "Empty.", {})


def test_extra_fields_are_ignored(tmp_path: Path) -> None:
    path = write_shard(tmp_path / "g.jsonl", [line("1", title="T", score=0.5)])
    assert list(read_generated_queries(path)) == [GeneratedQueries("1", "passage", {})]


def test_shards_directories_and_globs_read_in_sorted_order(tmp_path: Path) -> None:
    shards = tmp_path / "shards"
    shards.mkdir()
    write_shard(shards / "part-02.jsonl.gz", [line("e"), line("f")])
    write_shard(shards / "part-00.jsonl", [line("a"), line("b")])
    write_shard(shards / "part-01.jsonl.gz", [line("c"), line("d")])
    (shards / "README.md").write_text("not a shard")
    (shards / ".part-03.jsonl.tmp").write_text("hidden")
    expected = ["a", "b", "c", "d", "e", "f"]
    assert ids(shards) == expected
    assert ids(str(shards / "part-*")) == expected
    given = [shards / "part-02.jsonl.gz", shards / "part-00.jsonl", shards / "part-01.jsonl.gz"]
    assert ids(given) == expected
    reversed_args = [str(shards / "part-02.jsonl.gz"), str(shards / "part-0[01]*")]
    assert ids(reversed_args) == expected
    # the same shard named twice (file and glob) is read once
    assert ids([shards / "part-00.jsonl", str(shards / "*.jsonl")]) == ["a", "b"]
    assert [p.name for p in resolve_shards(shards)] == [
        "part-00.jsonl",
        "part-01.jsonl.gz",
        "part-02.jsonl.gz",
    ]


def test_missing_inputs(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        list(read_generated_queries(tmp_path / "absent.jsonl"))
    with pytest.raises(FileNotFoundError, match="no such file"):
        list(read_generated_queries(str(tmp_path / "*.jsonl")))
    with pytest.raises(FileNotFoundError, match="holds no"):
        list(read_generated_queries(tmp_path))
    assert resolve_shards([tmp_path / "absent.jsonl"], missing_ok=True) == []


def test_blank_lines_are_skipped_and_line_numbers_stay_exact(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps(line("1")) + "\n\n   \n{broken\n", "utf-8")
    with pytest.raises(CorpusFormatError, match=rf"^{path}:4: not valid JSON"):
        list(read_generated_queries(path))


BAD_LINES = {
    "invalid JSON": ('{"docid": "1", "text": ', "not valid JSON"),
    "array": ("[1, 2]", "expected a JSON object, got list"),
    "string": ('"just text"', "expected a JSON object, got str"),
    "no docid": (json.dumps({"text": "t", "generated_queries": {}}), "missing field 'docid'"),
    "no text": (json.dumps({"docid": "1", "generated_queries": {}}), "missing field 'text'"),
    "no queries": (json.dumps({"docid": "1", "text": "t"}), "missing field 'generated_queries'"),
    "int docid": (json.dumps(line(7)), "field 'docid' must be a string, got int"),
    "empty docid": (json.dumps(line("")), "field 'docid' is empty"),
    "null text": (json.dumps(line("1", None)), "field 'text' must be a string, got null"),
    "queries list": (
        json.dumps(line("1", queries=[["q"]])),
        "'generated_queries' must be an object",
    ),
    "language str": (
        json.dumps(line("1", queries={"ja": "質問"})),
        r"generated_queries\['ja'\] must be a list of strings",
    ),
    "language ints": (
        json.dumps(line("1", queries={"ko": ["질문", 3]})),
        r"generated_queries\['ko'\] must be a list of strings",
    ),
    "empty language": (
        json.dumps(line("1", queries={"": ["q"]})),
        "a key of 'generated_queries' must be a language code",
    ),
}


@pytest.mark.parametrize("case", BAD_LINES, ids=list(BAD_LINES))
@pytest.mark.parametrize("name", ["g.jsonl", "g.jsonl.gz"])
def test_malformed_lines_name_file_and_line(tmp_path: Path, case: str, name: str) -> None:
    bad, message = BAD_LINES[case]
    good = json.dumps(line("0", queries={"fi": ["Kysymys?"]}))
    data = f"{good}\n{good.replace('0', '9', 1)}\n{bad}\n"
    path = tmp_path / name
    if name.endswith(".gz"):
        path.write_bytes(gzip.compress(data.encode("utf-8")))
    else:
        path.write_text(data, "utf-8")
    with pytest.raises(CorpusFormatError, match=message) as info:
        list(read_generated_queries(path))
    assert str(info.value).startswith(f"{path}:3: ")
    assert "\n" not in str(info.value)


def test_invalid_utf8_and_truncated_gzip(tmp_path: Path) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(json.dumps(line("1")).encode() + b"\n" + b'{"docid": "caf\xe9"}\n')
    with pytest.raises(CorpusFormatError, match=rf"^{path}:2: not valid UTF-8"):
        list(read_generated_queries(path))
    full = gzip.compress(
        "".join(json.dumps(line(str(i), "x" * 200)) + "\n" for i in range(50)).encode()
    )
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(full[: len(full) // 2])
    with pytest.raises(CorpusFormatError, match=rf"^{cut}:\d+: corrupt or truncated gzip"):
        list(read_generated_queries(cut))


def test_duplicate_docids_name_both_places(tmp_path: Path) -> None:
    first = write_shard(tmp_path / "a.jsonl", [line("1"), line("2"), line("3")])
    second = write_shard(tmp_path / "b.jsonl.gz", [line("4"), line("2")])
    with pytest.raises(CorpusFormatError) as info:
        list(read_generated_queries(tmp_path))
    assert str(info.value) == f"{second}:2: docid '2' already appeared at {first}:2"
    assert len(list(read_generated_queries(tmp_path, check_duplicates=False))) == 5
    same = write_shard(tmp_path / "same.jsonl", [line("x"), line("y"), line("x")])
    with pytest.raises(CorpusFormatError, match=rf"^{same}:3: .* at {same}:1$"):
        list(read_generated_queries(same))


def test_reading_is_lazy(tmp_path: Path) -> None:
    path = write_shard(tmp_path / "g.jsonl", [line("1")])
    with path.open("a") as handle:
        handle.write("not json\n")
    records = read_generated_queries(path)
    assert next(records).doc_id == "1"  # the bad line 2 is not read yet
    with pytest.raises(CorpusFormatError, match=":2:"):
        next(records)


# ---------------------------------------------------------------------------- writing


def records_in_all_scripts() -> list[GeneratedQueries]:
    return [
        GeneratedQueries(f"d{i}", f"passage {i}\twith a tab\nand a newline", {lang: tuple(qs)})
        for i, (lang, qs) in enumerate(QUESTIONS.items())
    ]


def test_writer_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "out" / "generated.jsonl"
    records = records_in_all_scripts()
    with GeneratedQueriesWriter(path) as writer:
        for record in records:
            writer.write(record)
    assert writer.written == len(records) and writer.truncated_bytes == 0
    assert list(read_generated_queries(path)) == records
    lines = path.read_text("utf-8").splitlines()
    assert len(lines) == len(records)
    assert json.loads(lines[3]) == {
        "docid": "d3",
        "text": "passage 3\twith a tab\nand a newline",
        "generated_queries": {"ja": QUESTIONS["ja"]},
    }
    assert "富士山" in lines[3]  # UTF-8, not \u escapes: questions are mostly non-Latin


def test_writer_resumes_after_a_partial_last_line(tmp_path: Path) -> None:
    path = tmp_path / "generated.jsonl"
    records = records_in_all_scripts()
    with GeneratedQueriesWriter(path) as writer:
        for record in records[:3]:
            writer.write(record)
    partial = json.dumps(line("d3", queries=QUESTIONS), ensure_ascii=False).encode()[:57]
    with path.open("ab") as handle:  # what a process killed mid-write could leave
        handle.write(partial)
    assert completed_doc_ids(path) == {"d0", "d1", "d2"}
    with pytest.raises(CorpusFormatError, match=r":4: not valid JSON .*incomplete"):
        list(read_generated_queries(path))

    done = completed_doc_ids(path)
    with GeneratedQueriesWriter(path) as writer:
        for record in records:
            if record.doc_id not in done:
                writer.write(record)
    assert writer.truncated_bytes == len(partial)
    assert writer.written == len(records) - 3
    assert list(read_generated_queries(path)) == records


def test_partial_line_that_parses_is_still_redone(tmp_path: Path) -> None:
    # A valid JSON line without its newline may be cut in the middle of a question.
    path = tmp_path / "generated.jsonl"
    path.write_text(json.dumps(line("a")) + "\n" + json.dumps(line("b")), "utf-8")
    assert completed_doc_ids(path) == {"a"}
    assert ids(path) == ["a", "b"]  # a reader accepts a last line without newline
    with GeneratedQueriesWriter(path) as writer:
        writer.write(GeneratedQueries("b", "passage", {"ru": ("Вопрос?",)}))
    assert [r.queries for r in read_generated_queries(path)] == [{}, {"ru": ("Вопрос?",)}]


def test_writer_on_a_file_that_is_one_partial_line(tmp_path: Path) -> None:
    path = tmp_path / "generated.jsonl"
    path.write_bytes(b'{"docid": "x", "te' * 5000)  # longer than one backwards block
    with GeneratedQueriesWriter(path) as writer:
        writer.write(GeneratedQueries("y", "t", {}))
    assert writer.truncated_bytes == 18 * 5000
    assert ids(path) == ["y"]


def test_writer_rejects_bad_records_without_writing(tmp_path: Path) -> None:
    path = tmp_path / "generated.jsonl"
    with GeneratedQueriesWriter(path) as writer:
        writer.write(GeneratedQueries("ok", "t", {"ar": ["سؤال"]}))  # type: ignore[dict-item]
        for bad in (
            GeneratedQueries("", "t", {}),
            GeneratedQueries(5, "t", {}),  # type: ignore[arg-type]
            GeneratedQueries("a", None, {}),  # type: ignore[arg-type]
            GeneratedQueries("a", "t", {"ja": "質問"}),  # type: ignore[dict-item]
            GeneratedQueries("a", "t", {"ja": ("質問", 1)}),  # type: ignore[dict-item]
            GeneratedQueries("a", "t", [("ja", ("q",))]),  # type: ignore[arg-type]
        ):
            with pytest.raises(TypeError):
                writer.write(bad)
    assert writer.written == 1
    assert ids(path) == ["ok"]


def test_writer_refuses_gzip_a_second_writer_and_closed_use(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="plain JSONL"):
        GeneratedQueriesWriter(tmp_path / "g.jsonl.gz")
    path = tmp_path / "g.jsonl"
    with GeneratedQueriesWriter(path), pytest.raises(BlockingIOError, match="another process"):
        GeneratedQueriesWriter(path).open()
    writer = GeneratedQueriesWriter(path)
    with pytest.raises(ValueError, match="not open"):
        writer.write(GeneratedQueries("a", "t", {}))
    writer.close()  # closing twice, or unopened, is harmless


def test_completed_doc_ids_of_missing_files_is_empty(tmp_path: Path) -> None:
    assert completed_doc_ids(tmp_path / "not-yet.jsonl") == set()
    assert completed_doc_ids(str(tmp_path / "shard-*.jsonl")) == set()


KILLED_WRITER = """
import sys
from xqg_pyserini.data.generated import GeneratedQueries, GeneratedQueriesWriter
with GeneratedQueriesWriter(sys.argv[1]) as writer:
    for i in range(10**9):
        writer.write(GeneratedQueries(f"d{i}", "passage " * 400, {"ja": ("質問は何ですか",) * 5}))
"""


def test_a_killed_writer_leaves_only_complete_lines(tmp_path: Path) -> None:
    path = tmp_path / "generated.jsonl"
    child = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path)])
    try:
        deadline = time.monotonic() + 60
        while (not path.exists() or path.stat().st_size < 2_000_000) and child.poll() is None:
            assert time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.02)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    done = completed_doc_ids(path)
    assert len(done) > 100
    with GeneratedQueriesWriter(path) as writer:
        writer.write(GeneratedQueries("last", "t", {}))
    assert ids(path) == [f"d{i}" for i in range(len(done))] + ["last"]


# ---------------------------------------------------------------------------- coverage

COVERAGE_RECORDS = [
    GeneratedQueries("d1", "p", {lang: ("q",) * 5 for lang in LANGS}),
    GeneratedQueries("d2", "p", {"ar": ("q",) * 5, "ja": ("q", "q"), "en": ("q",) * 3}),
    GeneratedQueries("d3", "p", {}),
    GeneratedQueries("d4", "p", {"ko": (), "xx": ("q",)}),
    GeneratedQueries("d5", "p", {"te": ("", "q")}),
]


def test_coverage_counts_by_hand() -> None:
    summary = summarize_coverage(COVERAGE_RECORDS)
    assert summary == CoverageSummary(
        languages=LANGS,
        passages=5,
        passages_with_questions=3,  # d1, d2, d5
        passages_without_questions=2,  # d3 (nothing), d4 (empty ko, unknown xx)
        passages_with_all_languages=1,  # d1
        # ar: 5 (d1) + 5 (d2); ja: 5 + 2; te: 5 + 2 (one empty); d4's empty ko adds 0
        questions_per_language={"ar": 10, "bn": 5, "fi": 5, "ja": 7, "ko": 5, "ru": 5, "te": 7},
        passages_per_language={"ar": 2, "bn": 1, "fi": 1, "ja": 2, "ko": 1, "ru": 1, "te": 2},
        empty_questions=1,  # d5's ""
        other_languages={"en": 3, "xx": 1},
    )
    assert summary.questions == 44
    assert summary.corpus_passages is None


def test_coverage_against_a_corpus_and_a_language_subset() -> None:
    summary = summarize_coverage(
        iter(COVERAGE_RECORDS), iter(["d1", "d2", "d3", "d6", "d7"]), languages=["ar", "ja"]
    )
    assert (summary.passages_with_questions, summary.passages_with_all_languages) == (2, 2)
    assert summary.questions_per_language == {"ar": 10, "ja": 7}
    other = {"bn": 5, "fi": 5, "ko": 5, "ru": 5, "te": 7, "en": 3, "xx": 1}
    assert summary.other_languages == other
    assert (summary.corpus_passages, summary.missing_from_files, summary.not_in_corpus) == (5, 2, 2)
    assert summary.missing_examples == ("d6", "d7")
    assert summary.not_in_corpus_examples == ("d4", "d5")


def test_coverage_table_and_json() -> None:
    summary = summarize_coverage(COVERAGE_RECORDS, ["d1", "d2", "d3", "d6", "d7"])
    table = summary.format()
    assert "passages read" in table and "te" in table
    ar_row = next(row for row in table.splitlines() if row.startswith("ar "))
    assert ar_row.split() == ["ar", "2", "40.0%", "10", "5.00"]
    assert "en (3), xx (1)" in table
    assert "missing from the files" in table and "e.g. d6, d7" in table
    data = json.loads(json.dumps(summary.to_dict()))
    assert data["questions"] == 44 and data["not_in_corpus"] == 2
    empty = summarize_coverage([])
    assert empty.passages == 0 and "passages read" in empty.format()


def test_coverage_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    as_dicts = [  # a file cannot hold d5's blank question (the reader refuses it)
        line(r.doc_id, "p", {k: [q or "q" for q in v] for k, v in r.queries.items()})
        for r in COVERAGE_RECORDS
    ]
    write_shard(tmp_path / "g-0.jsonl.gz", as_dicts[:2])
    write_shard(tmp_path / "g-1.jsonl", as_dicts[2:])
    corpus = tmp_path / "corpus" / "corpus.jsonl"
    corpus.parent.mkdir()
    corpus.write_text("".join(json.dumps({"id": d, "contents": "c"}) + "\n" for d in ["d1", "d9"]))
    assert main(["coverage", "--generated", str(tmp_path / "g-*"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["questions"] == 44
    assert main(["coverage", "--generated", str(tmp_path), "--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "e.g. d9" in out and "e.g. d2, d3, d4, d5" in out
    assert main(["coverage", "--generated", str(tmp_path / "none-*.jsonl")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: generated questions: no such file") and err.count("\n") == 1
