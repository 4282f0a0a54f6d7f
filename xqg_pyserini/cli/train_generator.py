"""``python -m xqg_pyserini.train generator``: fine-tune a question generator (mT5).

Defaults are the authors' recipe (DSI-QG's step 1; METHOD.md)::

    python -m xqg_pyserini.train generator --model google/mt5-base \\
        --train-data tydi_xor_gp/gp_squad_train_data.json \\
        --dev-data tydi_xor_gp/gp_squad_dev_data.json --output models/xqg-mt5-base

A small CPU run on the bundled demo::

    python -m xqg_pyserini.train generator --model MT5_DIR --train-data xqg-demo/train \\
        --output models/xqg-demo-generator --batch-size 8 --max-steps 50 --eval-every 25

The output directory is a Hugging Face model that ``python -m
xqg_pyserini.generate --model OUTPUT`` loads as it is (give it the same
``--prompt-template`` when training used another).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

from xqg_pyserini.cli.config import add_config_argument, parse_with_config, require
from xqg_pyserini.generation.prompts import DEFAULT_TEMPLATE, PLACEHOLDERS
from xqg_pyserini.progress import add_progress_argument

__all__ = ["build_parser", "main"]

PROG = "python -m xqg_pyserini.train generator"
REQUIRED = ("--model", "--train-data", "--output")

_DATA = (
    "an ir_datasets id with questions, languages and qrels (e.g. xqg-demo/train: each question "
    "with each relevant passage), an XOR-TyDi gold paragraph file (.json or .json.gz, "
    "SQuAD-style), or a .jsonl(.gz) file of {question, lang, title, text} lines "
    "(docs/formats.md)"
)


def _int(group: Any, flag: str, default: int | None, text: str, metavar: str = "N") -> None:
    shown = f" (default: {default})" if default is not None else ""
    group.add_argument(flag, type=int, default=default, metavar=metavar, help=f"{text}{shown}")


def _io_arguments(p: argparse.ArgumentParser) -> None:
    io = p.add_argument_group("model, data and output")
    io.add_argument("--model", metavar="NAME_OR_DIR",
                    help="(required) the sequence-to-sequence model to start from "
                    "(AutoModelForSeq2SeqLM): a model directory or hub name, e.g. "
                    "google/mt5-base")  # fmt: skip
    io.add_argument("--train-data", nargs="+", default=None, metavar="PATH_OR_ID",
                    help=f"(required) training pairs, one or more of: {_DATA}; several are "
                    "concatenated")  # fmt: skip
    io.add_argument("--dev-data", nargs="+", default=None, metavar="PATH_OR_ID",
                    help="dev pairs, the same kinds as --train-data, whose loss picks the best "
                    "checkpoint; dev questions that are also training questions are left out. "
                    "Without it, 5%% of the distinct training questions (at least one; all "
                    "pairs of a question together; chosen by a hash of --seed and each "
                    "question, so the same data always gives the same split) are held out "
                    "as the dev split")  # fmt: skip
    io.add_argument("--output", type=Path, metavar="DIR",
                    help="(required) the trained model directory to write (refused if it "
                    "exists, unless --overwrite); it appears complete or not at all")  # fmt: skip
    io.add_argument("--overwrite", action="store_true",
                    help="replace an existing --output, and discard an unfinished run with "
                    "other settings")  # fmt: skip


def _input_arguments(p: argparse.ArgumentParser) -> None:
    placeholders = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    text = p.add_argument_group("what the model reads and writes")
    text.add_argument("--prompt-template", default=DEFAULT_TEMPLATE, metavar="TEMPLATE",
                      help=f"the model input, with placeholders {placeholders}, as in python -m "
                      "xqg_pyserini.generate --prompt-template (give generation the same one); "
                      "it must hold {title} and {text}. Training and dev use the same prompt "
                      f"(default: {DEFAULT_TEMPLATE!r})".replace("%", "%%"))  # fmt: skip
    _int(text, "--max-input-length", 128, "prompt tokens kept; longer passages are cut at the end")
    _int(text, "--max-target-length", 64, "question tokens kept as labels, end token included")


def _optimisation_arguments(p: argparse.ArgumentParser) -> None:
    opt = p.add_argument_group("optimisation (defaults: the authors' recipe)")
    _int(opt, "--max-steps", 2000, "optimizer steps to train")
    opt.add_argument("--learning-rate", type=float, default=1e-4, metavar="LR",
                     help="AdamW learning rate, constant, no warm-up (default: 1e-4)")  # fmt: skip
    _int(opt, "--batch-size", 32, "pairs per device and forward pass (also for the dev loss)")
    _int(opt, "--gradient-accumulation-steps", None,
         "forward passes per optimizer step (default: enough for an effective batch of 128, "
         "i.e. ceil(128 / (batch-size x devices)))")  # fmt: skip
    _int(opt, "--eval-every", 100,
         "compute the dev loss and checkpoint every STEPS steps (and at the last step); the "
         "checkpoint with the lowest dev loss is the output", metavar="STEPS")  # fmt: skip
    _int(
        opt, "--seed", 313, "seed of the model's dropout, the data order and the held-out dev split"
    )


def _run_arguments(p: argparse.ArgumentParser) -> None:
    run = p.add_argument_group("device, precision and logging")
    run.add_argument("--device", default=None,
                     help="cpu, cuda, cuda:N or mps (default: cuda when available, "
                     "else cpu)")  # fmt: skip
    run.add_argument("--dtype", choices=("float32", "bfloat16", "float16"), default=None,
                     help="mixed precision (weights stay float32): bfloat16 for GPUs that have "
                     "it; float16 is refused for mT5/T5, which overflow in it (default: "
                     "bfloat16 on such a GPU, else float32)")  # fmt: skip
    _int(run, "--logging-steps", 10, "record the training loss every STEPS steps", metavar="STEPS")
    add_progress_argument(p)
    add_config_argument(p)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description=textwrap.fill(
            "Fine-tune a sequence-to-sequence model (mT5) to write a question in a target "
            "language for an English passage: input = the prompt filled with the passage's "
            "title and text and the language's English name, label = the question, loss = the "
            "model's own cross-entropy. Defaults are the authors' recipe. Runs are "
            "checkpointed and resume when started again with the same settings. Writes a "
            "model directory that python -m xqg_pyserini.generate --model takes as is.",
            width=80,
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _io_arguments(p)
    _input_arguments(p)
    _optimisation_arguments(p)
    _run_arguments(p)
    return p


def _listed(value: str | list[str] | None) -> list[str]:
    """A source list as given on the command line or in --config (where one may be a string)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _config(args: argparse.Namespace) -> Any:
    from xqg_pyserini.training.generator.config import GeneratorTrainingConfig

    args.train_data, args.dev_data = _listed(args.train_data), _listed(args.dev_data) or None

    return GeneratorTrainingConfig(
        model=args.model,
        output=str(args.output),
        train_data=tuple(args.train_data),
        dev_data=tuple(args.dev_data or ()),
        prompt_template=args.prompt_template,
        max_input_length=args.max_input_length,
        max_target_length=args.max_target_length,
        max_steps=args.max_steps,
        learning_rate=args.learning_rate,
        batch_size=args.batch_size,
        gradient_accumulation_steps=args.gradient_accumulation_steps,
        eval_every=args.eval_every,
        logging_steps=args.logging_steps,
        seed=args.seed,
        device=args.device,
        dtype=args.dtype,
        progress=not args.no_progress,
        overwrite=args.overwrite,
    )


def _read(sources: list[str], left_out: dict[str, Any]) -> list[Any]:
    from xqg_pyserini.training.generator.sources import load_triples

    triples = []
    for source in sources:
        loaded = load_triples(source)
        triples.extend(loaded.triples)
        left_out[source] = loaded.left_out
    return triples


def _summary(config: Any, record: dict[str, Any]) -> str:
    data = record["data"]
    best = record["best_dev_loss"]
    best_text = (
        f"best dev loss {best:.4f} at step {record['best_step']}" if best is not None else ""
    )
    template = ""
    if config.prompt_template != DEFAULT_TEMPLATE:
        template = f" --prompt-template {config.prompt_template!r}"
    return (
        f"trained {record['steps']} steps (effective batch {record['effective_batch']}, "
        f"{data['train']['triples']} training pairs, {data['dev']['triples']} dev pairs); "
        f"{best_text}; {record['seconds_this_session']:.0f} s; wrote {config.output}\n"
        f"generate with it:\n  python -m xqg_pyserini.generate --model {config.output} "
        f"--corpus CORPUS --output QUESTIONS.jsonl{template}"
    )


def main(argv: list[str] | None = None) -> int:
    from xqg_pyserini.errors import XqgError

    parser = build_parser()
    args = parse_with_config(parser, argv)
    require(parser, args, *REQUIRED)
    try:
        config = _config(args)
        from xqg_pyserini.training.generator.model import check_generator_model
        from xqg_pyserini.training.generator.run import resolve_config, train_generator
        from xqg_pyserini.training.workdir import check_output_free

        # the cheap refusals first, before any data is read
        check_output_free(Path(config.output), config.overwrite)
        resolved = resolve_config(config)
        check_generator_model(resolved.model, resolved.dtype or "float32", resolved.device or "cpu")
        left_out: dict[str, Any] = {}
        train = _read(args.train_data, left_out)
        dev = _read(args.dev_data, left_out) if args.dev_data else None
        record = train_generator(config, train, dev, left_out=left_out)
    except (XqgError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(_summary(config, record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
