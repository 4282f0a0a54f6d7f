"""Writing a report directory (``report.md``, ``report.tex``, ``report.json``, plots) whole.

Every report command (``eval``, the studies) writes its files into a temporary sibling
that replaces ``--output`` only when all are written
(:func:`~xqg_pyserini.atomic.atomic_directory`), and refuses an existing ``--output``
without ``--overwrite``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from xqg_pyserini.errors import OutputExistsError

__all__ = ["json_text", "write_report_files"]

#: a file's content: its text, or a function that writes it to the path it is given
Content = str | Callable[[Path], None]


def json_text(value: Any) -> str:
    """``value`` as the reports write JSON: indented by 2, UTF-8 as is, a final newline."""
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def write_report_files(
    directory: str | Path,
    files: Mapping[str, Content],
    *,
    overwrite: bool = False,
    plots: Callable[[Path], list[Path]] | None = None,
) -> list[Path]:
    """Write ``files`` (name -> content) and what ``plots(tmp)`` writes into ``directory``.

    Returns the paths written, ``files`` first in their order, then the plots'.

    Raises
    ------
    OutputExistsError
        If ``directory`` exists and ``overwrite`` is not set.
    """
    from xqg_pyserini.atomic import atomic_directory

    directory = Path(directory)
    if directory.exists() and not overwrite:
        raise OutputExistsError(
            f"{directory} exists; pass --overwrite to replace it or choose another --output"
        )
    names = list(files)
    with atomic_directory(directory) as tmp:
        for name, content in files.items():
            if isinstance(content, str):
                (tmp / name).write_text(content, "utf-8")
            else:
                content(tmp / name)
        if plots is not None:
            names += [path.name for path in plots(tmp)]
    return [directory / name for name in names]
