"""Multilingual distillation (Reimers and Gurevych, 2020) of the question encoder.

A frozen teacher embeds the English question; the student learns

    MSE(student(q_xx), teacher(q_en)) + MSE(student(q_en), teacher(q_en))

on parallel questions, so a question in any language lands where the teacher
puts its English version. Passages stay the teacher's: an index built with the
teacher stays valid, searched with the student's question vectors (for an xQG
index, build with ``--encoder STUDENT --passage-vectors-from TEACHER_INDEX``,
so the passage vectors are the teacher's and the generated questions are
embedded like the search questions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from transformers import Trainer

from xqg_pyserini.encoders.embedding import embed, query_texts
from xqg_pyserini.encoders.settings import EncoderSettings
from xqg_pyserini.training.examples import ParallelQuestion
from xqg_pyserini.training.retriever.config import RetrieverTrainingConfig
from xqg_pyserini.training.retriever.groups import TrainingDataError
from xqg_pyserini.training.retriever.output import data_identity_of_pairs
from xqg_pyserini.training.retriever.run import run_training
from xqg_pyserini.training.retriever.trainer import device_inputs

__all__ = ["DistillationTrainer", "distillation_loss", "train_distilled"]


def distillation_loss(student_xx: Any, student_en: Any, teacher_en: Any) -> Any:
    """``MSE(s(q_xx), t(q_en)) + MSE(s(q_en), t(q_en))``, each the mean over all elements."""
    import torch

    mse = torch.nn.functional.mse_loss
    return mse(student_xx.float(), teacher_en.float()) + mse(student_en.float(), teacher_en.float())


class DistillationTrainer(Trainer):
    """A Trainer whose batch is a list of parallel-question positions."""

    def __init__(
        self,
        *args: Any,
        pairs: Sequence[ParallelQuestion],
        teacher: Any,
        settings: EncoderSettings,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pairs = list(pairs)
        self.teacher = teacher.to(self.args.device).eval().requires_grad_(False)
        self.settings = settings
        self.model_accepts_loss_kwargs = False

    def _inputs(self, texts: list[str]) -> dict[str, Any]:
        return device_inputs(
            self.processing_class, query_texts(self.settings, texts),
            self.settings.query_max_length, self.args.device,
        )  # fmt: skip

    def compute_loss(
        self,
        model: Any,
        inputs: dict[str, Any],
        return_outputs: bool = False,
        num_items_in_batch: Any = None,
    ) -> Any:
        import torch

        pairs = [self.pairs[i] for i in inputs["positions"].tolist()]
        english = self._inputs([p.query_en for p in pairs])
        with torch.no_grad():
            teacher_en = embed(self.teacher, english, self.settings)
        student_xx = embed(model, self._inputs([p.query for p in pairs]), self.settings)
        student_en = embed(model, english, self.settings)
        loss = distillation_loss(student_xx, student_en, teacher_en)
        return (loss, {"student": student_xx}) if return_outputs else loss


def train_distilled(
    config: RetrieverTrainingConfig,
    pairs: Sequence[ParallelQuestion],
    callbacks: Sequence[Any] = (),
) -> dict[str, Any]:
    """Distil ``config.teacher`` (default: ``config.model``) into a student; write the output."""
    if not pairs:
        raise TrainingDataError("--parallel-data holds no question pairs")
    teacher_name = config.teacher or config.model

    def make_trainer(**kwargs: Any) -> Any:
        from transformers import AutoModel

        return DistillationTrainer(
            **kwargs,
            pairs=pairs,
            teacher=AutoModel.from_pretrained(teacher_name),
            settings=config.encoder_settings,
        )

    identity = data_identity_of_pairs(list(config.data.get("parallel_data") or []), pairs)
    return run_training(config, len(pairs), identity, make_trainer, callbacks)
