"""Render the collection's README.md from the build's own counts."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from xqg_pyserini.languages import LANGUAGE_NAMES

from .sources import LANGS
from .standin import PER_LANGUAGE

if TYPE_CHECKING:
    from .build import BuildConfig, BuildSummary

__all__ = ["render_readme"]

_LANG_NAMES = LANGUAGE_NAMES  # the generator's code -> English name table


def _lang_table(summary: BuildSummary) -> str:
    lines = ["| lang | language | dev | train |", "|---|---|---:|---:|"]
    for lang in LANGS:
        dev, train = summary.questions["dev"][lang], summary.questions["train"][lang]
        lines.append(f"| {lang} | {_LANG_NAMES[lang]} | {dev} | {train} |")
    dev, train = sum(summary.questions["dev"].values()), sum(summary.questions["train"].values())
    lines.append(f"| all | | {dev} | {train} |")
    return "\n".join(lines)


def _parallel_table(summary: BuildSummary) -> str:
    lines = [
        "| lang | language | train questions | rewrites of other languages' questions | lines |",
        "|---|---|---:|---:|---:|",
    ]
    for lang in LANGS:
        own, rewritten = summary.questions["train"][lang], summary.rewrites[lang]
        lines.append(f"| {lang} | {_LANG_NAMES[lang]} | {own} | {rewritten} | {own + rewritten} |")
    own, rewritten = sum(summary.questions["train"].values()), sum(summary.rewrites.values())
    lines.append(f"| all | | {own} | {rewritten} | {own + rewritten} |")
    return "\n".join(lines)


def _kind_table(kinds: dict[str, Counter]) -> str:
    names = sorted(set(kinds["dev"]) | set(kinds["train"]), key=lambda k: (-kinds["dev"][k], k))
    lines = ["| kind | dev | train |", "|---|---:|---:|"]
    lines += [f"| {k} | {kinds['dev'][k]} | {kinds['train'][k]} |" for k in names]
    return "\n".join(lines)


def _widened(summary: BuildSummary) -> str:
    if not summary.widened:
        return "All hand-written gold answers were distinctive as written."
    rows = "\n".join(f"- `{qid}`: `{answer}`" for qid, answer in sorted(summary.widened.items()))
    text = (
        "Some hand-written gold answers occur in more than three passages as written "
        "(short numbers also appear inside population figures and coordinates), so the "
        "build widened them to the shortest span of the gold passage that contains the "
        "original answer and is distinctive:"
    )
    return textwrap.fill(text, width=79) + "\n\n" + rows


def render_readme(summary: BuildSummary, kinds: dict[str, Counter], config: BuildConfig) -> str:
    """The README text; every number in it comes from ``summary``."""
    k = summary.kinds
    dev_total = sum(summary.questions["dev"].values())
    train_total = sum(summary.questions["train"].values())
    template = (Path(__file__).parent / "README.template.md").read_text("utf-8")
    return template.format(
        passages=f"{summary.passages:,}",
        last_id=summary.passages,
        hand_questions=kinds["dev"]["handwritten"],
        hand=k["handwritten"],
        countries=k["country"],
        country_entities=k["country"] // 2,
        cities=f"{k['city']:,}",
        dev_total=dev_total,
        train_total=train_total,
        english_total=summary.english,
        parallel_all_total=f"{train_total + sum(summary.rewrites.values()):,}",
        parallel_table=_parallel_table(summary),
        generated=f"{summary.generated:,}",
        per_language=PER_LANGUAGE,
        lang_table=_lang_table(summary),
        kind_table=_kind_table(kinds),
        widened=_widened(summary),
        seed=config.seed,
        limit=config.max_answer_passages,
        others=config.max_answer_passages - 1,
    )
