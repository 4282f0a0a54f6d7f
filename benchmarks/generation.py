"""Figure 6: generated questions per second, naive ``generate`` per prompt versus our batched path.

A randomly initialised model of mT5-small's shape (250,112-piece vocabulary,
d_model 512, 8+8 layers). Both sides sample 5 questions per (passage,
language) with top-k 10 and the same maximum length: the naive side calls
``model.generate(do_sample=True, top_k=10, num_return_sequences=5)`` once per
prompt, as a first script would; ours is
:class:`xqg_pyserini.generation.QuestionGenerator` (one encoder pass for all
prompts of a batch, all samples decoded together). Random weights rarely
emit the end token, so both decode close to the maximum length; tokens per
second are reported next to questions per second.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks.common import Figure, median
from benchmarks.corpora import DemoData

__all__ = ["measure_generation"]

SECTION = "6 generation"


def _naive(model, tokenizer, prompts: list[str], n: int, max_length: int) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    import torch

    questions = tokens = 0
    with torch.inference_mode():
        for prompt in prompts:
            inputs = tokenizer([prompt], return_tensors="pt", truncation=True, max_length=512)
            out = model.generate(
                **inputs,
                do_sample=True,
                top_k=10,
                num_return_sequences=n,
                max_new_tokens=max_length,
                num_beams=1,
            )
            questions += out.shape[0]
            tokens += int((out[:, 1:] != tokenizer.pad_token_id).sum())
    return questions, tokens


def measure_generation(
    model_dir: Path,
    demo: DemoData,
    passages: int,
    languages: tuple[str, ...],
    max_length: int,
    repetitions: int,
) -> tuple[list[Figure], dict[str, Any]]:
    import torch

    from xqg_pyserini.data.corpus import Passage
    from xqg_pyserini.generation import GenerationSettings, QuestionGenerator

    settings = GenerationSettings(
        model=str(model_dir),
        languages=languages,
        queries_per_language=5,
        top_k=10,
        max_length=max_length,
    )
    generator = QuestionGenerator(settings)
    model, tokenizer = generator.model, generator.tokenizer
    batch = [Passage(p["id"], p["title"], p["text"]) for p in demo.passages[:passages]]
    prompts = [settings.template.format(lang, p) for p in batch for lang in languages]
    torch.manual_seed(0)
    _naive(model, tokenizer, prompts[:1], 1, 2)  # warm-up
    times: dict[str, list[float]] = {"naive": [], "batched": []}
    counts: dict[str, tuple[int, int]] = {}
    for _ in range(repetitions):
        start = time.perf_counter()
        counts["naive"] = _naive(model, tokenizer, prompts, 5, max_length)
        times["naive"].append(time.perf_counter() - start)
        start = time.perf_counter()
        records = generator.generate(batch)
        times["batched"].append(time.perf_counter() - start)
        made = sum(len(qs) for r in records for qs in r.queries.values())
        counts["batched"] = (len(prompts) * 5, made)
    naive_qps = counts["naive"][0] / median(times["naive"])
    ours_qps = counts["batched"][0] / median(times["batched"])
    ratio = ours_qps / naive_qps
    params = sum(p.numel() for p in model.parameters())
    shape = f"{len(prompts)} prompts x 5 samples, max {max_length} tokens"
    figures = [
        Figure(
            "gen.naive_qps",
            f"naive generate per prompt ({shape})",
            naive_qps,
            "questions/s",
            SECTION,
            note=f"{counts['naive'][1] / median(times['naive']):.0f} tokens/s",
        ),
        Figure(
            "gen.batched_qps",
            f"QuestionGenerator batched ({shape})",
            ours_qps,
            "questions/s",
            SECTION,
        ),
        Figure("gen.ratio", "generation speed, batched / naive", ratio, "x", SECTION, ratio=ratio),
        Figure(
            "gen.parameters",
            "model parameters (mT5-small shape, random)",
            params / 1e6,
            "M",
            SECTION,
        ),
    ]
    return figures, {"seconds": times, "counts": counts, "prompts": len(prompts)}
