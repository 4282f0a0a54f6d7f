"""``NAME=PATH`` values of the flags that take several named inputs (``--runs``, ``--index``).

One rule for every command: ``NAME=PATH`` names the input, a bare ``PATH`` is named by
its file stem (a run file) or folder name (an index), names are unique, and the order
given is kept (the first is usually the baseline).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

__all__ = ["parse_named_paths"]


def parse_named_paths(
    specs: Sequence[str], flag: str, kind: Literal["file", "dir"]
) -> dict[str, Path]:
    """``["NAME=PATH", "PATH", ...]`` -> ``{name: path}`` in order.

    A value that is itself an existing path of ``kind`` is taken whole, even with an
    ``=`` in it. ``kind="file"`` also requires every path to be an existing file;
    directories are checked by their readers, which name what is missing in them.

    Raises
    ------
    ValueError
        For an empty name or path, a name given twice, or (files) a path that is no file.
    """
    exists = Path.is_file if kind == "file" else Path.is_dir
    named: dict[str, Path] = {}
    for spec in specs:
        if "=" in spec and not exists(Path(spec)):
            name, path = spec.split("=", 1)
        else:
            path = spec
            name = Path(spec).stem if kind == "file" else Path(spec).name
        if not name or not path:
            raise ValueError(f"{flag} {spec!r}: expected NAME={kind.upper()} or {kind.upper()}")
        if name in named:
            raise ValueError(f"{flag}: the name {name!r} is given twice")
        if kind == "file" and not Path(path).is_file():
            raise ValueError(f"{flag} {spec!r}: run file not found: {path}")
        named[name] = Path(path)
    return named
