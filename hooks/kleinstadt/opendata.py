"""Open data: the stories' metadata as JSON and CSV and the towns as GeoJSON, in /daten/.

Each file is described by a JSON Schema published beside it (the schemas live in kleinstadt/daten/ and get
their absolute `$id` at build time). Only public stories appear, whatever the build shows.
The metadata stand under CC BY 4.0; stories have no licence field of their own yet, so every row says so.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urljoin

from .csvfile import csv_text
from .escaping import json_text
from .feeds import feed_url
from .story import Story
from .views import Views

FOLDER = "daten"
SCHEMAS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "daten")
LICENCE = "CC-BY-4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
STORY_COLUMNS = ("id", "titel", "teaser", "datum", "aktualisiert", "orte", "regionen", "pfeiler", "themen", "teams",
                 "url", "lizenz")
# Data file -> the schema published beside it.
FILES = {
    "geschichten.json": "geschichten.schema.json",
    "geschichten.csv": "geschichten.csv.schema.json",
    "orte.geojson": "orte.schema.json",
}


def public_stories(views: Views) -> list[Story]:
    return [story for story in views.content.stories if story.is_public(views.content.today)]


def story_rows(views: Views, site_url: str) -> list[dict]:
    content = views.content
    rows = []
    for story in public_stories(views):
        regions = []
        for slug in story.towns:
            if content.towns[slug].state not in regions:
                regions.append(content.towns[slug].state)
        rows.append({
            "id": story.slug,
            "titel": story.title,
            "teaser": story.description,
            "datum": story.date.isoformat(),
            "aktualisiert": story.updated.isoformat() if story.updated else None,
            "orte": list(story.towns),
            "regionen": regions,
            "pfeiler": list(story.pillars),
            "themen": list(story.themes),
            "teams": [content.taxonomy.teams[team].name for team in story.authors],
            "url": urljoin(site_url, story.url),
            "lizenz": LICENCE,
        })
    return rows


def stories_json(rows: list[dict], publisher: str) -> dict:
    return {
        "titel": "Kleinstadtgeschichten: Geschichten",
        "herausgeber": publisher,
        "lizenz": LICENCE,
        "lizenz_url": LICENCE_URL,
        "anzahl": len(rows),
        "geschichten": rows,
    }


def stories_csv(rows: list[dict]) -> str:
    """RFC 4180 CSV: comma-separated, UTF-8, lists joined by semicolons within a cell, empty for none.

    A cell a spreadsheet would run as a formula starts with a single quote (kleinstadt/csvfile.py); the
    JSON keeps the true text."""
    return csv_text(STORY_COLUMNS, ({key: ";".join(value) if isinstance(value, list) else
                                     ("" if value is None else str(value)) for key, value in row.items()}
                                    for row in rows))


def towns_geojson(views: Views, site_url: str) -> dict:
    content = views.content
    counts = {slug: 0 for slug in content.towns}
    for story in public_stories(views):
        for slug in story.towns:
            counts[slug] += 1
    listings = {listing.key: listing for listing in views.listings() if listing.kind == "ort"}
    features = []
    for town in sorted(content.towns.values(), key=lambda town: town.name):
        features.append({
            "type": "Feature",
            "id": town.slug,
            "geometry": {"type": "Point", "coordinates": [town.lon, town.lat]},  # GeoJSON: longitude first
            "properties": {
                "id": town.slug,
                "name": town.name,
                "land": town.state,
                "land_name": content.taxonomy.regions[town.state].name,
                "landkreis": town.district,
                "ags": town.ags,
                "einwohner": town.population,
                "einwohner_stand": town.population_date.isoformat() if town.population_date else None,
                "einwohner_quelle": town.population_source,
                "flaeche_km2": town.area_km2,
                "ortsteile": town.subdivisions,
                "ortsteile_bezeichnung": town.subdivision_label,
                "website": town.website,
                "url": urljoin(site_url, town.url),
                # A preview (kleinstadt/preview.py) builds only some towns' pages and feeds.
                "feed": urljoin(site_url, feed_url(listings[town.slug])) if town.slug in listings else None,
                "geschichten": counts[town.slug],
            },
        })
    return {"type": "FeatureCollection", "lizenz": LICENCE, "lizenz_url": LICENCE_URL, "features": features}


def schema(name: str, site_url: str) -> dict:
    with open(os.path.join(SCHEMAS, name), encoding="utf-8") as handle:
        data = json.load(handle)
    return {"$schema": data.pop("$schema"), "$id": urljoin(site_url, f"{FOLDER}/{name}"), **data}


def write_open_data(site_dir: str, views: Views, site_url: str, publisher: str) -> list[str]:
    """Write the data files and their schemas into site_dir/daten/; returns their site-relative paths."""
    folder = os.path.join(site_dir, FOLDER)
    os.makedirs(folder, exist_ok=True)
    rows = story_rows(views, site_url)
    outputs = {
        "geschichten.json": _json(stories_json(rows, publisher)),
        "geschichten.csv": stories_csv(rows),
        "orte.geojson": _json(towns_geojson(views, site_url)),
    }
    for name in FILES.values():
        outputs[name] = _json(schema(name, site_url))
    for name, text in outputs.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return [f"{FOLDER}/{name}" for name in outputs]


def _json(data) -> str:
    return json_text(json.dumps(data, ensure_ascii=False, indent=1)) + "\n"  # "<" as "\u003c": kleinstadt/escaping.py
