"""xQG question generation: prompts, seeded top-k sampling, the generator and resumable runs.

``python -m xqg_pyserini.generate`` is the command line over this package; see
``docs/generation.md``. Importing it loads neither torch nor transformers.
"""

from xqg_pyserini.generation.generator import (
    DTYPES,
    GenerationSettings,
    ModelLoadError,
    QuestionGenerator,
    load_seq2seq,
)
from xqg_pyserini.generation.prompts import (
    DEFAULT_TEMPLATE,
    LANGUAGE_NAMES,
    PLACEHOLDERS,
    XOR_LANGUAGES,
    PromptTemplate,
    PromptTemplateError,
    UnknownLanguageError,
    resolve_languages,
)
from xqg_pyserini.generation.run import GenerationSummary, Shard, run_generation, settings_path
from xqg_pyserini.generation.sampling import SeededTopKSampler, derive_seed, gumbel_noise

__all__ = [
    "XOR_LANGUAGES",
    "DEFAULT_TEMPLATE",
    "DTYPES",
    "LANGUAGE_NAMES",
    "PLACEHOLDERS",
    "GenerationSettings",
    "GenerationSummary",
    "ModelLoadError",
    "PromptTemplate",
    "PromptTemplateError",
    "QuestionGenerator",
    "SeededTopKSampler",
    "Shard",
    "UnknownLanguageError",
    "derive_seed",
    "gumbel_noise",
    "load_seq2seq",
    "resolve_languages",
    "run_generation",
    "settings_path",
]
