"""The bundled xqg-demo collection (xqg_pyserini/resources/xqg_demo/): formats,
counts, answer rules, stand-in generated questions, and a byte-identical rebuild."""

from __future__ import annotations

import bisect
import csv
import gzip
import importlib.util
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

import xqg_pyserini

DEMO = Path(xqg_pyserini.__file__).parent / "resources" / "xqg_demo"
RESOURCES = Path(__file__).resolve().parents[1] / "tools" / "xqg_demo" / "handwritten"
BUILD_SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "build_xqg_demo.py"
LANGS = ("ar", "bn", "fi", "ja", "ko", "ru", "te")
FILES = (
    "README.md",
    "generated_queries.jsonl.gz",
    "parallel_train.jsonl",
    "parallel_train_all_languages.jsonl.gz",
    "psgs_w100.tsv.gz",
    "qrels.dev.tsv",
    "qrels.train-en.tsv",
    "qrels.train.tsv",
    "xor_dev_retrieve.jsonl",
    "xor_train-en_retrieve.jsonl",
    "xor_train_retrieve.jsonl",
)
MAX_ANSWER_PASSAGES = 3


@pytest.fixture(scope="module")
def passages() -> dict[str, tuple[str, str]]:
    """docid -> (text, title), read the way DPR reads psgs_w100.tsv."""
    with gzip.open(DEMO / "psgs_w100.tsv.gz", "rt", encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        assert next(reader) == ["id", "text", "title"]
        rows = list(reader)
    assert all(len(row) == 3 for row in rows)
    out = {docid: (text, title) for docid, text, title in rows}
    assert len(out) == len(rows), "duplicate passage ids"
    return out


def _queries(split: str) -> list[dict]:
    lines = (DEMO / f"xor_{split}_retrieve.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def queries() -> dict[str, list[dict]]:
    return {split: _queries(split) for split in ("dev", "train")}


@pytest.fixture(scope="module")
def qrels() -> dict[str, dict[str, str]]:
    out = {}
    for split in ("dev", "train"):
        gold = {}
        for line in (DEMO / f"qrels.{split}.tsv").read_text("utf-8").splitlines():
            qid, zero, docid, rel = line.split(" ")
            assert (zero, rel) == ("0", "1")
            assert qid not in gold, f"{qid} has two gold passages"
            gold[qid] = docid
        out[split] = gold
    return out


@pytest.fixture(scope="module")
def generated() -> list[dict]:
    with gzip.open(DEMO / "generated_queries.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


@pytest.fixture(scope="module")
def readme() -> str:
    return (DEMO / "README.md").read_text("utf-8")


def test_passages_are_numbered_and_sized(passages):
    assert list(passages) == [str(i) for i in range(1, len(passages) + 1)]
    assert len(passages) >= 5000
    for docid, (text, title) in passages.items():
        assert title and "\n" not in text
        assert 50 <= len(text.split()) <= 110, (docid, title)


def test_handwritten_passages_come_first(passages):
    lines = (RESOURCES / "demo_passages.jsonl").read_text("utf-8").splitlines()
    for i, line in enumerate(lines, start=1):
        record = json.loads(line)
        assert passages[str(i)] == (record["text"], record["title"])


def test_query_records_have_xor_fields(queries):
    ids = [q["id"] for split in queries.values() for q in split]
    assert len(ids) == len(set(ids)), "question ids are not unique across dev and train"
    for split in queries.values():
        for q in split:
            assert list(q) == ["id", "question", "answers", "lang"]
            assert isinstance(q["id"], str) and q["question"].strip()
            assert q["lang"] in LANGS
            assert q["answers"] and all(isinstance(a, str) and a for a in q["answers"])


def test_counts_per_language(queries):
    dev = Counter(q["lang"] for q in queries["dev"])
    train = Counter(q["lang"] for q in queries["train"])
    assert all(dev[lang] >= 40 for lang in LANGS), dev
    assert all(train[lang] >= 60 for lang in LANGS), train


def test_handwritten_questions_are_in_dev(queries):
    dev = {q["id"]: q for q in queries["dev"]}
    for line in (RESOURCES / "demo_questions.tsv").read_text("utf-8").splitlines():
        qid, question = line.split("\t")
        assert dev[qid]["question"] == question
        assert dev[qid]["lang"] == qid.split("-")[0]


def test_counts_match_readme(readme, passages, queries, generated):
    def number(pattern: str) -> int:
        match = re.search(pattern, readme)
        assert match, f"README has no line matching {pattern!r}"
        return int(match.group(1).replace(",", ""))

    assert number(r"\| ([\d,]+) passages \|") == len(passages)
    assert number(r"`xor_dev_retrieve.jsonl` .*\| (\d+) questions \|") == len(queries["dev"])
    assert number(r"`xor_train_retrieve.jsonl` .*\| (\d+) questions \|") == len(queries["train"])
    total = sum(len(v) for g in generated for v in g["generated_queries"].values())
    assert number(r"`generated_queries.jsonl.gz` .*\| ([\d,]+) questions \|") == total
    for lang in LANGS:
        match = re.search(rf"^\| {lang} \| \w+ \| (\d+) \| (\d+) \|$", readme, re.M)
        assert match, f"README has no row for {lang}"
        dev = sum(q["lang"] == lang for q in queries["dev"])
        train = sum(q["lang"] == lang for q in queries["train"])
        assert (int(match.group(1)), int(match.group(2))) == (dev, train)


def test_qrels_match_questions(queries, qrels, passages):
    for split in ("dev", "train"):
        assert set(qrels[split]) == {q["id"] for q in queries[split]}
        assert set(qrels[split].values()) <= passages.keys()
    assert not set(qrels["dev"].values()) & set(qrels["train"].values()), "shared gold passage"


def test_answers_are_verbatim_and_distinctive(queries, qrels, passages):
    texts = [text for text, _ in passages.values()]
    blob = "\n".join(texts)
    starts = [0]
    for text in texts[:-1]:
        starts.append(starts[-1] + len(text) + 1)

    def passages_containing(answer: str) -> int:
        seen, at = set(), blob.find(answer)
        while at >= 0 and len(seen) <= MAX_ANSWER_PASSAGES:
            seen.add(bisect.bisect_right(starts, at) - 1)
            at = blob.find(answer, at + 1)
        return len(seen)

    for split in ("dev", "train"):
        for q in queries[split]:
            gold_text = passages[qrels[split][q["id"]]][0]
            for answer in q["answers"]:
                assert answer.lower() not in ("yes", "no"), q
                assert answer in gold_text, (q["id"], answer)
                assert passages_containing(answer) <= MAX_ANSWER_PASSAGES, (q["id"], answer)


def test_every_passage_has_five_generated_questions_per_language(generated, passages):
    assert [g["docid"] for g in generated] == list(passages)
    for g in generated:
        assert list(g) == ["docid", "text", "generated_queries"]
        assert g["text"] == passages[g["docid"]][0]
        assert sorted(g["generated_queries"]) == list(LANGS)
        for questions in g["generated_queries"].values():
            assert len(questions) == 5 and all(q.strip() for q in questions)


def test_generated_questions_never_repeat_dev_or_train(generated, queries):
    produced = {q for g in generated for qs in g["generated_queries"].values() for q in qs}
    asked = {q["question"] for split in queries.values() for q in split}
    assert not produced & asked


def test_gzip_files_carry_no_timestamp_or_name():
    for name in ("psgs_w100.tsv.gz", "generated_queries.jsonl.gz"):
        header = (DEMO / name).read_bytes()[:10]
        assert header[4:8] == b"\0\0\0\0", f"{name} has an mtime"
        assert not header[3] & 0x08, f"{name} stores a file name"


def test_passage_tsv_uses_csv_quoting():
    raw = gzip.decompress((DEMO / "psgs_w100.tsv.gz").read_bytes()).decode("utf-8")
    quoted = [line for line in raw.splitlines() if '""' in line]
    assert quoted, "expected at least one passage with an inner double quote"
    row = next(csv.reader(io.StringIO(quoted[0]), delimiter="\t"))
    assert '"' in row[1] and '""' not in row[1]


def _pins() -> dict[str, str]:
    """Package -> version pinned in tools/requirements-demo.txt."""
    text = (BUILD_SCRIPT.parent / "requirements-demo.txt").read_text("utf-8")
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M))


def _build_module():
    spec = importlib.util.spec_from_file_location("build_xqg_demo", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_rebuild_is_byte_identical(tmp_path):
    from importlib.metadata import PackageNotFoundError, version

    hint = "pip install -r tools/requirements-demo.txt"
    for package, pinned in _pins().items():
        try:
            installed = version(package)
        except PackageNotFoundError:
            pytest.skip(f"{package} is needed to rebuild the collection: {hint}")
        if installed != pinned:
            pytest.skip(f"{package} {installed} is installed; the files were built with {pinned}")
    assert _build_module().main(["--output", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name
