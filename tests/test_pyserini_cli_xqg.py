"""Pyserini's own, unchanged CLIs with `--encoder-class xqg`, run as a user runs them.

`python -m pyserini.search.faiss` and `python -m pyserini.encode` run in
subprocesses of this environment (the start-up hook registers the class); their
outputs are compared with references computed without Pyserini: our
TransformerEncoder and FAISS directly, and `python -m xqg_pyserini.index`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import write_demo_head, write_generated_head
from xqg_pyserini.encoders.settings import EncoderSettings
from xqg_pyserini.index import main as index_main
from xqg_pyserini.indexes import read_metadata

pytestmark = pytest.mark.slow  # every test starts Pyserini (a JVM) at least once

LONG = "Mount Fuji is the highest mountain in Japan; how tall is it in metres and feet?"
TOPICS = {
    "q1": "富士山の標高は何メートルですか？",
    "q2": LONG,
    "q3": "నైలు నది పొడవు ఎంత?",
    "q4": "Какова высота горы Фудзи?",
    "q5": "Missä Nemuro sijaitsee?",
}


def pyserini(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], capture_output=True, text=True, timeout=900
    )


def our_lines(stderr: str) -> list[str]:
    """What we printed on stderr (Pyserini and the JVM print other lines)."""
    return [line for line in stderr.splitlines() if line.startswith("xqg_pyserini:")]


def read_run(path: Path) -> dict[str, list[tuple[str, float]]]:
    run: dict[str, list[tuple[str, float]]] = {}
    for line in path.read_text().splitlines():
        qid, _, docid, rank, score, _ = line.split()
        assert int(rank) == len(run.setdefault(qid, [])) + 1
        run[qid].append((docid, float(score)))
    return run


def reference_run(index: Path, settings: EncoderSettings, hits: int) -> dict:  # type: ignore[type-arg]
    """Our encoder and FAISS directly: no Pyserini involved."""
    import faiss

    from xqg_pyserini.encoders.transformer import TransformerEncoder

    vectors = TransformerEncoder(settings).encode_queries(list(TOPICS.values()))
    scores, rows = faiss.read_index(str(index / "index")).search(vectors, hits)
    docids = (index / "docid").read_text().splitlines()
    return {
        qid: [(docids[r], float(s)) for r, s in zip(rows[i], scores[i], strict=True)]
        for i, qid in enumerate(TOPICS)
    }


def assert_same_run(got: dict, expected: dict) -> None:  # type: ignore[type-arg]
    assert list(got) == list(expected)
    for qid in expected:
        assert [d for d, _ in got[qid]] == [d for d, _ in expected[qid]], qid
        np.testing.assert_allclose(
            [s for _, s in got[qid]], [s for _, s in expected[qid]], atol=1e-5, rtol=0
        )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, tiny_bert: Path) -> Path:
    """40 demo passages, stand-in questions, a plain float32 index (queries cut at 6 tokens)."""
    root = tmp_path_factory.mktemp("xqg-cli")
    corpus = write_demo_head(root / "corpus.jsonl", 40)
    doc_ids = {json.loads(line)["docid"] for line in corpus.read_text("utf-8").splitlines()}
    write_generated_head(root / "generated.jsonl", doc_ids)
    (root / "topics.tsv").write_text("".join(f"{q}\t{t}\n" for q, t in TOPICS.items()), "utf-8")
    argv = ["--corpus", str(corpus), "--encoder", str(tiny_bert), "--pooling", "mean",
            "--l2-norm", "--query-max-length", "6", "--dtype", "float32",
            "--output", str(root / "plain")]  # fmt: skip
    assert index_main(argv) == 0
    return root


@pytest.fixture(scope="module")
def collection(workdir: Path) -> Path:
    """The corpus as a Pyserini JSON collection carrying each passage's generated questions."""
    from xqg_pyserini.data.__main__ import main as data_main

    output = workdir / "collection"
    argv = ["export", "collection", "--corpus", str(workdir / "corpus.jsonl"),
            "--generated-queries", str(workdir / "generated.jsonl"), "--output", str(output),
            "--no-progress"]  # fmt: skip
    assert data_main(argv) == 0
    return output


def search_args(workdir: Path, output: Path, *extra: str) -> list[str]:
    args = ["--index", str(workdir / "plain"), "--topics", str(workdir / "topics.tsv")]
    return [*args, "--topics-format", "default", "--hits", "10", "--output", str(output), *extra]


def search(workdir: Path, output: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return pyserini("pyserini.search.faiss", *search_args(workdir, output, *extra))


def test_search_with_the_index_as_encoder_equals_the_reference(workdir: Path) -> None:
    index = workdir / "plain"
    expected = reference_run(index, read_metadata(index).encoder_settings(), 10)
    single = workdir / "single.trec"
    result = search(workdir, single, "--encoder", str(index), "--encoder-class", "xqg")
    assert result.returncode == 0, result.stderr[-3000:]
    assert_same_run(read_run(single), expected)

    batched = workdir / "batched.trec"  # query batches go through encode_batch
    result = pyserini("pyserini.search.faiss", *search_args(
        workdir, batched, "--encoder", str(index), "--encoder-class", "xqg",
        "--batch-size", "3", "--threads", "2"))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert_same_run(read_run(batched), expected)

    alias = workdir / "alias.trec"  # python -m xqg_pyserini.search fills the two flags in
    result = pyserini("xqg_pyserini.search", *search_args(workdir, alias))
    assert result.returncode == 0, result.stderr[-3000:]
    assert alias.read_text() == single.read_text()


def test_model_directory_takes_pyserinis_own_flags(workdir: Path, tiny_bert: Path) -> None:
    """A model (not an index): --pooling, --l2-norm, --query-prefix, --max-length apply."""
    flags = ["--encoder", str(tiny_bert), "--pooling", "mean", "--l2-norm",
             "--query-prefix", "query:", "--max-length", "6"]  # fmt: skip
    ours = workdir / "model.trec"
    result = pyserini("pyserini.search.faiss",
                      *search_args(workdir, ours, *flags, "--encoder-class", "xqg"))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    settings = EncoderSettings(str(tiny_bert), "mean", True, "query:", None, 6)
    assert_same_run(read_run(ours), reference_run(workdir / "plain", settings, 10))

    auto = workdir / "auto.trec"  # Pyserini's auto class ignores --max-length: q2 differs
    result = pyserini("pyserini.search.faiss",
                      *search_args(workdir, auto, *flags, "--encoder-class", "auto"))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert abs(read_run(auto)["q2"][0][1] - read_run(ours)["q2"][0][1]) > 1e-4


def read_vectors(directory: Path) -> tuple[np.ndarray, list[str]]:
    import faiss

    index = faiss.read_index(str(directory / "index"))
    return index.reconstruct_n(0, index.ntotal), (directory / "docid").read_text().splitlines()


def test_pyserini_encode_with_a_spec_equals_our_xqg_index(
    workdir: Path, collection: Path, tiny_bert: Path
) -> None:
    spec = workdir / "spec.json"
    spec.write_text(json.dumps({
        "encoder": str(tiny_bert), "pooling": "mean", "l2_norm": True, "query_max_length": 6,
        "alpha": 0.2, "augment": "sum", "languages": ["ar", "ja", "te"],
        "queries_per_language": 2,
    }), "utf-8")  # fmt: skip
    generated = workdir / "generated.jsonl"
    ours = workdir / "xqg-index"  # the same spec file as the index command's --config
    argv = ["--config", str(spec), "--corpus", str(workdir / "corpus.jsonl"),
            "--generated-queries", str(generated), "--output", str(ours)]  # fmt: skip
    assert index_main(argv) == 0
    fields = ["title", "text", "generated_queries"]
    for name, encoder in (("from-spec", spec), ("from-index", ours)):
        embeddings = workdir / name
        result = pyserini(
            "pyserini.encode", "input", "--corpus", str(collection), "--fields", *fields,
            "output", "--embeddings", str(embeddings), "--to-faiss",
            "encoder", "--encoder", str(encoder), "--encoder-class", "xqg", "--fields", *fields,
            "--dimension", "32", "--device", "cpu", "--batch-size", "7",
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        theirs, docids = read_vectors(embeddings)
        expected, expected_docids = read_vectors(ours)
        assert docids == expected_docids
        np.testing.assert_allclose(theirs, expected, atol=1e-5, rtol=0)
    plain, _ = read_vectors(workdir / "plain")
    assert np.abs(theirs - plain).max() > 1e-2  # the questions really moved the vectors


def bad_encode(collection: Path, encoder: Path, output: Path) -> subprocess.CompletedProcess[str]:
    fields = ("title", "text")
    return pyserini(
        "pyserini.encode", "input", "--corpus", str(collection), "--fields", *fields,
        "output", "--embeddings", str(output), "--to-faiss",
        "encoder", "--encoder", str(encoder), "--encoder-class", "xqg", "--fields", *fields,
        "--dimension", "32", "--device", "cpu",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"alpha": 0.1, "alfa": 0.2}, "unknown key(s) 'alfa'"),
        ({"alpha": 1.5}, "alpha must be in [0, 1], got 1.5"),
        ({}, "add generated_queries to --fields of input and encoder"),
    ],
)
def test_bad_encoder_spec_is_one_line_and_writes_nothing(
    workdir: Path,
    collection: Path,
    tiny_bert: Path,
    spec: dict,
    expected: str,  # type: ignore[type-arg]
) -> None:
    path = workdir / "bad-spec.json"
    path.write_text(json.dumps({"encoder": str(tiny_bert), **spec}), "utf-8")
    output = workdir / "bad-embeddings"
    result = bad_encode(collection, path, output)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    (line,) = our_lines(result.stderr)
    assert expected in line
    assert not output.exists()


def test_encoder_that_is_neither_index_nor_model_is_one_line(workdir: Path) -> None:
    neither = workdir / "not-an-index"
    neither.mkdir(exist_ok=True)
    (neither / "index").write_text("")
    run = workdir / "never.trec"
    result = search(workdir, run, "--encoder", str(neither), "--encoder-class", "xqg")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    (line,) = our_lines(result.stderr)
    assert "neither an index built by xqg_pyserini" in line and str(neither) in line
    assert not run.exists()


def test_encoder_class_left_out_is_never_guessed_as_xqg() -> None:
    """An index path containing "xqg" keeps Pyserini's guess (auto), as before registration."""
    import pyserini.encode as encode

    assert "xqg" in encode.query_encoder_class_map and "xqg" in encode.document_encoder_class_map
    assert "xqg" not in list(encode.query_encoder_class_map)
    assert "xqg" not in list(encode.document_encoder_class_map)
    from xqg_pyserini.plugin.cli_encoders import PyseriniCliQueryEncoder

    assert encode.query_encoder_class_map["xqg"].resolve() is PyseriniCliQueryEncoder
