"""A training run from start to finished model directory, resumable.

Checkpoints go to a work directory beside the output, ``.NAME.training/``
(the Trainer's ``checkpoint-STEP`` folders, and ``run.json`` with the settings
and data fingerprint that a resumed run must share). A run started again with
the same settings resumes from the last checkpoint; when it ends, the model is
saved into the work directory and renamed to ``OUTPUT`` in one step, and the
work directory is removed. Nothing is ever half-written at ``OUTPUT``. The work
directory itself is :mod:`xqg_pyserini.training.workdir`'s, shared with the
generator's trainer.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from xqg_pyserini.atomic import atomic_directory, remove_path
from xqg_pyserini.encoders.settings import write_recorded_settings
from xqg_pyserini.errors import XqgError
from xqg_pyserini.training.examples import TrainingExample
from xqg_pyserini.training.retriever.config import RetrieverTrainingConfig
from xqg_pyserini.training.retriever.groups import GroupSampler, TrainingDataError
from xqg_pyserini.training.retriever.output import (
    check_encoder_model,
    data_identity,
    loss_curve,
    write_training_record,
)
from xqg_pyserini.training.workdir import (
    ResumeMismatchError,
    check_output_free,
    prepare_work,
    work_directory,
)

__all__ = ["ResumeMismatchError", "run_training", "train_retriever", "work_directory"]


def _training_arguments(config: RetrieverTrainingConfig, work: Path, total_steps: int):  # type: ignore[no-untyped-def]
    from transformers import TrainingArguments

    device = config.device or _default_device()
    if config.dtype == "float16" and not device.startswith("cuda"):
        raise XqgError(
            f"--dtype float16 needs a CUDA device, not {device}; use bfloat16 or float32"
        )
    if device.startswith("cuda:"):
        os.environ.setdefault("CUDA_VISIBLE_DEVICES", device.split(":", 1)[1])
    return TrainingArguments(
        output_dir=str(work),
        per_device_train_batch_size=config.batch_size,
        learning_rate=config.learning_rate,
        weight_decay=config.weight_decay,
        num_train_epochs=config.epochs,
        max_steps=config.max_steps or -1,
        warmup_steps=math.ceil(config.warmup_ratio * total_steps),
        lr_scheduler_type="linear",
        seed=config.seed,
        data_seed=config.seed,
        dataloader_drop_last=True,
        remove_unused_columns=False,
        save_strategy="steps" if config.save_every else "epoch",
        save_steps=config.save_every or 500,
        save_total_limit=2,
        logging_steps=config.logging_steps,
        logging_first_step=True,
        disable_tqdm=not (config.progress and sys.stderr.isatty()),
        report_to="none",
        use_cpu=device == "cpu",
        fp16=config.dtype == "float16",
        bf16=config.dtype == "bfloat16",
    )


def _default_device() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def train_retriever(
    config: RetrieverTrainingConfig,
    examples: Sequence[TrainingExample],
    callbacks: Sequence[Any] = (),
) -> dict[str, Any]:
    """Train with the contrastive loss, write ``config.output``, return the training record.

    ``callbacks`` are Hugging Face ``TrainerCallback`` objects added to the run.

    Raises
    ------
    TrainingOutputExistsError
        If the output exists and ``config.overwrite`` is false.
    TrainingDataError
        For data the recipe cannot use (no positive, no negatives where needed,
        fewer queries than one batch).
    NotAnEncoderError, ResumeMismatchError
        See :func:`check_encoder_model` and the work directory.
    """
    groups = GroupSampler(examples, config.train_n_passages, config.seed)

    def trainer_class(**kwargs: Any) -> Any:
        from xqg_pyserini.training.retriever.trainer import RetrieverTrainer

        return RetrieverTrainer(
            **kwargs,
            groups=groups,
            settings=config.encoder_settings,
            temperature=config.temperature,
            query_chunk=config.query_chunk,
            passage_chunk=config.passage_chunk,
        )

    identity = data_identity(list(config.train_data), examples)
    return run_training(config, len(examples), identity, trainer_class, callbacks)


def run_training(
    config: RetrieverTrainingConfig,
    size: int,
    identity: dict[str, Any],
    make_trainer: Callable[..., Any],
    callbacks: Sequence[Any] = (),
) -> dict[str, Any]:
    """The run around any of our Trainers: checks, work directory, resume, output.

    ``size`` is the number of training items (questions); ``make_trainer``
    builds the Trainer from the Hugging Face keyword arguments.
    """
    output = Path(config.output)
    check_output_free(output, config.overwrite)
    if size < config.batch_size:
        raise TrainingDataError(
            f"--batch-size {config.batch_size} needs at least {config.batch_size} training "
            f"questions; the data has {size}"
        )
    check_encoder_model(config.model)
    work = work_directory(output)
    resume_from = prepare_work(work, {**config.resume_key(), "data": identity}, config.overwrite)

    from transformers import AutoModel, AutoTokenizer

    from xqg_pyserini.training.retriever.trainer import QueryPositions, collate_positions

    steps_per_epoch = size // config.batch_size
    total_steps = config.max_steps or math.ceil(config.epochs * steps_per_epoch)
    args = _training_arguments(config, work, total_steps)
    tokenizer = AutoTokenizer.from_pretrained(config.model)
    trainer = make_trainer(
        model=AutoModel.from_pretrained(config.model),
        args=args,
        train_dataset=QueryPositions(size),
        data_collator=collate_positions,
        processing_class=tokenizer,
        callbacks=list(callbacks) or None,
    )
    started = time.time()
    result = trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    record = {
        "kind": f"retriever ({config.loss})",
        "settings": config.to_dict(),
        "data": identity,
        "resumed_from": resume_from.name if resume_from else None,
        "steps": trainer.state.global_step,
        "epochs": trainer.state.epoch,
        "steps_per_epoch": steps_per_epoch,
        "queries_per_second": round(result.metrics.get("train_samples_per_second", 0.0), 3),
        "seconds_this_session": round(time.time() - started, 1),
        "final_loss": result.training_loss,
        "loss_curve": loss_curve(trainer.state.log_history),
    }
    with atomic_directory(output, tmp=work / "final") as final:
        trainer.save_model(str(final))
        write_recorded_settings(final, config.encoder_settings)
        write_training_record(final, record)
    remove_path(work)
    return record
