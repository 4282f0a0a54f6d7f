"""How much text each language has: the CC-100 sizes XLM-R was pretrained on, and groups.

The measure is the per-language size of CC-100, the CommonCrawl corpus XLM-R was
pretrained on, as printed in

    Alexis Conneau, Kartikay Khandelwal, Naman Goyal, Vishrav Chaudhary, Guillaume
    Wenzek, Francisco Guzmán, Edouard Grave, Myle Ott, Luke Zettlemoyer and Veselin
    Stoyanov. 2020. Unsupervised Cross-lingual Representation Learning at Scale.
    ACL 2020, pages 8440-8451. https://aclanthology.org/2020.acl-main.747/
    (arXiv:1911.02116), Appendix A, Table 6 "Languages and statistics of the CC-100
    corpus": tokens (millions) and size (GiB, uncompressed) per language.

The numbers were copied from the transcription of that table in
https://github.com/mayhewsw/multilingual-data-stats/blob/master/cc-100/cc-100.csv
(columns ``Tokens (M)`` and ``Size (GiB)``). Only the languages our datasets use are
listed (XOR-Retrieve and xqg-demo, XQuAD, TyDi QA, MKQA); a language not in
:data:`CC100_SIZES` is grouped as ``"unknown"``. Table 6 lists Chinese twice: ``zh``
and MKQA's ``zh_cn`` are its "Chinese (Simplified)" row, MKQA's ``zh_tw`` and
``zh_hk`` its "Chinese (Traditional)" row.

Groups by size (GiB), thresholds :data:`SIZE_THRESHOLDS`: ``high`` >= 100 GiB,
``medium`` 10-100 GiB, ``low`` < 10 GiB. On XOR-Retrieve's languages this gives
high = en, ru; medium = ar, fi, ja, ko; low = bn, te (TyDi's sw is low, id high).
Size in bytes favours scripts of several UTF-8 bytes per character (ja 69.3 GiB but
530 M tokens); :data:`TOKEN_THRESHOLDS` group by tokens instead (high >= 10,000 M,
medium 1,000-10,000 M, low < 1,000 M; ja is then low).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from xqg_pyserini.errors import XqgError

__all__ = [
    "CC100_SIZES",
    "MEASURES",
    "SIZE_THRESHOLDS",
    "SOURCE",
    "TOKEN_THRESHOLDS",
    "UNKNOWN",
    "GroupsError",
    "ResourceSize",
    "default_groups",
    "parse_groups",
    "resource_group",
    "thresholds_text",
]

#: Where the numbers come from: citation, address, table, transcription used.
SOURCE = {
    "citation": "Conneau et al. 2020, Unsupervised Cross-lingual Representation Learning at "
    "Scale, ACL 2020, pages 8440-8451",
    "url": "https://aclanthology.org/2020.acl-main.747/",
    "table": "Appendix A, Table 6: Languages and statistics of the CC-100 corpus "
    "(tokens in millions, size in GiB)",
    "transcription": "https://github.com/mayhewsw/multilingual-data-stats/blob/master/"
    "cc-100/cc-100.csv",
}

UNKNOWN = "unknown"


class GroupsError(XqgError, ValueError):
    """A grouping of languages that cannot be used: bad syntax, a language twice."""


@dataclass(frozen=True)
class ResourceSize:
    """One row of Table 6: the language's name there, tokens (M) and size (GiB)."""

    language: str
    name: str
    tokens_m: int
    size_gib: float


def _rows(*rows: tuple[str, str, int, float]) -> dict[str, ResourceSize]:
    return {code: ResourceSize(code, name, tokens, gib) for code, name, tokens, gib in rows}


#: ``{language code: ResourceSize}`` for every language of our datasets (Table 6).
CC100_SIZES: dict[str, ResourceSize] = _rows(
    ("ar", "Arabic", 2869, 28.0),
    ("bn", "Bengali", 525, 8.4),
    ("da", "Danish", 7823, 45.6),
    ("de", "German", 10297, 66.6),
    ("el", "Greek", 4285, 46.9),
    ("en", "English", 55608, 300.8),
    ("es", "Spanish", 9374, 53.3),
    ("fi", "Finnish", 6730, 54.3),
    ("fr", "French", 9780, 56.8),
    ("he", "Hebrew", 3399, 31.6),
    ("hi", "Hindi", 1715, 20.2),
    ("hu", "Hungarian", 7807, 58.4),
    ("id", "Indonesian", 22704, 148.3),
    ("it", "Italian", 4983, 30.2),
    ("ja", "Japanese", 530, 69.3),
    ("km", "Khmer", 36, 1.5),
    ("ko", "Korean", 5644, 54.2),
    ("ms", "Malay", 1318, 8.5),
    ("nl", "Dutch", 5025, 29.3),
    ("no", "Norwegian", 8494, 49.0),
    ("pl", "Polish", 6490, 44.6),
    ("pt", "Portuguese", 8405, 49.1),
    ("ro", "Romanian", 10354, 61.4),
    ("ru", "Russian", 23408, 278.0),
    ("sv", "Swedish", 12950, 85.0),
    ("sw", "Swahili", 275, 1.6),
    ("te", "Telugu", 249, 4.7),
    ("th", "Thai", 1834, 71.7),
    ("tr", "Turkish", 2736, 20.9),
    ("vi", "Vietnamese", 24757, 137.3),
    ("zh", "Chinese (Simplified)", 259, 46.9),
    ("zh_cn", "Chinese (Simplified)", 259, 46.9),
    ("zh_hk", "Chinese (Traditional)", 176, 16.6),
    ("zh_tw", "Chinese (Traditional)", 176, 16.6),
)

#: ``(group, lower bound)`` from the largest: a language goes to the first group whose
#: bound its measure reaches. Size in GiB.
SIZE_THRESHOLDS: tuple[tuple[str, float], ...] = (("high", 100.0), ("medium", 10.0), ("low", 0.0))
#: The same in millions of tokens.
TOKEN_THRESHOLDS: tuple[tuple[str, float], ...] = (
    ("high", 10_000.0),
    ("medium", 1_000.0),
    ("low", 0.0),
)
#: measure name -> (ResourceSize attribute, unit, thresholds)
MEASURES: dict[str, tuple[str, str, tuple[tuple[str, float], ...]]] = {
    "size": ("size_gib", "GiB", SIZE_THRESHOLDS),
    "tokens": ("tokens_m", "M tokens", TOKEN_THRESHOLDS),
}


def _measure(measure: str) -> tuple[str, str, tuple[tuple[str, float], ...]]:
    if measure not in MEASURES:
        raise GroupsError(f"measure must be one of {', '.join(MEASURES)}, got {measure!r}")
    return MEASURES[measure]


def resource_group(language: str, measure: str = "size") -> str:
    """``high``/``medium``/``low`` by :data:`CC100_SIZES`; ``unknown`` for a language not in it."""
    attribute, _, thresholds = _measure(measure)
    row = CC100_SIZES.get(language)
    if row is None:
        return UNKNOWN
    value = getattr(row, attribute)
    return next(group for group, bound in thresholds if value >= bound)


def thresholds_text(measure: str = "size") -> str:
    """E.g. ``high >= 100 GiB, medium 10-100 GiB, low < 10 GiB``."""
    _, unit, thresholds = _measure(measure)
    parts = []
    for i, (group, bound) in enumerate(thresholds):
        upper = thresholds[i - 1][1] if i else None
        if upper is None:
            parts.append(f"{group} >= {bound:g} {unit}")
        elif bound > 0:
            parts.append(f"{group} {bound:g}-{upper:g} {unit}")
        else:
            parts.append(f"{group} < {upper:g} {unit}")
    return ", ".join(parts)


def default_groups(languages: Iterable[str], measure: str = "size") -> dict[str, tuple[str, ...]]:
    """``{group: languages}`` of ``languages`` by their CC-100 size, largest group first.

    Empty groups are left out; languages not in the table form the group ``unknown``.
    """
    _, _, thresholds = _measure(measure)
    found: dict[str, list[str]] = {group: [] for group, _ in thresholds}
    found[UNKNOWN] = []
    for language in sorted(set(languages)):
        found[resource_group(language, measure)].append(language)
    return {group: tuple(members) for group, members in found.items() if members}


def parse_groups(specs: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """``["high=en,ru", "low=bn,te"]`` -> ``{"high": ("en", "ru"), "low": ("bn", "te")}``.

    Raises
    ------
    GroupsError
        For a spec without ``=``, an empty group name or language list, a group named
        twice or a language in two groups.
    """
    groups: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for spec in specs:
        name, sep, members = spec.partition("=")
        name = name.strip()
        languages = tuple(dict.fromkeys(m.strip() for m in members.split(",") if m.strip()))
        if not sep or not name or not languages:
            raise GroupsError(f"--groups {spec!r}: write NAME=LANG[,LANG...], e.g. low=bn,te")
        if name in groups:
            raise GroupsError(f"--groups: the group {name!r} is given twice")
        for language in languages:
            if language in owner:
                raise GroupsError(
                    f"--groups: language {language!r} is in both {owner[language]!r} and {name!r}"
                )
            owner[language] = name
        groups[name] = languages
    return groups
