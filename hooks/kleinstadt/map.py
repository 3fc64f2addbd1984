"""Maps of the East German states with each town as a labelled, linked point, drawn at build time.

Pure SVG strings, no scripts and no map tiles: a reader's browser asks no third party for anything.
The outlines come from data/geo/ostdeutschland.geo.json (public domain, see data/geo/README.md). They
are projected with a plain equirectangular projection (longitude shrunk by the cosine of 52° N, which
is true enough for an area this small), cut to the map's frame and simplified in output units, so a
map costs a few kilobytes whatever its zoom.
"""

from __future__ import annotations

import functools
import json
import math
import os
from dataclasses import dataclass
from html import escape

GEO_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "geo",
                        "ostdeutschland.geo.json")
EAST = ("DE-MV", "DE-BB", "DE-ST", "DE-SN", "DE-TH")  # the five states; Berlin is drawn as context only
COS_LAT = math.cos(math.radians(52.0))
TOLERANCE = 1.0  # output units: finer detail than this is invisible at the sizes the maps are shown


@dataclass(frozen=True)
class Frame:
    """The part of the world a map shows, and how degrees become SVG units."""

    west: float
    north: float
    scale: float  # units per degree of latitude
    width: int
    height: int

    @classmethod
    def around(cls, bbox: tuple[float, float, float, float], width: int, pad: float = 0.06) -> Frame:
        west, south, east, north = bbox
        span_x, span_y = (east - west) * COS_LAT, north - south
        scale = width / (span_x * (1 + 2 * pad))
        margin_x, margin_y = span_x * pad, span_x * pad  # the same margin in both directions
        height = math.ceil((span_y + 2 * margin_y) * scale)
        return cls(west - margin_x / COS_LAT, north + margin_y, scale, width, height)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.west) * COS_LAT * self.scale, (self.north - lat) * self.scale


@functools.lru_cache(maxsize=2)
def load_outlines(path: str = GEO_FILE) -> dict[str, list[list[tuple[float, float]]]]:
    """State code -> rings of (lon, lat); holes (Berlin inside Brandenburg) are rings like any other."""
    with open(path, encoding="utf-8") as handle:
        collection = json.load(handle)
    outlines = {}
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        outlines[feature["properties"]["id"]] = [[(lon, lat) for lon, lat in ring] for polygon in polygons
                                                 for ring in polygon]
    return outlines


def bbox_of(rings) -> tuple[float, float, float, float]:
    lons = [lon for ring in rings for lon, _ in ring]
    lats = [lat for ring in rings for _, lat in ring]
    return min(lons), min(lats), max(lons), max(lats)


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative (a coastline would overflow a recursive one)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = points[index]
            d = abs(dy * (x - x1) - dx * (y - y1)) / length if length else math.hypot(x - x1, y - y1)
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep) if kept]


def clip(points: list[tuple[float, float]], width: float, height: float, margin: float = 8.0):
    """Sutherland-Hodgman against the frame plus a margin: what lies far outside costs no bytes."""
    edges = (
        (lambda p: p[0] >= -margin, lambda a, b: _cross_x(a, b, -margin)),
        (lambda p: p[0] <= width + margin, lambda a, b: _cross_x(a, b, width + margin)),
        (lambda p: p[1] >= -margin, lambda a, b: _cross_y(a, b, -margin)),
        (lambda p: p[1] <= height + margin, lambda a, b: _cross_y(a, b, height + margin)),
    )
    for inside, cross in edges:
        if not points:
            break
        result = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    result.append(cross(previous, point))
                result.append(point)
            elif inside(previous):
                result.append(cross(previous, point))
            previous = point
        points = result
    return points


def _cross_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return x, a[1] + t * (b[1] - a[1])


def _cross_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return a[0] + t * (b[0] - a[0]), y


def path_data(rings: list[list[tuple[float, float]]]) -> str:
    """Whole units and relative steps: the shortest SVG path text for the precision the map needs."""
    parts = []
    for ring in rings:
        points = []
        for x, y in ring:
            point = (round(x), round(y))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) < 3:
            continue
        text = [f"M{points[0][0]} {points[0][1]}"]
        steps = []
        for (x0, y0), (x1, y1) in zip(points, points[1:]):
            steps.append(f"{x1 - x0} {y1 - y0}".replace(" -", "-"))
        text.append("l" + " ".join(steps).replace(" -", "-") + "z")
        parts.append("".join(text))
    return "".join(parts)


@functools.lru_cache(maxsize=64)
def _land(states: tuple[str, ...], frame: Frame, path: str) -> str:
    """The outlines of a map as SVG paths; cached because every page of a kind shares them."""
    outlines = load_outlines(path)
    shapes = []
    for code, rings in outlines.items():
        projected = []
        for ring in rings:
            points = clip([frame.project(lon, lat) for lon, lat in ring], frame.width, frame.height)
            points = simplify(points, TOLERANCE)
            if len(points) >= 3:
                projected.append(points)
        data = path_data(projected)
        if not data:
            continue
        kind = "focus" if code in states else "other"
        if code == "DE-BE":
            kind = "city"
        shapes.append((kind != "focus", f'<path class="ksg-map__land ksg-map__land--{kind}" d="{data}"/>'))
    # Neighbours first, so the focused states' borders are drawn on top.
    return "".join(shape for _, shape in sorted(shapes, key=lambda item: not item[0]))


@dataclass(frozen=True)
class Point:
    """A town on a map: where, what it is called, where it links to."""

    name: str
    lon: float
    lat: float
    href: str
    current: bool = False


def render(points: list[Point], states: tuple[str, ...], title: str, *, width: int = 400,
           font: int = 14, labels: str = "all", geo_path: str = GEO_FILE, title_id: str = "ksg-map-title") -> str:
    """An SVG map of `states` with `points` as labelled, linked dots.

    labels: "all" labels every town; "current" only the current one (the small map of a town page).
    """
    outlines = load_outlines(geo_path)
    frame = Frame.around(bbox_of([ring for code in states for ring in outlines[code]]), width)
    parts = [f'<svg class="ksg-map__svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} '
             f'{frame.height}" aria-labelledby="{title_id}" font-size="{font}">',
             f'<title id="{title_id}">{escape(title)}</title>', _land(tuple(states), frame, geo_path)]
    radius = max(3, round(font * .36))
    for point in sorted(points, key=lambda p: p.current):  # the current town is drawn last, on top
        x, y = frame.project(point.lon, point.lat)
        if not (0 <= x <= frame.width and 0 <= y <= frame.height):
            continue
        css = "ksg-map__town ksg-map__town--current" if point.current else "ksg-map__town"
        parts.append(f'<a href="{escape(point.href)}" class="{css}">')
        parts.append(f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{radius + 2 if point.current else radius}"/>')
        if labels == "all" or point.current:
            # Label to the right unless the name would run off the map (a name is about 0.6 em a letter).
            left = x + radius + 4 + len(point.name) * font * .6 > frame.width
            anchor = ' text-anchor="end"' if left else ""
            tx = x - radius - 4 if left else x + radius + 4
            parts.append(f'<text x="{tx:.0f}" y="{y + font * .35:.0f}"{anchor}>{escape(point.name)}</text>')
        else:
            parts.append(f"<title>{escape(point.name)}</title>")
        parts.append("</a>")
    parts.append("</svg>")
    return "".join(parts)


class Maps:
    """The maps the templates show: all five states, one state zoomed, the small map of a town."""

    def __init__(self, towns: dict, regions: dict, geo_path: str = GEO_FILE):
        self.towns = towns  # slug -> Town (name, state, lat, lon, url)
        self.regions = regions  # ISO code -> Region (name)
        self.geo_path = geo_path

    def _points(self, base: str, towns, current: str | None = None) -> list[Point]:
        prefix = base.rstrip("/") + "/" if base else ""
        return [Point(t.name, t.lon, t.lat, prefix + t.url, t.slug == current) for t in towns]

    def east(self, base: str = "") -> str:
        towns = sorted(self.towns.values(), key=lambda t: t.name)
        return render(self._points(base, towns), EAST, "Karte der fünf ostdeutschen Länder mit den Orten der "
                      "Publikation", geo_path=self.geo_path)

    def region(self, code: str, base: str = "") -> str:
        towns = sorted((t for t in self.towns.values() if t.state == code), key=lambda t: t.name)
        return render(self._points(base, towns), (code,), f"Karte von {self.regions[code].name} mit den Orten "
                      "der Publikation", geo_path=self.geo_path)

    def town(self, slug: str, base: str = "") -> str:
        town = self.towns[slug]
        towns = sorted((t for t in self.towns.values() if t.state == town.state), key=lambda t: t.name)
        return render(self._points(base, towns, current=slug), (town.state,),
                      f"Lage von {town.name} in {self.regions[town.state].name}", width=240, font=13,
                      labels="current", geo_path=self.geo_path)
