"""Progress bars of long jobs, shown as tqdm users expect.

Every long job (index builds, the ablation, generation, expansion, export,
training) draws its bars through :func:`progress_bar`: on a terminal the bar
shows from the first second; with ``--no-progress``, or when stderr is not a
terminal (a log file, CI), it is silent, tqdm's own ``disable=None`` rule.
tqdm's ``TQDM_*`` environment variables (e.g. ``TQDM_MININTERVAL``) apply.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from typing import Any

__all__ = ["add_progress_argument", "progress_bar"]


def progress_bar(
    iterable: Iterable[Any] | None = None, *, enabled: bool = True, **kwargs: Any
) -> Any:
    """A tqdm bar: off when ``enabled`` is False, and off on a non-terminal whatever it says."""
    from tqdm.auto import tqdm

    kwargs.setdefault("dynamic_ncols", True)
    return tqdm(iterable, disable=None if enabled else True, **kwargs)


def add_progress_argument(p: argparse.ArgumentParser) -> None:
    """``--no-progress``, shared by every command with a long job."""
    p.add_argument(
        "--no-progress",
        action="store_true",
        help="do not draw progress bars (they are drawn only when stderr is a terminal)",
    )
