"""Figure 6: generated questions per second, four ways of running the same generator.

On the same prompts and settings (5 questions per (passage, language), top-k
10, the same maximum length):

* ``naive``: ``model.generate(do_sample=True, top_k=10, num_return_sequences=5)``
  once per prompt, as a first script would;
* ``batched``: :class:`xqg_pyserini.generation.QuestionGenerator` (``--engine hf``:
  one encoder pass for all prompts of a batch, all samples decoded together);
* ``ct2 float32`` and ``ct2 int8``: :class:`xqg_pyserini.generation.ct2_engine.Ct2QuestionGenerator`
  (``--engine ct2``) with its default per-batch reseeding (a model load per
  batch), and int8 once more loaded once (``--ct2-reseed run``).

Two models: a randomly initialised one of mT5-small's shape (250,112-piece
vocabulary, d_model 512, 8+8 layers), whose random weights rarely emit the end
token, so every engine decodes to the maximum length; and, when given, a small
trained generator (``tools/generator_proof.py``), whose questions end where a
trained model ends them. Conversions to CTranslate2 go into ``work/ct2-cache``
and are done before the clock starts.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from benchmarks.common import Figure, median
from benchmarks.corpora import DemoData

__all__ = ["measure_generation"]

SECTION = "6 generation"


def _naive(
    model, tokenizer, prompts: list[str], n: int, max_length: int, max_input: int = 128
) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    import torch

    questions = tokens = 0
    with torch.inference_mode():
        for prompt in prompts:
            inputs = tokenizer([prompt], return_tensors="pt", truncation=True, max_length=max_input)
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


ENGINES = ("naive", "batched", "ct2_float32", "ct2_int8", "ct2_int8_run")
LABELS = {
    "naive": "naive generate per prompt",
    "batched": "QuestionGenerator batched (--engine hf)",
    "ct2_float32": "CTranslate2 float32 (--engine ct2)",
    "ct2_int8": "CTranslate2 int8 (--engine ct2)",
    "ct2_int8_run": "CTranslate2 int8, loaded once (--ct2-reseed run)",
}
CT2_TARGET = 4.0  # ct2 int8 over naive generate (issue 15; CTranslate2 publishes 4.7x)


def _engines(settings: Any, cache: Path) -> dict[str, Any]:
    from xqg_pyserini.generation import QuestionGenerator
    from xqg_pyserini.generation.ct2_engine import Ct2Options, Ct2QuestionGenerator

    hf = QuestionGenerator(settings)
    return {
        "batched": hf,
        "ct2_float32": Ct2QuestionGenerator(settings, options=Ct2Options("float32"), cache=cache),
        "ct2_int8": Ct2QuestionGenerator(settings, options=Ct2Options("int8"), cache=cache),
        "ct2_int8_run": Ct2QuestionGenerator(
            settings, options=Ct2Options("int8", reseed="run"), cache=cache
        ),
    }


def _measure_model(
    label: str,
    prefix: str,
    model_dir: Path,
    demo: DemoData,
    passages: int,
    languages: tuple[str, ...],
    max_length: int,
    repetitions: int,
    cache: Path,
) -> tuple[list[Figure], dict[str, Any]]:
    import torch

    from xqg_pyserini.data.corpus import Passage
    from xqg_pyserini.generation import GenerationSettings

    settings = GenerationSettings(
        model=str(model_dir),
        languages=languages,
        queries_per_language=5,
        top_k=10,
        max_length=max_length,
        max_input_length=128,
    )
    engines = _engines(settings, cache)
    hf = engines["batched"]
    batch = [Passage(p["id"], p["title"], p["text"]) for p in demo.passages[:passages]]
    prompts = [settings.template.format(lang, p) for p in batch for lang in languages]
    torch.manual_seed(0)
    _naive(hf.model, hf.tokenizer, prompts[:1], 1, 2)  # warm-up
    for engine in engines.values():
        engine.generate(batch[:1])  # warm-up (and the ct2 engines' first load)
    times: dict[str, list[float]] = {name: [] for name in ENGINES}
    lengths: dict[str, float] = {}
    for _ in range(repetitions):
        start = time.perf_counter()
        _naive(hf.model, hf.tokenizer, prompts, 5, max_length)
        times["naive"].append(time.perf_counter() - start)
        for name, engine in engines.items():
            start = time.perf_counter()
            records = engine.generate(batch)
            times[name].append(time.perf_counter() - start)
            texts = [q for r in records for qs in r.queries.values() for q in qs]
            tokens = [len(hf.tokenizer(t, add_special_tokens=False).input_ids) for t in texts]
            lengths[name] = sum(tokens) / len(prompts) / 5
    questions = len(prompts) * 5
    rates = {name: questions / median(times[name]) for name in ENGINES}
    shape = f"{len(prompts)} prompts x 5 samples, max {max_length} tokens, {label}"
    figures = [
        Figure(
            f"{prefix}.{name}_qps",
            f"{LABELS[name]} ({shape})",
            rates[name],
            "questions/s",
            SECTION,
            note="" if name == "naive" else f"{lengths[name]:.1f} tokens a question",
        )
        for name in ENGINES
    ]
    ratio = rates["batched"] / rates["naive"]
    figures.append(
        Figure(f"{prefix}.ratio", f"batched / naive ({label})", ratio, "x", SECTION, ratio=ratio)
    )
    for name in ("ct2_float32", "ct2_int8", "ct2_int8_run"):
        ratio = rates[name] / rates["naive"]
        target = name == "ct2_int8"
        figures.append(
            Figure(
                f"{prefix}.{name}_ratio",
                f"{LABELS[name]} / naive ({label})",
                ratio,
                "x",
                SECTION,
                ratio=ratio,
                target=f">= {CT2_TARGET:g}" if target else None,
                met=ratio >= CT2_TARGET if target else None,
            )
        )
    params = sum(p.numel() for p in hf.model.parameters())
    figures.append(
        Figure(f"{prefix}.parameters", f"model parameters ({label})", params / 1e6, "M", SECTION)
    )
    return figures, {"seconds": times, "prompts": len(prompts), "tokens_per_question": lengths}


def measure_generation(
    model_dir: Path,
    demo: DemoData,
    passages: int,
    languages: tuple[str, ...],
    max_length: int,
    repetitions: int,
    work: Path,
    label: str = "mT5-small shape, random",
    trained: Path | None = None,
    trained_passages: int = 8,
) -> tuple[list[Figure], dict[str, Any]]:
    """Section 6 on the mT5-small-shaped model, and on ``trained`` when given."""
    cache = work / "ct2-cache"
    figures, raw = _measure_model(
        label,
        "gen",
        model_dir,
        demo,
        passages,
        languages,
        max_length,
        repetitions,
        cache,
    )
    found: dict[str, Any] = {"mt5_small_shape": raw}
    if trained is not None:
        more, found["trained"] = _measure_model(
            f"trained, {trained}",
            "gen.trained",
            trained,
            demo,
            trained_passages,
            languages,
            max_length,
            repetitions,
            cache,
        )
        figures += more
    return figures, found
