"""Every module ships: setup.cfg's `packages = find:` skips folders without __init__.py."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "xqg_pyserini"


def test_every_folder_with_python_modules_is_a_package() -> None:
    from setuptools import find_packages

    found = set(find_packages(str(PACKAGE.parent), include=["xqg_pyserini", "xqg_pyserini.*"]))
    folders = {
        ".".join(path.parent.relative_to(PACKAGE.parent).parts)
        for path in PACKAGE.rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert folders - found == set(), "add an __init__.py so these folders are installed"
