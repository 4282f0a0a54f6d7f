"""What the xQG generator reads: target languages and the prompt template.

The authors fine-tuned mT5 on ``Generate a {Language} question for this passage:
{title} {passage}``, where Language is the English name of the target language.
:data:`~xqg_pyserini.languages.LANGUAGE_NAMES` is the registry of codes we accept
(XOR-TyDi's seven; no English, as in the paper) and :class:`PromptTemplate` checks a user's template
before any model is loaded.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from xqg_pyserini.data.corpus import Passage
from xqg_pyserini.errors import XqgError
from xqg_pyserini.languages import (  # re-exported: the generator's public names
    LANGUAGE_NAMES,
    XOR_LANGUAGES,
    UnknownLanguageError,
    resolve_languages,
)

__all__ = [
    "DEFAULT_TEMPLATE",
    "LANGUAGE_NAMES",
    "PLACEHOLDERS",
    "PromptTemplate",
    "PromptTemplateError",
    "UnknownLanguageError",
    "XOR_LANGUAGES",
    "resolve_languages",
]

DEFAULT_TEMPLATE = "Generate a {language} question for this passage: {title} {text}"

PLACEHOLDERS: dict[str, str] = {
    "language": "the English name of the target language (e.g. Japanese)",
    "code": "the language code (e.g. ja)",
    "title": "the passage title (empty when the corpus has none)",
    "text": "the passage text",
}
REQUIRED_PLACEHOLDERS = ("text",)


class PromptTemplateError(XqgError, ValueError):
    """A prompt template with an unknown, positional or malformed placeholder."""


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
