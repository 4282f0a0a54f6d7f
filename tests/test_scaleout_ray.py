"""``--backend ray``: the same index and questions as the single-process path, resumable, and
failing in one line.

A local Ray (``num_cpus=2``) is started once for the module; the commands find
it initialised and use it (one actor: one CPU stays free for Ray Data). Tiny
random models, a dozen passages; a block that raises is made with
``XQG_SCALEOUT_FAIL`` (block N fails in its first K tries, or always).
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

from tests.helpers import (
    build_argv,
    demo_generated,
    error_lines,
    read_index,
    write_demo_head,
    write_generated,
)
from xqg_pyserini import generate, index
from xqg_pyserini.indexes.checkpoint import partial_dir
from xqg_pyserini.scaleout.blocks import FAIL_ENV

pytestmark = pytest.mark.slow

PASSAGES = 12
RAY = ["--backend", "ray", "--ray-block-size", "4", "--ray-max-retries", "1"]
VOLATILE = ("created", "command")


@pytest.fixture(scope="module")
def local_ray():  # type: ignore[no-untyped-def]
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="ERROR")
    yield ray
    ray.shutdown()


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return write_demo_head(tmp_path / "corpus.jsonl", PASSAGES)


def _metadata(directory: Path) -> dict[str, object]:
    meta = json.loads((directory / "metadata.json").read_text("utf-8"))
    return {key: value for key, value in meta.items() if key not in VOLATILE}


def assert_same_index(ours: Path, reference: Path) -> None:
    vectors, docids = read_index(ours)
    expected, expected_ids = read_index(reference)
    assert docids == expected_ids
    np.testing.assert_allclose(vectors, expected, atol=1e-5, rtol=0)
    assert _metadata(ours) == _metadata(reference)
    assert sorted(p.name for p in ours.iterdir()) == ["docid", "index", "metadata.json"]
    assert not partial_dir(ours).exists()


def test_xqg_index_equals_the_single_process_one(
    local_ray, tiny_bert: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generated = write_generated(tmp_path / "gen.jsonl", demo_generated(PASSAGES))
    xqg = ["--generated-queries", str(generated), "--alpha", "0.3", "--no-progress"]
    plain, single, ours = tmp_path / "plain", tmp_path / "single", tmp_path / "ray"
    assert index.main(build_argv(tiny_bert, corpus, single, *xqg, "--checkpoint-every", "4")) == 0
    assert index.main(build_argv(tiny_bert, corpus, ours, *xqg, *RAY)) == 0
    assert_same_index(ours, single)
    # e(p) read from a plain index instead of encoded
    assert index.main(build_argv(tiny_bert, corpus, plain, "--no-progress")) == 0
    stored = tmp_path / "stored"
    extra = ["--passage-vectors-from", str(plain)]
    assert index.main(build_argv(tiny_bert, corpus, stored, *xqg, *extra, *RAY)) == 0
    vectors, docids = read_index(stored)
    expected, expected_ids = read_index(single)
    assert docids == expected_ids
    np.testing.assert_allclose(vectors, expected, atol=1e-5, rtol=0)
    capsys.readouterr()


def test_a_failing_block_stops_the_build_in_one_line_and_a_rerun_ends_equal(
    local_ray,
    tiny_bert: Path,
    corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    single, ours = tmp_path / "single", tmp_path / "ray"
    argv = ["--checkpoint-every", "4", "--no-progress"]
    assert index.main(build_argv(tiny_bert, corpus, single, *argv)) == 0
    capsys.readouterr()
    docids = read_index(single)[1]
    monkeypatch.setenv(FAIL_ENV, "2:always")
    assert index.main(build_argv(tiny_bert, corpus, ours, *argv, *RAY)) == 2
    err = capsys.readouterr().err
    (line,) = error_lines(err)
    assert f"block 2 (passages {docids[8]} to {docids[11]}) failed 2 times" in line
    assert not ours.exists()
    chunks = partial_dir(ours) / "chunks"
    assert not (chunks / "000002.docid").exists()

    written = sorted(p.name for p in chunks.glob("*.docid"))  # one actor: blocks 0 and 1

    # started again, as after a kill; block 2 now fails once only: retried, it passes
    monkeypatch.setenv(FAIL_ENV, "2:1")
    assert index.main(build_argv(tiny_bert, corpus, ours, *argv, *RAY)) == 0
    assert f"reused {len(written)} of 3 blocks" in capsys.readouterr().err
    assert_same_index(ours, single)


def test_a_driver_killed_mid_way_and_started_again_ends_equal(
    local_ray, tiny_bert: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    single, ours = tmp_path / "single", tmp_path / "ray"
    argv = ["--checkpoint-every", "4", "--no-progress"]
    assert index.main(build_argv(tiny_bert, corpus, single, *argv)) == 0
    # a driver process of its own on the module's Ray; block 2 never finishes
    address = local_ray.get_runtime_context().gcs_address
    build = build_argv(tiny_bert, corpus, ours, *argv, *RAY)
    command = [sys.executable, "-m", "xqg_pyserini.index", *build, "--ray-address", address]
    env = {**os.environ, FAIL_ENV: "2:hang"}
    driver = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    chunks = partial_dir(ours) / "chunks"
    deadline = time.monotonic() + 180
    while not (chunks / "000001.docid").exists():
        assert driver.poll() is None and time.monotonic() < deadline, "blocks 0 and 1 never came"
        time.sleep(0.2)
    driver.send_signal(signal.SIGKILL)  # no clean-up of any kind
    driver.wait()
    assert not ours.exists() and not (chunks / "000002.docid").exists()
    # started again: blocks 0 and 1 are reused, block 2 is encoded
    assert index.main(build_argv(tiny_bert, corpus, ours, *argv, *RAY)) == 0
    assert "reused 2 of 3 blocks" in capsys.readouterr().err
    assert_same_index(ours, single)


# ---------------------------------------------------------------------------- generate

GEN = ["--engine", "hf", "--languages", "ja", "ko", "--max-length", "8", "--seed", "3"]


def gen_argv(model: Path, corpus: Path, output: Path, *extra: str) -> list[str]:
    base = ["--model", str(model), "--corpus", str(corpus), "--output", str(output)]
    return [*base, *GEN, "--batch-size", "2", "--no-progress", *extra]


def test_generated_file_is_byte_identical_and_a_failed_run_resumes(
    local_ray,
    tiny_mt5: Path,
    corpus: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Block 1 keeps failing: one line naming its passages, no output; the rerun ends equal."""
    from xqg_pyserini.generation.run import settings_path
    from xqg_pyserini.scaleout.generate import blocks_dir

    docids = [json.loads(line)["docid"] for line in corpus.read_text("utf-8").splitlines()]
    single, ours = tmp_path / "single.jsonl", tmp_path / "ray.jsonl"
    assert generate.main(gen_argv(tiny_mt5, corpus, single)) == 0
    monkeypatch.setenv(FAIL_ENV, "1:always")
    capsys.readouterr()
    assert generate.main(gen_argv(tiny_mt5, corpus, ours, *RAY)) == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert f"block 1 (passages {docids[4]} to {docids[7]}) failed 2 times" in line
    assert not ours.exists() and not settings_path(ours).exists()
    blocks = blocks_dir(ours)
    assert (blocks / "000000.jsonl").is_file() and not (blocks / "000001.jsonl").exists()
    written = len(list(blocks.glob("*.jsonl")))

    monkeypatch.delenv(FAIL_ENV)  # started again, as after a kill
    assert generate.main(gen_argv(tiny_mt5, corpus, ours, *RAY)) == 0
    out = capsys.readouterr().out
    skipped = 4 * written
    assert f"for {PASSAGES - skipped} passages" in out and f"skipped {skipped} passages" in out
    assert ours.read_bytes() == single.read_bytes()
    assert settings_path(ours).read_bytes() == settings_path(single).read_bytes()
    assert not blocks.exists()
    assert generate.main(gen_argv(tiny_mt5, corpus, ours, *RAY)) == 0  # complete: nothing to do
    assert f"skipped {PASSAGES} passages" in capsys.readouterr().out
    assert generate.main(gen_argv(tiny_mt5, corpus, ours, *RAY, "--seed", "4")) == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert "pass --overwrite" in line


# ---------------------------------------------------------------------------- no Ray needed


@pytest.mark.parametrize("command", ["index", "generate"])
def test_without_ray_one_line_says_how_to_install_it(
    command: str,
    tmp_path: Path,
    corpus: Path,
    tiny_bert: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)
    if command == "index":
        code = index.main(build_argv(tiny_bert, corpus, tmp_path / "out", "--backend", "ray"))
    else:
        code = generate.main(gen_argv(tiny_bert, corpus, tmp_path / "q.jsonl", "--backend", "ray"))
    assert code == 2
    err = capsys.readouterr().err
    assert error_lines(err) == [
        "error: --backend ray needs Ray Data: pip install 'xqg_pyserini[ray]'"
    ]
    assert not (tmp_path / "out").exists() and not (tmp_path / "q.jsonl").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--backend", "ray", "--num-actors", "0"], "--num-actors must be at least 1"),
        (["--backend", "ray", "--num-actors", "3-2"], "MIN <= MAX"),
        (["--backend", "ray", "--num-actors", "x"], "--num-actors must be N or MIN-MAX"),
        (["--backend", "ray", "--ray-block-size", "0"], "--ray-block-size must be at least 1"),
        (["--backend", "ray", "--ray-max-retries", "-1"], "--ray-max-retries must be at least 0"),
        (["--num-actors", "2"], "--num-actors needs --backend ray"),
        (["--backend", "ray", "--ray-block-size", "3"], "multiple of --batch-size"),
    ],
)
def test_bad_ray_flags_give_one_error_line(
    extra: list[str],
    message: str,
    tmp_path: Path,
    corpus: Path,
    tiny_bert: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    output = tmp_path / "q.jsonl"
    assert generate.main(gen_argv(tiny_bert, corpus, output, *extra)) == 2
    (line,) = error_lines(capsys.readouterr().err)
    assert message in line
    assert not output.exists()


def test_pool_size_leaves_a_cpu_free() -> None:
    from xqg_pyserini.scaleout.ray_runtime import RayOptions

    assert RayOptions().pool_size({"CPU": 2.0}) == (1, 1)
    assert RayOptions(cpus_per_actor=2).pool_size({"CPU": 9.0}) == (1, 4)
    assert RayOptions(gpus_per_actor=1, cpus_per_actor=1).pool_size({"CPU": 16.0, "GPU": 4.0}) == (
        1,
        4,
    )
    assert RayOptions(min_actors=2, max_actors=8).pool_size({"CPU": 4.0}) == (2, 3)
    with pytest.raises(ValueError, match="do not fit"):
        RayOptions(min_actors=2, max_actors=2).pool_size({"CPU": 2.0})
