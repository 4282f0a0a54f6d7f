"""Fill question templates with a name in the right grammatical form.

Templates use ``{n}`` (the name as written), ``{gen}`` (genitive: Finnish,
Russian, Bengali), ``{prep}`` (Russian prepositional) and ``{top}`` (Korean
name + topic particle). A template whose placeholder cannot be formed for a
name is not applicable to it.
"""

from __future__ import annotations

import string

from .grammar import bn_genitive, fi_genitive, ko_topic, ru_genitive, ru_prepositional

__all__ = ["fill", "name_forms"]

_FORMATTER = string.Formatter()


def name_forms(lang: str, name: str, entity_kind: str, country_code: str = "") -> dict[str, str]:
    """The placeholders available for ``name`` in ``lang``.

    ``entity_kind`` is ``city``, ``country`` or ``handwritten`` (an English title).
    """
    forms = {"n": name}
    latin = name.isascii()
    if lang == "fi":
        if entity_kind == "country":
            kind = "country"
        elif entity_kind == "city" and country_code == "FI":
            kind = "town"
        else:
            kind = "foreign"
        gen = fi_genitive(name, kind)
        if gen:
            forms["gen"] = gen
    elif lang == "ru":
        if latin:  # an English title stays as it is, like other foreign words
            forms["gen"] = forms["prep"] = name
        elif entity_kind == "country":
            gen, prep = ru_genitive(name), ru_prepositional(name)
            if gen and prep:
                forms["gen"], forms["prep"] = gen, prep
    elif lang == "bn":
        forms["gen"] = name + "-এর" if latin else bn_genitive(name)
    elif lang == "ko":
        forms["top"] = ko_topic(name)
    return forms


def fill(template: str, forms: dict[str, str]) -> str | None:
    """``template`` with its placeholders filled, or None when one is unavailable."""
    fields = {f for _, f, _, _ in _FORMATTER.parse(template) if f}
    if not fields <= forms.keys():
        return None
    return template.format(**forms)
