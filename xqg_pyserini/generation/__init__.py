"""xQG question generation: prompts, seeded top-k sampling, two engines and resumable runs.

``python -m xqg_pyserini.generate`` is the command line over this package; see
``docs/generation.md``. Importing it loads neither torch, transformers nor ctranslate2.
"""

from xqg_pyserini.generation.ct2_engine import (
    COMPUTE_TYPES,
    RESEED_MODES,
    ComputeTypeError,
    Ct2NotInstalledError,
    Ct2Options,
    Ct2QuestionGenerator,
)
from xqg_pyserini.generation.engines import (
    ENGINES,
    EngineChoiceError,
    EngineRequest,
    load_generator,
)
from xqg_pyserini.generation.generator import (
    DTYPES,
    GenerationSettings,
    ModelLoadError,
    QuestionEngine,
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
from xqg_pyserini.generation.run import (
    GenerationSummary,
    Shard,
    recorded_engine,
    run_generation,
    settings_path,
)
from xqg_pyserini.generation.sampling import SeededTopKSampler, derive_seed, gumbel_noise

__all__ = [
    "XOR_LANGUAGES",
    "COMPUTE_TYPES",
    "DEFAULT_TEMPLATE",
    "DTYPES",
    "ENGINES",
    "LANGUAGE_NAMES",
    "PLACEHOLDERS",
    "RESEED_MODES",
    "ComputeTypeError",
    "Ct2NotInstalledError",
    "Ct2Options",
    "Ct2QuestionGenerator",
    "EngineChoiceError",
    "EngineRequest",
    "GenerationSettings",
    "GenerationSummary",
    "ModelLoadError",
    "PromptTemplate",
    "PromptTemplateError",
    "QuestionEngine",
    "QuestionGenerator",
    "SeededTopKSampler",
    "Shard",
    "UnknownLanguageError",
    "derive_seed",
    "gumbel_noise",
    "load_generator",
    "load_seq2seq",
    "recorded_engine",
    "resolve_languages",
    "run_generation",
    "settings_path",
]
