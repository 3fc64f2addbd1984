"""A fixture site with a hostile payload in every string field a contributor can fill (issue 14).

Every field gets the same two attacks: a <script> element and an <img> whose error handler runs code, each
marked so that the tests can find the text again. Escaped, both must show as text wherever the field is
shown; unescaped, either would run (a dialog in Chromium) or make the build's page check fail.

    from hostile_site import hostile  # noqa: F401  (the fixture)
"""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from conftest import FixtureSite, built_once

SITE_URL = "https://kleinstadtgeschichten.example.org/"
MARK = "ksgxss"  # in every payload, so that the tests find where a field went
SCRIPT = f"<script>alert('{MARK}')</script>"
HANDLER = f"<img src=x onerror=alert('{MARK}')>"
PAYLOAD = f"{SCRIPT}{HANDLER}\"'&"
# The part of each payload that must never be in an output file as it is: it would be markup there.
RAW = (SCRIPT, HANDLER)


def field(name: str) -> str:
    """The payload for one field, with the field's name so that a test can tell where it is shown."""
    return f"{name} {PAYLOAD}"


def _yaml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (31, 111, 92)).save(out, "PNG")
    return out.getvalue()


def write_hostile_content(site: FixtureSite) -> None:
    site.edit("towns/altdorf.md", "name: Altdorf", f"name: {_yaml(field('Ortsname'))}")
    site.edit("towns/altdorf.md", "description: Eine erfundene Kleinstadt für die Tests.",
              f"description: {_yaml(field('Ortsbeschreibung'))}")
    site.edit("towns/altdorf.md", "Altdorf ist eine erfundene Stadt", "Altdorf `" + SCRIPT + "` ist eine erfundene Stadt")
    site.edit("towns/altdorf.md", "coordinates:", f"hospitation:\n  contact: {{name: {_yaml(field('Besuchsstelle'))}, "
              f"url: https://example.org/besuch}}\n  note: {_yaml(field('Besuchshinweis'))}\ncoordinates:")
    site.edit("taxonomy.yml", "name: Beispiel-Jugendredaktion Malchin", f"name: {_yaml(field('Teamname'))}")
    site.edit("taxonomy.yml", "supervisor_role: Lehrkraft für Deutsch", f"supervisor_role: {_yaml(field('Betreuung'))}")
    site.write("stories/altdorf/2026-05-01-angriff/index.md", f"""---
title: {_yaml(field('Titel'))}
description: {_yaml(field('Anreißer'))}
date: 2026-05-01
towns: [altdorf]
pillars: [jugend]
themes: [jugend]
authors: [jugendredaktion-malchin]
image:
  file: bild.png
  alt: {_yaml(field('Alternativtext'))}
  credit: {_yaml(field('Bildnachweis'))}
  license: {_yaml(field('Lizenz'))}
sources:
  - title: {_yaml(field('Quellentitel'))}
    publisher: {_yaml(field('Herausgeber'))}
    year: 2025
    page: "17"
    url: "https://example.org/?q=%22%3E%3Cscript%3Ealert('{MARK}')%3C/script%3E&x=<script>"
status: published
challenges: [demografie]
practice:
  summary: {_yaml(field('Praxissatz'))}
  steps: [{_yaml(field('Schritt'))}]
  duration: {_yaml(field('Dauer'))}
  funding: [{_yaml(field('Förderprogramm'))}]
  partners: [{_yaml(field('Beteiligte'))}]
  lessons: {_yaml(field('Erfahrung'))}
  contact: {{name: {_yaml(field('Kontaktstelle'))}, url: "https://example.org/?x=<script>"}}
---

Der Text zeigt `{SCRIPT}` als Code.
""")
    site.write("stories/altdorf/2026-05-01-angriff/bild.png", _png(1200, 675))
    site.story("nachbar", towns=("altdorf",), pillars=("jugend",), title="Eine harmlose Geschichte",
               description="Daneben eine Geschichte ohne Angriff.")
    site.write("editions/2026-1.md", f"---\nnumber: \"2026/1\"\ntitle: {_yaml(field('Ausgabentitel'))}\n"
               f"description: {_yaml(field('Ausgabenbeschreibung'))}\ndate: 2026-05-15\n"
               "stories:\n  - angriff\n  - nachbar\n---\n\nDas Editorial zeigt `" + SCRIPT + "` nur als Code.\n")


@pytest.fixture(scope="session")
def hostile(tmp_path_factory) -> FixtureSite:
    """The fixture site with the hostile content, built as `make build` would (KSG_TODAY=2026-06-01)."""
    return built_once(tmp_path_factory, "hostile", write_hostile_content, SITE_URL)


def output_files(site: FixtureSite):
    site_dir = os.path.join(site.root, "site")
    for folder, _, names in os.walk(site_dir):
        for name in names:
            yield os.path.relpath(os.path.join(folder, name), site_dir), os.path.join(folder, name)
