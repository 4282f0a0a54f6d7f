"""What a retriever training run is asked to do: one frozen value, the flags' defaults.

Defaults are the paper's xDR recipe (METHOD.md, "Training the retriever"):
last-layer [CLS], no normalisation, plain dot product, 32/128 tokens, 128
queries per step with 8 passages each, lr 1e-5, 40 epochs, 10% warm-up then
linear decay, seed 42.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from xqg_pyserini.encoders.settings import POOLINGS, EncoderSettings

__all__ = ["DTYPES", "LOSSES", "RetrieverTrainingConfig"]

DTYPES = ("float32", "float16", "bfloat16")
LOSSES = ("contrastive", "distill")

# Settings that do not change the weights a run ends with: a resumed run may differ in them.
RESUME_INDEPENDENT = frozenset(
    {"output", "overwrite", "device", "save_every", "logging_steps", "progress"}
)


@dataclass(frozen=True)
class RetrieverTrainingConfig:
    """Every setting of a training run (the CLI's flags, one field each)."""

    model: str
    output: str
    train_data: tuple[str, ...] = ()
    pooling: str = "cls"
    l2_norm: bool = False
    temperature: float = 1.0
    query_prefix: str | None = None
    passage_prefix: str | None = None
    query_max_length: int = 32
    passage_max_length: int = 128
    batch_size: int = 128
    train_n_passages: int = 8
    learning_rate: float = 1e-5
    epochs: float = 40.0
    max_steps: int | None = None
    warmup_ratio: float = 0.1
    weight_decay: float = 0.0
    seed: int = 42
    device: str | None = None
    dtype: str = "float32"
    query_chunk: int | None = None
    passage_chunk: int | None = None
    save_every: int | None = None
    logging_steps: int = 10
    progress: bool = True
    """Draw the Trainer's bar; it is drawn only when stderr is a terminal."""
    loss: str = "contrastive"
    teacher: str | None = None
    overwrite: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    """How the training data was asked for (sources, synthetic-pair options): recorded."""

    def __post_init__(self) -> None:
        checks = [
            (self.pooling in POOLINGS, f"--pooling must be one of {', '.join(POOLINGS)}"),
            (self.temperature > 0, "--temperature must be positive"),
            (self.batch_size >= 1, "--batch-size must be at least 1"),
            (self.train_n_passages >= 1, "--train-n-passages must be at least 1"),
            (self.learning_rate > 0, "--learning-rate must be positive"),
            (self.epochs > 0, "--epochs must be positive"),
            (self.max_steps is None or self.max_steps >= 1, "--max-steps must be at least 1"),
            (0 <= self.warmup_ratio < 1, "--warmup-ratio must be in [0, 1)"),
            (self.dtype in DTYPES, f"--dtype must be one of {', '.join(DTYPES)}"),
            (self.loss in LOSSES, f"--loss must be one of {', '.join(LOSSES)}"),
            (self.query_chunk is None or self.query_chunk >= 1, "--query-chunk must be >= 1"),
            (self.passage_chunk is None or self.passage_chunk >= 1, "--passage-chunk must be >= 1"),
            (self.save_every is None or self.save_every >= 1, "--save-every must be >= 1"),
            (self.logging_steps >= 1, "--logging-steps must be at least 1"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    @property
    def encoder_settings(self) -> EncoderSettings:
        """How the trained model embeds, recorded beside its weights for the index."""
        return EncoderSettings(
            model=self.output,
            pooling=self.pooling,
            l2_norm=self.l2_norm,
            query_prefix=self.query_prefix,
            passage_prefix=self.passage_prefix,
            query_max_length=self.query_max_length,
            passage_max_length=self.passage_max_length,
        )

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        record["train_data"] = list(self.train_data)
        return record

    def resume_key(self) -> dict[str, Any]:
        """The settings a run resumed from a checkpoint must share with the first."""
        return {k: v for k, v in self.to_dict().items() if k not in RESUME_INDEPENDENT}
