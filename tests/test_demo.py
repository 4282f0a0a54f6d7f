"""The README's main job on the real multilingual-e5-small: build, then search with Pyserini."""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from xqg_pyserini.index import main
from xqg_pyserini.indexes import pyserini_search_command, read_metadata

pytestmark = pytest.mark.slow

JA_QUESTION = "富士山の高さは何メートルですか？"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_index(e5_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`python -m xqg_pyserini.index` with no arguments, run in a scratch directory."""
    workdir = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XQG_PYSERINI_CACHE", str(e5_model_dir.parents[1]))
        patch.chdir(workdir)
        assert main([]) == 0
    return workdir / "indexes" / "demo-e5-small"


def test_default_build_indexes_the_demo_collection(demo_index: Path) -> None:
    meta = read_metadata(demo_index)
    assert (meta.encoder_name, meta.num_docs, meta.dimension) == ("multilingual-e5-small", 120, 384)
    assert meta.encoder["pooling"] == "mean" and meta.encoder["l2_norm"] is True
    assert (meta.encoder["query_prefix"], meta.encoder["passage_prefix"]) == ("query:", "passage:")
    assert meta.command == ["python", "-m", "xqg_pyserini.index"]


def gold() -> dict[str, str]:
    rows = (ROOT / "xqg_pyserini/resources/demo_questions_gold.tsv").read_text("utf-8")
    return {qid: docid for qid, docid, _ in (r.split("\t") for r in rows.splitlines() if r)}


def test_pyserini_searcher_with_our_query_encoder(demo_index: Path) -> None:
    from pyserini.search.faiss import FaissSearcher

    from xqg_pyserini.data.topics import read_topics_tsv
    from xqg_pyserini.encoders.pyserini_api import XqgQueryEncoder

    searcher = FaissSearcher(str(demo_index), XqgQueryEncoder.from_index(demo_index))
    assert searcher.search(JA_QUESTION, k=5)[0].docid == "demo-0001"
    topics = read_topics_tsv(ROOT / "xqg_pyserini/resources/demo_questions.tsv")
    top5 = {qid: [h.docid for h in searcher.search(q, k=5)] for qid, q in topics.items()}
    found = sum(gold()[qid] in hits for qid, hits in top5.items())
    # A real cross-lingual encoder finds most of the 14 hand-written questions.
    assert found >= 10, top5


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
    assert first[:4] == ["ja-demo", "Q0", "demo-0001", "1"]
