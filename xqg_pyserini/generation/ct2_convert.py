"""A Hugging Face sequence-to-sequence model converted to CTranslate2, once, in the user cache.

:func:`ct2_model_dir` returns ``<cache>/ct2/<name>-<quantization>-<key>``, built
on first use with ``ctranslate2.converters.TransformersConverter`` (the Python
API). The key is a hash of the model's identity and the quantisation:

* a local directory: its absolute path and the size and SHA-256 of the files
  loading reads (:data:`SOURCE_PATTERNS`), hashed on every call (about 1 s per
  GB), so a retrained model in the same directory gets a new conversion;
* a hub name: the name and the commit its snapshot resolves to
  (``huggingface_hub.snapshot_download``; config, tokenizer and weight files only).

Like the e5 conversion (:mod:`xqg_pyserini.models.e5_small`), the directory is
checked on every use against its ``manifest.json`` (size and SHA-256 of every
file, the source identity, the quantisation, the ctranslate2 version); a
damaged, partial or stale copy is logged, removed and rebuilt, in a temporary
sibling renamed into place under a lock (:mod:`xqg_pyserini.verified_cache`).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xqg_pyserini.cache import cache_dir
from xqg_pyserini.generation.generator import ModelLoadError
from xqg_pyserini.verified_cache import (
    MANIFEST,
    build_directory,
    ensure_built,
    file_entries,
    manifest_problem,
    sha256_file,
    write_json,
)

__all__ = [
    "FORMAT_VERSION",
    "SOURCE_PATTERNS",
    "Ct2ConversionError",
    "Ct2Unavailable",
    "ModelSource",
    "ct2_model_dir",
    "resolve_source",
]

FORMAT_VERSION = 2  # bump when the conversion's output changes: old caches get rebuilt
SOURCE_PATTERNS = ("*.json", "*.safetensors", "pytorch_model*.bin", "*.model", "*.txt")
"""The files of a model directory that loading reads (config, weights, tokenizer)."""
_HUB_PATTERNS = ["*.json", "*.safetensors", "*.model", "*.txt"]
_REQUIRED = ("model.bin", "config.json")
logger = logging.getLogger(__name__)


class Ct2Unavailable(ModelLoadError):
    """The ct2 engine cannot run this model or device; the hf engine may (``--engine auto``)."""


class Ct2ConversionError(Ct2Unavailable):
    """A model that CTranslate2's converter cannot convert, or cannot be fetched to convert."""


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


@dataclass(frozen=True)
class ModelSource:
    """A model's files on disk and what identifies them (for the conversion's cache key)."""

    name: str
    """As the user gave it (``--model``)."""
    directory: Path
    """The model directory, or the hub snapshot holding its files."""
    identity: dict[str, Any]
    """``{"path", "files"}`` for a local directory, ``{"hub", "revision"}`` for a hub model."""

    def key(self, quantization: str) -> str:
        """A hex SHA-256 of the identity, the quantisation and the conversion format."""
        blob = {"format": FORMAT_VERSION, "source": self.identity, "quantization": quantization}
        return hashlib.sha256(json.dumps(blob, sort_keys=True).encode()).hexdigest()

    def config(self) -> Any:
        """The model's ``transformers`` configuration."""
        from transformers import AutoConfig

        try:
            return AutoConfig.from_pretrained(os.fspath(self.directory))
        except (OSError, ValueError, KeyError) as exc:
            raise Ct2ConversionError(
                f"cannot read the configuration of {self.name!r}: {_first_line(exc)}"
            ) from None


def _local_files(directory: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of the files loading reads (not optimizer states and the like)."""
    return {
        p.name: {"size": p.stat().st_size, "sha256": sha256_file(p)}
        for p in sorted(directory.iterdir())
        if p.is_file() and any(p.match(pattern) for pattern in SOURCE_PATTERNS)
    }


def _hub_snapshot(name: str) -> Path:
    """The local snapshot of a hub model (downloaded if needed): config, tokenizer, weights."""
    from huggingface_hub import snapshot_download

    try:
        folder = Path(snapshot_download(name, allow_patterns=_HUB_PATTERNS))
        if not any(folder.glob("*.safetensors")):  # older checkpoints: PyTorch weights only
            patterns = [*_HUB_PATTERNS, "pytorch_model*.bin"]
            folder = Path(snapshot_download(name, allow_patterns=patterns))
    except (OSError, ValueError) as exc:  # offline, unknown or gated repository, bad name
        raise Ct2ConversionError(
            f"cannot fetch {name!r} from the Hugging Face Hub to convert it: {_first_line(exc)}"
        ) from None
    return folder


def resolve_source(name: str) -> ModelSource:
    """Where ``--model`` lives and what identifies it.

    A name that is an existing directory is local; a name spelled as a path
    (absolute, or starting with ``.`` or ``~``) that does not exist is an error
    without asking the hub; anything else is a hub name.

    Raises
    ------
    ModelLoadError
        If a path-like name does not exist.
    Ct2ConversionError
        If a hub model cannot be fetched.
    """
    path = Path(name).expanduser()
    if path.is_dir():
        directory = path.resolve()
        identity = {"path": str(directory), "files": _local_files(directory)}
        return ModelSource(name, directory, identity)
    if path.exists() or path.is_absolute() or name.startswith((".", "~")):
        raise ModelLoadError(f"model directory not found: {name}")
    folder = _hub_snapshot(name)
    return ModelSource(name, folder, {"hub": name, "revision": folder.name})


def _slug(name: str) -> str:
    tail = Path(name.rstrip("/")).name or "model"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", tail)[:60]


def _versions() -> dict[str, str]:
    found = {}
    for package in ("ctranslate2", "transformers"):
        try:
            found[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            found[package] = "unknown"
    return found


_T5_FAMILY = ("t5", "mt5", "umt5")


def _decoder_output_scale(model: Any) -> float:
    """The factor the Hugging Face model applies to the decoder output before ``lm_head``.

    Measured on a one-token forward pass (the input of ``lm_head`` over the
    decoder's output): 1 for mT5 and T5 v1.1, ``d_model ** -0.5`` for the original T5.
    """
    import torch

    seen: dict[str, Any] = {}
    hooks = [
        model.get_decoder().register_forward_hook(
            lambda module, args, out: seen.__setitem__("decoder", out[0])
        ),
        model.get_output_embeddings().register_forward_pre_hook(
            lambda module, args: seen.__setitem__("head", args[0])
        ),
    ]
    config = model.config
    try:
        with torch.no_grad():
            model(
                input_ids=torch.tensor([[config.eos_token_id or 1]]),
                decoder_input_ids=torch.tensor([[config.decoder_start_token_id or 0]]),
            )
    finally:
        for hook in hooks:
            hook.remove()
    ratio = float(seen["head"].float().norm() / seen["decoder"].float().norm())
    for scale in (1.0, config.d_model**-0.5):
        if abs(ratio / scale - 1) < 1e-2:
            return scale
    raise Ct2ConversionError(
        f"cannot tell how the model scales its decoder outputs (ratio {ratio:.4g}); use --engine hf"
    )


def _converter(directory: Path) -> Any:
    """``TransformersConverter`` for ``directory``, with T5's output scaling measured.

    CTranslate2's T5 loader scales the decoder output by ``d_model ** -0.5`` when
    ``config.tie_word_embeddings`` is true. transformers 5 forces that flag to true
    for every T5/mT5 (the scaling moved to another flag; mT5 never scales), so the
    converter would divide mT5's logits by about 28 (mt5-base): greedy decoding is
    unchanged, sampling far flatter. The flag is set here to what the loaded model
    does, so that the converted model computes the same logits.
    """
    from ctranslate2.converters import TransformersConverter

    class MeasuredScaleConverter(TransformersConverter):  # type: ignore[misc]
        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            if getattr(model.config, "model_type", None) in _T5_FAMILY:
                model.config.tie_word_embeddings = _decoder_output_scale(model) != 1.0
            return model

    return MeasuredScaleConverter(os.fspath(directory))


def _convert(source: ModelSource, quantization: str, out: Path) -> None:
    """Convert ``source`` into ``out`` (an existing empty directory), then write the manifest."""
    try:
        converter = _converter(source.directory)
        converter.convert(os.fspath(out), quantization=quantization, force=True)
    except (OSError, ValueError, KeyError, NotImplementedError, RuntimeError) as exc:
        raise Ct2ConversionError(
            f"CTranslate2 cannot convert {source.name!r}: {_first_line(exc)}"
        ) from None
    versions = _versions()
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": source.name,
        "source": source.identity,
        "quantization": quantization,
        "ctranslate2": versions["ctranslate2"],
        "transformers": versions["transformers"],
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": file_entries(out),
    }
    write_json(out / MANIFEST, manifest)


def _stale(source: ModelSource, quantization: str) -> Any:
    installed = _versions()["ctranslate2"]

    def stale(manifest: dict[str, Any]) -> str | None:
        if manifest["format_version"] != FORMAT_VERSION or manifest["source"] != source.identity:
            return "converted by another format version or from other model files"
        if manifest["quantization"] != quantization:
            return f"quantised to {manifest['quantization']}, not {quantization}"
        if manifest["ctranslate2"] != installed:
            return f"converted by ctranslate2 {manifest['ctranslate2']}, not {installed}"
        return None

    return stale


def ct2_model_dir(
    source: ModelSource, quantization: str, cache: Path | None = None, *, force: bool = False
) -> Path:
    """The CTranslate2 conversion of ``source`` at ``quantization``, built on first use.

    Parameters
    ----------
    source
        From :func:`resolve_source`; it must be a sequence-to-sequence model.
    quantization
        A CTranslate2 quantisation (``int8``, ``bfloat16``, ``float32``, ...); the
        engine loads the model with the same compute type.
    cache
        Cache root; defaults to :func:`xqg_pyserini.cache.cache_dir`.
    force
        Convert again even if the cached copy verifies.

    Returns
    -------
    pathlib.Path
        A directory ``ctranslate2.Translator`` loads.

    Raises
    ------
    Ct2ConversionError
        If the model is not sequence-to-sequence or the converter fails.
    """
    if not getattr(source.config(), "is_encoder_decoder", False):
        raise Ct2ConversionError(
            f"{source.name!r} is not a sequence-to-sequence model; the ct2 engine needs one"
        )
    root = Path(cache) if cache is not None else cache_dir()
    target = root / "ct2" / f"{_slug(source.name)}-{quantization}-{source.key(quantization)[:16]}"
    stale = _stale(source, quantization)
    return ensure_built(
        target.absolute(),
        problem=lambda path: manifest_problem(path, required=_REQUIRED, stale=stale),
        build=lambda path: build_directory(path, lambda tmp: _convert(source, quantization, tmp)),
        what=f"the CTranslate2 {quantization} conversion of {source.name}",
        source=str(source.directory),
        logger=logger,
        action="converting",
        force=force,
    )
