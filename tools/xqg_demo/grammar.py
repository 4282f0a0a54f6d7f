"""Just enough morphology to put a name into a question.

Japanese, Arabic and Telugu questions take the name as it is. Korean needs the
right topic particle, Bengali a genitive suffix, Finnish and Russian a case
form. The Finnish and Russian helpers handle the regular patterns and return
None when unsure; the question builders then skip that template rather than
write a wrong form.
"""

from __future__ import annotations

__all__ = ["bn_genitive", "fi_genitive", "ko_topic", "ru_genitive", "ru_prepositional"]

# Finnish genitives that the rules below would get wrong (consonant gradation,
# plural and -s names) for the Finnish towns and country names the build uses.
_FI_GENITIVE = {
    "Alankomaat": "Alankomaiden",
    "Arabiemiirikunnat": "Arabiemiirikuntien",
    "Espoo": "Espoon",
    "Filippiinit": "Filippiinien",
    "Helsinki": "Helsingin",
    "Hyvinkää": "Hyvinkään",
    "Iso-Britannia": "Ison-Britannian",
    "Joensuu": "Joensuun",
    "Jyväskylä": "Jyväskylän",
    "Kajaani": "Kajaanin",
    "Kotka": "Kotkan",
    "Kouvola": "Kouvolan",
    "Kuopio": "Kuopion",
    "Kypros": "Kyproksen",
    "Lahti": "Lahden",
    "Lappeenranta": "Lappeenrannan",
    "Malediivit": "Malediivien",
    "Mikkeli": "Mikkelin",
    "Oulu": "Oulun",
    "Pori": "Porin",
    "Porvoo": "Porvoon",
    "Rovaniemi": "Rovaniemen",
    "Salo": "Salon",
    "Seinäjoki": "Seinäjoen",
    "Seychellit": "Seychellien",
    "Suomi": "Suomen",
    "Tampere": "Tampereen",
    "Turku": "Turun",
    "Uusi-Seelanti": "Uuden-Seelannin",
    "Vaasa": "Vaasan",
    "Vantaa": "Vantaan",
    "Yhdysvallat": "Yhdysvaltojen",
}
_FI_GRADATION = (("kka", "kan"), ("kki", "kin"), ("kko", "kon"), ("nti", "nnin"), ("lta", "llan"))
# Endings of Finnish place-name compounds whose genitive is not just -n.
_FI_TOWN_ENDINGS = (
    ("mäki", "mäen"), ("joki", "joen"), ("järvi", "järven"), ("lahti", "lahden"),
    ("niemi", "niemen"), ("koski", "kosken"), ("saari", "saaren"), ("salmi", "salmen"),
    ("lampi", "lammen"), ("ranta", "rannan"), ("linna", "linnan"), ("kylä", "kylän"),
)  # fmt: skip
_FI_VOWELS = set("aeiouyäöå")


def fi_genitive(name: str, kind: str) -> str | None:
    """Finnish genitive of a place name, or None when the rules are not safe.

    ``kind`` is ``"foreign"`` (a foreign name: Tokio -> Tokion, London -> Londonin),
    ``"country"`` (a Finnish country name from CLDR: Kreikka -> Kreikan) or
    ``"town"`` (a town in Finland: Riihimäki -> Riihimäen).
    """
    if name in _FI_GENITIVE:
        return _FI_GENITIVE[name]
    last = name[-1].lower()
    if kind == "foreign":
        return name + ("n" if last in _FI_VOWELS else "in")
    if " " in name:
        return None
    rules = _FI_GRADATION if kind == "country" else _FI_TOWN_ENDINGS
    for ending, genitive in rules:
        if name.endswith(ending):
            return name[: -len(ending)] + genitive
    if kind == "town":
        # -i and -e stems of Finnish words change (Suomi -> Suomen, Tampere -> Tampereen).
        return name + "n" if last in "aäoöuy" else None
    if last in "st":  # plurals (Yhdysvallat) and -s stems (Kypros -> Kyproksen)
        return None
    return name + ("n" if last in _FI_VOWELS else "in")


def ko_topic(name: str) -> str:
    """``name`` with the topic particle 은 (after a final consonant) or 는."""
    last = ord(name[-1]) - 0xAC00
    has_final = 0 <= last < 11172 and last % 28 != 0
    return name + ("은" if has_final else "는")


_BN_VOWEL_END = {chr(c) for c in range(0x09BE, 0x09CD)} | {chr(c) for c in range(0x0985, 0x0995)}
_BN_CONSONANT = {chr(c) for c in range(0x0995, 0x09BA)} | set("\u09ce\u09dc\u09dd\u09df")


def bn_genitive(name: str) -> str:
    """Bengali genitive: ঢাকা -> ঢাকার, বাংলাদেশ -> বাংলাদেশের, otherwise -এর."""
    if name[-1] in _BN_VOWEL_END:
        return name + "র"
    if name[-1] in _BN_CONSONANT:
        return name + "ের"
    return name + "-এর"


_RU_INDECLINABLE_ENDINGS = tuple("оуиеюэ")
_RU_SIBILANT_VELAR = tuple("гкхжшчщ")
_RU_IRREGULAR = {"Египет": ("Египта", "Египте"), "Беларусь": ("Беларуси", "Беларуси")}


def _ru_forms(name: str) -> tuple[str, str] | None:
    """(genitive, prepositional) of a one-word Russian country name, or None."""
    if name in _RU_IRREGULAR:
        return _RU_IRREGULAR[name]
    if " " in name or "-" in name or name.upper() == name or name.endswith(("ы", "ш")):
        return None
    if name.endswith(_RU_INDECLINABLE_ENDINGS):
        return name, name
    if name.endswith("ия"):
        return name[:-1] + "и", name[:-1] + "и"
    if name.endswith("я"):
        return name[:-1] + "и", name[:-1] + "е"
    if name.endswith("а"):
        stem = name[:-1]
        return stem + ("и" if stem.endswith(_RU_SIBILANT_VELAR) else "ы"), stem + "е"
    if name.endswith(("й", "ь")):
        return name[:-1] + "я", name[:-1] + "е"
    if name[-1] in "бвгдзклмнпрстфхц":
        return name + "а", name + "е"
    return None


def ru_genitive(name: str) -> str | None:
    """Russian genitive of a country name (Японии, Ирана), or None."""
    forms = _ru_forms(name)
    return forms[0] if forms else None


def ru_prepositional(name: str) -> str | None:
    """Russian prepositional of a country name (в Японии, в Иране), or None."""
    forms = _ru_forms(name)
    return forms[1] if forms else None
