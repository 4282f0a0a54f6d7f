"""Which engine generates: CTranslate2 (``ct2``), Hugging Face (``hf``, the reference), ``auto``.

:func:`load_generator` turns an :class:`EngineRequest` (the engine flags of
``python -m xqg_pyserini.generate``) into a loaded generator and, for ``auto``,
one line saying which engine runs and why. ``auto`` takes, in this order:

1. when resuming an output, the engine its settings record names (the other one
   would be refused: its questions differ);
2. hf when ``--fp16`` / ``--bf16`` is given (the hf engine's precision flags);
3. hf when ctranslate2 is not installed;
4. ct2 when the model converts (or is already converted) and the device is one
   CTranslate2 runs on; hf otherwise (the line gives CTranslate2's reason).

An explicit ``--engine`` never falls back: its problems are errors, as are
flags of the other engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from xqg_pyserini.errors import XqgError
from xqg_pyserini.generation.ct2_convert import Ct2Unavailable
from xqg_pyserini.generation.ct2_engine import (
    INSTALL_HINT,
    Ct2NotInstalledError,
    Ct2Options,
    Ct2QuestionGenerator,
)
from xqg_pyserini.generation.generator import (
    GenerationSettings,
    QuestionEngine,
    QuestionGenerator,
)

__all__ = ["ENGINES", "EngineChoiceError", "EngineRequest", "load_generator"]

ENGINES = ("auto", "ct2", "hf")


class EngineChoiceError(XqgError, ValueError):
    """An unknown engine, or a flag of one engine given with the other."""


@dataclass(frozen=True)
class EngineRequest:
    """The engine flags, as the command line gave them."""

    engine: str = "auto"
    device: str = "cpu"
    dtype: str = "float32"
    """The hf engine's precision (float32, or bfloat16 / float16 from --bf16 / --fp16)."""
    ct2: Ct2Options = field(default_factory=Ct2Options)
    hf_flags: tuple[str, ...] = ()
    """The hf-only flags given (``--fp16``, ``--bf16``)."""
    ct2_flags: tuple[str, ...] = ()
    """The ct2-only flags given with a value other than their default."""
    resumed: tuple[Path, str] | None = None
    """(output, engine named by its settings record) when resuming an output."""
    cache: Path | None = None
    """Root of the conversion cache (default: the user cache)."""

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise EngineChoiceError(
                f"--engine {self.engine!r}: expected one of {', '.join(ENGINES)}"
            )


def _hf(settings: GenerationSettings, request: EngineRequest) -> QuestionGenerator:
    return QuestionGenerator(settings, device=request.device, dtype=request.dtype)


def _ct2(settings: GenerationSettings, request: EngineRequest) -> Ct2QuestionGenerator:
    return Ct2QuestionGenerator(settings, request.device, request.ct2, request.cache)


def load_generator(
    settings: GenerationSettings,
    request: EngineRequest,
    notify: Callable[[str], None] | None = None,
) -> QuestionEngine:
    """Load the requested engine; for ``auto``, ``notify`` the line that says which and why.

    The line is given as soon as the choice is made, before the chosen engine
    loads (so it precedes that engine's own errors), e.g.
    ``engine: hf (auto: ctranslate2 is not installed; ...)``.

    Raises
    ------
    EngineChoiceError
        For ``--engine hf`` with ct2 flags, or ``--engine ct2`` with ``--fp16``/``--bf16``.
    Ct2NotInstalledError
        For ``--engine ct2`` (or resuming a ct2 output) without ctranslate2.
    xqg_pyserini.generation.generator.ModelLoadError
        If the chosen engine cannot load the model (ct2: :class:`Ct2Unavailable`
        and its subclasses, with ``--engine ct2`` only).
    """
    if request.engine == "hf":
        if request.ct2_flags:
            raise EngineChoiceError(
                f"{request.ct2_flags[0]} applies to --engine ct2 (or auto), not --engine hf"
            )
        return _hf(settings, request)
    if request.engine == "ct2":
        if request.hf_flags:
            raise EngineChoiceError(
                f"{request.hf_flags[0]} sets the hf engine's precision; with --engine ct2 "
                "use --ct2-compute-type (e.g. bfloat16 or int8_bfloat16 on a GPU)"
            )
        return _ct2(settings, request)

    def say(engine: str, why: str) -> None:
        ignored = request.ct2_flags if engine == "hf" else request.hf_flags
        line = f"engine: {engine} (auto: {why})"
        if ignored:
            line += f"; {', '.join(ignored)} ignored"
        if notify is not None:
            notify(line)

    return _auto(settings, request, say)


def _auto(
    settings: GenerationSettings, request: EngineRequest, say: Callable[[str, str], None]
) -> QuestionEngine:
    if request.resumed is not None and request.resumed[1] in ("ct2", "hf"):
        output, engine = request.resumed
        say(engine, f"resuming {output}, which the {engine} engine wrote")
        return _ct2(settings, request) if engine == "ct2" else _hf(settings, request)
    if request.hf_flags:
        say("hf", f"{request.hf_flags[0]} is a precision flag of the hf engine")
        return _hf(settings, request)
    try:
        generator = _ct2(settings, request)
    except Ct2NotInstalledError:
        say("hf", f"ctranslate2 is not installed; {INSTALL_HINT} adds the faster ct2 engine")
        return _hf(settings, request)
    except Ct2Unavailable as exc:
        say("hf", f"the ct2 engine cannot run it: {exc}")
        return _hf(settings, request)
    say(
        "ct2",
        f"ctranslate2 {generator.engine_settings['ctranslate2']} is installed and the model "
        f"converts; {generator.compute_type}, {generator.threads} thread(s), {generator.device}",
    )
    return generator
