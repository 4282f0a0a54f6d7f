"""atomic_directory: the target is the old one or the whole new one, never a mix."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from xqg_pyserini.atomic import atomic_directory, clean_stale_siblings


def test_success_replaces_the_old_directory(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with atomic_directory(target) as tmp:
        (tmp / "new.txt").write_text("new")
        assert sorted(p.name for p in target.iterdir()) == ["old.txt"]
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert oct(target.stat().st_mode & 0o777) == oct(0o755)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_failure_keeps_the_old_directory_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_directory(target) as tmp:
        (tmp / "half.txt").write_text("half")
        raise KeyboardInterrupt
    assert sorted(p.name for p in target.iterdir()) == ["old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_only_stale_siblings_are_cleaned(tmp_path: Path) -> None:
    target = tmp_path / "out"
    stale, fresh = tmp_path / ".out.tmp-stale", tmp_path / ".out.tmp-fresh"
    stale.mkdir()
    fresh.mkdir()
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    clean_stale_siblings(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.tmp-fresh"]
