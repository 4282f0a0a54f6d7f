"""The Hugging Face Trainer, taught the xDR loss.

The Trainer holds the loop: AdamW, warm-up and linear decay, mixed precision,
devices, checkpoints with optimizer, scheduler and random states, and resuming
(``resume_from_checkpoint``). What it cannot know is written here: a batch is
a list of query positions; at each step the positions become texts through
:class:`~xqg_pyserini.training.retriever.groups.GroupSampler` for the current
epoch, the texts become vectors through the same embedding function the index
uses, and the loss is :func:`~xqg_pyserini.training.retriever.loss.contrastive_loss`,
optionally through the gradient cache.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from transformers import Trainer

from xqg_pyserini.encoders.embedding import embed, passage_texts, query_texts, tokenize
from xqg_pyserini.encoders.settings import EncoderSettings
from xqg_pyserini.training.retriever.grad_cache import grad_cache_step
from xqg_pyserini.training.retriever.groups import GroupSampler
from xqg_pyserini.training.retriever.loss import contrastive_loss

if TYPE_CHECKING:
    import torch

__all__ = ["QueryPositions", "RetrieverTrainer", "collate_positions", "device_inputs"]


def device_inputs(tokenizer: Any, texts: list[str], max_length: int, device: Any) -> dict[str, Any]:
    """:func:`~xqg_pyserini.encoders.embedding.tokenize`'s inputs, moved to ``device``."""
    return {k: v.to(device) for k, v in tokenize(tokenizer, texts, max_length).items()}


class QueryPositions:
    """The dataset the Trainer iterates: positions ``0 .. n-1`` of the training queries.

    Texts are drawn at the step, not here, because which passages a query gets
    depends on the epoch (see :class:`GroupSampler`).
    """

    def __init__(self, size: int) -> None:
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> int:
        if not 0 <= index < self.size:
            raise IndexError(index)
        return index


def collate_positions(positions: list[int]) -> dict[str, torch.Tensor]:
    import torch

    return {"positions": torch.tensor(positions, dtype=torch.long)}


class RetrieverTrainer(Trainer):
    """A Trainer whose loss is the bi-encoder's contrastive loss.

    Parameters (besides the Trainer's)
    ----------------------------------
    groups : GroupSampler
        The training queries and the per-epoch draw of their passages.
    settings : EncoderSettings
        How texts become vectors (prefixes, lengths, pooling, normalisation).
    temperature : float
        Scores are divided by it (1: the paper's plain dot product).
    query_chunk, passage_chunk : int or None
        Gradient-cache chunk sizes; None computes the batch in one pass.
    """

    def __init__(
        self,
        *args: Any,
        groups: GroupSampler,
        settings: EncoderSettings,
        temperature: float = 1.0,
        query_chunk: int | None = None,
        passage_chunk: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.groups = groups
        self.settings = settings
        self.temperature = temperature
        self.query_chunk = query_chunk
        self.passage_chunk = passage_chunk
        self.model_accepts_loss_kwargs = False

    # -- a batch of positions -> tokenised queries and passages ------------------

    def batch_inputs(self, positions: torch.Tensor) -> tuple[dict[str, Any], dict[str, Any]]:
        """Tokenised queries and their groups of passages, on the model's device."""
        epoch = int(self.state.epoch or 0)
        queries, passages = [], []
        for position in positions.tolist():
            query, group = self.groups.group(position, epoch)
            queries.append(query)
            passages.extend(group)
        device = self.args.device
        p_texts = passage_texts(
            self.settings, [p.text for p in passages], [p.title for p in passages]
        )
        return (
            device_inputs(self.processing_class, query_texts(self.settings, queries),
                          self.settings.query_max_length, device),
            device_inputs(self.processing_class, p_texts, self.settings.passage_max_length, device),
        )  # fmt: skip

    def _loss(self, queries: torch.Tensor, passages: torch.Tensor) -> torch.Tensor:
        return contrastive_loss(queries, passages, self.temperature)

    # -- the Trainer's hooks -----------------------------------------------------

    def compute_loss(
        self,
        model: Any,
        inputs: dict[str, Any],
        return_outputs: bool = False,
        num_items_in_batch: Any = None,
    ) -> Any:
        q_inputs, p_inputs = self.batch_inputs(inputs["positions"])
        queries = embed(model, q_inputs, self.settings)
        passages = embed(model, p_inputs, self.settings)
        loss = self._loss(queries, passages)
        return (loss, {"queries": queries, "passages": passages}) if return_outputs else loss

    def training_step(self, model: Any, inputs: dict[str, Any], num_items_in_batch: Any = None):  # type: ignore[override]
        if self.query_chunk is None and self.passage_chunk is None:
            return super().training_step(model, inputs, num_items_in_batch)
        model.train()
        if hasattr(self.optimizer, "train") and callable(self.optimizer.train):
            self.optimizer.train()
        q_inputs, p_inputs = self.batch_inputs(inputs["positions"].to(self.args.device))
        rows_q = q_inputs["input_ids"].shape[0]
        rows_p = p_inputs["input_ids"].shape[0]
        return grad_cache_step(
            lambda chunk: embed(model, chunk, self.settings),
            q_inputs,
            p_inputs,
            self._loss,
            query_chunk=self.query_chunk or rows_q,
            passage_chunk=self.passage_chunk or rows_p,
            backward=self.accelerator.backward,
            forward_context=self.compute_loss_context_manager,
        )
