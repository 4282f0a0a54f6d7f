"""Figure 7: full-scale cost (18M passages x 35 questions) projected from the measured rates.

CPU rows use this run's own rates. GPU rows use one published figure, stated
as an assumption: DPR (Karpukhin et al., EMNLP 2020, section on run-time
efficiency) reports encoding 21M Wikipedia passages with BERT-base in 8.8 hours
on 8 GPUs, i.e. about 83 passages/s per GPU (2020-era GPUs, so conservative
for a current one). Everything derived from it is marked ``assumed``.
"""

from __future__ import annotations

import math
from typing import Any

from benchmarks.common import Figure

__all__ = [
    "FULL_PASSAGES",
    "QUESTIONS_PER_PASSAGE",
    "index_types",
    "REQUIRED_FIGURES",
    "mt5_flops_per_question",
    "project",
]

SECTION = "7 projection"
FULL_PASSAGES = 18_000_000
QUESTIONS_PER_PASSAGE = 35
DPR_GPU_PASSAGES_PER_S = 21_000_000 / (8.8 * 3600 * 8)  # BERT-base, per GPU (published, DPR)
BASE_OVER_SMALL = 4.0  # mBERT (hidden 768) vs e5-small (hidden 384): ~4x the FLOPs per token
DOCID_BYTES = 9  # one line of the docid file for ids up to 8 digits
PY_DOCID_BYTES = 2 * (8 + 49 + 8)  # the writer's list and the builder's duplicate check, per id
BUDGETS_GIB = (16, 32, 64)
# mT5-base (google/mt5-base's config): d_model, layers (encoder = decoder), gated FFN width,
# vocabulary; the prompt is cut at 128 tokens (the training recipe) and each prompt
# gives 5 questions (one encoder pass, shared)
MT5_BASE = {"d": 768, "layers": 12, "ff": 2048, "vocab": 250_112}
PROMPT_TOKENS = 128
QUESTIONS_PER_PROMPT = 5
GPU_PEAK_BF16_FLOPS = 989e12  # NVIDIA H100/H200 SXM, dense bfloat16 (datasheet figure)


def mt5_flops_per_question(
    question_tokens: float,
    prompt_tokens: int = PROMPT_TOKENS,
    per_prompt: int = QUESTIONS_PER_PROMPT,
    shape: dict[str, int] = MT5_BASE,
) -> dict[str, float]:
    """FLOPs (2 per multiply-add) of one sampled question, by part.

    Encoder: per prompt token and layer, the four attention projections (4 d^2),
    the gated feed-forward (3 d ff) and the attention scores over the prompt
    (2 L d); the cross-attention keys and values of the prompt (2 d^2 per token and
    layer) are computed once. Both are shared by the ``per_prompt`` questions.
    Decoder, per generated token: self-attention projections (4 d^2),
    cross-attention query and output (2 d^2), feed-forward (3 d ff), scores over
    the tokens so far and the prompt, and the output layer over the vocabulary
    (d V), which alone is most of it for mT5's 250k pieces.
    """
    d, n_layers, ff, vocab = shape["d"], shape["layers"], shape["ff"], shape["vocab"]
    length = prompt_tokens
    encoder = 2 * length * n_layers * (4 * d * d + 3 * d * ff + 2 * length * d)
    cross_kv = 2 * length * n_layers * 2 * d * d
    t = question_tokens
    per_token_layers = n_layers * (6 * d * d + 3 * d * ff + 2 * d * (t / 2 + length))
    decoder = 2 * t * (per_token_layers + d * vocab)
    shared = (encoder + cross_kv) / per_prompt
    return {"prompt_share": shared, "decoder": decoder, "total": shared + decoder}


def index_types(dimension: int) -> dict[str, tuple[float, float]]:
    """``{factory: (bytes per vector, fixed bytes)}`` for the index types we project."""
    return {
        "Flat": (4 * dimension, 0),
        "SQfp16": (2 * dimension, 0),
        "IVF65536,PQ64": (64 + 8, 65536 * dimension * 4),  # codes + ids in lists; centroids
    }


REQUIRED_FIGURES = (
    "plain.ours_rate",
    "plain.ours_rss",
    "aug.question_rate",
    "aug.tokens_per_passage",
    "aug.tokens_per_question",
    "gen.ct2_int8_qps",
)
"""The measured figures :func:`project` reads (sections 1, 2 and 6)."""


def _hours(items: float, rate: float) -> float:
    return items / rate / 3600 if rate > 0 else math.inf


def project(
    values: dict[str, float], per_record_bytes: tuple[float, float]
) -> tuple[list[Figure], dict[str, Any]]:
    """Project time, disk and memory; ``values`` maps figure keys to measured values."""
    n, q = FULL_PASSAGES, FULL_PASSAGES * QUESTIONS_PER_PASSAGE
    p_rate, q_rate, g_rate = (
        values["plain.ours_rate"],
        values["aug.question_rate"],
        values["gen.ct2_int8_qps"],
    )
    tokens_ratio = values["aug.tokens_per_passage"] / values["aug.tokens_per_question"]
    gpu_p = DPR_GPU_PASSAGES_PER_S
    gpu_q = gpu_p * tokens_ratio  # assumed: cost linear in tokens, as measured on CPU
    speedup = gpu_p / (p_rate / BASE_OVER_SMALL)  # GPU over this CPU, same model size
    gpu_g = g_rate * speedup  # assumed: generation gains what encoding gains
    stages = {
        "generation (mT5-small shape, ct2 int8)": (_hours(q, g_rate), _hours(q, gpu_g)),
        "passage encoding": (_hours(n, p_rate), _hours(n, gpu_p * BASE_OVER_SMALL)),
        "question encoding": (_hours(q, q_rate), _hours(q, gpu_q * BASE_OVER_SMALL)),
    }
    stages_base = {
        "passage encoding, mBERT": (_hours(n, p_rate / BASE_OVER_SMALL), _hours(n, gpu_p)),
        "question encoding, mBERT": (_hours(q, q_rate / BASE_OVER_SMALL), _hours(q, gpu_q)),
    }
    # the physical limit: mT5-base's FLOPs for every question at one GPU's peak
    question_tokens = values["aug.tokens_per_question"]
    flops = mt5_flops_per_question(question_tokens)
    peak_hours = q * flops["total"] / GPU_PEAK_BF16_FLOPS / 3600
    baseline = values["plain.ours_rss"] * 2**20
    indexes = {}
    for dim, model in ((384, "e5-small"), (768, "mBERT")):
        for factory, (per_vector, fixed) in index_types(dim).items():
            disk = n * per_vector + fixed + n * DOCID_BYTES
            build_memory = baseline + n * (4 * dim + PY_DOCID_BYTES)  # shards are Flat/SQfp16
            if factory == "SQfp16":
                build_memory = baseline + n * (2 * dim + PY_DOCID_BYTES)
            merge_memory = n * 4 * dim + n * per_vector + fixed + n * PY_DOCID_BYTES
            shards = {
                f"{b} GiB": max(1, math.ceil((build_memory - baseline) / (b * 2**30 - baseline)))
                for b in BUDGETS_GIB
            }
            indexes[f"{model} {dim}-d {factory}"] = {
                "disk_bytes": disk,
                "build_memory_unsharded_bytes": build_memory,
                "merge_memory_bytes": merge_memory,
                "shards_for_build_budget": shards,
                "search_memory_bytes": n * per_vector + fixed + n * PY_DOCID_BYTES,
            }
    record_bytes, record_gz = per_record_bytes
    disk_questions = {"jsonl": n * record_bytes, "jsonl.gz": n * record_gz}
    figures = (
        [
            Figure(f"proj.cpu_hours.{i}", f"CPU hours (this machine): {name}", cpu, "h", SECTION)
            for i, (name, (cpu, _)) in enumerate({**stages, **stages_base}.items())
        ]
        + [
            Figure(
                f"proj.gpu_hours.{i}", f"GPU hours (assumed, DPR figure): {name}", gpu, "h", SECTION
            )
            for i, (name, (_, gpu)) in enumerate({**stages, **stages_base}.items())
        ]
        + [
            Figure(
                "proj.questions_disk",
                "generated questions on disk (jsonl.gz)",
                disk_questions["jsonl.gz"] / 2**30,
                "GiB",
                SECTION,
            ),
            Figure(
                "proj.flat768_disk",
                "mBERT Flat index on disk",
                indexes["mBERT 768-d Flat"]["disk_bytes"] / 2**30,
                "GiB",
                SECTION,
            ),
            Figure(
                "proj.gpu_speedup", "assumed GPU / this CPU encoding speed", speedup, "x", SECTION
            ),
            Figure(
                "proj.mt5_base_gflop_per_question",
                f"mT5-base FLOPs per question ({PROMPT_TOKENS}-token prompt shared by "
                f"{QUESTIONS_PER_PROMPT}, {question_tokens:.1f} generated tokens)",
                flops["total"] / 1e9,
                "GFLOP",
                SECTION,
                note=f"decoder {flops['decoder'] / 1e9:.1f}, prompt share "
                f"{flops['prompt_share'] / 1e9:.1f}",
            ),
            Figure(
                "proj.mt5_base_peak_gpu_hours",
                "generation with mT5-base at one GPU's bfloat16 peak (989 TFLOP/s): the floor",
                peak_hours,
                "h",
                SECTION,
            ),
        ]
    )
    return figures, {
        "passages": n,
        "questions": q,
        "stages_hours_cpu_gpu": {**stages, **stages_base},
        "indexes": indexes,
        "generated_questions_disk_bytes": disk_questions,
        "generation_floor": {
            "model": "mT5-base",
            "question_tokens": question_tokens,
            "flops_per_question": flops,
            "gpu_peak_flops": GPU_PEAK_BF16_FLOPS,
            "hours_at_peak": peak_hours,
        },
        "assumptions": {
            "gpu_passages_per_s_bert_base": gpu_p,
            "gpu_questions_per_s_bert_base": gpu_q,
            "base_over_small_compute": BASE_OVER_SMALL,
            "gpu_over_cpu": speedup,
            "baseline_process_bytes": baseline,
        },
    }


def _gib(value: float) -> str:
    return f"{value / 2**30:,.1f} GiB"


def projection_markdown(record: dict[str, Any]) -> str:
    """The projection as two Markdown tables: time per stage, and index sizes and memory."""
    lines = [
        f"Time for {record['passages']:,} passages and {record['questions']:,} questions "
        "(one process; N machines or GPUs divide it by N):",
        "",
        "| stage | CPU, this machine (h) | one GPU, assumed (h) |",
        "|---|---|---|",
    ]
    for stage, (cpu, gpu) in record["stages_hours_cpu_gpu"].items():
        lines.append(f"| {stage} | {cpu:,.0f} | {gpu:,.0f} |")
    floor = record.get("generation_floor")
    if floor:
        lines += [
            "",
            f"The floor for generation: {floor['model']} costs "
            f"{floor['flops_per_question']['total'] / 1e9:.1f} GFLOP per question "
            f"({floor['question_tokens']:.1f} generated tokens), so the "
            f"{record['questions']:,} questions need {floor['hours_at_peak']:,.1f} hours of one "
            f"GPU at its dense bfloat16 peak ({floor['gpu_peak_flops'] / 1e12:,.0f} TFLOP/s); "
            "no engine on that GPU can do better.",
        ]
    disk = record["generated_questions_disk_bytes"]
    lines += [
        "",
        f"Generated questions on disk: {_gib(disk['jsonl'])} as JSONL, "
        f"{_gib(disk['jsonl.gz'])} gzipped (bytes per record measured on the demo file).",
        "",
        "| index | disk | build memory, one process | shards for 16 / 32 / 64 GiB "
        "| merge memory | search memory |",
        "|---|---|---|---|---|---|",
    ]
    for name, ix in record["indexes"].items():
        shards = " / ".join(str(v) for v in ix["shards_for_build_budget"].values())
        lines.append(
            f"| {name} | {_gib(ix['disk_bytes'])} | {_gib(ix['build_memory_unsharded_bytes'])} "
            f"| {shards} | {_gib(ix['merge_memory_bytes'])} | {_gib(ix['search_memory_bytes'])} |"
        )
    return "\n".join(lines)
