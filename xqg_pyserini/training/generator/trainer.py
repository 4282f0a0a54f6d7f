"""The Hugging Face ``Seq2SeqTrainer``, set up with DSI-QG's recipe.

The Trainer holds the loop: AdamW at a constant learning rate with no warm-up,
gradient accumulation, bf16 autocast, devices, the dev loss every
``eval_every`` steps, checkpoints (optimizer, scheduler and random states
included) at the same steps, keeping the best by dev loss and the latest, and
resuming. The loss is the model's own: the mean cross-entropy over a
micro-batch's label tokens, -100 ignored; with gradient accumulation the
Trainer averages the micro-batches' losses, as DSI-QG's Trainer (transformers
4.17) did.

:class:`GeneratorTrainer` exists for one reason: recent Trainers ask a model
whose ``forward`` takes ``**kwargs`` to normalise its loss by the token count
of the whole accumulated batch, and then skip their own division by the
accumulation steps; T5/mT5 accept the keyword but ignore it, so the loss and
its gradients would come out ``accumulation`` times too large (transformers
issue 47688). Telling the Trainer that the model takes no loss keywords
restores the plain average.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from transformers import Seq2SeqTrainer

from xqg_pyserini.training.generator.config import GeneratorTrainingConfig
from xqg_pyserini.training.generator.features import TripleFeatures, seq2seq_collator
from xqg_pyserini.training.generator.triples import QuestionTriple

__all__ = ["GeneratorTrainer", "build_trainer", "training_arguments"]


class GeneratorTrainer(Seq2SeqTrainer):
    """A ``Seq2SeqTrainer`` that averages the model's own micro-batch losses over accumulation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model_accepts_loss_kwargs = False


def training_arguments(config: GeneratorTrainingConfig, work: Path) -> Any:
    """``Seq2SeqTrainingArguments`` of a resolved config (device, dtype, accumulation set)."""
    from transformers import Seq2SeqTrainingArguments

    device = config.device or "cpu"
    return Seq2SeqTrainingArguments(
        output_dir=str(work),
        per_device_train_batch_size=config.batch_size,
        per_device_eval_batch_size=config.batch_size,
        gradient_accumulation_steps=config.gradient_accumulation_steps or 1,
        learning_rate=config.learning_rate,
        lr_scheduler_type="constant",
        warmup_steps=0,
        weight_decay=0.0,
        optim="adamw_torch",
        max_steps=config.max_steps,
        seed=config.seed,
        data_seed=config.seed,
        eval_strategy="steps",
        eval_steps=config.eval_every,
        save_strategy="steps",
        save_steps=config.eval_every,
        save_total_limit=2,  # the best and the latest
        load_best_model_at_end=True,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        logging_steps=config.logging_steps,
        logging_first_step=True,
        predict_with_generate=False,
        remove_unused_columns=False,
        disable_tqdm=not (config.progress and sys.stderr.isatty()),
        report_to="none",
        use_cpu=device == "cpu",
        bf16=config.dtype == "bfloat16",
        fp16=config.dtype == "float16",
    )


def build_trainer(
    config: GeneratorTrainingConfig,
    tokenizer: Any,
    model: Any,
    train: Sequence[QuestionTriple],
    dev: Sequence[QuestionTriple],
    work: Path,
    callbacks: Sequence[Any] = (),
) -> Any:
    """A ``Seq2SeqTrainer`` over the train and dev triples, checkpointing into ``work``."""

    def features(triples: Sequence[QuestionTriple]) -> TripleFeatures:
        return TripleFeatures(triples, tokenizer, config.template, config.max_input_length,
                              config.max_target_length)  # fmt: skip

    return GeneratorTrainer(
        model=model,
        args=training_arguments(config, work),
        data_collator=seq2seq_collator(tokenizer, model),
        train_dataset=features(train),
        eval_dataset=features(dev),
        processing_class=tokenizer,
        callbacks=list(callbacks) or None,
    )
