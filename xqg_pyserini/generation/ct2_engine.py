"""The CTranslate2 engine: :class:`QuestionGenerator`'s interface on a converted model.

:class:`Ct2QuestionGenerator` tokenizes the prompts with the model's own
Hugging Face tokenizer (same template, same cut at ``max_input_length``) and
samples with ``ctranslate2.Translator.translate_batch``: one encoder pass per
(passage, language), ``num_hypotheses = queries_per_language`` draws from the
k most likely tokens at each step, at most ``max_length`` generated tokens (end
token included, as on the hf engine), no minimum length. The end token is the
model's ``eos_token_id``; the decoder starts from its ``decoder_start_token_id``
(the converter writes it into the CTranslate2 config). A repetition penalty or
``no_repeat_ngram_size`` in the checkpoint's generation config is passed on;
other score processors are refused (:class:`Ct2Unavailable`).

Randomness: CTranslate2 draws from a generator that each of its worker threads
seeds once, from the global seed, the first time it samples;
``ctranslate2.set_random_seed`` alone does not reseed a running translator. So
with ``reseed="batch"`` every batch sets the seed from (seed, first docid of the
batch) and loads a fresh translator (one model load per batch), and a batch's
questions depend only on its passages, the batch size, the compute type, the
thread count, the device and the ctranslate2 version. With ``reseed="run"`` the
seed is set once and the model loaded once per process. See docs/generation.md.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.data.generated import GeneratedQueries
from xqg_pyserini.errors import XqgError
from xqg_pyserini.generation.ct2_convert import (
    Ct2Unavailable,
    ModelSource,
    ct2_model_dir,
    resolve_source,
)
from xqg_pyserini.generation.generator import GenerationSettings, ModelLoadError, group_questions
from xqg_pyserini.generation.sampling import derive_seed

__all__ = [
    "COMPUTE_TYPES",
    "INSTALL_HINT",
    "RESEED_MODES",
    "ComputeTypeError",
    "Ct2NotInstalledError",
    "Ct2Options",
    "Ct2QuestionGenerator",
    "batch_seed",
    "import_ctranslate2",
]

COMPUTE_TYPES = (
    "auto",
    "int8",
    "int8_float32",
    "int8_bfloat16",
    "int16",
    "bfloat16",
    "float32",
    "float16",
    "int8_float16",
)
RESEED_MODES = ("batch", "run")
INSTALL_HINT = "pip install 'xqg_pyserini[ct2]'"
_FLOAT16 = ("float16", "int8_float16")
_T5_FAMILY = ("t5", "mt5", "umt5", "longt5")
# Score processors the hf engine takes from a checkpoint's generation config and
# CTranslate2 has no equivalent for (repetition_penalty and no_repeat_ngram_size it has).
_UNSUPPORTED_GENERATION = (
    "min_length",
    "min_new_tokens",
    "bad_words_ids",
    "sequence_bias",
    "encoder_repetition_penalty",
    "encoder_no_repeat_ngram_size",
    "forced_bos_token_id",
    "forced_eos_token_id",
    "suppress_tokens",
    "begin_suppress_tokens",
    "exponential_decay_length_penalty",
    "renormalize_logits",
)
_CT2_DEFAULT_SEED = 2**32 - 1  # CTranslate2 reads this seed as "random"


class Ct2NotInstalledError(XqgError, ImportError):
    """``--engine ct2`` without the ctranslate2 package."""


class ComputeTypeError(XqgError, ValueError):
    """A ``--ct2-compute-type`` that the model or the device cannot use."""


@dataclass(frozen=True)
class Ct2Options:
    """The ct2 engine's settings: ``--ct2-compute-type``, ``--ct2-threads``, ``--ct2-reseed``."""

    compute_type: str = "auto"
    threads: int = 0
    """intra_threads; 0 = torch's thread count (the physical cores)."""
    reseed: str = "batch"

    def __post_init__(self) -> None:
        if self.compute_type not in COMPUTE_TYPES:
            raise ComputeTypeError(
                f"--ct2-compute-type {self.compute_type!r}: expected one of "
                f"{', '.join(COMPUTE_TYPES)}"
            )
        if not isinstance(self.threads, int) or isinstance(self.threads, bool) or self.threads < 0:
            raise ValueError(
                f"--ct2-threads must be 0 (torch's thread count) or more, got {self.threads!r}"
            )
        if self.reseed not in RESEED_MODES:
            raise ValueError(f"--ct2-reseed must be one of {', '.join(RESEED_MODES)}")


def import_ctranslate2() -> Any:
    """The ``ctranslate2`` module, or :class:`Ct2NotInstalledError` with the install command."""
    try:
        import ctranslate2
    except ImportError:
        raise Ct2NotInstalledError(
            "the ct2 engine (--engine ct2) needs the ctranslate2 package, which is not "
            f"installed; install it with: {INSTALL_HINT} (or use --engine hf)"
        ) from None
    return ctranslate2


def batch_seed(seed: int, doc_id: str) -> int:
    """CTranslate2's 32-bit seed for a batch whose first passage is ``doc_id``."""
    return derive_seed(seed, doc_id, "ct2-batch") % _CT2_DEFAULT_SEED


def _device(ct2: Any, device: str) -> tuple[str, int]:
    """``cpu`` -> ("cpu", 0); ``cuda`` or ``cuda:N`` -> ("cuda", N) when CTranslate2 sees it."""
    kind, _, index = device.partition(":")
    if kind == "cpu" and not index:
        return "cpu", 0
    if kind != "cuda" or (index and not index.isdigit()):
        raise Ct2Unavailable(f"--device {device}: the ct2 engine runs on cpu or cuda[:N] only")
    number = int(index or 0)
    count = ct2.get_cuda_device_count()
    if number >= count:
        raise Ct2Unavailable(
            f"--device {device}: ctranslate2 sees {count} CUDA device(s) on this machine"
        )
    return "cuda", number


def _compute_type(ct2: Any, requested: str, device: str, index: int, model_type: str) -> str:
    """The compute type to convert to and run in (``auto``: int8 on CPU, bfloat16 on GPUs)."""
    if requested in _FLOAT16 and model_type in _T5_FAMILY:
        raise ComputeTypeError(
            f"--ct2-compute-type {requested}: {model_type} models overflow in float16 and "
            "CTranslate2 then writes garbage; use bfloat16 or int8_bfloat16 (GPUs), int8 or float32"
        )
    supported = set(ct2.get_supported_compute_types(device, index))
    if requested == "auto":
        preferred = "int8" if device == "cpu" else "bfloat16"
        return preferred if preferred in supported else "float32"
    if requested not in supported:
        raise ComputeTypeError(
            f"--ct2-compute-type {requested} is not supported on {device} here "
            f"(supported: {', '.join(sorted(supported))})"
        )
    return requested


def _generation_options(source: ModelSource) -> dict[str, Any]:
    """The checkpoint's repetition penalty / no-repeat n-gram size, as translate_batch options."""
    from transformers import GenerationConfig

    if not (source.directory / "generation_config.json").is_file():
        return {}
    try:
        config = GenerationConfig.from_pretrained(os.fspath(source.directory))
    except (OSError, ValueError) as exc:
        message = f"{source.name!r}: unreadable generation_config.json ({exc})"
        raise Ct2Unavailable(message) from None
    defaults = GenerationConfig()
    unsupported = [
        name
        for name in _UNSUPPORTED_GENERATION
        if getattr(config, name, None) != getattr(defaults, name, None)
    ]
    if unsupported:
        raise Ct2Unavailable(
            f"{source.name!r}: its generation_config.json sets {', '.join(unsupported)}, which "
            "the hf engine applies and the ct2 engine cannot; use --engine hf"
        )
    options: dict[str, Any] = {}
    if config.repetition_penalty not in (None, 1.0):
        options["repetition_penalty"] = float(config.repetition_penalty)
    if config.no_repeat_ngram_size:
        options["no_repeat_ngram_size"] = int(config.no_repeat_ngram_size)
    return options


class Ct2QuestionGenerator:
    """Generate questions with CTranslate2; the same interface as :class:`QuestionGenerator`.

    Parameters
    ----------
    settings
        Model, template, languages, sampling and length settings, seed.
    device
        ``cpu``, ``cuda`` or ``cuda:N``.
    options
        Compute type, threads, reseeding (:class:`Ct2Options`).
    cache
        Root of the conversion cache (default: :func:`xqg_pyserini.cache.cache_dir`).

    Raises
    ------
    Ct2NotInstalledError
        Without the ctranslate2 package.
    Ct2Unavailable
        If the model does not convert or the device is not one CTranslate2 runs on.
    ComputeTypeError
        For float16 on a T5-family model, or a compute type the device lacks.
    ModelLoadError
        If the model directory does not exist or the converted model does not load.
    """

    batch_dependent = True
    """A passage's questions depend on the other passages of its batch (the random stream)."""

    def __init__(
        self,
        settings: GenerationSettings,
        device: str = "cpu",
        options: Ct2Options = Ct2Options(),
        cache: os.PathLike[str] | None = None,
    ) -> None:
        self._ct2 = import_ctranslate2()
        self.settings = settings
        self.options = options
        self.device, self.device_index = _device(self._ct2, device)
        source = resolve_source(settings.model)
        config = source.config()
        self.compute_type = _compute_type(
            self._ct2, options.compute_type, self.device, self.device_index, config.model_type
        )
        self.threads = options.threads or _default_threads()
        self._generation = _generation_options(source)
        self.model_dir = ct2_model_dir(source, self.compute_type, cache)
        self.tokenizer = _load_tokenizer(source)
        self._vocab_size = int(config.vocab_size)
        eos = config.eos_token_id
        eos_ids = eos if isinstance(eos, list) else [eos]
        self._end_tokens = self.tokenizer.convert_ids_to_tokens(eos_ids)
        self._translator = self._load()
        self._used = False
        self.empty_dropped = 0
        """Questions decoded as empty (after stripping) and left out, so far."""

    @property
    def engine_settings(self) -> dict[str, Any]:
        """What the settings record says about the engine (see run.py)."""
        return {
            "name": "ct2",
            "ctranslate2": self._ct2.__version__,
            "compute_type": self.compute_type,
            "threads": self.threads,
            "device": self.device,
            "reseed": self.options.reseed,
        }

    def _load(self) -> Any:
        try:
            return self._ct2.Translator(
                os.fspath(self.model_dir),
                device=self.device,
                device_index=self.device_index,
                compute_type=self.compute_type,
                inter_threads=1,
                intra_threads=self.threads,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelLoadError(
                f"cannot load {self.model_dir} on {self.device} as {self.compute_type}: {text}"
            ) from None

    def _reseed(self, doc_id: str) -> None:
        """Seed the random stream of the next batch (``reseed="run"``: the first one only)."""
        if self._used and self.options.reseed == "run":
            return
        self._ct2.set_random_seed(batch_seed(self.settings.seed, doc_id))
        if self._used:  # its worker thread seeded its generator already: only a new one reseeds
            self._translator = None
            self._translator = self._load()
        self._used = True

    def generate(self, passages: Sequence[Passage]) -> list[GeneratedQueries]:
        """Questions for each passage, in order: ``queries[lang]`` holds up to n strings.

        Each string is stripped; empty ones are left out (counted in
        :attr:`empty_dropped`). The n draws of a (passage, language) come in
        CTranslate2's order: by decreasing length-normalised log-probability.
        """
        if not passages:
            return []
        s = self.settings
        prompts = [s.template.format(lang, p) for p in passages for lang in s.languages]
        drawn = self.sample(prompts, passages[0].doc_id)
        flat = [ids for per_prompt in drawn for ids in per_prompt]
        texts = [t.strip() for t in self.tokenizer.batch_decode(flat, skip_special_tokens=True)]
        records, empty = group_questions(passages, texts, s)
        self.empty_dropped += empty
        return records

    def sample(self, prompts: Sequence[str], seed_key: str) -> list[list[list[int]]]:
        """Token ids of the ``queries_per_language`` draws of each prompt, end token left out.

        ``seed_key`` (the batch's first docid) seeds the batch's random stream.
        """
        s = self.settings
        encoded = self.tokenizer(list(prompts), max_length=s.max_input_length, truncation=True)[
            "input_ids"
        ]
        sources = [self.tokenizer.convert_ids_to_tokens(ids) for ids in encoded]
        k = min(s.top_k, self._vocab_size)
        # Greedy (k = 1) gives n equal draws: decode once (CTranslate2 refuses more
        # hypotheses than beams without sampling).
        n = s.queries_per_language if k > 1 else 1
        self._reseed(seed_key)
        results = self._translator.translate_batch(
            sources,
            max_batch_size=0,
            beam_size=1,
            num_hypotheses=n,
            sampling_topk=k,
            sampling_temperature=1.0,
            max_decoding_length=s.max_length,
            min_decoding_length=0,
            max_input_length=0,  # cut above, at max_input_length, as on the hf engine
            end_token=self._end_tokens,
            return_scores=False,
            **self._generation,
        )
        drawn = []
        for result in results:
            ids = [self.tokenizer.convert_tokens_to_ids(h) for h in result.hypotheses]
            drawn.append(ids if k > 1 else ids * s.queries_per_language)
        return drawn


def _default_threads() -> int:
    import torch

    return max(1, torch.get_num_threads())


def _load_tokenizer(source: ModelSource) -> Any:
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(os.fspath(source.directory))
    except (OSError, ValueError, KeyError, ImportError) as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelLoadError(f"cannot load the tokenizer of {source.name!r}: {text}") from None
