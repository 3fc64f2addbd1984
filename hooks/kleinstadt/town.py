"""Town profiles: towns/<slug>.md with facts in the front matter and the portrait in prose."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

from . import markup
from .fields import SLUG, open_front_matter
from .practice import Hospitation, check_hospitation
from .problems import Problems
from .sources import Source, check_sources
from .taxonomy import Taxonomy

TOWN_KEYS = {"name", "description", "state", "district", "ags", "population", "area", "subdivisions",
             "coordinates", "website", "sources", "hospitation"}
SUBDIVISION_LABELS = {"Ortsteile", "Stadtteile", "Ortschaften"}
# The first two digits of the AGS name the state.
AGS_STATE = {"12": "DE-BB", "13": "DE-MV", "14": "DE-SN", "15": "DE-ST", "16": "DE-TH"}


@dataclass
class Town:
    slug: str
    path: str
    name: str
    description: str
    state: str  # ISO 3166-2 code
    district: str
    ags: str
    population: int | None
    population_date: dt.date | None
    population_source: str | None
    area_km2: float | None
    area_source: str | None
    subdivisions: int | None
    subdivision_label: str
    lat: float
    lon: float
    website: str | None
    sources: list[Source]
    body: str
    hospitation: Hospitation | None = None  # visits welcome (kleinstadt/practice.py)

    @property
    def url(self) -> str:
        return f"orte/{self.slug}/"

    @property
    def district_name(self) -> str:
        """The district as readers know it: `district` holds the Landkreis's name ("Leipzig", "Börde"), and
        "Frohburg (Leipzig)" would read like the city; "Landkreis Leipzig" does not. A name that already says
        it is a district ("Altmarkkreis Salzwedel", "Landkreis Börde") stays as it is."""
        if "kreis" in self.district.casefold():
            return self.district
        return f"Landkreis {self.district}"


def load_town(path: str, taxonomy: Taxonomy, problems: Problems) -> Town | None:
    slug = os.path.splitext(os.path.basename(path))[0]
    if not SLUG.match(slug):
        problems.add(path, None, None, f"Der Dateiname „{slug}“ ist kein gültiges Kürzel.",
                     "Nur Kleinbuchstaben a-z, Ziffern und Bindestriche, Umlaute umschreiben: luebz.md")
        return None
    opened = open_front_matter(path, problems, TOWN_KEYS)
    if opened is None:
        return None
    text, front, check = opened
    data = front.data
    name = check.plain_text(data, "name", hint="Gib den amtlichen Namen des Ortes an.")
    description = check.plain_text(data, "description", max_length=200, required=False) or ""
    state = check.text(data, "state", hint="Gib das Land als ISO-Kürzel an, zum Beispiel DE-TH.")
    if state and state not in taxonomy.regions:
        check.error("state", f"„{state}“ ist keines der fünf ostdeutschen Länder.",
                    "Erlaubt sind: " + ", ".join(sorted(taxonomy.regions)) + ".")
        state = None
    district = check.plain_text(data, "district", hint="Gib den Landkreis an.")
    ags = check.text(data, "ags", hint="Der Amtliche Gemeindeschlüssel hat 8 Ziffern, in Anführungszeichen.")
    if ags and not re.fullmatch(r"\d{8}", ags):
        check.error("ags", f"„{ags}“ ist kein Amtlicher Gemeindeschlüssel.",
                    "Er hat genau 8 Ziffern; schreibe ihn in Anführungszeichen, damit die führende Null bleibt.")
        ags = None
    elif ags and state and AGS_STATE.get(ags[:2]) != state:
        check.error("ags", f"Der Schlüssel „{ags}“ gehört nicht zum Land {state}.",
                    "Die ersten beiden Ziffern nennen das Land (12 BB, 13 MV, 14 SN, 15 ST, 16 TH).")

    population = population_date = population_source = None
    block = check.mapping(data, "population", required=False)
    if block is not None:
        check.unknown_keys(block, {"value", "date", "source"}, "population.")
        population = check.number(block, "value", "population.", integer=True, minimum=1, maximum=10_000_000)
        population_date = check.date(block, "date", "population.")
        population_source = check.plain_text(block, "source", "population.", hint="Nenne die Quelle der Einwohnerzahl.")
    area_km2 = area_source = None
    block = check.mapping(data, "area", required=False)
    if block is not None:
        check.unknown_keys(block, {"km2", "source"}, "area.")
        area_km2 = check.number(block, "km2", "area.", minimum=0.1, maximum=5000)
        area_source = check.plain_text(block, "source", "area.", required=False)
    subdivisions, label = None, "Ortsteile"
    block = check.mapping(data, "subdivisions", required=False)
    if block is not None:
        check.unknown_keys(block, {"count", "label"}, "subdivisions.")
        subdivisions = check.number(block, "count", "subdivisions.", integer=True, minimum=0, maximum=500)
        label = check.plain_text(block, "label", "subdivisions.", required=False) or label
        if label not in SUBDIVISION_LABELS:
            check.error("subdivisions.label", f"„{label}“ ist keine bekannte Bezeichnung.",
                        "Erlaubt sind: " + ", ".join(sorted(SUBDIVISION_LABELS)) + ".")
    lat = lon = None
    block = check.mapping(data, "coordinates")
    if block is not None:
        check.unknown_keys(block, {"lat", "lon"}, "coordinates.")
        # The five East German states lie within these bounds.
        lat = check.number(block, "lat", "coordinates.", minimum=50.0, maximum=55.0)
        lon = check.number(block, "lon", "coordinates.", minimum=9.5, maximum=15.5)
    website = check.url(data, "website")
    sources = check_sources(check, data)
    hospitation = check_hospitation(check, data)
    if not markup.report_unsafe(problems, path, front.body, front.body_line):  # the portrait: no raw HTML
        check.ok = False
    if not check.ok or None in (name, state, district, ags, lat, lon):
        return None
    return Town(slug, path, name, description, state, district, ags, population, population_date,
                population_source, area_km2, area_source, subdivisions, label, float(lat), float(lon), website,
                sources, front.body, hospitation)
