"""Great-circle distances, compass directions and nearest neighbours.

Distances use the haversine formula on a sphere of radius 6,371 km and are
rounded to whole kilometres, which keeps the text stable across platforms. The
nearest-neighbour search screens candidates with plain NumPy arithmetic (no
transcendental functions, so results do not depend on the CPU's vector maths)
and ranks the short list with exact distances from ``math``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .sources import City

__all__ = ["bearing_word", "distance_km", "nearest_neighbours"]

_EARTH_RADIUS_KM = 6371.0
_POINTS = (
    "north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"
)  # fmt: skip


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bearing_word(lat1: float, lon1: float, lat2: float, lon2: float) -> str:
    """Eight-point compass direction of point 2 as seen from point 1."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    degrees = (math.degrees(math.atan2(x, y)) + 360.0) % 360.0
    return _POINTS[int((degrees + 22.5) // 45) % 8]


def nearest_neighbours(
    queries: Sequence[City], pool: Sequence[City], k: int = 3, screen: int = 16
) -> dict[int, list[tuple[City, int, str]]]:
    """The ``k`` nearest other cities of each query city.

    Parameters
    ----------
    queries : sequence of City
        Cities that need neighbours.
    pool : sequence of City
        Candidate neighbours (may include the queries themselves; a city is never
        its own neighbour, nor is a different record with the same name).
    k : int
        Neighbours per city.
    screen : int
        Size of the short list ranked with exact distances.

    Returns
    -------
    dict
        geonameid -> [(neighbour, distance in whole km, direction from the query)], nearest first.
    """
    import numpy as np

    lat = np.array([c.latitude for c in pool], dtype=np.float64)
    lon = np.array([c.longitude for c in pool], dtype=np.float64)
    result = {}
    for city in queries:
        # Equirectangular screen: squared degrees, longitude scaled by a per-city
        # constant computed once in Python.
        scale = math.cos(math.radians(city.latitude)) ** 2
        dlon = np.abs(lon - city.longitude)
        dlon = np.minimum(dlon, 360.0 - dlon)
        d2 = (lat - city.latitude) ** 2 + scale * dlon * dlon
        # Only the membership of the short list matters; it is re-ranked exactly below.
        order = np.argpartition(d2, screen)[: screen + 1]
        ranked = []
        for index in order.tolist():
            other = pool[index]
            if other.geonameid == city.geonameid or other.name == city.name:
                continue
            km = distance_km(city.latitude, city.longitude, other.latitude, other.longitude)
            ranked.append((round(km), other.geonameid, other))
        ranked.sort(key=lambda t: (t[0], t[1]))
        result[city.geonameid] = [
            (
                other,
                km,
                bearing_word(city.latitude, city.longitude, other.latitude, other.longitude),
            )
            for km, _, other in ranked[:k]
        ]
    return result
