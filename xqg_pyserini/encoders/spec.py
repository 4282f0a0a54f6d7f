"""What ``--encoder`` names for the ``xqg`` encoder class, resolved into settings.

One name, four kinds of thing, checked in this order:

1. **an index directory** built by ``python -m xqg_pyserini.index`` (it holds
   ``metadata.json``): the encoder settings it was built with, and for an xQG
   index its augmentation (alpha, method, languages, questions per language);
2. **an encoder spec**: a JSON file (``*.json``), or a directory holding
   :data:`SPEC_FILENAME`. Its keys are a subset of ``python -m xqg_pyserini.index``'s
   flag names (:data:`SPEC_KEYS`), so the same file given to that command's
   ``--config`` (with ``--generated-queries``) builds the equal index::

       {"encoder": "multilingual-e5-small", "alpha": 0.01, "augment": "sum",
        "languages": ["ar", "bn", "fi", "ja", "ko", "ru", "te"], "queries_per_language": 3}

   ``encoder`` is required; the encoder keys default to the preset's (or the
   xDR defaults); the augmentation keys to the paper's (alpha 0.01, sum, the
   seven languages, all questions), so a spec always augments (``"alpha": 0``
   gives plain vectors);
3. **a preset name** (``multilingual-e5-small``): its settings, plain;
4. **a model**: a Hugging Face model directory (with ``config.json``) or a hub
   name: the xDR defaults, plain. For presets and models the caller's overrides
   (Pyserini's ``--pooling``, ``--l2-norm``, prefix and ``--max-length``) apply.

Anything else that exists on disk is refused with one line naming what was
expected; a name that does not exist is left to the model loader, which tries
the Hugging Face Hub and fails in one line too.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xqg_pyserini.encoders.augment import AUGMENT_METHODS, AugmentSettings
from xqg_pyserini.encoders.precision import PRECISIONS
from xqg_pyserini.encoders.settings import (
    ENCODER_PRESETS,
    POOLINGS,
    EncoderSettings,
    resolve_encoder,
)
from xqg_pyserini.errors import XqgError

__all__ = [
    "ENCODER_KEYS",
    "AUGMENT_KEYS",
    "EncoderSpec",
    "EncoderSpecError",
    "SPEC_FILENAME",
    "encoder_kind",
    "query_encoder",
    "SPEC_KEYS",
    "read_encoder_spec",
    "resolve_encoder_spec",
]

SPEC_FILENAME = "xqg-encoder.json"
#: spec key -> (expected JSON type(s), what it is)
ENCODER_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "encoder": ((str,), "a preset, model directory or hub name"),
    "pooling": ((str,), f"one of {', '.join(POOLINGS)}"),
    "l2_norm": ((bool,), "true or false"),
    "query_prefix": ((str, type(None)), "a string or null"),
    "passage_prefix": ((str, type(None)), "a string or null"),
    "query_max_length": ((int,), "a positive integer"),
    "passage_max_length": ((int,), "a positive integer"),
    "dtype": ((str,), "auto, float32, float16 or bfloat16"),
}
AUGMENT_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "alpha": ((int, float), "a number in [0, 1]"),
    "augment": ((str,), f"one of {', '.join(AUGMENT_METHODS)}"),
    "languages": ((list,), "a list of language codes"),
    "queries_per_language": ((int, type(None)), "a positive integer or null (all)"),
}
SPEC_KEYS = (*ENCODER_KEYS, *AUGMENT_KEYS)


class EncoderSpecError(XqgError, ValueError):
    """An ``--encoder`` that is no index, spec or model, or a spec with bad keys or values."""


@dataclass(frozen=True)
class EncoderSpec:
    """How the ``xqg`` encoder class encodes: settings, precision and the augmentation.

    ``augment`` is None for plain vectors. ``source`` says what ``name`` was:
    ``index``, ``spec``, ``preset`` or ``model``.
    """

    name: str
    source: str
    settings: EncoderSettings
    augment: AugmentSettings | None = None
    dtype: str = "float32"
    fixed: bool = field(default=False)
    """True when the settings come from an index or spec and caller overrides are ignored."""


def encoder_kind(name: str | Path) -> str:
    """What ``name`` is: ``index``, ``spec``, ``preset`` or ``model`` (a hub name included).

    Raises
    ------
    EncoderSpecError
        For an existing path that is none of them.
    """
    name = str(name)
    path = Path(name)
    if path.is_dir() and (path / "metadata.json").is_file():
        return "index"
    if path.is_dir() and (path / SPEC_FILENAME).is_file():
        return "spec"
    if path.is_file() and path.suffix == ".json":
        return "spec"
    if name in ENCODER_PRESETS:
        return "preset"
    if path.is_dir() and (path / "config.json").is_file():
        return "model"
    if path.exists():
        raise EncoderSpecError(
            f"--encoder {name}: neither an index built by xqg_pyserini (no metadata.json), "
            f"an encoder spec (a .json file or a directory with {SPEC_FILENAME}) nor a "
            "Hugging Face model directory (no config.json)"
        )
    if name.startswith(("/", "./", "../", "~")) or "\\" in name:
        raise EncoderSpecError(
            f"--encoder {name}: no such file or directory (expected an index built by "
            "xqg_pyserini, an encoder spec, a preset or a Hugging Face model)"
        )
    return "model"  # a hub name: the loader tries the Hub and fails in one line


def resolve_encoder_spec(name: str | Path, **overrides: Any) -> EncoderSpec:
    """Resolve what ``--encoder`` names (see the module docstring).

    ``overrides`` (``pooling``, ``l2_norm``, ``query_prefix``, ``passage_prefix``,
    ``query_max_length``, ``passage_max_length``; None keeps the default) apply to
    presets and models only.

    Raises
    ------
    EncoderSpecError
        For a path that is none of the four kinds, or a bad spec or index metadata.
    """
    name = str(name)
    kind = encoder_kind(name)
    if kind == "index":
        return _from_index(name)
    if kind == "spec":
        path = Path(name)
        return read_encoder_spec(path / SPEC_FILENAME if path.is_dir() else path)
    return EncoderSpec(name, kind, resolve_encoder(name, **overrides))


def _from_index(name: str) -> EncoderSpec:
    from xqg_pyserini.indexes.metadata import read_metadata

    try:
        meta = read_metadata(Path(name))
    except XqgError as exc:
        raise EncoderSpecError(f"--encoder {name}: {exc}") from None
    augment = None
    if meta.augmentation is not None:
        record = meta.augmentation
        augment = AugmentSettings(
            alpha=record["alpha"],
            method=record["method"],
            languages=tuple(record["languages"]),
            queries_per_language=record.get("queries_per_language"),
        )
    dtype = meta.build_key.get("dtype", "float32")
    return EncoderSpec(name, "index", meta.encoder_settings(), augment, dtype, fixed=True)


def read_encoder_spec(path: str | Path) -> EncoderSpec:
    """Read an encoder spec JSON file.

    Raises
    ------
    EncoderSpecError
        If the file is not a JSON object, lacks ``encoder``, has a key outside
        :data:`SPEC_KEYS` or a value of the wrong type or range (the file and key named).
    """
    path = Path(path)
    try:
        record = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EncoderSpecError(f"{path}: not a readable JSON encoder spec ({exc})") from None
    if not isinstance(record, dict):
        raise EncoderSpecError(f"{path}: expected a JSON object with the key 'encoder'")
    _check_keys(path, record)
    encoder = {key: record[key] for key in ENCODER_KEYS if key in record}
    model, dtype = encoder.pop("encoder"), encoder.pop("dtype", "auto")
    augment = {key: record[key] for key in AUGMENT_KEYS if key in record}
    if "augment" in augment:
        augment["method"] = augment.pop("augment")
    if "languages" in augment:
        augment["languages"] = tuple(augment["languages"])
    try:
        settings = resolve_encoder(model, **encoder)
        augmentation = AugmentSettings(**augment)
        if dtype not in PRECISIONS:
            raise ValueError(f"dtype must be one of {', '.join(PRECISIONS)}, got {dtype!r}")
    except ValueError as exc:
        raise EncoderSpecError(f"{path}: {exc}") from None
    return EncoderSpec(str(path), "spec", settings, augmentation, dtype, fixed=True)


def _check_keys(path: Path, record: dict[str, Any]) -> None:
    unknown = sorted(set(record) - set(SPEC_KEYS))
    if unknown:
        raise EncoderSpecError(
            f"{path}: unknown key(s) {', '.join(map(repr, unknown))}; "
            f"an encoder spec takes {', '.join(SPEC_KEYS)}"
        )
    if "encoder" not in record:
        raise EncoderSpecError(
            f"{path}: the key 'encoder' (a preset, model directory or hub name) is required"
        )
    for key, value in record.items():
        types, expected = {**ENCODER_KEYS, **AUGMENT_KEYS}[key]
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise EncoderSpecError(f"{path}: '{key}' must be {expected}, got {json.dumps(value)}")
    languages = record.get("languages")
    if languages is not None and not all(isinstance(code, str) and code for code in languages):
        raise EncoderSpecError(f"{path}: 'languages' must be a list of language codes")


def query_encoder(name: str | Path, dtype: str | None = None) -> Any:
    """A :class:`~xqg_pyserini.encoders.transformer.TransformerEncoder` of what ``name``
    names (an index, spec, preset or model; :func:`resolve_encoder_spec`), in ``dtype`` or
    the precision it records."""
    from xqg_pyserini.encoders.transformer import TransformerEncoder

    spec = resolve_encoder_spec(name)
    return TransformerEncoder(spec.settings, dtype=dtype or spec.dtype)
