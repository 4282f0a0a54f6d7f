"""The classes Pyserini's command lines build for ``--encoder-class xqg``.

They translate what Pyserini passes (its keyword arguments plus the flags read
by :mod:`~xqg_pyserini.plugin.cli_flags`) into :class:`XqgQueryEncoder` /
:class:`XqgDocumentEncoder`, and check up front what would otherwise fail late
or silently: an ``--encoder`` that is no index, spec or model, a
``--dimension`` that is not the model's, augmentation without the
``generated_queries`` field. Such problems end the command with one line
(``xqg_pyserini: ...``, exit status 1) before anything is written.

* An index or spec fixes every setting; a flag the user gave that disagrees is
  reported on one warning line and not used.
* A preset keeps its settings for the flags left out; a model directory or hub
  name takes Pyserini's flags with Pyserini's defaults, as its ``auto`` class
  would, except that ``--max-length`` really cuts queries.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from xqg_pyserini.encoders.pyserini_api import (
    GENERATED_FIELD,
    XqgDocumentEncoder,
    XqgQueryEncoder,
)
from xqg_pyserini.encoders.settings import RECORDED_SETTINGS_FILE
from xqg_pyserini.encoders.spec import EncoderSpec, encoder_kind, resolve_encoder_spec
from xqg_pyserini.errors import XqgError
from xqg_pyserini.plugin.cli_flags import CliFlags, read_flags, running_cli

__all__ = ["PyseriniCliDocumentEncoder", "PyseriniCliQueryEncoder"]

# CliFlags attribute -> (EncoderSettings field on the query side, on the passage side)
_FLAG_FIELDS = {
    "pooling": ("pooling", "pooling"),
    "l2_norm": ("l2_norm", "l2_norm"),
    "prefix": ("query_prefix", "passage_prefix"),
    "max_length": ("query_max_length", "passage_max_length"),
}
_FLAG_NAMES = {
    "pooling": "--pooling",
    "l2_norm": "--l2-norm",
    "max_length": "--max-length",
    "prefix": "--prefix",
}


def _stop(message: str) -> NoReturn:
    """End Pyserini's command with one line (SystemExit prints it to stderr, status 1)."""
    raise SystemExit(f"xqg_pyserini: {message}")


def _overrides(flags: CliFlags, kind: str, side: int) -> dict[str, Any]:
    """EncoderSettings overrides from Pyserini's flags for a preset or a model."""
    names = flags.given if kind == "preset" else _FLAG_FIELDS
    return {
        _FLAG_FIELDS[name][side]: getattr(flags, name) for name in names if name in _FLAG_FIELDS
    }


def _resolve(encoder: str, flags: CliFlags, side: int) -> EncoderSpec:
    try:
        kind = encoder_kind(encoder)
        if kind in ("index", "spec"):
            spec = resolve_encoder_spec(encoder)
            _warn_ignored(spec, flags, side)
            return spec
        if kind == "model" and (Path(encoder) / RECORDED_SETTINGS_FILE).is_file():
            kind = "preset"  # a trained model: only the flags typed override its settings
        return resolve_encoder_spec(encoder, **_overrides(flags, kind, side))
    except XqgError as exc:
        _stop(str(exc))


def _warn_ignored(spec: EncoderSpec, flags: CliFlags, side: int) -> None:
    settings = spec.settings.to_dict()
    ignored = []
    for name in sorted(flags.given & set(_FLAG_FIELDS)):
        field = _FLAG_FIELDS[name][side]
        value = getattr(flags, name)
        if value != settings[field] and not (
            name == "prefix" and _same_prefix(value, settings[field])
        ):
            flag = "--query-prefix" if name == "prefix" and side == 0 else _FLAG_NAMES[name]
            ignored.append(f"{flag} {value!r} (it says {settings[field]!r})")
    if ignored:
        print(
            f"xqg_pyserini: warning: {spec.name} fixes the encoder settings; ignored "
            + ", ".join(ignored),
            file=sys.stderr,
        )


def _same_prefix(a: str | None, b: str | None) -> bool:
    return (a or "").rstrip() == (b or "").rstrip()


def _dtype(fp16: bool) -> str | None:
    """Pyserini's ``--fp16`` asks for float16; otherwise the spec decides."""
    return "float16" if fp16 else None


class PyseriniCliQueryEncoder(XqgQueryEncoder):
    """``--encoder-class xqg`` in ``python -m pyserini.search.faiss``."""

    def __init__(
        self,
        encoder_dir: str | None = None,
        tokenizer_name: str | None = None,
        device: str = "cpu",
        prefix: str | None = None,
        fp16: bool = False,
        **pyserini_kwargs: Any,
    ) -> None:
        flags = read_flags(running_cli())
        if encoder_dir is None:
            _stop("--encoder-class xqg needs --encoder: an index built here, a spec or a model")
        if tokenizer_name:
            _stop("--tokenizer does not apply to --encoder-class xqg (the model's own is used)")
        if prefix is not None and "prefix" not in flags.given:  # built outside the CLI
            flags = replace(flags, prefix=prefix, given=flags.given | {"prefix"})
        spec = _resolve(encoder_dir, flags, side=0)
        try:
            super().__init__(spec, device=device, dtype=_dtype(fp16 or flags.fp16))
        except (XqgError, ValueError) as exc:
            _stop(str(exc))


class PyseriniCliDocumentEncoder(XqgDocumentEncoder):
    """``--encoder-class xqg`` in ``python -m pyserini.encode``."""

    def __init__(
        self, model_name: str | None = None, device: str = "cpu", **pyserini_kwargs: Any
    ) -> None:
        flags = read_flags(running_cli())
        if model_name is None:
            _stop("--encoder-class xqg needs --encoder: an index built here, a spec or a model")
        if flags.add_sep:
            _stop("--add-sep does not apply to --encoder-class xqg (passages are 'title text')")
        spec = _resolve(model_name, flags, side=1)
        try:
            super().__init__(spec, device=device, dtype=_dtype(flags.fp16))
        except (XqgError, ValueError) as exc:
            _stop(str(exc))
        self._check(flags)

    def _check(self, flags: CliFlags) -> None:
        if flags.to_faiss and flags.dimension != self.dimension:
            _stop(
                f"--dimension is {flags.dimension} but {self.spec.name} gives vectors of "
                f"dimension {self.dimension}: pass --dimension {self.dimension}"
            )
        if self.augmenter is None:
            return
        missing = [
            where
            for where, fields in (("input", flags.input_fields), ("encoder", flags.encoder_fields))
            if GENERATED_FIELD not in fields
        ]
        if missing:
            _stop(
                f"{self.spec.name} augments passages with their generated questions: add "
                f"{GENERATED_FIELD} to --fields of {' and '.join(missing)} (e.g. --fields title "
                f"text {GENERATED_FIELD}), over a collection exported with --generated-queries"
            )

    def encode(self, texts, titles=None, generated_queriess=None, **kwargs):  # type: ignore[no-untyped-def, override]
        try:
            return super().encode(texts, titles, generated_queriess, **kwargs)
        except XqgError as exc:
            _stop(str(exc))
