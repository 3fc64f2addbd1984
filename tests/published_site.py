"""One built fixture site shared by the tests of feeds, open data, search-engine tags and HTML validity.

Building once per test session keeps those tests fast. The stories cover what the outputs must handle:
two towns in two regions, a title image (with recognisable people and their consents), a relative link to
an image, an `updated` date, a draft and an embargoed story (neither may appear anywhere public; the
embargoed one also carries every other front-matter key), enough older stories for a second index page
(also of the challenge „finanzen“), an edition, and practices to copy in three towns (one with a cost
range, one with an unknown cost), one of which (Seestadt) welcomes visits. Together the stories use every
front-matter key and block: the web editor's round trip (test_editor_browser.py) opens and saves each.

    from published_site import published  # noqa: F401  (the fixture)
"""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from PIL import Image

from conftest import FixtureSite, built_once

SITE_URL = "https://kleinstadtgeschichten.example.org/"
NEWEST = ("hafen", "brueckenfest", "markt")  # newest first
# Older stories of Seestadt: enough for a second page of the all-stories index (20 a page).
ARCHIVE = tuple(f"archiv-{day:02d}" for day in range(21, 0, -1))  # newest first
PUBLIC = NEWEST + ARCHIVE
HIDDEN = ("entwurf", "spaeter")


def _png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (31, 111, 92)).save(out, "PNG")
    return out.getvalue()


def write_stories(site: FixtureSite) -> None:
    site.write("stories/altdorf/2026-03-01-brueckenfest/index.md", """---
title: "Ein Fest für die neue Brücke"
description: "Altdorf und Neudorf feiern gemeinsam: Jugendliche haben das Fest geplant."
date: 2026-03-01
updated: 2026-05-10
towns: [altdorf, neudorf]
pillars: [jugend, innovation]
themes: [jugend, beteiligung]
challenges: [demografie, bildung]
authors: [redaktion, jugendredaktion-schmalkalden]
image:
  file: bruecke.png
  alt: Eine grüne Fläche als Platzhalter für die Brücke
  credit: Mia K.
  license: CC BY 4.0
  people:
    consent: true
    minors: true
    parental_consent: true
sources:
  - title: Resiliente Kleinstädte
    page: "17"
status: published
practice:
  summary: Jugendliche planen ein Fest für beide Orte, die Stadt hilft mit Raum und Genehmigungen.
  steps:
    - Das Jugendparlament sammelt Ideen
    - Die Stadtverwaltung klärt Genehmigungen
    - Beide Orte feiern gemeinsam an der Brücke
  duration: ein halbes Jahr
  cost: {min: 500, max: 2000}
  funding: [LEADER]
  partners: [Jugendparlament, Stadtverwaltung]
  lessons: Früher mit dem Nachbarort reden.
  suits: {population: {max: 10000}, setting: ländlich, subdivisions: {min: 3}}
  contact: {name: Stadtverwaltung Altdorf, url: https://www.example.org/altdorf}
---

Ein **Fest** an der [Brücke](https://example.org/bruecke), geplant vom Jugendparlament.

## Wie es begann

Mit Mut & Ideen: ![Skizze der Brücke](skizze.png)

| Jahr | Gäste |
|---|---|
| 2025 | 300 |

Geplant war das seit Langem.[^1] Mehr dazu [weiter oben](#wie-es-begann).

> [!TIP]
> Das nächste Fest ist im Mai.

[^1]: So steht es im Protokoll des Jugendparlaments.
""")
    site.write("stories/altdorf/2026-03-01-brueckenfest/bruecke.png", _png(1200, 675))  # title images: >= 1200 px
    site.write("stories/altdorf/2026-03-01-brueckenfest/skizze.png", _png())
    site.story("hafen", date=dt.date(2026, 4, 2), towns=("seestadt",), pillars=("finanzen",),
               title="Der Hafen gehört allen", description="Seestadt hat seinen Hafen neu geordnet.")
    site.story("markt", date=dt.date(2026, 2, 1), towns=("neudorf",), pillars=("selbstgestaltung",),
               themes=["stadtentwicklung"], title="Markt am Samstag", description="Der Wochenmarkt kehrt zurück.",
               extra="challenges: [demografie, innenstadt]\npractice:\n  summary: Neudorf holt den Wochenmarkt "
                     "zurück.\n  cost: {unknown: true}")
    site.edit("towns/seestadt.md", "coordinates:", "hospitation:\n  contact: {name: Rathaus Seestadt, url: "
              "https://www.example.org/seestadt}\n  note: Nach Absprache.\ncoordinates:")
    for slug in ARCHIVE:
        site.story(slug, date=dt.date(2025, 1, int(slug[-2:])), towns=("seestadt",), pillars=("verwaltung",),
                   extra="challenges: [finanzen]" + ("\npractice:\n  summary: Seestadt spart gemeinsam." if slug ==
                                                     "archiv-21" else ""))
    site.story("entwurf", date=dt.date(2026, 4, 3), towns=("seestadt",), status="draft",  # nobody on the image
               extra="image:\n  file: entwurf.png\n  alt: Eine grüne Fläche als Platzhalter\n  credit: Ben R.\n"
                     "  license: CC BY-SA 4.0")
    site.write("stories/seestadt/2026-04-03-entwurf/entwurf.png", _png(1200, 675))
    site.write("editions/2026-1.md", '---\nnumber: "2026/1"\ntitle: "Ausgabe 2026/1"\ndate: 2026-04-15\n'
               'stories:\n  - hafen\n  - brueckenfest\n---\n\nDas Vorwort der ersten Ausgabe.\n')
    # Embargoed, so nowhere public: every other front-matter key, for the web editor's round trip
    # (`slug` as the folder says it, so no address changes).
    site.write("stories/altdorf/2026-04-04-spaeter/index.md", """---
title: "Geschichte spaeter"
description: "Anreißer der Geschichte spaeter."
date: 2026-04-04
towns: [altdorf, seestadt]
pillars: [jugend, finanzen]
themes: [jugend, kultur]
challenges: [demografie, finanzen]
authors: [redaktion, jugendredaktion-schmalkalden]
sources:
  - title: Resiliente Kleinstädte
    publisher: Thünen-Institut für Regionalentwicklung e. V.
    year: 2025
    page: "17"
  - title: Die Webseite der Stadt Altdorf
    publisher: Stadt Altdorf
    year: 2026
    url: https://www.example.org/altdorf
    date: 2026-03-30
status: published
embargo: 2026-12-24
slug: spaeter
---

Ein kurzer Text.
""")


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> FixtureSite:
    """The fixture site with the stories above, built as `make build` would (KSG_TODAY=2026-06-01)."""
    return built_once(tmp_path_factory, "published", write_stories, SITE_URL)


def read(site: FixtureSite, relative: str, mode: str = "r"):
    with open(os.path.join(site.site_dir, relative), mode, **({} if "b" in mode else {"encoding": "utf-8"})) as handle:
        return handle.read()
