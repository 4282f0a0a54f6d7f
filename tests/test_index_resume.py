"""A killed index build resumes from its checkpoints and ends with the same index.

The kill is real: ``python -m xqg_pyserini.index`` in a subprocess, SIGKILLed
once its first checkpoint is on disk, then run again to the end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import demo_generated, read_index, write_demo_head, write_generated
from xqg_pyserini.index import main
from xqg_pyserini.indexes.checkpoint import Checkpoint, partial_dir
from xqg_pyserini.indexes.request import BuildRequest

ROOT = Path(__file__).resolve().parents[1]
PASSAGES = 600


def argv_for(model: Path, corpus: Path, out: Path, *extra: str) -> list[str]:
    return [
        "--corpus", str(corpus), "--encoder", str(model), "--output", str(out),
        "--batch-size", "2", "--checkpoint-every", "4", *extra,
    ]  # fmt: skip


def kill_after_first_checkpoint(argv: list[str], out: Path) -> int:
    """Run the CLI in a subprocess, SIGKILL it once a checkpoint exists; the passages done."""
    progress = partial_dir(out) / "progress.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "xqg_pyserini.index", *argv],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "TOKENIZERS_PARALLELISM": "false"},
    )
    try:
        deadline = time.monotonic() + 120
        while not progress.exists():
            assert proc.poll() is None, "the build ended before its first checkpoint"
            assert time.monotonic() < deadline, "no checkpoint within 120 s"
            time.sleep(0.002)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists(), "the build finished before it was killed"
    return int(json.loads(progress.read_text("utf-8"))["passages"])


@pytest.mark.slow
@pytest.mark.parametrize("augmented", [False, True], ids=["plain", "augmented"])
def test_killed_build_resumes_to_the_same_index(
    tiny_bert: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], augmented: bool
) -> None:
    corpus = write_demo_head(tmp_path / "corpus.jsonl", PASSAGES)
    extra: list[str] = []
    if augmented:
        generated = write_generated(tmp_path / "gen.jsonl", demo_generated(PASSAGES))
        extra = ["--generated-queries", str(generated), "--alpha", "0.3"]
    whole, resumed = tmp_path / "whole", tmp_path / "resumed"
    assert main(argv_for(tiny_bert, corpus, whole, *extra)) == 0
    capsys.readouterr()

    done = kill_after_first_checkpoint(argv_for(tiny_bert, corpus, resumed, *extra), resumed)
    assert 0 < done < PASSAGES and done % 4 == 0
    assert main(argv_for(tiny_bert, corpus, resumed, *extra)) == 0
    assert f"reusing {done} passages" in capsys.readouterr().err

    expected, expected_ids = read_index(whole)
    vectors, docids = read_index(resumed)
    assert docids == expected_ids
    np.testing.assert_array_equal(vectors, expected)
    assert sorted(p.name for p in resumed.iterdir()) == ["docid", "index", "metadata.json"]
    assert not partial_dir(resumed).exists()
    assert not (tmp_path / ".resumed.lock").exists()
    meta = json.loads((resumed / "metadata.json").read_text("utf-8"))
    if augmented:
        whole_meta = json.loads((whole / "metadata.json").read_text("utf-8"))
        assert meta["augmentation"]["summary"] == whole_meta["augmentation"]["summary"]
        assert meta["augmentation"]["join"] == whole_meta["augmentation"]["join"] == "aligned"


def fake_checkpoint(out: Path, key: dict[str, object], rows: int, dim: int) -> None:
    """A checkpoint of ``rows`` passages of constant vectors, as a killed build leaves."""
    directory = partial_dir(out)
    directory.mkdir()
    Checkpoint(directory, key).save(
        [str(i) for i in range(rows)], np.full((rows, dim), 7.0, np.float32)
    )


def test_resume_skips_the_checkpointed_passages(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The resumed rows come from the checkpoint, not from encoding them again."""
    first, out = tmp_path / "first", tmp_path / "idx"
    assert main(argv_for(tiny_bert, demo_corpus_head, first)) == 0
    key = json.loads((first / "metadata.json").read_text("utf-8"))["build_key"]
    fake_checkpoint(out, {**key, "shard": None}, 4, 32)
    capsys.readouterr()
    assert main(argv_for(tiny_bert, demo_corpus_head, out)) == 0
    assert "reusing 4 passages" in capsys.readouterr().err
    vectors, docids = read_index(out)
    expected, expected_ids = read_index(first)
    assert (vectors[:4] == 7.0).all()
    np.testing.assert_array_equal(vectors[4:], expected[4:])
    assert docids[4:] == expected_ids[4:]


def test_checkpoint_of_other_settings_is_discarded(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, out = tmp_path / "first", tmp_path / "idx"
    assert main(argv_for(tiny_bert, demo_corpus_head, first)) == 0
    fake_checkpoint(out, {"encoder": "something else"}, 4, 32)
    capsys.readouterr()
    assert main(argv_for(tiny_bert, demo_corpus_head, out)) == 0
    err = capsys.readouterr().err
    assert "discarding the partial build" in err and "reusing" not in err
    np.testing.assert_array_equal(read_index(out)[0], read_index(first)[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "first", "idx"]


def test_checkpoint_every_must_be_positive(
    demo_corpus_head: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--corpus", str(demo_corpus_head), "--output", str(tmp_path / "i")]
    assert main([*argv, "--checkpoint-every", "0"]) == 2
    assert "--checkpoint-every must be at least 1" in capsys.readouterr().err


def test_build_lock_serialises_and_leaves_no_file(tmp_path: Path) -> None:
    import threading

    from xqg_pyserini.atomic import build_lock

    out, order = tmp_path / "idx", []

    def second() -> None:
        with build_lock(out, remove=True):
            order.append("second")

    with build_lock(out, remove=True):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.2)
        order.append("first")
    thread.join(10)
    assert order == ["first", "second"]
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------ several indexes from one pass


def one_pass_requests(model: Path, corpus: Path, root: Path) -> list[BuildRequest]:
    """Two xQG indexes of one pass: 1 and 2 questions per language, chunks of 4 passages."""
    from xqg_pyserini.data.corpus_source import open_corpus
    from xqg_pyserini.encoders.settings import resolve_encoder
    from xqg_pyserini.indexes.request import AugmentRequest

    generated = write_generated(root / "gen.jsonl", demo_generated(10))
    return [
        BuildRequest(
            corpus=open_corpus(corpus),
            encoder_name=str(model),
            settings=resolve_encoder(str(model)),
            output=root / f"qpl{n}",
            batch_size=2,
            checkpoint_every=4,
            augment=AugmentRequest.from_paths([generated], alpha=0.3, queries_per_language=n),
        )
        for n in (1, 2)
    ]


def test_one_pass_resumes_from_what_every_index_holds(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A kill between two indexes' checkpoints leaves one a chunk ahead: both resume from
    the other's, and the counts are those of an uninterrupted build."""
    from dataclasses import replace

    from xqg_pyserini.indexes.build import build_indexes

    requests = one_pass_requests(tiny_bert, demo_corpus_head, tmp_path)
    whole = build_indexes(
        [replace(r, output=tmp_path / f"whole-{r.output.name}") for r in requests]
    )
    docids = read_index(tmp_path / "whole-qpl1")[1]
    for request, chunks in zip(requests, (2, 1), strict=True):  # 8 and 4 passages checkpointed
        directory = partial_dir(request.output)
        directory.mkdir()
        checkpoint = Checkpoint(directory, request.resume_key())
        for k in range(chunks):
            checkpoint.save(docids[4 * k : 4 * k + 4], np.full((4, 32), 7.0, np.float32))
    capsys.readouterr()
    metas = build_indexes(requests)
    assert capsys.readouterr().err.count("reusing 4 passages") == 2
    for request, meta, reference in zip(requests, metas, whole, strict=True):
        vectors, ids = read_index(request.output)
        expected, expected_ids = read_index(tmp_path / f"whole-{request.output.name}")
        assert ids == expected_ids == docids
        assert (vectors[:4] == 7.0).all()  # from the checkpoint
        np.testing.assert_array_equal(vectors[4:], expected[4:])  # 4-7 encoded again, not 7.0
        assert meta.augmentation["summary"] == reference.augmentation["summary"]
        assert meta.build_key == reference.build_key
        assert not partial_dir(request.output).exists()


def test_requests_that_cannot_share_a_pass_are_refused(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path
) -> None:
    from dataclasses import replace

    from xqg_pyserini.indexes.build import build_indexes

    first, second = one_pass_requests(tiny_bert, demo_corpus_head, tmp_path)
    with pytest.raises(ValueError, match=r"cannot be built in one pass .*: different batch_size"):
        build_indexes([first, replace(second, batch_size=4)])
    with pytest.raises(ValueError, match="same output"):
        build_indexes([first, replace(second, output=first.output)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.jsonl", "gen.jsonl"]
