"""A generator training run from triples to a finished model directory, resumable.

The order of work: refuse an existing output, check the model (one line for a
model that is not sequence-to-sequence), make the dev split, then write
``run.json`` (the settings and data fingerprints a resumed run must share)
into the work directory ``.NAME.training/`` (:mod:`xqg_pyserini.training.workdir`)
and train. A run started again with the same settings resumes from its last
checkpoint. At the end the best model (by dev loss), its tokenizer and
``training_record.json`` are written inside the work directory and renamed to
``OUTPUT`` in one step; the work directory is then removed. ``OUTPUT`` loads in
``python -m xqg_pyserini.generate --model OUTPUT``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xqg_pyserini.atomic import atomic_directory, remove_path
from xqg_pyserini.training.generator.config import GeneratorTrainingConfig
from xqg_pyserini.training.generator.model import check_generator_model, load_generator
from xqg_pyserini.training.generator.triples import (
    DEV_SHARE,
    GeneratorDataError,
    QuestionTriple,
    hold_out,
    triples_identity,
    without_overlap,
)
from xqg_pyserini.training.record import eval_curve, loss_curve, write_training_record
from xqg_pyserini.training.workdir import check_output_free, prepare_work, work_directory

__all__ = ["resolve_config", "split_dev", "train_generator"]


def resolve_config(config: GeneratorTrainingConfig) -> GeneratorTrainingConfig:
    """Fill in the device (cuda when available), the dtype (bf16 on GPUs that have it)
    and the gradient accumulation (for ``$WORLD_SIZE`` processes, 1 when unset)."""
    import torch

    device = config.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda:"):
        os.environ.setdefault("CUDA_VISIBLE_DEVICES", device.split(":", 1)[1])
    dtype = config.dtype
    if dtype is None:
        gpu_bf16 = device.startswith("cuda") and torch.cuda.is_available()
        dtype = "bfloat16" if gpu_bf16 and torch.cuda.is_bf16_supported() else "float32"
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    return config.resolved(device, dtype, world_size)


def split_dev(
    config: GeneratorTrainingConfig,
    train: Sequence[QuestionTriple],
    dev: Sequence[QuestionTriple] | None,
) -> tuple[list[QuestionTriple], list[QuestionTriple], dict[str, Any]]:
    """The train and dev triples the run uses, and the data identity it records.

    Without ``dev``, :data:`DEV_SHARE` of the training questions is held out
    (seeded by ``config.seed``); with it, dev questions that are also training
    questions are left out.

    Raises
    ------
    GeneratorDataError
        For no training triples, or a dev split left empty.
    """
    if not train:
        raise GeneratorDataError("the training data holds no (passage, question) pairs")
    if dev is None:
        train, dev = hold_out(train, config.seed)
        dev_how = {"held_out": f"{DEV_SHARE:.0%} of the training questions, seed {config.seed}"}
    else:
        dev, dropped = without_overlap(dev, train)
        dev_how = {"left_out_as_training_questions": dropped}
        if not dev:
            raise GeneratorDataError(
                "the dev data holds no pair whose question is not also a training question"
            )
    identity = {
        "train": triples_identity(config.train_data, train),
        "dev": triples_identity(config.dev_data, dev, **dev_how),
    }
    return list(train), list(dev), identity


def _best_step(trainer: Any) -> int | None:
    best = trainer.state.best_model_checkpoint
    if not best:
        return None
    tail = Path(best).name.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _outcome(config: GeneratorTrainingConfig, trainer: Any, result: Any) -> dict[str, Any]:
    """What the Trainer did: steps, batch, best checkpoint, the loss curves."""
    state = trainer.state
    accumulation = config.gradient_accumulation_steps or 1
    return {
        "effective_batch": config.batch_size * accumulation * trainer.args.world_size,
        "steps": state.global_step,
        "epochs": state.epoch,
        "best_step": _best_step(trainer),
        "best_dev_loss": state.best_metric,
        "final_loss": result.training_loss,
        "loss_curve": loss_curve(state.log_history),
        "dev_loss_curve": eval_curve(state.log_history),
    }


def train_generator(
    config: GeneratorTrainingConfig,
    train: Sequence[QuestionTriple],
    dev: Sequence[QuestionTriple] | None = None,
    callbacks: Sequence[Any] = (),
    left_out: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Fine-tune ``config.model`` on the triples, write ``config.output``, return the record.

    ``dev`` None holds out a share of ``train`` (see :func:`split_dev`).
    ``callbacks`` are Hugging Face ``TrainerCallback`` objects added to the run;
    ``left_out`` (what the readers skipped) goes into the record as it is.

    Raises
    ------
    TrainingOutputExistsError
        If the output exists and ``config.overwrite`` is false.
    NotASeq2SeqModelError
        See :func:`~xqg_pyserini.training.generator.model.check_generator_model`.
    GeneratorDataError, ResumeMismatchError
        See :func:`split_dev` and the work directory.
    """
    output = Path(config.output)
    check_output_free(output, config.overwrite)
    config = resolve_config(config)
    model_type = check_generator_model(
        config.model, config.dtype or "float32", config.device or "cpu"
    )
    train, dev, identity = split_dev(config, train, dev)
    work = work_directory(output)
    resume_from = prepare_work(work, {**config.resume_key(), "data": identity}, config.overwrite)

    from xqg_pyserini.training.generator.trainer import build_trainer

    tokenizer, model = load_generator(config.model)
    trainer = build_trainer(config, tokenizer, model, train, dev, work, callbacks)
    started = time.time()
    result = trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    record = {
        "kind": "generator",
        "model_type": model_type,
        "settings": config.to_dict(),
        "data": {**identity, "left_out_by_readers": left_out or {}},
        "resumed_from": resume_from.name if resume_from else None,
        "seconds_this_session": round(time.time() - started, 1),
        **_outcome(config, trainer, result),
    }
    with atomic_directory(output, tmp=work / "final") as final:
        trainer.save_model(str(final))
        write_training_record(final, record)
    remove_path(work)
    return record
