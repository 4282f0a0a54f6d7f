"""The README's main job on the real multilingual-e5-small: build, then search with Pyserini.

The full xqg-demo build (5,500 passages, about 5 minutes on 2 cores) is what
`make demo` runs; here the same code indexes its first 300 passages, which hold
the 120 hand-written ones and the gold passages of their 14 dev questions.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import write_demo_head, write_generated_head
from xqg_pyserini.cli.index_options import DEFAULT_CORPUS, DEFAULT_ENCODER
from xqg_pyserini.index import DEFAULT_OUTPUT, main, parse_args
from xqg_pyserini.indexes import pyserini_search_command, read_metadata

JA_QUESTION = "富士山の標高は何メートルですか？"
FUJI = "1"
HANDWRITTEN = ("ar-1", "ar-2", "bn-1", "bn-2", "fi-1", "fi-2", "ja-1", "ja-2",
               "ko-1", "ko-2", "ru-1", "ru-2", "te-1", "te-2")  # fmt: skip


def test_defaults_are_the_bundled_collection_and_e5() -> None:
    args = parse_args([])
    assert (args.corpus, args.encoder, args.output) == (
        DEFAULT_CORPUS,
        DEFAULT_ENCODER,
        DEFAULT_OUTPUT,
    )
    assert (DEFAULT_CORPUS, DEFAULT_ENCODER) == ("xqg-demo", "multilingual-e5-small")


@pytest.fixture(scope="module")
def demo_index(e5_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m xqg_pyserini.index --corpus HEAD.jsonl`, run in a scratch directory."""
    workdir = tmp_path_factory.mktemp("demo")
    corpus = write_demo_head(workdir / "head.jsonl", 300)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XQG_PYSERINI_CACHE", str(e5_model_dir.parents[1]))
        patch.chdir(workdir)
        assert main(["--corpus", str(corpus)]) == 0
    return workdir / DEFAULT_OUTPUT


@pytest.mark.slow
def test_build_with_the_e5_preset(demo_index: Path) -> None:
    meta = read_metadata(demo_index)
    assert (meta.encoder_name, meta.num_docs, meta.dimension) == ("multilingual-e5-small", 300, 384)
    assert meta.encoder["pooling"] == "mean" and meta.encoder["l2_norm"] is True
    assert (meta.encoder["query_prefix"], meta.encoder["passage_prefix"]) == ("query:", "passage:")


@pytest.mark.slow
def test_pyserini_searcher_with_our_query_encoder(demo_index: Path) -> None:
    import ir_datasets
    from pyserini.search.faiss import FaissSearcher

    from xqg_pyserini.encoders.pyserini_api import XqgQueryEncoder

    searcher = FaissSearcher(str(demo_index), XqgQueryEncoder.from_index(demo_index))
    assert searcher.search(JA_QUESTION, k=5)[0].docid == FUJI
    dev = ir_datasets.load("xqg-demo/dev")
    questions = {q.query_id: q.text for q in dev.queries_iter() if q.query_id in HANDWRITTEN}
    gold = {r.query_id: r.doc_id for r in dev.qrels_iter() if r.query_id in HANDWRITTEN}
    assert len(questions) == len(gold) == 14
    top5 = {qid: [h.docid for h in searcher.search(q, k=5)] for qid, q in questions.items()}
    found = sum(gold[qid] in hits for qid, hits in top5.items())
    # A real cross-lingual encoder finds most of the 14 hand-written questions.
    assert found >= 10, top5


@pytest.mark.slow
def test_pyserini_search_cli_over_our_index(demo_index: Path, tmp_path: Path) -> None:
    topics = tmp_path / "ja.tsv"
    topics.write_text(f"ja-demo\t{JA_QUESTION}\n", "utf-8")
    run = tmp_path / "run.trec"
    command = pyserini_search_command(demo_index, str(topics), str(run), hits=5)
    args = shlex.split(command)
    assert args[:3] == ["python", "-m", "pyserini.search.faiss"]
    assert args[args.index("--encoder-class") + 1] == "xqg"
    result = subprocess.run(
        [sys.executable, *args[1:]], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    first = run.read_text().splitlines()[0].split()
    assert first[:4] == ["ja-demo", "Q0", FUJI, "1"]


@pytest.mark.slow
def test_the_demo_story_plain_vs_xqg(demo_index: Path, e5_cache: Path, tmp_path: Path) -> None:
    """`make demo` in small: xQG index from the plain one, both searched by Pyserini, compared."""
    from xqg_pyserini.eval.__main__ import main as evaluate

    head = demo_index.parents[1] / "head.jsonl"
    doc_ids = {json.loads(line)["docid"] for line in head.read_text("utf-8").splitlines()}
    generated = write_generated_head(tmp_path / "generated.jsonl", doc_ids)
    xqg = tmp_path / "xqg-index"
    argv = ["--corpus", str(head), "--output", str(xqg), "--generated-queries", str(generated)]
    argv += ["--queries-per-language", "1", "--passage-vectors-from", str(demo_index)]
    assert main(argv) == 0
    assert read_metadata(xqg).augmentation["summary"]["questions_per_language"] == dict.fromkeys(
        ["ar", "bn", "fi", "ja", "ko", "ru", "te"], 300
    )
    import ir_datasets

    dev = ir_datasets.load("xqg-demo/dev")
    topics = tmp_path / "topics.tsv"
    topics.write_text(
        "".join(
            f"{q.query_id}\t{q.text}\n" for q in dev.queries_iter() if q.query_id in HANDWRITTEN
        ),
        "utf-8",
    )
    runs = {}
    for name, index in (("plain", demo_index), ("xqg", xqg)):
        runs[name] = tmp_path / f"{name}.trec"
        command = pyserini_search_command(index, str(topics), str(runs[name]), hits=20)
        result = subprocess.run(
            [sys.executable, *shlex.split(command)[1:]], capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr[-2000:]
    report = tmp_path / "report"
    specs = [f"{name}={path}" for name, path in runs.items()]
    argv = ["--dataset", "xqg-demo/dev", "--runs", *specs, "--permutations", "200"]
    assert evaluate([*argv, "--output", str(report)]) == 0
    record = json.loads((report / "report.json").read_text("utf-8"))
    assert sum(record["questions"].values()) == 14
    assert len(record["missing_questions"]["runs"]["plain"]) == 350 - 14
    assert record["runs"]["plain"]["R@2kt"]["avg"] >= 50  # most hand-written ones are found
    assert set(record["significance"]["results"]) == {"xqg"}
    assert (report / "delta_R2kt.png").is_file()
