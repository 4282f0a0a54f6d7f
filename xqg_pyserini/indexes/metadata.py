"""``metadata.json``: what an index holds and exactly how it was built.

Pyserini reads only ``index`` and ``docid``; this file sits beside them so a
user (and :class:`~xqg_pyserini.encoders.pyserini_api.XqgQueryEncoder`) can see
the encoder, pooling, prefixes, dimension, counts, versions and the command.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

from xqg_pyserini.encoders.settings import EncoderSettings
from xqg_pyserini.errors import XqgError

METADATA_FILENAME = "metadata.json"
FORMAT = "xqg_pyserini.faiss-index/1"
VERSIONED_PACKAGES = ("xqg_pyserini", "pyserini", "torch", "transformers", "faiss-cpu", "numpy")

__all__ = ["IndexMetadata", "METADATA_FILENAME", "library_versions", "read_metadata"]


def library_versions() -> dict[str, str]:
    versions = {"python": sys.version.split()[0]}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@dataclass
class IndexMetadata:
    """Contents of ``metadata.json``.

    ``build_key`` holds the inputs that determine the vectors (encoder settings,
    corpus identity, index type, and for an xQG-augmented index the augmentation
    settings and the generated files' identities); two builds with equal keys
    give equal indexes. ``augmentation`` is None for a plain index, else the
    augmentation settings, the generated files, the join mode and the
    :class:`~xqg_pyserini.encoders.augment.AugmentSummary` counts. ``shard`` is
    None for a whole-corpus index, else ``{"id", "num"}`` (``build_key`` leaves
    the shard out, so the shards of one set share it). ``precision`` is what the
    encoder ran in (``float32``, ``bfloat16`` or ``float16``; also in ``build_key``
    as ``dtype`` when not float32); the query encoder runs in the same.
    """

    encoder_name: str
    encoder: dict[str, Any]
    dimension: int
    num_docs: int
    index_type: str
    corpus: str
    build_key: dict[str, Any]
    metric: str = "inner_product"
    precision: str = "float32"
    augmentation: dict[str, Any] | None = None
    shard: dict[str, int] | None = None
    command: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=library_versions)
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())
    format: str = FORMAT

    def encoder_settings(self) -> EncoderSettings:
        return EncoderSettings(**self.encoder)

    def write(self, directory: Path) -> Path:
        path = directory / METADATA_FILENAME
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", "utf-8")
        os.replace(tmp, path)
        return path


def read_metadata(directory: Path) -> IndexMetadata:
    """Read ``directory/metadata.json``.

    Raises
    ------
    XqgError
        If the file is missing or not the metadata this package writes.
    """
    path = Path(directory) / METADATA_FILENAME
    try:
        record = json.loads(path.read_text("utf-8"))
        if record.get("format") != FORMAT:
            raise ValueError(f"format {record.get('format')!r}, expected {FORMAT!r}")
        return IndexMetadata(**record)
    except FileNotFoundError:
        raise XqgError(f"{path}: no index metadata (not built by xqg_pyserini?)") from None
    except (ValueError, TypeError) as exc:
        raise XqgError(f"{path}: unreadable index metadata ({exc})") from None
