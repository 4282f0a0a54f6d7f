"""English encyclopaedia-style passages about GeoNames cities and countries.

Each passage is assembled from sentences whose wording and order vary with a
per-entity random generator, so the collection does not read like one form
filled in 5,000 times. Every fact that a question may ask about is recorded in
``Passage.facts`` together with the exact string the text contains; the builder
checks that string against the text before using it as an answer.

Cities of one country share their capital, time zone and often neighbours, so
they are deliberately hard to tell apart for a retriever.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .sources import City, Country, english_list

__all__ = ["CityContext", "Passage", "city_passage", "country_passages", "fmt_lat", "fmt_lon"]


@dataclass
class Passage:
    """One passage of the collection and what the question builders need to know about it.

    ``facts`` maps a question kind (``population``, ``area`` ...) to the answer
    string as it occurs in ``text``; ``names`` maps a language to the entity's
    name in that language's script (only languages where one exists);
    ``related`` holds names of nearby or associated places per language (the
    English names under ``"en"``), used to make stand-in questions noisy.
    """

    entity: str
    title: str
    text: str
    english_name: str
    facts: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    related: dict[str, list[str]] = field(default_factory=dict)
    kind: str = "city"  # city, country or handwritten
    subject: str = "city"  # what stand-in questions treat it as: city, country or title
    country_code: str = ""


@dataclass(frozen=True)
class CityContext:
    """What a city passage needs beyond the city itself."""

    country: Country
    capital: City | None
    neighbours: list[tuple[City, int, str]]  # (city, km, direction from this city)
    rank: int  # population rank among the country's cities15000
    capital_km: int
    capital_direction: str  # direction of this city as seen from the capital


def fmt_lat(value: float) -> str:
    """``35.6895° N``: four decimals, hemisphere letter."""
    return f"{abs(value):.4f}° {'N' if value >= 0 else 'S'}"


def fmt_lon(value: float) -> str:
    """``139.6917° E``: four decimals, hemisphere letter."""
    return f"{abs(value):.4f}° {'E' if value >= 0 else 'W'}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _city_sentences(
    city: City, ctx: CityContext, rng: random.Random, neighbours: int
) -> dict[str, str]:
    c = ctx.country
    pop = f"{city.population:,}"
    coords = f"{fmt_lat(city.latitude)}, {fmt_lon(city.longitude)}"
    (n1, d1, r1), *rest = ctx.neighbours[:neighbours]
    s = {}
    s["intro"] = rng.choice(
        [
            f"{city.name} is a city in {c.name}.",
            f"{city.name} is a city in {c.subregion}, in {c.name}.",
            f"{city.name} is an urban centre in {c.name}, a country in {c.subregion}.",
            f"{city.name} is one of the cities of {c.name}.",
        ]
    )
    s["population"] = rng.choice(
        [
            f"It has a population of {pop}.",
            f"Its population was recorded as {pop}.",
            f"According to GeoNames, {pop} people live there.",
            f"The city is home to {pop} inhabitants.",
        ]
    )
    s["coordinates"] = rng.choice(
        [
            f"Its geographic coordinates are {coords}.",
            f"The city lies at {coords}.",
            f"The centre of the city is located at {coords}.",
        ]
    )
    s["timezone"] = rng.choice(
        [
            f"Local time follows the {city.timezone} time zone.",
            f"It uses the {city.timezone} time zone.",
            f"Clocks in {city.name} are set to the {city.timezone} zone.",
        ]
    )
    if ctx.capital is not None and ctx.capital.geonameid == city.geonameid:
        s["capital"] = rng.choice(
            [f"It is the capital of {c.name}.", f"{city.name} serves as the capital of {c.name}."]
        )
    elif ctx.capital is not None:
        where = f"{ctx.capital_km:,} km {ctx.capital_direction} of {c.capital}"
        s["capital"] = rng.choice(
            [
                f"It lies {where}, the capital of {c.name}.",
                f"The city is situated {where}, the national capital.",
                f"Measured in a straight line, it is {where}, which is the capital.",
            ]
        )
    far = english_list([f"{o.name} ({d:,} km)" for o, d, _ in rest])
    s["neighbours"] = rng.choice(
        [
            f"The nearest city is {n1.name}, {d1:,} km to the {r1}; {far} are also nearby.",
            f"Its closest neighbour is {n1.name}, {d1:,} km to the {r1}, followed by {far}.",
            f"The nearest city is {n1.name} ({d1:,} km {r1}); other nearby places are {far}.",
        ]
    )
    if ctx.rank == 1:
        s["rank"] = f"It is the most populous city of {c.name} in the GeoNames gazetteer."
    else:
        s["rank"] = rng.choice(
            [
                f"Among the cities of {c.name} listed by GeoNames, it ranks "
                f"{_ordinal(ctx.rank)} by population.",
                f"It is the {_ordinal(ctx.rank)} largest city of {c.name} by population "
                "in the GeoNames gazetteer.",
            ]
        )
    return s


_CITY_ORDERS = (
    ("intro", "population", "coordinates", "capital", "timezone", "neighbours", "rank"),
    ("intro", "capital", "coordinates", "neighbours", "timezone", "population", "rank"),
    ("intro", "coordinates", "timezone", "neighbours", "capital", "population", "rank"),
    ("intro", "rank", "population", "neighbours", "coordinates", "capital", "timezone"),
    ("intro", "capital", "neighbours", "population", "coordinates", "timezone"),
    ("intro", "timezone", "coordinates", "population", "rank", "capital", "neighbours"),
)


def city_passage(city: City, title: str, ctx: CityContext, max_words: int = 108) -> Passage:
    """The passage about ``city``; facts: population, latitude, longitude,
    coordinates, nearest, timezone and (except for capitals) capital_distance.

    It names as many of the neighbours (at least three) as fit in ``max_words``:
    every mention of a city in another city's passage is one more distractor.
    """
    for keep in range(len(ctx.neighbours), 2, -1):
        rng = random.Random(f"city:{city.geonameid}")
        sentences = _city_sentences(city, ctx, rng, keep)
        order = rng.choice(_CITY_ORDERS)
        text = " ".join(sentences[key] for key in order if key in sentences)
        if len(text.split()) <= max_words:
            break
    facts = {
        "population": f"{city.population:,}",
        "latitude": fmt_lat(city.latitude),
        "longitude": fmt_lon(city.longitude),
        "coordinates": f"{fmt_lat(city.latitude)}, {fmt_lon(city.longitude)}",
        "nearest": ctx.neighbours[0][0].name,
        "timezone": city.timezone,
    }
    if ctx.capital is not None and ctx.capital.geonameid != city.geonameid:
        facts["capital_distance"] = f"{ctx.capital_km:,} km {ctx.capital_direction}"
    return Passage(
        entity=f"city:{city.geonameid}",
        title=title,
        text=text,
        english_name=city.name,
        facts=facts,
        country_code=city.country_code,
    )


def _overview(c: Country, largest: list[str], rng: random.Random) -> str:
    area, pop = f"{c.area:,} square kilometres", f"{c.population:,}"
    parts = [
        rng.choice(
            [
                f"{c.name} is a country in {c.subregion}, part of {c.region}.",
                f"{c.name} is a sovereign state in {c.subregion}.",
                f"{c.name} is a country located in {c.subregion}.",
            ]
        ),
        rng.choice([f"Its capital is {c.capital}.", f"The capital city is {c.capital}."]),
        rng.choice(
            [
                f"The country covers an area of {area} and has a population of about {pop}.",
                f"About {pop} people live in the country, which covers {area}.",
            ]
        ),
    ]
    if c.demonym:
        parts.append(f"Its people are called {c.demonym}.")
    langs = english_list(list(c.languages))
    parts.append(
        f"The official language is {langs}."
        if len(c.languages) == 1
        else f"The official languages are {langs}."
    )
    if c.borders:
        parts.append(f"{c.name} shares land borders with {english_list(list(c.borders))}.")
    else:
        parts.append(f"{c.name} has no land borders with other countries.")
    if largest:
        parts.append(f"Its largest cities include {english_list(largest)}.")
    return " ".join(parts)


def _practical(c: Country, capital: City | None, largest: list[str], rng: random.Random) -> str:
    code, currency = c.currencies[0]
    parts = [
        rng.choice(
            [
                f"The currency of {c.name} is the {currency} ({code}).",
                f"{c.name} uses the {currency} ({code}) as its currency.",
            ]
        ),
        f"Its international calling code is +{c.calling_code}, and its internet "
        f"country code top-level domain is {c.tld}.",
        f"The ISO 3166-1 alpha-2 code of {c.name} is {c.code}.",
    ]
    if capital is not None:
        parts.append(
            f"The capital, {c.capital}, lies at {fmt_lat(capital.latitude)}, "
            f"{fmt_lon(capital.longitude)} and keeps time by the {capital.timezone} zone."
        )
    if c.demonym:
        parts.append(f"The adjective for things from the country is {c.demonym}.")
    if largest:
        parts.append(
            f"Besides the capital, important cities in {c.name} include {english_list(largest)}."
        )
    parts.append(f"{c.name} is one of the countries of {c.region}.")
    return " ".join(parts)


def _padded(text: str, extras: list[str], min_words: int = 55) -> str:
    """``text`` with ``extras`` appended one by one while it is shorter than ``min_words``."""
    for extra in extras:
        if len(text.split()) >= min_words:
            break
        text = f"{text} {extra}"
    return text


def country_passages(c: Country, capital: City | None, largest: list[str]) -> list[Passage]:
    """Two passages per country: an overview and practical facts.

    Facts: capital, area, country_population (overview); currency, calling_code,
    tld (practical).
    """
    rng = random.Random(f"country:{c.code}")
    others = [name for name in largest if name != c.capital][:3]
    overview = Passage(
        entity=f"country:{c.code}",
        title=c.name,
        text=_padded(
            _overview(c, largest[:3], rng),
            [
                f"{c.name} is counted among the countries of {c.region}.",
                f"Its two-letter ISO country code is {c.code}.",
            ],
        ),
        english_name=c.name,
        facts={
            "capital": c.capital,
            "area": f"{c.area:,} square kilometres",
            "country_population": f"{c.population:,}",
        },
        kind="country",
        subject="country",
        country_code=c.code,
    )
    practical = Passage(
        entity=f"country:{c.code}",
        title=c.name,
        text=_padded(
            _practical(c, capital, others, rng),
            [f"Official communication in {c.name} uses {english_list(list(c.languages))}."],
        ),
        english_name=c.name,
        facts={
            "currency": c.currencies[0][1],
            "currency_code": c.currencies[0][0],
            "calling_code": f"+{c.calling_code}",
            "tld": c.tld,
        },
        kind="country",
        subject="country",
        country_code=c.code,
    )
    return [overview, practical]
