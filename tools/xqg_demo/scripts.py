"""Pick an entity's name in each question language from GeoNames alternate names.

GeoNames lists alternate names without a language tag, so the language is
inferred from the Unicode script (Japanese, Korean, Russian, Arabic, Bengali,
Telugu). When several names of the right script remain, the one whose rough
romanisation is closest to the English name wins, so that, for example, Seoul
is called 서울 and not the historical 한양. Finnish uses the Latin alphabet,
so it takes a Finnish exonym from a short hand-written list when GeoNames also
has it, and the English name otherwise.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

__all__ = ["NON_LATIN", "has_name", "pick_name", "romanize"]

NON_LATIN = ("ar", "bn", "ja", "ko", "ru", "te")

_ZW = "\u200c\u200d"
_CYRILLIC_FAMILY = re.compile(r"[\u0400-\u04ff]+(?:[ -][\u0400-\u04ff]+)*")
# Whole-name patterns. Arabic allows only the 28 core letters, hamza forms,
# taa marbuta and alef maksura (U+0621-U+064A) plus harakat, which rules out
# Persian, Urdu, Pashto, Kurdish and Uyghur spellings (پ چ ژ گ ک ی ے ٹ ڈ ...).
_FULL = {
    "ar": re.compile(r"[\u0621-\u063a\u0641-\u0652]+(?:[ -][\u0621-\u063a\u0641-\u0652]+)*"),
    # Bengali block without the Assamese-only letters ৰ ৱ (U+09F0, U+09F1).
    "bn": re.compile(rf"[\u0981-\u09ef\u09f2-\u09fe{_ZW}]+(?:[ -][\u0981-\u09ef{_ZW}]+)*"),
    "te": re.compile(rf"[\u0c00-\u0c7f{_ZW}]+(?:[ -][\u0c00-\u0c7f{_ZW}]+)*"),
    "ko": re.compile(r"[\uac00-\ud7a3]+(?:[ -][\uac00-\ud7a3]+)*"),
    # Russian letters only: Ukrainian і ї є ґ, Belarusian ў, Serbian ђ ј ... excluded.
    "ru": re.compile(r"[А-Яа-яЁё]+(?:[ -][А-Яа-яЁё]+)*"),
    "kana": re.compile(r"[\u30a1-\u30fa\u30fc\u30fb\uff1d=]+"),
    "han": re.compile(r"[\u4e00-\u9fff\u3005\u30f6\u30b1]+"),
}


def _words(text: str) -> list[str]:
    """Whitespace-separated table entries; ``-`` stands for an empty one."""
    return text.split()


_CYR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _words(
    "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya"
), strict=True))  # fmt: skip
_AR = dict(zip("ابتثجحخدذرزسشصضطظعغفقكلمنهويةىأإآءؤئ", _words(
    "a b t th j h kh d dh r z s sh s d t z ' gh f q k l m n h w y h a a i a ' ' '"
), strict=True))  # fmt: skip
_KO_INITIAL = _words("g kk n d tt r m b pp s ss - j jj ch k t p h")
_KO_MEDIAL = _words("a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i")
_KO_FINAL = ["-"] + _words("k k k n n n t l k m l l l p l m p p t t ng t t k t p t")
# Brahmic blocks share the ISCII layout, so one table by offset serves Bengali and Telugu.
_INDIC_VOWEL = {0x05: "a", 0x06: "a", 0x07: "i", 0x08: "i", 0x09: "u", 0x0A: "u", 0x0B: "ri"}
_INDIC_VOWEL.update({0x0E: "e", 0x0F: "e", 0x10: "ai", 0x12: "o", 0x13: "o", 0x14: "au"})
_INDIC_SIGN = {0x3E: "a", 0x3F: "i", 0x40: "i", 0x41: "u", 0x42: "u", 0x43: "ri", 0x46: "e"}
_INDIC_SIGN.update({0x47: "e", 0x48: "ai", 0x4A: "o", 0x4B: "o", 0x4C: "au"})
_INDIC_CONS = dict(zip(range(0x15, 0x3A), _words(
    "k kh g gh n ch chh j jh n t th d dh n t th d dh n n p ph b bh m y r r l l l v sh sh s h"
), strict=True))  # fmt: skip
_INDIC_CONS.update({0x5C: "r", 0x5D: "rh", 0x5F: "y", 0x58: "q", 0x5B: "z"})
_INDIC_OTHER = {0x01: "n", 0x02: "n", 0x03: "h", 0x4E: "t"}

# Finnish exonyms; used only when the GeoNames record also lists them.
FINNISH_EXONYMS = {
    "Athens": "Ateena",
    "Baghdad": "Bagdad",
    "Beijing": "Peking",
    "Berlin": "Berliini",
    "Brussels": "Bryssel",
    "Cairo": "Kairo",
    "Copenhagen": "Kööpenhamina",
    "Damascus": "Damaskos",
    "Florence": "Firenze",
    "Geneva": "Geneve",
    "Hamburg": "Hampuri",
    "Kyiv": "Kiova",
    "Kyoto": "Kioto",
    "Lisbon": "Lissabon",
    "London": "Lontoo",
    "Moscow": "Moskova",
    "Munich": "München",
    "Naples": "Napoli",
    "Paris": "Pariisi",
    "Riga": "Riika",
    "Rome": "Rooma",
    "Saint Petersburg": "Pietari",
    "Seoul": "Soul",
    "Stockholm": "Tukholma",
    "Tallinn": "Tallinna",
    "Tartu": "Tarto",
    "Tokyo": "Tokio",
    "Venice": "Venetsia",
    "Vienna": "Wien",
    "Vyborg": "Viipuri",
    "Warsaw": "Varsova",
    "Yekaterinburg": "Jekaterinburg",
}


def _fold(text: str) -> str:
    """Lower-case ASCII letters of ``text`` (accents dropped)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")


def _romanize_hangul(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            continue
        initial, rest = divmod(code, 588)
        medial, final = divmod(rest, 28)
        out.append(
            _KO_INITIAL[initial].strip("-") + _KO_MEDIAL[medial] + _KO_FINAL[final].strip("-")
        )
    return "".join(out)


def _romanize_indic(text: str) -> str:
    out: list[str] = []
    pending = False  # a consonant whose inherent vowel is not yet written
    for ch in text:
        offset = ord(ch) & 0x7F
        if offset in _INDIC_CONS:
            if pending:
                out.append("a")
            out.append(_INDIC_CONS[offset])
            pending = True
        elif offset in _INDIC_SIGN:
            out.append(_INDIC_SIGN[offset])
            pending = False
        elif offset == 0x4D:  # virama
            pending = False
        elif offset in _INDIC_VOWEL or offset in _INDIC_OTHER:
            if pending:
                out.append("a")
            out.append(_INDIC_VOWEL.get(offset) or _INDIC_OTHER[offset])
            pending = False
    if pending:
        out.append("a")
    return "".join(out)


def romanize(text: str, lang: str) -> str:
    """A rough Latin transcription, good enough to rank candidate names."""
    if lang == "ru":
        return "".join(_CYR.get(ch, "").strip("-") for ch in text.lower())
    if lang == "ar":
        return "".join(_AR.get(ch, "") for ch in text)
    if lang == "ko":
        return _romanize_hangul(text)
    if lang in ("bn", "te"):
        return _romanize_indic(text)
    return _fold(text)


def _is_jis(text: str) -> bool:
    """True when every character is in JIS X 0208, i.e. not a simplified Chinese form."""
    try:
        text.encode("euc_jp")
    except UnicodeEncodeError:
        return False
    return True


def _pick_japanese(alternates: list[str], in_japan: bool) -> str | None:
    if in_japan:
        han = [a for a in alternates if _FULL["han"].fullmatch(a) and _is_jis(a)]
        # 横浜 and 横浜市 are both listed; the bare name reads best in a question.
        bases = [a[:-1] for a in han if a[-1] in "市都町村" and a[:-1] in han]
        pool = bases or han
    else:
        pool = [a for a in alternates if _FULL["kana"].fullmatch(a)]
    if not pool:
        return None
    return min(pool, key=lambda a: (len(a), a))


def has_name(lang: str, alternates: tuple[str, ...] | list[str], country_code: str) -> bool:
    """Whether GeoNames has a name for the place in ``lang``'s script (cheap check)."""
    if lang == "fi":
        return True
    if lang == "ja":
        return _pick_japanese(list(alternates), country_code == "JP") is not None
    return any(_FULL[lang].fullmatch(a) for a in alternates)


def pick_name(
    lang: str,
    english: str,
    alternates: list[str],
    country_code: str,
    preferred: str | None = None,
) -> str | None:
    """The entity's name in ``lang``'s script, or None when GeoNames has none.

    Parameters
    ----------
    lang : str
        One of ar, bn, fi, ja, ko, ru, te.
    english : str
        The GeoNames ``name`` (used to rank candidates and as the Finnish fallback).
    alternates : list of str
        The GeoNames ``alternatenames``.
    country_code : str
        ISO 3166 alpha-2 code; Japanese accepts kanji-only names for Japanese places.
    preferred : str, optional
        A name from another source (CLDR's city names) that wins when GeoNames also
        lists it and it is in the right script.
    """
    if lang == "fi":
        exonym = FINNISH_EXONYMS.get(english)
        if preferred in alternates:
            return preferred
        return exonym if exonym in alternates else english
    if lang == "ja":
        picked = _pick_japanese(alternates, country_code == "JP")
        if picked and preferred in alternates and _pick_japanese([preferred], country_code == "JP"):
            return preferred
        return picked
    pool = [a for a in alternates if _FULL[lang].fullmatch(a)]
    if lang == "ko":
        pool = [a.removesuffix(" 시") for a in pool]
    if not pool:
        return None
    if preferred in pool:
        return preferred
    target = _fold(english)
    cyrillic = [a for a in alternates if _CYRILLIC_FAMILY.fullmatch(a)]

    def score(name: str) -> float:
        plain = name.removeprefix("ال") if lang == "ar" else name
        value = difflib.SequenceMatcher(None, romanize(plain, lang), target).ratio()
        value -= 0.1 * name.count(" ")
        if lang == "ru":
            # Exonyms (Москва for Moscow) sound nothing like the English name, but
            # Ukrainian, Belarusian and Bulgarian spellings cluster around the Russian one.
            value = 0.05 * value + _medoid(name, cyrillic)
        if lang == "ar" and (name.startswith("ال") or name.endswith("ة")):
            value += 0.3  # Arabic orthography; Persian writes قاهره for القاهرة
        return value

    return min(pool, key=lambda a: (-round(score(a), 6), len(a), a))


def _medoid(name: str, family: list[str]) -> float:
    """Mean similarity of ``name`` to the other spellings in ``family``."""
    others = [b for b in family if b != name]
    if not others:
        return 0.0
    return sum(difflib.SequenceMatcher(None, name, b).ratio() for b in others) / len(others)
