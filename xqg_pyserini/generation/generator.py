"""The xQG question generator: an mT5 (any ``AutoModelForSeq2SeqLM``) writing questions.

:class:`QuestionGenerator` turns a batch of passages into
:class:`~xqg_pyserini.data.generated.GeneratedQueries`. For every (passage,
language) the prompt is encoded once, in one encoder call for the whole batch;
the encoder states are then repeated ``queries_per_language`` times and the
decoder samples all questions together (seeded top-k, see
:mod:`xqg_pyserini.generation.sampling`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.data.generated import GeneratedQueries
from xqg_pyserini.errors import XqgError
from xqg_pyserini.generation.prompts import (
    DEFAULT_TEMPLATE,
    XOR_LANGUAGES,
    PromptTemplate,
    resolve_languages,
)
from xqg_pyserini.generation.sampling import SeededTopKSampler, derive_seed, gumbel_noise

__all__ = [
    "DTYPES",
    "GenerationSettings",
    "ModelLoadError",
    "QuestionEngine",
    "QuestionGenerator",
    "group_questions",
    "load_seq2seq",
]

DTYPES = ("float32", "float16", "bfloat16")
_SPECIAL_IDS = ("decoder_start_token_id", "eos_token_id", "pad_token_id")


class ModelLoadError(XqgError, OSError):
    """A model or tokenizer that cannot be loaded, or a device/dtype that cannot run it."""


class QuestionEngine(Protocol):
    """What :func:`~xqg_pyserini.generation.run.run_generation` needs of a generator.

    :class:`QuestionGenerator` (Hugging Face) and
    :class:`~xqg_pyserini.generation.ct2_engine.Ct2QuestionGenerator` (CTranslate2).
    """

    settings: GenerationSettings
    empty_dropped: int
    batch_dependent: bool
    """True when a passage's questions depend on the other passages of its batch: the run
    then records the batch size and forms batches at fixed positions of the shard."""

    @property
    def engine_settings(self) -> dict[str, Any]:
        """JSON-ready engine name and settings, for the run's settings record."""
        ...

    def generate(self, passages: Sequence[Passage]) -> list[GeneratedQueries]:
        """Questions for each passage, in order."""
        ...


@dataclass(frozen=True)
class GenerationSettings:
    """What determines the generated questions (with the corpus and the model's weights).

    ``max_length`` counts generated tokens (end-of-sequence included);
    ``max_input_length`` counts prompt tokens, the end of the passage being cut.
    """

    model: str
    prompt_template: str = DEFAULT_TEMPLATE
    languages: tuple[str, ...] = XOR_LANGUAGES
    queries_per_language: int = 5
    top_k: int = 10
    max_length: int = 64
    max_input_length: int = 512
    seed: int = 0
    template: PromptTemplate = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "languages", resolve_languages(self.languages))
        object.__setattr__(self, "template", PromptTemplate(self.prompt_template))
        for name in ("queries_per_language", "top_k", "max_length", "max_input_length"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                flag = name.replace("_", "-")
                raise ValueError(f"--{flag} must be a positive integer, got {value!r}")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ValueError(f"--seed must be an integer, got {self.seed!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (``template`` left out: it is ``prompt_template`` parsed)."""
        return {
            "model": self.model,
            "prompt_template": self.prompt_template,
            "languages": list(self.languages),
            "queries_per_language": self.queries_per_language,
            "top_k": self.top_k,
            "max_length": self.max_length,
            "max_input_length": self.max_input_length,
            "seed": self.seed,
        }


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def load_seq2seq(name: str, device: str = "cpu", dtype: str = "float32") -> tuple[Any, Any]:
    """Load ``(tokenizer, model)`` from a model directory or hub name, in eval mode on ``device``.

    A name that is an existing directory is loaded from disk; a name spelled as
    a path (absolute, or starting with ``.`` or ``~``) that does not exist is an
    error without asking the hub.

    Raises
    ------
    ModelLoadError
        If either cannot be loaded, the model is not a sequence-to-sequence
        model, or the device or dtype is unusable (one-line message).
    """
    import torch

    if dtype not in DTYPES:
        raise ModelLoadError(f"unknown dtype {dtype!r}; expected one of {', '.join(DTYPES)}")
    path = Path(name).expanduser()
    if not path.exists() and (path.is_absolute() or name.startswith((".", "~"))):
        raise ModelLoadError(f"model directory not found: {name}")
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(os.fspath(path) if path.exists() else name)
        model = AutoModelForSeq2SeqLM.from_pretrained(os.fspath(path) if path.exists() else name)
    except (OSError, ValueError, KeyError, ImportError) as exc:
        raise ModelLoadError(
            f"cannot load a sequence-to-sequence model from {name!r}: {_first_line(exc)}"
        ) from None
    try:
        model.to(device=torch.device(device), dtype=getattr(torch, dtype)).eval()
    except (RuntimeError, ValueError, AssertionError) as exc:
        message = f"cannot put {name!r} on {device} as {dtype}: {_first_line(exc)}"
        raise ModelLoadError(message) from None
    return tokenizer, model


class QuestionGenerator:
    """Generate questions in several languages for batches of passages.

    Parameters
    ----------
    settings
        Model, template, languages, sampling and length settings, seed.
    device
        A torch device string, e.g. ``"cpu"`` or ``"cuda:0"``.
    dtype
        One of :data:`DTYPES`; half precision is meant for GPUs (mT5 overflows
        in float16, so prefer bfloat16).

    Raises
    ------
    ModelLoadError
        If the model cannot be loaded (see :func:`load_seq2seq`).
    """

    def __init__(
        self, settings: GenerationSettings, device: str = "cpu", dtype: str = "float32"
    ) -> None:
        self.settings = settings
        self.device = device
        self.dtype = dtype
        self.tokenizer, self.model = load_seq2seq(settings.model, device, dtype)
        self.empty_dropped = 0
        """Questions decoded as empty (after stripping) and left out, so far."""

    batch_dependent = False
    """A passage's questions do not depend on its batch (its own random stream; see sampling.py)."""

    @property
    def engine_settings(self) -> dict[str, Any]:
        """What the settings record says about the engine: its name (device, precision and
        batch size may change between runs; see docs/generation.md, Determinism)."""
        return {"name": "hf"}

    def generate(self, passages: Sequence[Passage]) -> list[GeneratedQueries]:
        """Questions for each passage, in order: ``queries[lang]`` holds up to n strings.

        Each string is stripped; empty ones are left out (counted in
        :attr:`empty_dropped`). A passage's random numbers depend only on the seed,
        its docid and the language, never on the other passages of the batch; its
        questions then depend on the model's logits for its prompts, which batching
        can change in the last bits (see docs/generation.md, Determinism).
        """
        if not passages:
            return []
        import torch

        s = self.settings
        n = s.queries_per_language
        pairs = [(p, lang) for p in passages for lang in s.languages]
        with torch.inference_mode():
            encoder_outputs, mask = self._encode([s.template.format(lang, p) for p, lang in pairs])
            seeds = [derive_seed(s.seed, p.doc_id, lang) for p, lang in pairs]
            noise = gumbel_noise(seeds, n, s.max_length, min(s.top_k, self._vocab_size()))
            sequences = self._decode(encoder_outputs, mask, noise.to(self.model.device))
        texts = [
            t.strip() for t in self.tokenizer.batch_decode(sequences, skip_special_tokens=True)
        ]
        return self._records(passages, texts)

    def _vocab_size(self) -> int:
        return int(self.model.get_output_embeddings().weight.shape[0])

    def _encode(self, prompts: list[str]) -> tuple[Any, Any]:
        batch = self.tokenizer(
            prompts,
            max_length=self.settings.max_input_length,
            truncation=True,
            padding=True,
            return_tensors="pt",
        ).to(self.model.device)
        encoder = self.model.get_encoder()
        outputs = encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        return outputs, batch["attention_mask"]

    def _decode(self, encoder_outputs: Any, mask: Any, noise: Any) -> Any:
        from transformers import GenerationConfig
        from transformers.modeling_outputs import BaseModelOutput

        n = self.settings.queries_per_language
        hidden = encoder_outputs.last_hidden_state.repeat_interleave(n, dim=0)
        # Explicit: whatever the checkpoint's generation_config says about sampling,
        # beams or length, the sampling here is SeededTopKSampler's.
        generation_config = GenerationConfig(
            max_new_tokens=self.settings.max_length,
            do_sample=False,  # the sampling is SeededTopKSampler's
            num_beams=1,
            **{name: self._token_id(name) for name in _SPECIAL_IDS},
        )
        return self.model.generate(
            encoder_outputs=BaseModelOutput(last_hidden_state=hidden),
            attention_mask=mask.repeat_interleave(n, dim=0),
            generation_config=generation_config,
            logits_processor=[SeededTopKSampler(noise)],
        )

    def _token_id(self, name: str) -> Any:
        value = getattr(self.model.config, name, None)
        return value if value is not None else getattr(self.model.generation_config, name, None)

    def _records(self, passages: Sequence[Passage], texts: list[str]) -> list[GeneratedQueries]:
        records, empty = group_questions(passages, texts, self.settings)
        self.empty_dropped += empty
        return records


def group_questions(
    passages: Sequence[Passage], texts: Sequence[str], settings: GenerationSettings
) -> tuple[list[GeneratedQueries], int]:
    """Decoded questions, passage-major then language then draw, as records; empties dropped.

    ``texts`` holds ``queries_per_language`` stripped strings per (passage,
    language) pair, in the order of ``passages`` then ``settings.languages``.
    Returns the records and the number of empty strings left out.
    """
    n, languages = settings.queries_per_language, settings.languages
    records, empty = [], 0
    for i, passage in enumerate(passages):
        queries: dict[str, tuple[str, ...]] = {}
        for j, lang in enumerate(languages):
            start = (i * len(languages) + j) * n
            queries[lang] = tuple(q for q in texts[start : start + n] if q)
            empty += n - len(queries[lang])
        records.append(GeneratedQueries(passage.doc_id, passage.text, queries))
    return records, empty
