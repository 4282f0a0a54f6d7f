"""The work directory of a training run: where it checkpoints, and how it resumes.

Every trainer (the retriever, the generator) writes its checkpoints into a
hidden sibling of its output, ``.NAME.training/``: the Hugging Face Trainer's
``checkpoint-STEP`` folders, and ``run.json``, the settings and data
fingerprint that a resumed run must share. :func:`prepare_work` creates that
directory, or checks it and names the checkpoint to resume from; a run with
other settings is refused in one line unless told to start over. When the run
ends, the caller renames its finished model into place and removes the work
directory, so the output is never half-written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from xqg_pyserini.atomic import remove_path
from xqg_pyserini.errors import XqgError

__all__ = [
    "RUN_FILE",
    "ResumeMismatchError",
    "TrainingOutputExistsError",
    "check_output_free",
    "last_checkpoint",
    "prepare_work",
    "work_directory",
]

RUN_FILE = "run.json"


class ResumeMismatchError(XqgError, ValueError):
    """An unfinished run with other settings or data sits in the work directory."""


class TrainingOutputExistsError(XqgError, FileExistsError):
    """The output directory exists and ``--overwrite`` was not given."""


def work_directory(output: Path) -> Path:
    """Where checkpoints of the run writing ``output`` live until it finishes."""
    return output.parent / f".{output.name}.training"


def check_output_free(output: Path, overwrite: bool) -> None:
    """Refuse an existing ``output`` unless ``overwrite`` (before any work is done).

    Raises
    ------
    TrainingOutputExistsError
        If ``output`` exists and ``overwrite`` is false.
    """
    if output.exists() and not overwrite:
        raise TrainingOutputExistsError(
            f"{output} exists; pass --overwrite to replace it, or choose another --output"
        )


def last_checkpoint(work: Path) -> Path | None:
    """The complete ``checkpoint-STEP`` folder with the highest step, if any.

    A folder without ``trainer_state.json`` (the Trainer writes it last) was cut
    short by a kill and is not a checkpoint.
    """
    steps = [
        (int(p.name.split("-")[1]), p)
        for p in work.glob("checkpoint-*")
        if p.name.split("-")[1].isdigit() and (p / "trainer_state.json").is_file()
    ]
    return max(steps)[1] if steps else None


def prepare_work(work: Path, key: dict[str, Any], overwrite: bool) -> Path | None:
    """Create or check the work directory; return the checkpoint to resume from, if any.

    ``key`` is what a resumed run must share with the first (JSON-serialisable):
    it is written to ``run.json`` by the first run and compared by the next.

    Raises
    ------
    ResumeMismatchError
        If an unfinished run with another key is there and ``overwrite`` is false
        (the message names the keys that differ).
    """
    key = json.loads(json.dumps(key))  # tuples become lists, as run.json reads back
    run_file = work / RUN_FILE
    if work.exists() and run_file.is_file():
        previous = json.loads(run_file.read_text("utf-8"))
        if previous == key:
            return last_checkpoint(work)
        if not overwrite:
            differ = sorted(k for k in set(previous) | set(key) if previous.get(k) != key.get(k))
            raise ResumeMismatchError(
                f"{work}: an unfinished run with other settings or data is here (differs "
                f"in: {', '.join(differ)}); start it with the same settings to resume, "
                "or pass --overwrite to start over"
            )
        remove_path(work)
    elif work.exists():
        remove_path(work)  # a work directory without run.json never got past set-up
    work.mkdir(parents=True)
    tmp = run_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(key, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.replace(tmp, run_file)
    return None
