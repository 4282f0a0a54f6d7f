"""The progress of an index build: passages, and for xQG builds the questions too.

The bars move per encoder batch, not per chunk, so they show a rate and an ETA
within seconds of the start. A plain build has one bar, passages out of the
corpus (or shard) size. An xQG build adds a second, questions encoded out of
the total: a counting pass over the generated files gives the questions the
build will encode (requested languages, at most the largest
``--queries-per-language`` each); the questions of passages this build does
not encode (other shards', or those a resumed build already has) are taken off
the total as they go by, so the total is exact by the end and the ETA
converges on it.
"""

from __future__ import annotations

from typing import Any

from xqg_pyserini.progress import progress_bar

__all__ = ["BuildProgress"]


class BuildProgress:
    """The bars of one build pass; a context manager.

    Parameters
    ----------
    passages
        Passages this pass covers (its shard's share), None when unknown.
    done
        Passages a resumed build already has (the bar starts there).
    questions
        Questions to encode (None: unknown), or False for a plain build (no bar).
    enabled
        False for ``--no-progress``; bars are also silent when stderr is no terminal.
    """

    def __init__(
        self,
        passages: int | None,
        done: int = 0,
        questions: int | None | bool = False,
        enabled: bool = True,
    ) -> None:
        self.passages = progress_bar(
            total=passages, initial=done, unit="passage", desc="passages", enabled=enabled
        )
        self.questions: Any = None
        if questions is not False:
            self.questions = progress_bar(
                total=questions, unit="question", desc="questions", enabled=enabled, position=1
            )

    def __enter__(self) -> BuildProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def passages_encoded(self, count: int) -> None:
        self.passages.update(count)

    def questions_encoded(self, count: int) -> None:
        if self.questions is not None:
            self.questions.update(count)

    def questions_elsewhere(self, count: int) -> None:
        """Take ``count`` questions this pass will not encode off the total."""
        bar = self.questions
        if bar is not None and bar.total is not None and count:
            bar.total = max(bar.n, bar.total - count)
            bar.refresh()

    def close(self) -> None:
        if self.questions is not None:
            self.questions.close()
        self.passages.close()
