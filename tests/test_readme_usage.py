"""README's usage section lists every flag of the new front doors, and `--help` explains each."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def usage_section(heading: str) -> str:
    """The README text from ``heading`` to the next ``###`` heading."""
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index(heading)
    end = readme.find("\n### ", start + len(heading))
    return readme[start : end if end > 0 else None]


def flags_of(parser: argparse.ArgumentParser) -> list[tuple[str, str | None]]:
    return [
        (opt, action.help)
        for action in parser._actions
        for opt in action.option_strings
        if opt.startswith("--") and opt != "--help"
    ]


def subparser(parser: argparse.ArgumentParser, *path: str) -> argparse.ArgumentParser:
    for name in path:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


@pytest.mark.parametrize(
    ("module", "heading"),
    [
        ("xqg_pyserini.expand", "### Cross-lingual doc2query for BM25"),
        ("xqg_pyserini.fuse", "### Hybrid fusion"),
        ("xqg_pyserini.cli.train_retriever", "### Train the retriever"),
        ("xqg_pyserini.cli.train_mine", "### Train the retriever"),
        ("xqg_pyserini.cli.train_generator", "### Train the generator"),
        ("xqg_pyserini.cli.study_alignment", "### Studies"),
        ("xqg_pyserini.cli.study_typos", "### Studies"),
        ("xqg_pyserini.cli.study_subsets", "### Studies"),
    ],
)
def test_every_flag_is_in_help_and_its_readme_section(module: str, heading: str) -> None:
    import importlib

    parser = importlib.import_module(module).build_parser()
    section = usage_section(heading)
    help_text = parser.format_help()
    for flag, text in flags_of(parser):
        assert text, f"{module} {flag} has no help text"
        assert flag in help_text
        assert re.search(re.escape(f"`{flag}") + r"\b", section), f"{flag} missing from README"


def test_export_collection_flags_are_in_the_readme() -> None:
    from xqg_pyserini.data.__main__ import build_parser

    parser = subparser(build_parser(), "export", "collection")
    section = usage_section("### Data:")
    for flag, text in flags_of(parser):
        assert text, flag
        assert flag in section, f"export collection {flag} missing from README"
    assert "`export collection --generated-queries" in section


def test_readme_shows_pyserinis_commands_with_encoder_class_xqg() -> None:
    search = usage_section("### Search: Pyserini's own CLI with `--encoder-class xqg`")
    assert "python -m pyserini.search.faiss" in search and "--encoder-class xqg" in search
    encode = usage_section("### Encode with Pyserini")
    assert "python -m pyserini.encode" in encode and "--encoder-class xqg" in encode
    from xqg_pyserini.encoders.spec import SPEC_KEYS

    for key in SPEC_KEYS:
        assert f"`{key}`" in encode, f"encoder spec key {key} missing from README"
