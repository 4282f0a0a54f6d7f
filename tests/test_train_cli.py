"""``python -m xqg_pyserini.train retriever`` as a user runs it: data in, model out, index on.

The trained directory must build an index with its recorded settings and no
flags, and Pyserini's own search CLI must search that index with
``--encoder-class xqg`` exactly as our encoder and FAISS do.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import TRAINING_WORDS, error_lines
from xqg_pyserini.index import main as index_main
from xqg_pyserini.indexes import read_metadata
from xqg_pyserini.train import main as train_main
from xqg_pyserini.training.data.parallel import write_parallel_questions
from xqg_pyserini.training.data.tevatron import write_tevatron
from xqg_pyserini.training.examples import ParallelQuestion, TrainingExample, TrainingPassage

WORDS = TRAINING_WORDS[11:23]  # river ... valley


def _task(root: Path, count: int = 12) -> tuple[Path, Path]:
    """A Tevatron training file and the corpus of its passages."""
    passages = [
        TrainingPassage(f"d{i}", WORDS[i % 12], " ".join(WORDS[(i * 5 + k) % 12] for k in range(8)))
        for i in range(count)
    ]
    examples = [
        TrainingExample(f"q{i}", " ".join(p.text.split()[:3]), (p,), (passages[(i + 1) % count],))
        for i, p in enumerate(passages)
    ]
    write_tevatron(examples, root / "train.jsonl")
    corpus = root / "corpus.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({"docid": p.docid, "title": p.title, "text": p.text}) + "\n"
            for p in passages
        )
    )
    return root / "train.jsonl", corpus


def _train_argv(model: Path, data: Path, out: Path, *extra: str) -> list[str]:
    return [
        "retriever", "--model", str(model), "--train-data", str(data), "--output", str(out),
        "--batch-size", "4", "--train-n-passages", "2", "--epochs", "1", "--device", "cpu",
        "--learning-rate", "1e-4", *extra,
    ]  # fmt: skip


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, tiny_bert: Path) -> Path:
    root = tmp_path_factory.mktemp("train-cli")
    data, _ = _task(root)
    argv = _train_argv(tiny_bert, data, root / "model", "--pooling", "mean", "--l2-norm",
                       "--query-prefix", "query:", "--passage-prefix", "passage:",
                       "--query-max-length", "10", "--passage-max-length", "40")  # fmt: skip
    assert train_main(argv) == 0
    return root


def test_cli_writes_a_model_the_index_builds_with_as_recorded(trained, capsys):
    model = trained / "model"
    record = json.loads((model / "training_record.json").read_text())
    assert record["steps"] == 3 and record["data"]["queries"] == 12
    assert record["data"]["sources"] == [str(trained / "train.jsonl")]
    assert index_main(["--corpus", str(trained / "corpus.jsonl"), "--encoder", str(model),
                       "--output", str(trained / "index")]) == 0  # fmt: skip
    settings = read_metadata(trained / "index").encoder
    assert (settings["pooling"], settings["l2_norm"]) == ("mean", True)
    assert (settings["query_prefix"], settings["passage_prefix"]) == ("query:", "passage:")
    assert (settings["query_max_length"], settings["passage_max_length"]) == (10, 40)


@pytest.mark.slow  # starts Pyserini (a JVM)
def test_pyserini_searches_the_trained_model_with_encoder_class_xqg(trained):
    import faiss

    from xqg_pyserini.encoders.settings import resolve_encoder
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    index, model = trained / "index", trained / "model"
    if not index.exists():
        assert index_main(["--corpus", str(trained / "corpus.jsonl"), "--encoder", str(model),
                           "--output", str(index)]) == 0  # fmt: skip
    topics = {"t1": "river city mountain", "t2": "desert valley"}
    (trained / "topics.tsv").write_text("".join(f"{k}\t{v}\n" for k, v in topics.items()))
    run = trained / "run.trec"
    result = subprocess.run(
        [sys.executable, "-m", "pyserini.search.faiss", "--index", str(index), "--encoder",
         str(model), "--encoder-class", "xqg", "--topics", str(trained / "topics.tsv"),
         "--topics-format", "default", "--hits", "5", "--output", str(run)],
        capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    vectors = TransformerEncoder(resolve_encoder(str(model))).encode_queries(list(topics.values()))
    scores, rows = faiss.read_index(str(index / "index")).search(vectors, 5)
    docids = (index / "docid").read_text().splitlines()
    lines = [line.split() for line in run.read_text().splitlines()]
    for i, qid in enumerate(topics):
        got = [(d, float(s)) for q, _, d, _, s, _ in lines if q == qid]
        assert [d for d, _ in got] == [docids[r] for r in rows[i]]
        np.testing.assert_allclose([s for _, s in got], scores[i], atol=1e-5)


def _fails(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert train_main(argv) == 2
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1, lines
    return lines[0]


def test_cli_bad_input_is_one_line_and_writes_nothing(tiny_bert, tiny_mt5, tmp_path, capsys):
    data, _ = _task(tmp_path)
    out = tmp_path / "out"
    assert "not a text encoder" in _fails(_train_argv(tiny_mt5, data, out), capsys)
    assert "--batch-size 64 needs at least 64" in _fails(
        _train_argv(tiny_bert, data, out, "--batch-size", "64"), capsys
    )
    assert "occurs twice" in _fails(
        ["retriever", "--model", str(tiny_bert), "--train-data", str(data), str(data),
         "--output", str(out), "--batch-size", "4"], capsys)  # fmt: skip
    bad = tmp_path / "bad.jsonl"
    empty = {"query_id": "x", "query": "q", "positive_passages": [], "negative_passages": []}
    bad.write_text(data.read_text().splitlines()[0] + "\n" + json.dumps(empty) + "\n")
    line = _fails(_train_argv(tiny_bert, bad, out), capsys)
    assert f"{bad}:2" in line and "positive" in line
    assert not out.exists()
    out.mkdir()
    assert "exists; pass --overwrite" in _fails(_train_argv(tiny_bert, data, out), capsys)
    assert list(out.iterdir()) == []


def test_distillation_brings_student_questions_to_the_teacher_english(tiny_bert, tmp_path):
    from xqg_pyserini.encoders.settings import resolve_encoder
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    pairs = [
        ParallelQuestion(f"q{i}", "fi", f"{WORDS[i]} {WORDS[(i + 3) % 12]} kaupunki",
                         f"{WORDS[i]} {WORDS[(i + 3) % 12]} city")
        for i in range(12)
    ]  # fmt: skip
    write_parallel_questions(pairs, tmp_path / "parallel.jsonl")
    argv = ["retriever", "--model", str(tiny_bert), "--loss", "distill", "--parallel-data",
            str(tmp_path / "parallel.jsonl"), "--output", str(tmp_path / "student"),
            "--batch-size", "4", "--epochs", "8", "--learning-rate", "1e-3", "--device", "cpu",
            "--pooling", "mean"]  # fmt: skip
    assert train_main(argv) == 0
    teacher = TransformerEncoder(resolve_encoder(str(tiny_bert), pooling="mean"))
    student = TransformerEncoder(resolve_encoder(str(tmp_path / "student")))
    target = teacher.encode_queries([p.query_en for p in pairs])
    before = np.mean((teacher.encode_queries([p.query for p in pairs]) - target) ** 2)
    after = np.mean((student.encode_queries([p.query for p in pairs]) - target) ** 2)
    assert after < before / 2, (before, after)
    record = json.loads((tmp_path / "student" / "training_record.json").read_text())
    assert record["kind"] == "retriever (distill)" and record["data"]["queries"] == 12


def test_distillation_loss_is_the_sum_of_two_mses():
    import torch

    from xqg_pyserini.training.retriever.distill import distillation_loss

    s_xx, s_en, t_en = torch.randn(3, 4), torch.randn(3, 4), torch.randn(3, 4)
    expected = ((s_xx - t_en) ** 2).mean() + ((s_en - t_en) ** 2).mean()
    assert float(distillation_loss(s_xx, s_en, t_en)) == pytest.approx(float(expected))


def test_train_usage_lists_commands(capsys):
    assert train_main([]) == 2
    assert train_main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "retriever" in out and "mine" in out
    assert train_main(["nonsense"]) == 2
