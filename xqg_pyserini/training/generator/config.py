"""What a generator training run is asked to do: one frozen value, the flags' defaults.

Defaults are DSI-QG's recipe as the xQG authors ran it (METHOD.md, "Training
the generator"): the prompt of ``python -m xqg_pyserini.generate``, inputs cut
at 128 tokens, lr 1e-4 constant with no warm-up, an effective batch of 128
(through gradient accumulation), 2,000 steps, the dev loss every 100 steps with
the best checkpoint kept, seed 313. ``None`` fields are resolved by the run
(:meth:`GeneratorTrainingConfig.resolved`) before anything is recorded.
"""

from __future__ import annotations

import math
import string
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from xqg_pyserini.generation.prompts import DEFAULT_TEMPLATE, PromptTemplate, PromptTemplateError

__all__ = ["DTYPES", "EFFECTIVE_BATCH", "GeneratorTrainingConfig", "training_template"]

DTYPES = ("float32", "bfloat16", "float16")
EFFECTIVE_BATCH = 128
"""Examples per optimizer step that the default gradient accumulation aims at."""

# Settings that do not change the weights a run ends with: a resumed run may differ in them.
RESUME_INDEPENDENT = frozenset({"output", "overwrite", "device", "logging_steps", "progress"})


def training_template(template: str) -> PromptTemplate:
    """``template`` checked as ``--prompt-template`` of generation, and holding ``{title}``.

    Raises
    ------
    PromptTemplateError
        As :class:`~xqg_pyserini.generation.prompts.PromptTemplate`, or when
        ``{title}`` is missing: training fills in each gold passage's title and
        text, so a template without either would drop what the data holds.
    """
    checked = PromptTemplate(template)
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    if "title" not in names:
        raise PromptTemplateError(
            f"prompt template {template!r}: must contain {{title}} (training fills in each "
            "passage's title and text)"
        )
    return checked


@dataclass(frozen=True)
class GeneratorTrainingConfig:
    """Every setting of a generator training run (the CLI's flags, one field each)."""

    model: str
    output: str
    train_data: tuple[str, ...] = ()
    dev_data: tuple[str, ...] = ()
    prompt_template: str = DEFAULT_TEMPLATE
    max_input_length: int = 128
    max_target_length: int = 64
    max_steps: int = 2000
    learning_rate: float = 1e-4
    batch_size: int = 32
    gradient_accumulation_steps: int | None = None
    """None: enough to make ``batch_size x devices x steps`` :data:`EFFECTIVE_BATCH`."""
    eval_every: int = 100
    logging_steps: int = 10
    seed: int = 313
    device: str | None = None
    """None: cuda when available, else cpu."""
    dtype: str | None = None
    """None: bfloat16 on a CUDA device that supports it, else float32."""
    progress: bool = True
    """Draw the Trainer's bar; it is drawn only when stderr is a terminal."""
    overwrite: bool = False
    template: PromptTemplate = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "train_data", tuple(self.train_data))
        object.__setattr__(self, "dev_data", tuple(self.dev_data))
        object.__setattr__(self, "template", training_template(self.prompt_template))
        positive = ("max_input_length", "max_target_length", "max_steps", "batch_size",
                    "eval_every", "logging_steps")  # fmt: skip
        for name in positive:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                flag = name.replace("_", "-")
                raise ValueError(f"--{flag} must be a positive integer, got {value!r}")
        accumulation = self.gradient_accumulation_steps
        if accumulation is not None and (not isinstance(accumulation, int) or accumulation < 1):
            raise ValueError(
                f"--gradient-accumulation-steps must be a positive integer, got {accumulation!r}"
            )
        if not self.learning_rate > 0:
            raise ValueError(f"--learning-rate must be positive, got {self.learning_rate!r}")
        if self.dtype is not None and self.dtype not in DTYPES:
            raise ValueError(f"--dtype must be one of {', '.join(DTYPES)}, got {self.dtype!r}")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ValueError(f"--seed must be an integer, got {self.seed!r}")

    def resolved(self, device: str, dtype: str, world_size: int = 1) -> GeneratorTrainingConfig:
        """This config with the device, the dtype and the accumulation filled in.

        ``world_size`` is the number of processes (GPUs) training together; the
        default accumulation is ``ceil(128 / (batch_size x world_size))``.
        """
        accumulation = self.gradient_accumulation_steps or max(
            1, math.ceil(EFFECTIVE_BATCH / (self.batch_size * world_size))
        )
        return replace(self, device=device, dtype=dtype, gradient_accumulation_steps=accumulation)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (``template`` left out: it is ``prompt_template`` parsed)."""
        record = asdict(self)
        record.pop("template", None)
        record["train_data"] = list(self.train_data)
        record["dev_data"] = list(self.dev_data)
        return record

    def resume_key(self) -> dict[str, Any]:
        """The settings a run resumed from a checkpoint must share with the first."""
        return {k: v for k, v in self.to_dict().items() if k not in RESUME_INDEPENDENT}
