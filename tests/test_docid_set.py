"""DocidSet: duplicates found near and far, no false hits, exact collisions, ~10 bytes a docid;
and index builds refusing a repeated docid in every corpus format."""

from __future__ import annotations

import gzip
import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import ir_datasets
import pytest

from tests.helpers import Doc, MemoryDocs, error_lines
from xqg_pyserini.data import docid_set
from xqg_pyserini.data.docid_set import BUFFER, DocidSet
from xqg_pyserini.errors import CorpusFormatError
from xqg_pyserini.index import main
from xqg_pyserini.irds import xqg_demo

MANY = 8 * BUFFER + 123  # several flushes, so several merges of runs


def ids(count: int, prefix: str = "doc") -> list[str]:
    return [f"{prefix}-{i}" for i in range(count)]


def reader(docids: list[str], calls: list[int] | None = None) -> Callable[[], Iterator[str]]:
    """A ``reread`` over ``docids`` (the corpus read again) that counts its calls."""

    def reread() -> Iterator[str]:
        if calls is not None:
            calls.append(1)
        return iter(docids)

    return reread


def no_reread() -> Iterator[str]:
    raise AssertionError("reread called: a hash hit among distinct docids")


# --------------------------------------------------------------------------- duplicates


@pytest.mark.parametrize("exact", [True, False])
def test_adjacent_duplicate(exact: bool) -> None:
    docids = DocidSet(reader(["a", "a"]) if exact else None)
    docids.add("a")
    with pytest.raises(CorpusFormatError, match="^duplicate docid 'a' in the corpus") as error:
        docids.add("a")
    assert ("64-bit hash" in str(error.value)) is not exact


@pytest.mark.parametrize("position", [0, 5, BUFFER - 1, BUFFER, 3 * BUFFER + 7, MANY - 1])
def test_duplicate_far_apart_across_merges(position: int) -> None:
    corpus = ids(MANY)
    corpus.append(corpus[position])
    calls: list[int] = []
    docids = DocidSet(reader(corpus, calls))
    for docid in corpus[:-1]:
        docids.add(docid)
    assert len(docids) == MANY
    with pytest.raises(CorpusFormatError) as error:
        docids.add(corpus[-1], where="corpus.jsonl")
    assert str(error.value) == f"duplicate docid {corpus[position]!r} in corpus.jsonl"
    assert calls == [1]


@pytest.mark.parametrize("first", [0, 17, MANY // 2])
def test_duplicate_within_one_batch(first: int) -> None:
    batch = ids(MANY)
    batch.insert(MANY - 3, batch[first])
    docids = DocidSet(reader(batch))
    with pytest.raises(CorpusFormatError, match=f"duplicate docid 'doc-{first}' in the batch"):
        docids.add_many(batch, where="the batch")
    assert len(docids) == MANY - 3  # those before the repeat were added


def test_batch_repeating_an_earlier_batch_or_add() -> None:
    docids = DocidSet()
    docids.add_many(ids(MANY))
    docids.add("single")
    with pytest.raises(CorpusFormatError, match="duplicate docid 'doc-4096'.*64-bit hash"):
        docids.add_many([*ids(3, "new"), "doc-4096"])
    with pytest.raises(CorpusFormatError, match="duplicate docid 'single'"):
        docids.add_many(["single"])
    with pytest.raises(CorpusFormatError, match="duplicate docid 'new-1'"):
        docids.add("new-1")


def test_adds_and_batches_mix() -> None:
    docids = DocidSet(no_reread)
    expected = 0
    for start in range(0, MANY, 1000):
        batch = ids(MANY)[start : start + 1000]
        docids.add_many(batch[:500])
        for docid in batch[500:]:
            docids.add(docid)
        expected += len(batch)
    docids.add_many(ids(2 * BUFFER, "big"))
    docids.add_many([])
    assert len(docids) == expected + 2 * BUFFER


# --------------------------------------------------------------------------- no false hits, memory


def test_no_false_positive_and_small_memory() -> None:
    count = 200_000
    one, batched = DocidSet(no_reread), DocidSet(no_reread)
    for docid in ids(count, "passage"):
        one.add(docid)
    for start in range(0, count, 7_000):
        batched.add_many(ids(count, "passage")[start : start + 7_000])
    assert len(one) == len(batched) == count
    assert one.nbytes <= 16 * count and batched.nbytes <= 16 * count
    assert one.nbytes >= 8 * (count - BUFFER)  # the hashes are really held


def test_hash_is_deterministic_blake2b() -> None:
    # 8-byte BLAKE2b digests (b2sum -l 64) read little-endian: the same in every process.
    assert docid_set._hash("a") == int.from_bytes(bytes.fromhex("40f89e395b66422f"), "little")
    assert docid_set._hash("é") == int.from_bytes(bytes.fromhex("cb1abf8beff3192f"), "little")


# --------------------------------------------------------------------------- collisions


@pytest.fixture()
def colliding(monkeypatch: pytest.MonkeyPatch) -> None:
    """'x' and 'y' (and 'z') share one hash; every other docid keeps its own."""
    real = docid_set._hash
    monkeypatch.setattr(docid_set, "_hash", lambda d: 42 if d in {"x", "y", "z"} else real(d))


@pytest.mark.usefixtures("colliding")
def test_collision_is_resolved_exactly_with_reread() -> None:
    corpus = ["x", *ids(MANY), "y", "z", *ids(10, "late")]
    calls: list[int] = []
    docids = DocidSet(reader(corpus, calls))
    for docid in corpus:
        docids.add(docid)
    assert len(docids) == len(corpus) and len(calls) == 2  # 'y' and 'z' were re-checked
    for again in ("x", "y", "z"):
        with pytest.raises(CorpusFormatError) as error:
            docids.add(again)
        assert str(error.value) == f"duplicate docid {again!r} in the corpus"


@pytest.mark.usefixtures("colliding")
def test_collision_within_a_batch_is_resolved_exactly() -> None:
    batch = [*ids(100), "x", *ids(50, "mid"), "y"]
    docids = DocidSet(reader(batch))
    docids.add_many(batch)
    assert len(docids) == len(batch)
    with pytest.raises(CorpusFormatError, match="^duplicate docid 'y' in the corpus$"):
        docids.add_many(["fresh", "y"])


@pytest.mark.usefixtures("colliding")
def test_collision_without_reread_is_reported_as_found_by_hash() -> None:
    docids = DocidSet()
    docids.add("x")
    with pytest.raises(CorpusFormatError) as error:
        docids.add("y")
    assert str(error.value) == "duplicate docid 'y' in the corpus (detected by its 64-bit hash)"


# --------------------------------------------------------------------------- index builds


DOCS = [
    Doc("p1", "Cairo", "Cairo is the capital of Egypt."),
    Doc("p2", "Helsinki", "Helsinki is the capital of Finland."),
    Doc("p3", "", "A passage without a title."),
    Doc("p4", "Tokyo", "Tokyo is the capital of Japan."),
    Doc("p2", "Moscow", "Moscow is the capital of Russia."),  # p2 again
]


def write_corpus(kind: str, directory: Path) -> str:
    """The corpus of DOCS in format ``kind``; what ``--corpus`` takes."""
    if kind.startswith("jsonl"):
        rows = [json.dumps({"docid": d.doc_id, "title": d.title, "text": d.text}) for d in DOCS]
    else:
        rows = ["id\ttext\ttitle", *(f"{d.doc_id}\t{d.text}\t{d.title}" for d in DOCS)]
    content = "".join(row + "\n" for row in rows).encode("utf-8")
    name = {"ir_datasets": "psgs_w100.tsv.gz"}.get(kind, f"corpus.{kind}")
    path = directory / name
    path.write_bytes(gzip.compress(content) if name.endswith(".gz") else content)
    return str(path)


@pytest.fixture()
def demo_with_a_repeat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """``xqg-demo`` pointed at a corpus that repeats a docid (private IR_DATASETS_HOME)."""
    monkeypatch.setenv("IR_DATASETS_HOME", str(tmp_path / "irds-home"))
    directory = tmp_path / "demo"
    directory.mkdir()
    write_corpus("ir_datasets", directory)
    previous = xqg_demo.set_directory(directory)
    yield xqg_demo.NAME
    xqg_demo.set_directory(previous)


@pytest.fixture(scope="module")
def memory_dataset() -> str:
    """An ir_datasets id, registered for this session, of DOCS (p2 twice)."""
    dataset_id = f"xqg-pytest-{uuid.uuid4().hex[:8]}/dupes"
    ir_datasets.registry.register(dataset_id, ir_datasets.Dataset(MemoryDocs(DOCS)))
    return dataset_id


def refused(model: Path, corpus: str, out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Build an index of ``corpus``; check it fails, leaving nothing; its one error line."""
    code = main(["--corpus", corpus, "--encoder", str(model), "--output", str(out)])
    err = error_lines(capsys.readouterr().err)
    assert code == 2 and len(err) == 1
    assert not out.exists()
    return err[0]


@pytest.mark.parametrize("kind", ["jsonl", "jsonl.gz", "tsv", "tsv.gz"])
def test_build_refuses_a_repeated_docid_in_a_file(
    kind: str, tiny_bert: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(tiny_bert, write_corpus(kind, tmp_path), tmp_path / "idx", capsys)
    if kind.startswith("jsonl"):  # the build's own check (DocidSet, confirmed by reread)
        assert line == "error: duplicate docid 'p2' in the corpus"
    else:  # the DPR TSV reader checks ids first, naming the line
        assert "'p2'" in line and "corpus.tsv" in line and ":6:" in line


def test_build_refuses_a_repeated_docid_in_an_ir_datasets_corpus(
    memory_dataset: str, tiny_bert: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(tiny_bert, memory_dataset, tmp_path / "idx", capsys)
    assert line == "error: duplicate docid 'p2' in the corpus"


def test_build_refuses_a_repeated_docid_in_the_demo_collection(
    demo_with_a_repeat: str, tiny_bert: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = refused(tiny_bert, demo_with_a_repeat, tmp_path / "idx", capsys)
    assert "'p2'" in line
