"""``python -m xqg_pyserini.train retriever``: fine-tune a bi-encoder retriever.

Defaults are the paper's xDR recipe (Tevatron on XOR-TyDi; METHOD.md)::

    python -m xqg_pyserini.train retriever --model bert-base-multilingual-cased \\
        --train-data Tevatron/xor-tydi --output models/xdr-mbert --dtype float16

A small CPU run on the bundled demo (hard negatives mined first)::

    python -m xqg_pyserini.train retriever --model multilingual-e5-small \\
        --train-data runs/xqg-demo-train.jsonl.gz --output models/e5-demo \\
        --batch-size 16 --epochs 1

The output directory is a Hugging Face model that ``python -m xqg_pyserini.index
--encoder OUTPUT`` builds with, with the same settings and no flags.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

from xqg_pyserini.cli.config import add_config_argument, parse_with_config
from xqg_pyserini.cli.corpus import CORPUS_HELP
from xqg_pyserini.languages import XOR_LANGUAGES

__all__ = ["build_parser", "main"]

PROG = "python -m xqg_pyserini.train retriever"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description=textwrap.fill(
            "Fine-tune a bi-encoder (one shared encoder for questions and passages) with the "
            "contrastive loss of DPR/Tevatron: each question against all batch x n passages, "
            "its own positive the target. Defaults are the paper's xDR recipe. Runs are "
            "checkpointed and resume when started again with the same settings. Writes a "
            "Hugging Face model directory that python -m xqg_pyserini.index --encoder takes as is.",
            width=80,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    io = p.add_argument_group("model, data and output")
    io.add_argument("--model", required=True, metavar="NAME_OR_DIR",
                    help="encoder to start from: a Hugging Face model directory or hub name "
                    "(e.g. bert-base-multilingual-cased) or the preset "
                    "multilingual-e5-small")  # fmt: skip
    io.add_argument("--train-data", nargs="+", default=[], metavar="PATH_OR_ID",
                    help="training data: Tevatron JSONL(.gz) files, directories or globs, or a "
                    "registered set (Tevatron/xor-tydi, Tevatron/wikipedia-nq); several are "
                    "concatenated (see docs/training_data.md)")  # fmt: skip
    io.add_argument("--output", required=True, type=Path, metavar="DIR",
                    help="the trained model directory to write (refused if it exists, "
                    "unless --overwrite)")  # fmt: skip
    io.add_argument("--overwrite", action="store_true",
                    help="replace an existing --output, and discard an unfinished run with "
                    "other settings")  # fmt: skip
    synthetic = p.add_argument_group(
        "synthetic pairs from generated questions (no labelled data needed)"
    )
    synthetic.add_argument("--generated-queries", nargs="+", default=None, metavar="PATH",
                           help="generated questions (the authors' JSONL format): each becomes "
                           "a training question whose positive is its passage")  # fmt: skip
    synthetic.add_argument("--corpus", default="xqg-demo", metavar="ID_OR_FILE",
                           help=f"the passages of --generated-queries: {CORPUS_HELP} "
                           "(default: xqg-demo)")  # fmt: skip
    synthetic.add_argument("--languages", nargs="+", default=None, metavar="LANG",
                           help="use generated questions in these languages only "
                           f"(default: {' '.join(XOR_LANGUAGES)})")  # fmt: skip
    synthetic.add_argument("--queries-per-language", type=int, default=None, metavar="N",
                           help="use at most the first N questions per language and passage "
                           "(default: all)")  # fmt: skip
    synthetic.add_argument("--synthetic-negatives", type=int, default=7, metavar="N",
                           help="random other passages of the corpus as negatives of each "
                           "synthetic question (default: 7, seeded by --seed)")  # fmt: skip
    enc = p.add_argument_group("how texts become vectors (recorded for the index)")
    enc.add_argument("--pooling", choices=("cls", "mean"), default=None,
                     help="cls: last-layer [CLS] (the paper); mean: masked mean "
                     "(default: cls, or the preset's)")  # fmt: skip
    enc.add_argument(
        "--l2-norm",
        action="store_true",
        default=None,
        help="L2-normalise vectors (default: off, or the preset's)",
    )
    enc.add_argument(
        "--temperature",
        type=float,
        default=1.0,
        help="scores are divided by it (default: 1, the paper's plain dot product)",
    )
    enc.add_argument("--query-prefix", default=None, metavar="TEXT",
                     help="text put before every question (e.g. 'query:' for e5; default: "
                     "none, or the preset's)")  # fmt: skip
    enc.add_argument(
        "--passage-prefix",
        default=None,
        metavar="TEXT",
        help="text put before every passage (default: none, or the preset's)",
    )
    enc.add_argument(
        "--query-max-length",
        type=int,
        default=32,
        metavar="TOKENS",
        help="question length cut (default: 32)",
    )
    enc.add_argument(
        "--passage-max-length",
        type=int,
        default=128,
        metavar="TOKENS",
        help="passage length cut, title and text together (default: 128)",
    )
    opt = p.add_argument_group("optimisation (defaults: the paper's recipe)")
    opt.add_argument("--loss", choices=("contrastive", "distill"), default="contrastive",
                     help="contrastive: the xDR loss on --train-data; distill: MSE to a "
                     "frozen --teacher on --parallel-data (default: contrastive)")  # fmt: skip
    opt.add_argument(
        "--batch-size",
        type=int,
        default=128,
        metavar="N",
        help="questions per step (default: 128; the last partial batch is dropped)",
    )
    opt.add_argument(
        "--train-n-passages",
        type=int,
        default=8,
        metavar="N",
        help="passages per question: 1 positive + N-1 hard negatives (default: 8)",
    )
    opt.add_argument(
        "--learning-rate",
        type=float,
        default=1e-5,
        metavar="LR",
        help="AdamW peak learning rate (default: 1e-5)",
    )
    opt.add_argument(
        "--epochs",
        type=float,
        default=40.0,
        help="passes over the training questions (default: 40)",
    )
    opt.add_argument(
        "--max-steps",
        type=int,
        default=None,
        metavar="N",
        help="stop after N steps instead (the schedule is fitted to N)",
    )
    opt.add_argument("--warmup-ratio", type=float, default=0.1, metavar="R",
                     help="linear warm-up over this share of the steps, then linear decay "
                     "(default: 0.1)")  # fmt: skip
    opt.add_argument(
        "--weight-decay", type=float, default=0.0, help="AdamW weight decay (default: 0)"
    )
    opt.add_argument(
        "--seed",
        type=int,
        default=42,
        help="seed for data order, positives and negatives per epoch (default: 42)",
    )
    opt.add_argument(
        "--query-chunk",
        type=int,
        default=None,
        metavar="N",
        help="gradient cache: embed questions N at a time (same loss, less memory)",
    )
    opt.add_argument(
        "--passage-chunk",
        type=int,
        default=None,
        metavar="N",
        help="gradient cache: embed passages N at a time (Tevatron's default 32)",
    )
    dist = p.add_argument_group("distillation (--loss distill)")
    dist.add_argument("--teacher", default=None, metavar="NAME_OR_DIR",
                      help="the frozen model whose English question vectors the student "
                      "learns (default: --model itself, frozen)")  # fmt: skip
    dist.add_argument("--parallel-data", nargs="+", default=None, metavar="PATH",
                      help="parallel questions JSONL ({query_id, language, query, query_en}; "
                      "see docs/training_data.md)")  # fmt: skip
    run = p.add_argument_group("device and checkpoints")
    run.add_argument(
        "--device",
        default=None,
        help="cpu, cuda, cuda:N or mps (default: cuda when available, else cpu)",
    )
    run.add_argument("--dtype", choices=("float32", "float16", "bfloat16"), default="float32",
                     help="mixed precision: float16 (CUDA) or bfloat16; weights stay float32 "
                     "(default: float32)")  # fmt: skip
    run.add_argument(
        "--save-every",
        type=int,
        default=None,
        metavar="STEPS",
        help="checkpoint every STEPS steps (default: at the end of every epoch)",
    )
    run.add_argument(
        "--logging-steps",
        type=int,
        default=10,
        metavar="STEPS",
        help="record the loss every STEPS steps (default: 10)",
    )
    run.add_argument(
        "--no-progress",
        action="store_true",
        help="do not draw the training bar (drawn only when stderr is a terminal)",
    )
    add_config_argument(p)
    return p


def _config(args: argparse.Namespace) -> Any:
    from xqg_pyserini.cli.index_options import encoder_settings
    from xqg_pyserini.training.retriever.config import RetrieverTrainingConfig

    start = encoder_settings(args, model=args.model)
    data = {
        "train_data": list(args.train_data),
        "generated_queries": args.generated_queries,
        "parallel_data": args.parallel_data,
    }
    if args.generated_queries:
        data.update(corpus=args.corpus, languages=args.languages,
                    queries_per_language=args.queries_per_language,
                    synthetic_negatives=args.synthetic_negatives)  # fmt: skip
    return RetrieverTrainingConfig(
        model=start.model,
        output=str(args.output),
        train_data=tuple(args.train_data),
        pooling=start.pooling,
        l2_norm=start.l2_norm,
        temperature=args.temperature,
        query_prefix=start.query_prefix,
        passage_prefix=start.passage_prefix,
        query_max_length=start.query_max_length,
        passage_max_length=start.passage_max_length,
        batch_size=args.batch_size,
        train_n_passages=args.train_n_passages,
        learning_rate=args.learning_rate,
        epochs=args.epochs,
        max_steps=args.max_steps,
        warmup_ratio=args.warmup_ratio,
        weight_decay=args.weight_decay,
        seed=args.seed,
        device=args.device,
        dtype=args.dtype,
        query_chunk=args.query_chunk,
        passage_chunk=args.passage_chunk,
        save_every=args.save_every,
        logging_steps=args.logging_steps,
        progress=not args.no_progress,
        loss=args.loss,
        teacher=args.teacher,
        overwrite=args.overwrite,
        data=data,
    )


def _examples(args: argparse.Namespace) -> list[Any]:
    examples: list[Any] = []
    if args.train_data:
        from xqg_pyserini.training.data.sources import load_training_data

        for source in args.train_data:
            examples.extend(load_training_data(source))
    if args.generated_queries:
        from xqg_pyserini.data.corpus_source import open_corpus
        from xqg_pyserini.languages import XOR_LANGUAGES
        from xqg_pyserini.training.data.synthetic import synthetic_examples

        examples.extend(
            synthetic_examples(
                args.generated_queries,
                open_corpus(args.corpus),
                languages=tuple(args.languages or XOR_LANGUAGES),
                queries_per_language=args.queries_per_language,
                negatives_per_query=args.synthetic_negatives,
                seed=args.seed,
            )
        )
    _check_unique_ids(examples)
    return examples


def _check_unique_ids(examples: list[Any]) -> None:
    from xqg_pyserini.training.retriever.groups import TrainingDataError

    seen: set[str] = set()
    for example in examples:
        if example.query_id in seen:
            raise TrainingDataError(
                f"query id {example.query_id!r} occurs twice in the training data (given "
                "sources overlap, or one is given twice); each question must occur once"
            )
        seen.add(example.query_id)


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError

    parser = build_parser()
    args = parse_with_config(parser, argv)
    try:
        config = _config(args)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        if config.loss == "distill":
            from xqg_pyserini.training.retriever.distill import train_distilled

            if not args.parallel_data:
                parser.error("--loss distill needs --parallel-data")
            from xqg_pyserini.training.data.parallel import read_parallel_questions

            pairs = [pair for path in args.parallel_data for pair in read_parallel_questions(path)]
            record = train_distilled(config, pairs)
        else:
            if not args.train_data and not args.generated_queries:
                parser.error("give --train-data and/or --generated-queries")
            from xqg_pyserini.training.retriever.run import train_retriever

            record = train_retriever(config, _examples(args))
    except (XqgError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"trained {record['steps']} steps ({record['epochs']:.2f} epochs, "
        f"{record['data']['queries']} questions, final loss {record['final_loss']:.4f}) "
        f"in {record['seconds_this_session']:.0f} s; wrote {config.output}"
    )
    print(
        f"index with it:\n  python -m xqg_pyserini.index --encoder {config.output} --output INDEX"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
