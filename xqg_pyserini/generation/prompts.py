"""What the xQG generator reads: target languages and the prompt template.

The authors fine-tuned mT5 on ``Generate a {Language} question for this passage:
{title} {passage}``, where Language is the English name of the target language.
:data:`LANGUAGE_NAMES` is the registry of codes we accept (XOR-TyDi's seven; no
English, as in the paper) and :class:`PromptTemplate` checks a user's template
before any model is loaded.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass

from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.errors import XqgError

__all__ = [
    "DEFAULT_LANGUAGES",
    "DEFAULT_TEMPLATE",
    "LANGUAGE_NAMES",
    "PLACEHOLDERS",
    "PromptTemplate",
    "PromptTemplateError",
    "UnknownLanguageError",
    "resolve_languages",
]

LANGUAGE_NAMES: dict[str, str] = {
    "ar": "Arabic",
    "bn": "Bengali",
    "fi": "Finnish",
    "ja": "Japanese",
    "ko": "Korean",
    "ru": "Russian",
    "te": "Telugu",
}
"""Language code -> the English name the authors' prompt uses."""

DEFAULT_LANGUAGES = tuple(LANGUAGE_NAMES)
DEFAULT_TEMPLATE = "Generate a {language} question for this passage: {title} {text}"

PLACEHOLDERS: dict[str, str] = {
    "language": "the English name of the target language (e.g. Japanese)",
    "code": "the language code (e.g. ja)",
    "title": "the passage title (empty when the corpus has none)",
    "text": "the passage text",
}
REQUIRED_PLACEHOLDERS = ("text",)


class UnknownLanguageError(XqgError, ValueError):
    """A language code that is not in :data:`LANGUAGE_NAMES`."""


class PromptTemplateError(XqgError, ValueError):
    """A prompt template with an unknown, positional or malformed placeholder."""


def resolve_languages(codes: Iterable[str]) -> tuple[str, ...]:
    """Check language codes against :data:`LANGUAGE_NAMES`; repeats are dropped, order kept.

    Raises
    ------
    UnknownLanguageError
        On an unknown code or an empty list; the message lists the valid codes.
    """
    valid = ", ".join(f"{code} ({name})" for code, name in LANGUAGE_NAMES.items())
    result = tuple(dict.fromkeys(codes))
    unknown = [code for code in result if code not in LANGUAGE_NAMES]
    if unknown:
        raise UnknownLanguageError(
            f"unknown language code(s) {', '.join(map(repr, unknown))}; valid codes: {valid}"
        )
    if not result:
        raise UnknownLanguageError(f"no language given; valid codes: {valid}")
    return result


@dataclass(frozen=True)
class PromptTemplate:
    """A ``str.format`` template over :data:`PLACEHOLDERS`; validated on creation.

    Raises
    ------
    PromptTemplateError
        If the template has a placeholder not in :data:`PLACEHOLDERS`, a positional
        ``{}``, a malformed brace, or lacks ``{text}``. Literal braces are ``{{``/``}}``.
    """

    template: str = DEFAULT_TEMPLATE

    def __post_init__(self) -> None:
        allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        where = f"prompt template {self.template!r}"
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(self.template) if f is not None]
        except ValueError as exc:
            raise PromptTemplateError(
                f"{where}: {exc} (write {{{{ and }}}} for literal braces)"
            ) from None
        for name in fields:
            if name not in PLACEHOLDERS:
                shown = "{" + name + "}" if name else "a positional {}"
                raise PromptTemplateError(f"{where}: unknown placeholder {shown}; use {allowed}")
        missing = [name for name in REQUIRED_PLACEHOLDERS if name not in fields]
        if missing:
            raise PromptTemplateError(f"{where}: must contain {{{missing[0]}}}")
        try:
            self.format("ja", Passage("0", "title", "text"))
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            raise PromptTemplateError(f"{where}: {exc}") from None

    def format(self, code: str, passage: Passage) -> str:
        """The prompt for one passage and one language code (a key of :data:`LANGUAGE_NAMES`)."""
        return self.template.format(
            language=LANGUAGE_NAMES[code], code=code, title=passage.title, text=passage.text
        )
