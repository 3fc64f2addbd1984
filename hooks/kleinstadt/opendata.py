"""Open data: the stories' metadata as JSON and CSV, the towns as GeoJSON and the practices to copy
(„Zum Nachmachen“, kleinstadt/practice.py) as JSON and CSV, in /daten/.

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
    "praxis.json": "praxis.schema.json",
    "praxis.csv": "praxis.csv.schema.json",
}
PRACTICE_COLUMNS = ("id", "titel", "url", "praxisblatt", "orte", "herausforderungen", "zusammenfassung", "schritte",
                    "dauer", "kosten_min", "kosten_max", "kosten_unbekannt", "foerderprogramme", "partner",
                    "erfahrungen", "einwohner_min", "einwohner_max", "lage", "ortsteile_min", "ortsteile_max",
                    "kontakt_name", "kontakt_url", "besuch_willkommen", "lizenz")


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


def _span(value) -> dict | None:
    return {"min": value.min, "max": value.max} if value else None


def practice_rows(views: Views, site_url: str) -> list[dict]:
    """One row for each public story with a practice; fields the story leaves out are null or empty."""
    from .praxisblatt import FILE_NAME, hosts_of

    content = views.content
    rows = []
    for story in public_stories(views):
        practice = story.practice
        if practice is None:
            continue
        suits = practice.suits
        rows.append({
            "id": story.slug,
            "titel": story.title,
            "url": urljoin(site_url, story.url),
            "praxisblatt": urljoin(site_url, story.url + FILE_NAME),
            "orte": list(story.towns),
            "herausforderungen": list(story.challenges),
            "zusammenfassung": practice.summary,
            "schritte": list(practice.steps),
            "dauer": practice.duration,
            "kosten": "unbekannt" if practice.cost_unknown else _span(practice.cost),
            "foerderprogramme": list(practice.funding),
            "partner": list(practice.partners),
            "erfahrungen": practice.lessons,
            "passt_zu": {"einwohner": _span(suits.population), "lage": suits.setting,
                         "ortsteile": _span(suits.subdivisions)} if suits else None,
            "kontakt": {"name": practice.contact.name, "url": practice.contact.url} if practice.contact else None,
            "besuch_willkommen": [{"von": name, "kontakt": {"name": visit.contact.name, "url": visit.contact.url},
                                   "hinweis": visit.note} for name, visit in hosts_of(story, content)],
            "lizenz": LICENCE,
        })
    return rows


def practice_json(rows: list[dict], publisher: str) -> dict:
    return {"titel": "Kleinstadtgeschichten: Praxis zum Nachmachen", "herausgeber": publisher, "lizenz": LICENCE,
            "lizenz_url": LICENCE_URL, "anzahl": len(rows), "praxis": rows}


def practice_csv(rows: list[dict]) -> str:
    """The practices flat: lists joined by semicolons, spans as two columns, empty for what is not given.
    Steps may contain a semicolon themselves, so they are joined by " | " instead."""
    def cell(value) -> str:
        return "" if value is None else str(value)

    flat = []
    for row in rows:
        cost = row["kosten"] if isinstance(row["kosten"], dict) else {}
        suits = row["passt_zu"] or {}
        population, subdivisions = suits.get("einwohner") or {}, suits.get("ortsteile") or {}
        flat.append({
            "id": row["id"], "titel": row["titel"], "url": row["url"], "praxisblatt": row["praxisblatt"],
            "orte": ";".join(row["orte"]), "herausforderungen": ";".join(row["herausforderungen"]),
            "zusammenfassung": row["zusammenfassung"], "schritte": " | ".join(row["schritte"]),
            "dauer": cell(row["dauer"]), "kosten_min": cell(cost.get("min")), "kosten_max": cell(cost.get("max")),
            "kosten_unbekannt": "ja" if row["kosten"] == "unbekannt" else "",
            "foerderprogramme": ";".join(row["foerderprogramme"]), "partner": ";".join(row["partner"]),
            "erfahrungen": cell(row["erfahrungen"]),
            "einwohner_min": cell(population.get("min")), "einwohner_max": cell(population.get("max")),
            "lage": cell(suits.get("lage")),
            "ortsteile_min": cell(subdivisions.get("min")), "ortsteile_max": cell(subdivisions.get("max")),
            "kontakt_name": row["kontakt"]["name"] if row["kontakt"] else "",
            "kontakt_url": row["kontakt"]["url"] if row["kontakt"] else "",
            "besuch_willkommen": ";".join(visit["von"] for visit in row["besuch_willkommen"]),
            "lizenz": row["lizenz"],
        })
    return csv_text(PRACTICE_COLUMNS, flat)


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
    practices = practice_rows(views, site_url)
    outputs["praxis.json"] = _json(practice_json(practices, publisher))
    outputs["praxis.csv"] = practice_csv(practices)
    for name in FILES.values():
        outputs[name] = _json(schema(name, site_url))
    for name, text in outputs.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return [f"{FOLDER}/{name}" for name in outputs]


def _json(data) -> str:
    return json_text(json.dumps(data, ensure_ascii=False, indent=1)) + "\n"  # "<" as "\u003c": kleinstadt/escaping.py
