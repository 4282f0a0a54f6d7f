"""Figures 1 and 2: index builds through the command lines users run.

``python -m xqg_pyserini.index`` (plain in its default fast precision and with
``--dtype float32``, and with generated questions) and ``python -m
pyserini.encode ... --to-faiss`` run as child processes on the same JSONL
corpus, model, batch size, max length, pooling and normalisation, in
interleaved rounds. Each command runs at two corpus sizes; the encoding rate is
the slope, (large - small) / (time large - time small), which removes start-up
(imports, JVM, model loading) from the rate; whole-command wall time is
reported too. The breakdown of an augmented build runs the library in this
process with timers wrapped around its steps (nothing in xqg_pyserini is changed).
"""

from __future__ import annotations

import math
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import PYTHON, Figure, Profiler, median, run_child, slope_rate
from benchmarks.corpora import DemoData, first, write_passages, write_questions
from benchmarks.models import EncoderSpec

__all__ = ["BuildPlan", "breakdown", "fast_dtype", "measure_builds", "token_counts"]

SECTION_PLAIN = "1 plain build"
SECTION_AUG = "2 augmented build"


@dataclass(frozen=True)
class BuildPlan:
    """Corpus sizes (passages) and repetitions of the build comparison."""

    plain_sizes: tuple[int, int]
    augmented_sizes: tuple[int, int]
    repetitions: int
    batch_size: int = 32


def fast_dtype() -> str:
    """What ``--dtype auto`` (the index CLI's default) runs in on this machine's CPU."""
    from xqg_pyserini.encoders.precision import resolve_dtype

    return resolve_dtype("auto", "cpu")


def _ours(
    spec: EncoderSpec,
    corpus: Path,
    out: Path,
    batch: int,
    generated: Path | None,
    dtype: str = "auto",
) -> list[str]:
    command = [PYTHON, "-m", "xqg_pyserini.index", "--corpus", str(corpus), *spec.index_flags()]
    command += ["--batch-size", str(batch), "--output", str(out), "--overwrite"]
    command += ["--dtype", dtype]
    if generated is not None:
        command += ["--generated-queries", str(generated)]
    return command


def _pyserini(spec: EncoderSpec, corpus: Path, out: Path, batch: int) -> list[str]:
    return [
        PYTHON,
        "-m",
        "pyserini.encode",
        "input",
        "--corpus",
        str(corpus),
        "--fields",
        "title",
        "text",
        "output",
        "--embeddings",
        str(out),
        "--to-faiss",
        "encoder",
        *spec.pyserini_flags(),
        "--batch-size",
        str(batch),
    ]


def measure_builds(
    work: Path, spec: EncoderSpec, demo: DemoData, plan: BuildPlan, log: Path
) -> tuple[list[Figure], dict[str, Any]]:
    """Run the interleaved build rounds; figures for sections 1 and 2, and raw timings."""
    jobs: dict[str, tuple[list[str], Path]] = {}
    for size in plan.plain_sizes:
        corpus = write_passages(work / f"demo-{size}.jsonl", first(demo.passages, size))
        jobs[f"ours-{size}"] = (
            _ours(spec, corpus, work / "ix-ours", plan.batch_size, None),
            work / "ix-ours",
        )
        jobs[f"f32-{size}"] = (
            _ours(spec, corpus, work / "ix-f32", plan.batch_size, None, "float32"),
            work / "ix-f32",
        )
        jobs[f"pyserini-{size}"] = (
            _pyserini(spec, corpus, work / "ix-pys", plan.batch_size),
            work / "ix-pys",
        )
    for size in plan.augmented_sizes:
        passages = first(demo.passages, size)
        corpus = write_passages(work / f"demo-{size}.jsonl", passages)
        generated = write_questions(work / f"demo-{size}.gen.jsonl", passages, demo)
        out = work / "ix-aug"
        jobs[f"xqg-{size}"] = (_ours(spec, corpus, out, plan.batch_size, generated), out)
    runs: dict[str, list[Any]] = {name: [] for name in jobs}
    for _ in range(plan.repetitions):
        for name, (command, out) in jobs.items():
            shutil.rmtree(out, ignore_errors=True)
            runs[name].append(run_child(command, log=log))
    raw = {
        name: [{"wall_s": r.wall_s, "max_rss_bytes": r.max_rss_bytes} for r in rs]
        for name, rs in runs.items()
    }
    raw["commands"] = {name: command for name, (command, _) in jobs.items()}
    return _figures(spec, demo, plan, runs), raw


def _rate(runs: dict[str, list[Any]], tool: str, sizes: tuple[int, int]) -> float:
    """Passages/s by slope; the whole-command rate of the larger run when noise hides the slope.

    The fallback only happens when start-up noise exceeds the encoding time
    (tiny models in ``--quick``); it understates the rate, never inflates it.
    """
    small, large = sizes
    large_s = [r.wall_s for r in runs[f"{tool}-{large}"]]
    rate = slope_rate(small, [r.wall_s for r in runs[f"{tool}-{small}"]], large, large_s)
    return rate if math.isfinite(rate) else large / median(large_s)


def _figures(
    spec: EncoderSpec, demo: DemoData, plan: BuildPlan, runs: dict[str, list[Any]]
) -> list[Figure]:
    small, large = plan.plain_sizes
    ours, pys = _rate(runs, "ours", plan.plain_sizes), _rate(runs, "pyserini", plan.plain_sizes)
    f32 = _rate(runs, "f32", plan.plain_sizes)
    fast, ratio, exact = ours / f32, ours / pys, f32 / pys
    wall_ours = median([r.wall_s for r in runs[f"ours-{large}"]])
    wall_pys = median([r.wall_s for r in runs[f"pyserini-{large}"]])
    start_ours = median([r.wall_s for r in runs[f"ours-{small}"]]) - small / ours
    start_pys = median([r.wall_s for r in runs[f"pyserini-{small}"]]) - small / pys
    s = SECTION_PLAIN
    mode = f"--dtype auto = {fast_dtype()}"
    figures = [
        Figure(
            "plain.ours_rate", f"xqg_pyserini.index encoding rate ({mode})", ours, "passages/s", s
        ),
        Figure("plain.f32_rate", "xqg_pyserini.index --dtype float32", f32, "passages/s", s),
        Figure("plain.pyserini_rate", "pyserini.encode encoding rate", pys, "passages/s", s),
        Figure(
            "plain.fast_ratio",
            "encoding rate, fast mode / float32",
            fast,
            "x",
            s,
            ratio=fast,
            target=">= 2.0",
            met=fast >= 2.0,
        ),
        Figure(
            "plain.rate_ratio",
            "encoding rate, fast mode / pyserini.encode",
            ratio,
            "x",
            s,
            ratio=ratio,
            target=">= 2.0",
            met=ratio >= 2.0,
        ),
        Figure(
            "plain.f32_pyserini_ratio",
            "encoding rate, float32 / pyserini.encode (same precision)",
            exact,
            "x",
            s,
            ratio=exact,
            target=">= 1.0",
            met=exact >= 1.0,
        ),
        Figure("plain.ours_wall", f"xqg_pyserini.index wall, {large} passages", wall_ours, "s", s),
        Figure("plain.pyserini_wall", f"pyserini.encode wall, {large} passages", wall_pys, "s", s),
        Figure(
            "plain.wall_ratio",
            "whole-command speed, Pyserini wall / ours",
            wall_pys / wall_ours,
            "x",
            s,
            ratio=wall_pys / wall_ours,
        ),
        Figure("plain.ours_startup", "xqg_pyserini.index start-up (intercept)", start_ours, "s", s),
        Figure("plain.pyserini_startup", "pyserini.encode start-up (intercept)", start_pys, "s", s),
        Figure(
            "plain.ours_rss",
            "xqg_pyserini.index peak RSS",
            median([r.max_rss_bytes for r in runs[f"ours-{large}"]]) / 2**20,
            "MiB",
            s,
        ),
        Figure(
            "plain.pyserini_rss",
            "pyserini.encode peak RSS",
            median([r.max_rss_bytes for r in runs[f"pyserini-{large}"]]) / 2**20,
            "MiB",
            s,
        ),
    ]
    aug = _rate(runs, "xqg", plan.augmented_sizes)
    tokens = token_counts(
        spec, first(demo.passages, plan.augmented_sizes[1]), demo, plan.batch_size
    )
    time_ratio = ours / aug
    token_ratio = tokens["all"] / tokens["passage"]
    over = time_ratio / token_ratio
    s = SECTION_AUG
    figures += [
        Figure("aug.rate", "xQG build rate (35 questions each)", aug, "passages/s", s),
        Figure("aug.time_ratio", "cost per passage, xQG / plain", time_ratio, "x", s),
        Figure(
            "aug.token_ratio",
            "tokens encoded, (passage + questions) / passage",
            token_ratio,
            "x",
            s,
        ),
        Figure(
            "aug.padded_token_ratio",
            "padded tokens through the model, xQG / plain",
            tokens["all_padded"] / tokens["passage_padded"],
            "x",
            s,
        ),
        Figure(
            "aug.time_over_tokens",
            "time ratio / token ratio",
            over,
            "x",
            s,
            ratio=over,
            target="<= 1.2",
            met=over <= 1.2,
        ),
        Figure(
            "aug.questions_per_passage",
            "questions encoded per passage",
            tokens["questions"] / tokens["passages"],
            "questions",
            s,
        ),
        Figure(
            "aug.tokens_per_question",
            "tokens per question",
            tokens["question"] / tokens["questions"],
            "tokens",
            s,
        ),
        Figure(
            "aug.tokens_per_passage",
            "tokens per passage",
            tokens["passage"] / tokens["passages"],
            "tokens",
            s,
        ),
    ]
    return figures


def _padded(lengths_in_order: list[int], batch: int) -> int:
    return sum(
        max(lengths_in_order[i : i + batch]) * len(lengths_in_order[i : i + batch])
        for i in range(0, len(lengths_in_order), batch)
    )


def _padded_by_limit(lengths: list[int], max_padded_tokens: int) -> int:
    """Padded tokens of questions batched as the builder batches them (padded-token limit)."""
    from xqg_pyserini.encoders.batching import padded_token_batches

    batches = padded_token_batches(lengths, max_padded_tokens)
    return sum(max(lengths[i] for i in rows) * len(rows) for rows in batches)


def token_counts(
    spec: EncoderSpec, passages: list[dict[str, str]], demo: DemoData, batch_size: int
) -> dict[str, int]:
    """Tokens the encoder reads (special tokens included), real and padded as batched.

    Padding follows the builder: passages sorted by character length in batches
    of ``batch_size``, questions sorted by token count in batches of at most
    :func:`~xqg_pyserini.encoders.batching.max_padded_question_tokens` padded tokens.
    """
    from transformers import AutoTokenizer

    from xqg_pyserini.encoders.batching import max_padded_question_tokens
    from xqg_pyserini.encoders.settings import EncoderSettings, join_prefix
    from xqg_pyserini.encoders.transformer import passage_input

    tok = AutoTokenizer.from_pretrained(str(spec.model_dir))
    ordered = sorted(passages, key=lambda p: len(p["title"] + p["text"]))
    texts = [
        join_prefix(spec.passage_prefix, passage_input(p["title"], p["text"])) for p in ordered
    ]
    p_len = [
        len(ids)
        for ids in tok(texts, max_length=spec.passage_max_length, truncation=True)["input_ids"]
    ]
    questions = sorted(
        (q for p in passages for qs in demo.questions[p["id"]].values() for q in qs), key=len
    )
    q_texts = [join_prefix(spec.query_prefix, q) for q in questions]
    q_len = [
        len(ids)
        for ids in tok(q_texts, max_length=spec.query_max_length, truncation=True)["input_ids"]
    ]
    settings = EncoderSettings(
        model=str(spec.model_dir),
        passage_max_length=spec.passage_max_length,
        query_max_length=spec.query_max_length,
    )
    max_padded_tokens = max_padded_question_tokens(settings, batch_size)
    return {
        "passages": len(passages),
        "questions": len(questions),
        "passage": sum(p_len),
        "question": sum(q_len),
        "all": sum(p_len) + sum(q_len),
        "passage_padded": _padded(p_len, batch_size),
        "all_padded": _padded(p_len, batch_size) + _padded_by_limit(q_len, max_padded_tokens),
    }


def breakdown(
    work: Path, spec: EncoderSpec, demo: DemoData, size: int, batch_size: int
) -> tuple[list[Figure], dict[str, float]]:
    """Where an augmented build's time goes: the library run in-process with timed steps."""
    from xqg_pyserini.data.corpus_source import open_corpus
    from xqg_pyserini.data.generated_join import GeneratedJoin
    from xqg_pyserini.encoders import augment
    from xqg_pyserini.encoders.transformer import TransformerEncoder
    from xqg_pyserini.indexes.build import build_index
    from xqg_pyserini.indexes.checkpoint import Checkpoint
    from xqg_pyserini.indexes.request import AugmentRequest, BuildRequest
    from xqg_pyserini.indexes.writer import FaissIndexWriter

    passages = first(demo.passages, size)
    corpus = write_passages(work / f"demo-{size}.jsonl", passages)
    generated = write_questions(work / f"demo-{size}.gen.jsonl", passages, demo)
    settings = spec.settings()
    out = work / "ix-breakdown"
    shutil.rmtree(out, ignore_errors=True)
    request = BuildRequest(
        corpus=open_corpus(corpus),
        encoder_name=str(spec.model_dir),
        settings=settings,
        output=out,
        batch_size=batch_size,
        dtype=fast_dtype(),  # as the command's default
        augment=AugmentRequest.from_paths([generated]),
    )
    profiler = Profiler()
    steps = [
        (TransformerEncoder, "__init__", "model loading"),
        (TransformerEncoder, "encode_passages", "passage encoding"),
        (TransformerEncoder, "encode_queries", "question encoding"),
        (GeneratedJoin, "take", "reading and joining questions"),
        (augment.PassageAugmenter, "augment_variants", "selecting, summing, mixing"),
        (FaissIndexWriter, "add", "index add and write"),
        (FaissIndexWriter, "_write_files", "index add and write"),
        (Checkpoint, "save", "checkpoints"),
    ]
    for owner, name, label in steps:
        profiler.wrap(owner, name, label)
    try:
        start = time.perf_counter()
        build_index(request)
        total = time.perf_counter() - start
    finally:
        profiler.restore()
    shares = dict(profiler.seconds)
    shares["other (corpus reading, sorting, Python)"] = total - sum(profiler.seconds.values())
    figures = [
        Figure(
            f"aug.breakdown.{label.split()[0].split(',')[0]}",
            f"breakdown: {label}",
            100 * seconds / total,
            "% of build",
            SECTION_AUG,
            note=f"{seconds:.2f} s",
        )
        for label, seconds in shares.items()
    ]
    questions = sum(len(qs) for p in passages for qs in demo.questions[p["id"]].values())
    q_rate = questions / profiler.seconds["question encoding"]
    p_rate = size / profiler.seconds["passage encoding"]
    figures += [
        Figure(
            "aug.question_rate",
            "question encoding rate (in-process)",
            q_rate,
            "questions/s",
            SECTION_AUG,
        ),
        Figure(
            "aug.passage_rate",
            "passage encoding rate (in-process)",
            p_rate,
            "passages/s",
            SECTION_AUG,
        ),
        Figure(
            "aug.breakdown_total", f"in-process xQG build, {size} passages", total, "s", SECTION_AUG
        ),
    ]
    shutil.rmtree(out, ignore_errors=True)
    return figures, {**shares, "total": total}
