"""The README's main job on the real multilingual-e5-small: build, then search with Pyserini.

The full xqg-demo build (5,500 passages, about 5 minutes on 2 cores) is what
`make demo` runs; here the same code indexes its first 300 passages, which hold
the 120 hand-written ones and the gold passages of their 14 dev questions.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.demo_data import write_demo_head
from xqg_pyserini.index import DEFAULT_CORPUS, DEFAULT_ENCODER, DEFAULT_OUTPUT, main, parse_args
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
    settings = read_metadata(demo_index).encoder_settings()
    command = pyserini_search_command(demo_index, settings, str(topics), str(run), hits=5)
    args = shlex.split(command)
    assert args[:3] == ["python", "-m", "pyserini.search.faiss"]
    result = subprocess.run(
        [sys.executable, *args[1:]], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    first = run.read_text().splitlines()[0].split()
    assert first[:4] == ["ja-demo", "Q0", FUJI, "1"]
