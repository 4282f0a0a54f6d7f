"""``python -m xqg_pyserini.generate``: xQG questions for every passage of a corpus.

A thin command line over :mod:`xqg_pyserini.generation`: an mT5 (any
sequence-to-sequence model) writes ``--queries-per-language`` questions in each
of ``--languages`` for every passage of ``--corpus`` (or of one ``--shard-id``),
into a JSONL file in the authors' published format, with CTranslate2 (``--engine
ct2``) or Hugging Face transformers (``--engine hf``). Rerunning the same command
resumes an interrupted run. ``--backend ray`` generates blocks of passages in a
pool of Ray actors (:mod:`xqg_pyserini.scaleout.generate`). See docs/generation.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from xqg_pyserini.cli.config import add_config_argument, parse_with_config, require
from xqg_pyserini.cli.corpus import add_corpus_argument
from xqg_pyserini.generation.ct2_engine import COMPUTE_TYPES, INSTALL_HINT, RESEED_MODES
from xqg_pyserini.generation.engines import ENGINES
from xqg_pyserini.generation.prompts import DEFAULT_TEMPLATE, PLACEHOLDERS
from xqg_pyserini.languages import LANGUAGE_NAMES
from xqg_pyserini.progress import add_progress_argument
from xqg_pyserini.scaleout.ray_runtime import GENERATE_BLOCK_BATCHES, add_ray_arguments

if TYPE_CHECKING:
    from xqg_pyserini.data.corpus_source import CorpusSource
    from xqg_pyserini.generation.engines import EngineRequest

DEFAULT_BATCH_SIZE = 8


def build_parser() -> argparse.ArgumentParser:
    codes = " ".join(LANGUAGE_NAMES)
    placeholders = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    p = argparse.ArgumentParser(
        prog="python -m xqg_pyserini.generate",
        description="Generate questions in several languages for every passage of a corpus "
        "with an mT5 query generator (xQG), into a resumable JSONL file.",
    )
    add_config_argument(p)
    add_corpus_argument(p)
    p.add_argument(
        "--model",
        metavar="NAME_OR_DIR",
        help="(required) a sequence-to-sequence model directory or hub name, e.g. "
        "ielabgroup/xor-tydi-docTquery-mt5-base",
    )
    p.add_argument(
        "--output",
        type=Path,
        metavar="FILE",
        help="(required) the .jsonl file to write, one passage per line: "
        '{"docid", "text", "generated_queries": {lang: [questions]}}; '
        "an existing file is resumed",
    )
    p.add_argument(
        "--prompt-template",
        default=DEFAULT_TEMPLATE,
        metavar="TEMPLATE",
        help=f"the model input, with placeholders {placeholders} (default: {DEFAULT_TEMPLATE!r})",
    )
    p.add_argument(
        "--languages",
        nargs="+",
        default=list(LANGUAGE_NAMES),
        metavar="CODE",
        help=f"target language codes, among {codes} (default: all of them)",
    )
    _int(p, "--queries-per-language", 5, "questions sampled per passage and language")
    _int(p, "--top-k", 10, "sample each token from the k most likely ones")
    _int(p, "--max-length", 64, "generated tokens per question at most, end token included")
    _int(p, "--max-input-length", 512, "prompt tokens kept; longer passages are cut at the end")
    _int(
        p,
        "--seed",
        0,
        "the seed. hf engine: a passage's questions are drawn from its own random stream, seeded "
        "from (seed, docid, language), so they do not depend on its shard, its batch or a "
        "resumption; ct2 engine: each batch's stream is seeded from (seed, its first docid)",
    )
    _int(
        p,
        "--batch-size",
        DEFAULT_BATCH_SIZE,
        "passages per step (each is one prompt per language and queries-per-language x "
        "languages decoded sequences); the ct2 engine's questions depend on it (it is recorded)",
    )
    p.add_argument(
        "--device",
        default="cpu",
        help="cpu, or a GPU: cuda or cuda:N (the hf engine takes any torch device) (default: cpu)",
    )
    _engine_arguments(p)
    _int(p, "--shard-id", 0, "which shard to generate: passages i with i %% shard-num == shard-id")
    _int(p, "--shard-num", 1, "number of shards (round-robin over corpus positions)")
    p.add_argument(
        "--overwrite",
        action="store_true",
        help="discard an existing output file instead of resuming it",
    )
    add_progress_argument(p)
    add_ray_arguments(
        p,
        f"{GENERATE_BLOCK_BATCHES} x --batch-size; must be a multiple of --batch-size, so that "
        "the blocks' batches are a single-process run's",
    )
    return p


def _engine_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--engine",
        choices=ENGINES,
        default="auto",
        help="what runs the model: ct2 = CTranslate2 (faster; the model is converted once "
        f"into the user cache; needs {INSTALL_HINT}), hf = Hugging Face transformers (the "
        "reference), auto = ct2 when ctranslate2 is installed and the model converts, else hf "
        "(the choice and its reason go to stderr in one line) (default: auto)",
    )
    precision = p.add_mutually_exclusive_group()
    precision.add_argument(
        "--fp16",
        action="store_true",
        help="hf engine: run the model in float16 (GPU only; mT5 tends to overflow in float16: "
        "prefer --bf16)",
    )
    precision.add_argument(
        "--bf16",
        action="store_true",
        help="hf engine: run the model in bfloat16 (for GPUs that support it)",
    )
    p.add_argument(
        "--ct2-compute-type",
        choices=COMPUTE_TYPES,
        default="auto",
        metavar="TYPE",
        help="ct2 engine: weights and arithmetic, one of "
        f"{', '.join(COMPUTE_TYPES)}; auto = int8 on CPU, bfloat16 on GPUs that have it "
        "(else float32); float32 matches --engine hf most closely; float16 and int8_float16 "
        "are refused for T5/mT5, which overflow in float16 (default: auto)",
    )
    _int(
        p,
        "--ct2-threads",
        0,
        "ct2 engine: computation threads (intra_threads; one translator thread); "
        "0 = torch's thread count, i.e. the physical cores",
    )
    p.add_argument(
        "--ct2-reseed",
        choices=RESEED_MODES,
        default="batch",
        help="ct2 engine: batch = seed every batch from (seed, its first docid) and reload the "
        "model for it (CTranslate2 cannot reseed a loaded one), so a batch's questions depend "
        "only on the batch and a resumed run ends with the uninterrupted run's file; run = seed "
        "and load once per process (no reloads; a resumed run differs after the restart) "
        "(default: batch)",
    )


def _int(parser: argparse.ArgumentParser, flag: str, default: int, text: str) -> None:
    parser.add_argument(
        flag, type=int, default=default, metavar="N", help=f"{text} (default: {default})"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse flags, taking defaults from ``--config`` when given; check required ones."""
    parser = build_parser()
    args = parse_with_config(parser, argv)
    require(parser, args, "--model", "--output")
    return args


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.data.corpus_source import open_corpus
    from xqg_pyserini.errors import XqgError
    from xqg_pyserini.generation import GenerationSettings, Shard, load_generator
    from xqg_pyserini.generation.run import run_generation
    from xqg_pyserini.scaleout.ray_runtime import ray_options

    args = parse_args(argv)
    try:
        options = ray_options(args)
        if args.output.suffix != ".jsonl":
            raise ValueError(f"--output must be a .jsonl file, got {args.output}")
        if args.fp16 and args.device == "cpu":
            raise ValueError("--fp16 needs a GPU --device (e.g. cuda:0); use --bf16 on CPU")
        settings = GenerationSettings(
            model=args.model,
            prompt_template=args.prompt_template,
            languages=tuple(args.languages),
            queries_per_language=args.queries_per_language,
            top_k=args.top_k,
            max_length=args.max_length,
            max_input_length=args.max_input_length,
            seed=args.seed,
        )
        shard = Shard(args.shard_id, args.shard_num)
        if args.batch_size < 1:
            raise ValueError(f"--batch-size must be at least 1, got {args.batch_size}")
        request = _engine_request(args)
        source = open_corpus(args.corpus)
        passages = source.passages()  # an unknown dataset id fails here, before the model loads
        if options is not None:
            from dataclasses import replace

            from xqg_pyserini.scaleout.generate import generate_with_ray

            summary = generate_with_ray(
                options,
                settings,
                replace(request, resumed=None),
                passages,
                args.output,
                batch_size=args.batch_size,
                shard=shard,
                corpus=_corpus_identity(source),
                overwrite=args.overwrite,
                progress=not args.no_progress,
            )
            print(summary.format())
            return 0
        generator = load_generator(settings, request, notify=_say)
        summary = run_generation(
            generator,
            passages,
            args.output,
            batch_size=args.batch_size,
            shard=shard,
            corpus=_corpus_identity(source),
            total=source.count(not args.no_progress),
            overwrite=args.overwrite,
            progress=not args.no_progress,
        )
    except (XqgError, FileNotFoundError, ValueError, BlockingIOError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary.format())
    return 0


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _engine_request(args: argparse.Namespace) -> EngineRequest:
    """The engine flags as an :class:`EngineRequest` (which flags were given, what is resumed)."""
    from xqg_pyserini.generation import Ct2Options, EngineRequest, recorded_engine

    parser = build_parser()  # a fresh one: the defaults before --config
    ct2_flags = tuple(
        f"--{name.replace('_', '-')}"
        for name in ("ct2_compute_type", "ct2_threads", "ct2_reseed")
        if getattr(args, name) != parser.get_default(name)
    )
    resumed = None if args.overwrite else recorded_engine(args.output)
    return EngineRequest(
        engine=args.engine,
        device=args.device,
        dtype="float16" if args.fp16 else "bfloat16" if args.bf16 else "float32",
        ct2=Ct2Options(args.ct2_compute_type, args.ct2_threads, args.ct2_reseed),
        hf_flags=("--fp16",) if args.fp16 else ("--bf16",) if args.bf16 else (),
        ct2_flags=ct2_flags,
        resumed=None if resumed is None else (args.output, resumed),
    )


def _corpus_identity(source: CorpusSource) -> str:
    """A corpus file as an absolute path, an ir_datasets id as is (for the settings record)."""
    return source.name if source.kind == "ir_datasets" else str(Path(source.name).resolve())


if __name__ == "__main__":
    sys.exit(main())
