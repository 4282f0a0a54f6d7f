"""Assemble the passage collection: hand-written, country and city passages.

Cities are chosen so that every question language has enough named entities:
first every city with a Telugu name (the scarcest script), then Finland's
cities, then cities with names in the most scripts, most populous first. Only
one city per (name, country) is kept, so that titles stay unambiguous.
"""

from __future__ import annotations

from collections import defaultdict

from .geo import bearing_word, distance_km, nearest_neighbours
from .passages import CityContext, Passage, city_passage, country_passages
from .scripts import NON_LATIN, has_name, pick_name
from .sources import LANGS, City, Country, load_zone_cities

__all__ = ["build_passages"]


def _capitals(cities: list[City], countries: dict[str, Country]) -> dict[str, City]:
    """The GeoNames record of each country's capital (most populous match)."""
    found: dict[str, City] = {}
    for city in cities:
        country = countries.get(city.country_code)
        if country is None:
            continue
        if country.capital == city.name or country.capital in city.alternates:
            best = found.get(city.country_code)
            if best is None or city.population > best.population:
                found[city.country_code] = city
    return found


def _select_cities(cities: list[City], countries: dict[str, Country], n: int) -> list[City]:
    best: dict[tuple[str, str], City] = {}
    for city in cities:
        if city.country_code not in countries:
            continue
        key = (city.name, city.country_code)
        if key not in best or city.population > best[key].population:
            best[key] = city
    scored = []
    for city in best.values():
        scripts = sum(has_name(lang, city.alternates, city.country_code) for lang in NON_LATIN)
        if scripts == 0:
            continue
        if has_name("te", city.alternates, city.country_code):
            tier = 0
        else:
            tier = 1 if city.country_code == "FI" else 2
        scored.append(((tier, -scripts, -city.population, city.geonameid), city))
    scored.sort(key=lambda t: t[0])
    return [city for _, city in scored[:n]]


class _Namer:
    """A city's names per language (cached), CLDR's spelling first when GeoNames has it."""

    def __init__(self) -> None:
        self._zone_cities = load_zone_cities()
        self._cache: dict[int, dict[str, str]] = {}

    def __call__(self, city: City) -> dict[str, str]:
        if city.geonameid not in self._cache:
            preferred = self._zone_cities.get((city.timezone, city.name), {})
            names = {}
            for lang in LANGS:
                alternates = list(city.alternates)
                name = pick_name(
                    lang, city.name, alternates, city.country_code, preferred.get(lang)
                )
                if name:
                    names[lang] = name
            self._cache[city.geonameid] = names
        return dict(self._cache[city.geonameid])


def _city_passages(
    chosen: list[City],
    cities: list[City],
    countries: dict[str, Country],
    taken_titles: set[str],
    names: _Namer,
) -> list[Passage]:
    capitals = _capitals(cities, countries)
    by_country: dict[str, list[City]] = defaultdict(list)
    for city in cities:
        by_country[city.country_code].append(city)
    rank = {}
    for members in by_country.values():
        members.sort(key=lambda c: (-c.population, c.geonameid))
        rank.update({c.geonameid: i + 1 for i, c in enumerate(members)})
    neighbours = nearest_neighbours(chosen, cities, k=5)
    name_count: dict[str, int] = defaultdict(int)
    for city in chosen:
        name_count[city.name] += 1
    chosen = sorted(
        chosen, key=lambda c: (countries[c.country_code].name, -c.population, c.geonameid)
    )
    out = []
    for city in chosen:
        country = countries[city.country_code]
        capital = capitals.get(city.country_code)
        km, direction = 0, ""
        if capital is not None:
            km = round(
                distance_km(capital.latitude, capital.longitude, city.latitude, city.longitude)
            )
            direction = bearing_word(
                capital.latitude, capital.longitude, city.latitude, city.longitude
            )
        ctx = CityContext(
            country, capital, neighbours[city.geonameid], rank[city.geonameid], km, direction
        )
        if capital is not None and capital.geonameid != city.geonameid and km == 0:
            ctx = CityContext(country, None, ctx.neighbours, ctx.rank, 0, "")
        ambiguous = name_count[city.name] > 1 or city.name in taken_titles
        title = f"{city.name}, {country.name}" if ambiguous else city.name
        passage = city_passage(city, title, ctx)
        passage.names = names(city)
        passage.related = {"en": [o.name for o, _, _ in ctx.neighbours]}
        for other, _, _ in ctx.neighbours:
            for lang, name in names(other).items():
                passage.related.setdefault(lang, []).append(name)
        out.append(passage)
    return out


def _country_passages(
    cities: list[City], countries: dict[str, Country], names: _Namer
) -> list[Passage]:
    capitals = _capitals(cities, countries)
    by_country: dict[str, list[City]] = defaultdict(list)
    for city in cities:
        by_country[city.country_code].append(city)
    out = []
    for code in sorted(countries, key=lambda c: countries[c].name):
        country = countries[code]
        members = sorted(by_country[code], key=lambda c: (-c.population, c.geonameid))
        largest = list(dict.fromkeys(c.name for c in members))[:4]
        capital = capitals.get(code)
        for passage in country_passages(country, capital, largest):
            passage.names = dict(country.native_names)
            if capital is not None:
                related = {k: [v] for k, v in names(capital).items()}
                passage.related = {"en": [capital.name], **related}
            out.append(passage)
    return out


def _hand_passages(
    hand: list[dict[str, str]], cities: list[City], countries: dict[str, Country], names: _Namer
) -> list[Passage]:
    by_name: dict[str, City] = {}
    for city in sorted(cities, key=lambda c: (-c.population, c.geonameid)):
        by_name.setdefault(city.name, city)
    country_by_name = {c.name: c for c in countries.values()}
    out = []
    for record in hand:
        title = record["title"]
        passage = Passage(
            entity=f"hand:{record['docid']}",
            title=title,
            text=record["text"],
            english_name=title,
            kind="handwritten",
            subject="title",
        )
        if title in country_by_name:
            country = country_by_name[title]
            passage.names, passage.subject = dict(country.native_names), "country"
            passage.country_code = country.code
        elif title in by_name:
            passage.names, passage.subject = names(by_name[title]), "city"
            passage.country_code = by_name[title].country_code
        out.append(passage)
    return out


def build_passages(
    hand: list[dict[str, str]], cities: list[City], countries: dict[str, Country], total: int
) -> list[Passage]:
    """All passages in collection order: hand-written, countries, cities.

    ``total`` is the target size; the city count is whatever is left after the
    hand-written and country passages.
    """
    names = _Namer()
    hand_passages = _hand_passages(hand, cities, countries, names)
    country = _country_passages(cities, countries, names)
    chosen = _select_cities(cities, countries, total - len(hand_passages) - len(country))
    titles = {p.title for p in hand_passages if p.subject != "city"} | {p.title for p in country}
    return hand_passages + country + _city_passages(chosen, cities, countries, titles, names)
