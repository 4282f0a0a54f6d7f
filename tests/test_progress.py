"""Progress bars: totals known from the start, moving per batch, silent off a terminal."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import build_argv, demo_generated, write_generated
from xqg_pyserini import progress as progress_module
from xqg_pyserini.data.corpus_source import open_corpus
from xqg_pyserini.index import main
from xqg_pyserini.indexes import progress as build_progress


class Recorder:
    """Bars drawn into a string buffer, as on a terminal, with every update remembered."""

    def __init__(self) -> None:
        self.bars: dict[str, Any] = {}
        self.updates: dict[str, list[int]] = {}

    def __call__(self, iterable: Any = None, *, enabled: bool = True, **kwargs: Any) -> Any:
        from tqdm import tqdm

        desc = kwargs["desc"]
        updates = self.updates.setdefault(desc, [])

        class Bar(tqdm):  # type: ignore[misc]
            def update(self, n: float | None = 1) -> bool | None:
                updates.append(int(n or 0))
                return super().update(n)

        bar = Bar(iterable, disable=not enabled, file=io.StringIO(), **kwargs)
        self.bars[desc] = bar
        return bar


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    recorder = Recorder()
    monkeypatch.setattr(build_progress, "progress_bar", recorder)
    return recorder


def test_xqg_build_counts_questions_from_the_start(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, bars: Recorder
) -> None:
    generated = demo_generated(12)
    path = write_generated(tmp_path / "gen.jsonl", generated)
    expected = sum(min(len(qs), 2) for record in generated.values() for qs in record.values())
    argv = build_argv(tiny_bert, demo_corpus_head, tmp_path / "idx", "--generated-queries")
    assert main([*argv, str(path), "--queries-per-language", "2"]) == 0
    passages, questions = bars.bars["passages"], bars.bars["questions"]
    assert passages.total == 12 and passages.n == 12
    assert questions.total == expected == questions.n  # 12 passages x 7 languages x 2
    assert len(bars.updates["questions"]) > 1  # it moved batch by batch, not once a chunk
    assert len(bars.updates["passages"]) == 3  # batches of 4 passages


def test_a_shard_total_becomes_its_share(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, bars: Recorder
) -> None:
    generated = demo_generated(12)
    path = write_generated(tmp_path / "gen.jsonl", generated)
    argv = build_argv(tiny_bert, demo_corpus_head, tmp_path / "s0", "--generated-queries")
    argv += [str(path), "--shard-id", "0", "--shard-num", "2"]
    assert main(argv) == 0
    mine = [doc_id for k, doc_id in enumerate(generated) if k % 2 == 0]
    share = sum(len(qs) for doc_id in mine for qs in generated[doc_id].values())
    questions = bars.bars["questions"]
    assert questions.n == questions.total == share
    assert bars.bars["passages"].total == 6


def test_plain_build_over_ir_datasets_has_a_total(
    tiny_bert: Path, tmp_path: Path, bars: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xqg_pyserini.data.corpus_source import CorpusSource

    monkeypatch.setattr(CorpusSource, "passages", _first_passages(20))
    argv = ["--corpus", "xqg-demo", "--encoder", str(tiny_bert), "--dtype", "float32"]
    assert main([*argv, "--batch-size", "8", "--output", str(tmp_path / "idx")]) == 0
    assert bars.bars["passages"].total == 5500  # the collection's count, before any encoding
    assert "questions" not in bars.bars


def _first_passages(count: int) -> Any:
    import itertools

    original = open_corpus("xqg-demo").passages

    def passages(self: Any) -> Any:
        return itertools.islice(original(), count)

    return passages


def test_corpus_counts_cover_every_format(tmp_path: Path) -> None:
    assert open_corpus("xqg-demo").count() == 5500
    lines = "".join(f'{{"docid": "{i}", "text": "t"}}\n' for i in range(7))
    (tmp_path / "c.jsonl").write_text(lines)
    with gzip.open(tmp_path / "c.jsonl.gz", "wt") as handle:
        handle.write(lines)
    with gzip.open(tmp_path / "c.tsv.gz", "wt") as handle:
        handle.write("id\ttext\ttitle\n" + "".join(f"{i}\tt\tT\n" for i in range(5)))
    assert open_corpus(tmp_path / "c.jsonl").count() == 7
    assert open_corpus(tmp_path / "c.jsonl.gz").count() == 7
    assert open_corpus(tmp_path / "c.tsv.gz").count() == 5


def test_bars_are_silent_off_a_terminal_and_with_no_progress() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert progress_module.progress_bar(total=3, file=io.StringIO()).disable
    shown = progress_module.progress_bar(total=3, file=Terminal())
    assert not shown.disable
    shown.close()
    assert progress_module.progress_bar(total=3, file=Terminal(), enabled=False).disable


def test_no_progress_flag_reaches_the_build(
    tiny_bert: Path, demo_corpus_head: Path, tmp_path: Path, bars: Recorder
) -> None:
    argv = ["--corpus", str(demo_corpus_head), "--encoder", str(tiny_bert), "--no-progress"]
    assert main([*argv, "--output", str(tmp_path / "idx")]) == 0
    assert bars.bars["passages"].disable
