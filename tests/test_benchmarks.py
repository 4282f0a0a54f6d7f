"""The benchmark harness: its helpers, and ``--quick`` end to end as a smoke test.

Speed is never asserted (the machines are shared and noisy): only that the
harness runs, writes its JSON, and that every figure is a finite number.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.common import Figure, Profiler, run_child, slope_rate
from benchmarks.projection import index_types, mt5_flops_per_question, project
from benchmarks.run import _markdown, _table

REPO = Path(__file__).resolve().parents[1]


def test_slope_rate_removes_start_up() -> None:
    # 10 s start-up, 5 items/s: 100 items take 30 s, 600 take 130 s
    assert slope_rate(100, [30.0, 31.0, 29.0], 600, [130.0]) == pytest.approx(5.0)
    assert math.isnan(slope_rate(100, [30.0], 600, [20.0]))


def test_profiler_counts_nested_time_once() -> None:
    class Work:
        def outer(self) -> None:
            time.sleep(0.02)
            self.inner()

        def inner(self) -> None:
            time.sleep(0.05)

    profiler = Profiler()
    profiler.wrap(Work, "outer", "outer")
    profiler.wrap(Work, "inner", "inner")
    try:
        Work().outer()
    finally:
        profiler.restore()
    assert profiler.seconds["inner"] >= 0.05
    assert 0.02 <= profiler.seconds["outer"] < 0.05
    assert Work.outer.__name__ == "outer"  # restored


def test_run_child_reports_its_own_peak_memory(tmp_path: Path) -> None:
    big = run_child(
        [sys.executable, "-c", "x = bytearray(200 * 2**20); x[::4096] = b'1' * len(x[::4096])"]
    )
    small = run_child([sys.executable, "-c", "pass"])
    assert big.max_rss_bytes > small.max_rss_bytes + 150 * 2**20
    with pytest.raises(RuntimeError, match="exited 3"):
        run_child([sys.executable, "-c", "import sys; sys.exit(3)"], log=tmp_path / "log")


def test_index_types_bytes_per_vector() -> None:
    types = index_types(768)
    assert types["Flat"] == (3072, 0)
    assert types["SQfp16"] == (1536, 0)
    assert types["IVF65536,PQ64"] == (72, 65536 * 768 * 4)


def test_projection_from_rates() -> None:
    values = {
        "plain.ours_rate": 20.0, "aug.question_rate": 200.0, "gen.ct2_int8_qps": 10.0,
        "aug.tokens_per_passage": 130.0, "aug.tokens_per_question": 13.0, "plain.ours_rss": 1024.0,
    }  # fmt: skip
    figures, record = project(values, (2000.0, 800.0))
    hours = record["stages_hours_cpu_gpu"]
    assert hours["passage encoding"][0] == pytest.approx(18e6 / 20 / 3600)
    assert hours["question encoding"][0] == pytest.approx(630e6 / 200 / 3600)
    flat = record["indexes"]["mBERT 768-d Flat"]
    assert flat["disk_bytes"] == 18_000_000 * (3072 + 9)
    assert flat["shards_for_build_budget"]["16 GiB"] >= 4  # 55 GB of vectors in 16 GiB processes
    assert all(math.isfinite(f.value) for f in figures)
    assert hours["generation (mT5-small shape, ct2 int8)"][0] == pytest.approx(630e6 / 10 / 3600)
    floor = record["generation_floor"]
    per_question = mt5_flops_per_question(13.0)["total"]
    assert floor["hours_at_peak"] == pytest.approx(630e6 * per_question / 989e12 / 3600)


def test_mt5_flops_formula_matches_torchs_flop_counter() -> None:
    """The projection's FLOPs per question against torch counting a real mT5's matmuls."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    from transformers import MT5Config, MT5ForConditionalGeneration

    shape = {"d": 64, "layers": 2, "ff": 96, "vocab": 500}
    config = MT5Config(
        vocab_size=shape["vocab"], d_model=shape["d"], d_kv=16, num_heads=4, d_ff=shape["ff"],
        num_layers=shape["layers"], num_decoder_layers=shape["layers"], decoder_start_token_id=0,
        attn_implementation="eager",  # plain matmuls: the counter misses fused SDPA
    )  # fmt: skip
    model = MT5ForConditionalGeneration(config).eval()
    prompt, steps = 40, 12
    ids = torch.randint(3, shape["vocab"], (1, prompt))
    with torch.inference_mode(), FlopCounterMode(display=False) as counter:
        encoded = model.get_encoder()(input_ids=ids)
        past, token = None, torch.zeros(1, 1, dtype=torch.long)
        for _ in range(steps):
            out = model(
                encoder_outputs=encoded, decoder_input_ids=token, past_key_values=past,
                use_cache=True,
            )  # fmt: skip
            past, token = out.past_key_values, out.logits[:, -1:].argmax(-1)
    counted = counter.get_total_flops()
    expected = mt5_flops_per_question(steps, prompt_tokens=prompt, per_prompt=1, shape=shape)
    assert counted == pytest.approx(expected["total"], rel=0.03)


def test_table_marks_targets() -> None:
    figures = [
        Figure("a", "ratio", 1.3, "x", "1", ratio=1.3, target=">= 1.0", met=True),
        Figure("b", "other", 0.5, "x", "2", ratio=0.5, target="<= 0.2", met=False, note="why"),
        Figure("c", "plain", 42.0, "s", "3"),
    ]
    table = _table(figures)
    assert "met" in table and "MISSED" in table
    markdown = _markdown(figures)
    assert "| 2 | other (why) | 0.5 | x | 0.50 | <= 0.2 | **missed** |" in markdown


@pytest.mark.slow
def test_quick_mode_runs_and_every_figure_is_finite(tmp_path: Path) -> None:
    out = tmp_path / "results"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--output", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads((out / "results.json").read_text())
    assert result["mode"] == "quick"
    figures = result["figures"]
    sections = {f["section"].split()[0] for f in figures}
    assert sections == {"1", "2", "3", "4", "5", "6", "7", "8"}
    bad = [f["key"] for f in figures if not math.isfinite(f["value"])]
    assert not bad, f"figures that are not finite: {bad}"
    assert result["machine"]["cpu_count"] >= 1
    by_key = {f["key"]: f for f in figures}
    # section 1: fast mode against float32 and against pyserini.encode; autocast, int8 measured
    for key in ("plain.fast_ratio", "plain.rate_ratio", "plain.f32_pyserini_ratio"):
        assert by_key[key]["target"] is not None and by_key[key]["met"] in (True, False)
    for key in (
        "precision.bfloat16_cos_mean",
        "precision.autocast_cos_min",
        "precision.int8_cos_min",
    ):
        assert -1.0 <= by_key[key]["value"] <= 1.0 + 1e-6
    # section 3: peak RSS minus the index, largest over smallest corpus, at most 1.05
    growth = by_key["mem.growth"]
    assert growth["target"] == "<= 1.05 (flat)" and growth["value"] > 0
    assert growth["met"] == (growth["value"] <= 1.05)


def test_run_child_is_not_floored_by_a_large_parent() -> None:
    ballast = bytearray(300 * 2**20)
    ballast[::4096] = b"1" * len(ballast[::4096])  # touch the pages: this process is now large
    small = run_child([sys.executable, "-c", "pass"])
    assert small.max_rss_bytes < 150 * 2**20
    del ballast


def test_sections_name_what_they_need() -> None:
    from benchmarks.run import check_sections, main

    assert check_sections(["1", "3"]) == {"1", "3"}
    assert check_sections(["3", "4"]) == {"3", "4"}
    with pytest.raises(SystemExit, match="--sections 4 needs section\\(s\\) 3 in the same run"):
        check_sections(["4"])
    with pytest.raises(SystemExit, match="--sections 8 needs section\\(s\\) 7"):
        main(["--sections", "8", "1"])


def test_reuse_supplies_figures_to_the_sections_that_need_only_figures(tmp_path: Path) -> None:
    from benchmarks.run import check_sections, main, read_reused

    def results(path: Path, figures: list[Figure]) -> Path:
        path.write_text(json.dumps({"figures": [f.to_dict() for f in figures]}))
        return path

    old = results(
        tmp_path / "old.json",
        [Figure("plain.ours_rate", "rate", 20.0, "p/s", "1 builds"),
         Figure("mem.growth", "growth", 1.4, "x", "3 memory"),
         Figure("gen.naive_qps", "naive", 0.5, "q/s", "6 generation")],
    )  # fmt: skip
    new = results(tmp_path / "new.json", [Figure("mem.growth", "growth", 1.06, "x", "3 memory")])
    reused = read_reused([old, new], {"6", "7"})
    by_key = {f.key: f for f in reused}
    assert set(by_key) == {"plain.ours_rate", "mem.growth"}  # section 6 is run again
    assert by_key["mem.growth"].value == 1.06  # the last file that has a figure wins
    assert by_key["mem.growth"].note == f"reused from {new}"
    assert check_sections(["6", "7"], {"1", "2", "3", "4", "5"}) == {"6", "7"}
    with pytest.raises(SystemExit, match="needs section\\(s\\) 5 in the same run \\(or from"):
        check_sections(["6", "7"], {"1", "2", "3", "4"})
    with pytest.raises(SystemExit, match="--sections 4 needs section\\(s\\) 3 in the same run$"):
        check_sections(["4"], {"3"})  # section 4 needs section 3's indexes, not its figures
    sections = {"2 augmented": "aug.rate", "4 search": "search.plain_qps", "5 eval": "eval.x"}
    others = results(
        tmp_path / "others.json",
        [Figure(key, key, 1.0, "x", section) for section, key in sections.items()],
    )
    with pytest.raises(SystemExit, match="section 7 needs the figures .*gen.ct2_int8_qps"):
        # sections 1-6 all reused, but from a run before the ct2 engine
        main(["--quick", "--sections", "7", "--reuse", str(old), str(others),
              "--output", str(tmp_path / "o")])  # fmt: skip
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(SystemExit, match="--reuse .*bad.json: not a results.json"):
        read_reused([tmp_path / "bad.json"], {"7"})
