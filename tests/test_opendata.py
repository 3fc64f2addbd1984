"""Open data in /daten/: every file is valid against the JSON Schema published beside it, and says what the
site shows (public stories only, story counts per town, licence)."""

from __future__ import annotations

import csv
import io
import json
import os

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from kleinstadt import feeds, opendata
from published_site import HIDDEN, PUBLIC, SITE_URL, published, read  # noqa: F401

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def schema_of(site, name: str) -> Draft202012Validator:
    schema = json.loads(read(site, f"daten/{name}"))
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"{SITE_URL}daten/{name}"
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def csv_rows(site) -> list[dict]:
    return list(csv.DictReader(io.StringIO(read(site, "daten/geschichten.csv"), newline="")))


def test_every_file_has_its_schema_beside_it(published):
    for data, schema in opendata.FILES.items():
        assert read(published, f"daten/{data}")
        schema_of(published, schema)


def test_stories_json_is_valid_and_lists_public_stories(published):
    data = json.loads(read(published, "daten/geschichten.json"))
    schema_of(published, "geschichten.schema.json").validate(data)
    assert data["anzahl"] == len(data["geschichten"]) == len(PUBLIC)
    assert [row["id"] for row in data["geschichten"]] == list(PUBLIC)
    bridge = data["geschichten"][1]
    assert bridge == {
        "id": "brueckenfest",
        "titel": "Ein Fest für die neue Brücke",
        "teaser": "Altdorf und Neudorf feiern gemeinsam: Jugendliche haben das Fest geplant.",
        "datum": "2026-03-01",
        "aktualisiert": "2026-05-10",
        "orte": ["altdorf", "neudorf"],
        "regionen": ["DE-TH"],
        "pfeiler": ["jugend", "innovation"],
        "themen": ["jugend", "beteiligung"],
        "teams": ["Redaktion des Thünen-Instituts", "Beispiel-Jugendredaktion Schmalkalden"],
        "url": SITE_URL + "geschichten/brueckenfest/",
        "lizenz": "CC-BY-4.0",
    }
    assert data["lizenz"] == "CC-BY-4.0" and "creativecommons.org/licenses/by/4.0" in data["lizenz_url"]


def test_stories_csv_is_valid_and_matches_the_json(published):
    validator = schema_of(published, "geschichten.csv.schema.json")
    rows = csv_rows(published)
    for row in rows:
        validator.validate(row)
    assert list(rows[0]) == list(opendata.STORY_COLUMNS)
    stories = json.loads(read(published, "daten/geschichten.json"))["geschichten"]
    assert [row["id"] for row in rows] == [story["id"] for story in stories]
    bridge = rows[1]
    assert bridge["orte"] == "altdorf;neudorf" and bridge["themen"] == "jugend;beteiligung"
    assert rows[0]["aktualisiert"] == "" and rows[0]["themen"] == ""


def test_towns_geojson_is_valid_with_points_and_story_counts(published):
    data = json.loads(read(published, "daten/orte.geojson"))
    schema_of(published, "orte.schema.json").validate(data)
    towns = {feature["id"]: feature for feature in data["features"]}
    assert sorted(towns) == ["altdorf", "neudorf", "seestadt"]
    altdorf = towns["altdorf"]
    assert altdorf["geometry"] == {"type": "Point", "coordinates": [10.9, 50.9]}  # longitude, latitude
    facts = altdorf["properties"]
    assert (facts["name"], facts["land"], facts["ags"], facts["einwohner"]) == ("Altdorf", "DE-TH", "16000001", 5000)
    assert facts["url"] == SITE_URL + "orte/altdorf/" and facts["feed"] == SITE_URL + "orte/altdorf/feed.xml"
    # the embargoed story of Altdorf does not count; Neudorf shares the bridge story
    assert {slug: town["properties"]["geschichten"] for slug, town in towns.items()} == {
        "altdorf": 1, "neudorf": 2, "seestadt": 1 + 21}


def test_hidden_stories_appear_in_no_data_file(published):
    for name in opendata.FILES:
        text = read(published, f"daten/{name}")
        for slug in HIDDEN:
            assert f"geschichten/{slug}/" not in text


def test_the_schemas_reject_wrong_data(published):
    # Without this a schema that accepts anything would pass the tests above.
    data = json.loads(read(published, "daten/geschichten.json"))
    validator = schema_of(published, "geschichten.schema.json")
    for change in ({"datum": "1. März 2026"}, {"pfeiler": []}, {"url": "geschichten/x/"}, {"unbekannt": 1}):
        broken = json.loads(json.dumps(data))
        broken["geschichten"][0].update(change)
        with pytest.raises(ValidationError):
            validator.validate(broken)
    row = csv_rows(published)[0]
    with pytest.raises(ValidationError):
        schema_of(published, "geschichten.csv.schema.json").validate(dict(row, orte="Altdorf, Neudorf"))
    towns = json.loads(read(published, "daten/orte.geojson"))
    towns["features"][0]["properties"]["ags"] = "123"
    with pytest.raises(ValidationError):
        schema_of(published, "orte.schema.json").validate(towns)


def test_open_data_page_explains_fields_and_licence(published):
    html = published.html("offene-daten/", published.site_dir)
    for name in list(opendata.FILES) + list(opendata.FILES.values()):
        assert f'href="../daten/{name}"' in html
    assert "CC BY 4.0" in html


def test_open_data_page_documents_every_field():
    # The page "Offene Daten" (pages/offene-daten.md) must explain every field the schemas define.
    with open(os.path.join(REPO, "pages", "offene-daten.md"), encoding="utf-8") as handle:
        page = handle.read()
    with open(os.path.join(opendata.SCHEMAS, "geschichten.schema.json"), encoding="utf-8") as handle:
        story_fields = json.load(handle)["$defs"]["geschichte"]["properties"]
    with open(os.path.join(opendata.SCHEMAS, "orte.schema.json"), encoding="utf-8") as handle:
        town_fields = json.load(handle)["$defs"]["ort"]["properties"]["properties"]["properties"]
    missing = [name for name in list(story_fields) + list(town_fields) if f"`{name}`" not in page]
    assert not missing, f"Auf der Seite Offene Daten fehlen die Felder: {missing}"
    assert f"die {feeds.MAX_ENTRIES} neuesten Geschichten" in page


# --- CSV injection (OWASP): a cell that a spreadsheet would run as a formula -------------------------------

FORMULA_TITLES = ['=HYPERLINK("https://example.org","Klick")', "+49 Stimmen für den Jugendclub",
                  "-20 Grad und trotzdem Eisbaden", "@jugendclub lädt ein"]


def _schema_validator(name: str) -> Draft202012Validator:
    schema = opendata.schema(name, SITE_URL)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _open_data_of(site) -> tuple[dict, list[dict]]:
    from kleinstadt.views import build_views

    content = site.check()
    assert not content.problems, content.problems.report()
    rows = opendata.story_rows(build_views(content), SITE_URL)
    data = json.loads(opendata._json(opendata.stories_json(rows, "Thünen-Institut")))
    table = list(csv.DictReader(io.StringIO(opendata.stories_csv(rows), newline="")))
    _schema_validator("geschichten.schema.json").validate(data)
    for row in table:
        _schema_validator("geschichten.csv.schema.json").validate(row)
    return {story["id"]: story for story in data["geschichten"]}, {row["id"]: row for row in table}


def test_a_title_that_looks_like_a_formula_is_text_in_the_csv_and_unchanged_in_the_json(site):
    slugs = {}
    for index, title in enumerate(FORMULA_TITLES):
        slugs[f"formel-{index}"] = title
        # YAML double quotes take JSON's escapes
        site.story(f"formel-{index}", title=json.dumps(title)[1:-1], description=json.dumps(title)[1:-1])
    site.story("normal", title="Ein ganz normaler Titel")
    site.story("zahl", title="20 Jahre Jugendclub", description="2026 feiert der Club.")
    stories, cells = _open_data_of(site)
    for slug, title in slugs.items():
        assert stories[slug]["titel"] == stories[slug]["teaser"] == title
        assert cells[slug]["titel"] == cells[slug]["teaser"] == "'" + title
    assert cells["normal"]["titel"] == stories["normal"]["titel"] == "Ein ganz normaler Titel"
    assert cells["zahl"]["titel"] == "20 Jahre Jugendclub" and cells["zahl"]["teaser"] == "2026 feiert der Club."


@pytest.mark.parametrize("title", FORMULA_TITLES + ["\tTabulator=1+2", "\rWagenrücklauf", "=1+2\";=1+2",
                                                    "Hallo;=1+2", "-", "'=schon mit Apostroph"])
def test_every_csv_cell_that_starts_like_a_formula_gets_a_quote_in_front(title):
    row = {"id": "probe", "titel": title, "teaser": title, "datum": "2026-03-01", "aktualisiert": None,
           "orte": ["altdorf"], "regionen": ["DE-TH"], "pfeiler": ["jugend"], "themen": [],
           "teams": [title, "Redaktion"], "url": SITE_URL + "geschichten/probe/", "lizenz": "CC-BY-4.0"}
    text = opendata.stories_csv([row])
    cells = next(csv.DictReader(io.StringIO(text, newline="")))
    expected = "'" + title if title[:1] in "=+-@\t\r" else title
    assert cells["titel"] == cells["teaser"] == expected
    assert cells["teams"] == expected + ";Redaktion"
    _schema_validator("geschichten.csv.schema.json").validate(cells)
    # every cell is quoted, so a `;` (the separator of a German Excel) cannot start a new cell
    body = text.split("\r\n", 1)[1]
    assert body.startswith('"probe","') and '"' + expected.replace('"', '""') + '"' in body
    data = json.loads(opendata._json(opendata.stories_json([row], "Thünen-Institut")))
    assert data["geschichten"][0]["titel"] == data["geschichten"][0]["teaser"] == title
    assert data["geschichten"][0]["teams"][0] == title
    _schema_validator("geschichten.schema.json").validate(data)


@pytest.mark.parametrize("cell, expected", [
    ("=SUMME(A1:A2)", "'=SUMME(A1:A2)"), ("+1", "'+1"), ("-20 Grad", "'-20 Grad"), ("@Jugend", "'@Jugend"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Lübz", "Lübz"), ("20 Grad", "20 Grad"), ("", ""),
    ("a=b", "a=b"), (" =1", " =1"), ("'=1", "'=1"),
])
def test_neutralise_formula(cell, expected):
    from kleinstadt.csvfile import neutralise_formula

    assert neutralise_formula(cell) == expected


def test_the_longest_teaser_still_validates_in_the_csv_with_its_quote():
    row = {"id": "probe", "titel": "Titel", "teaser": "-" + "x" * 199, "datum": "2026-03-01", "aktualisiert": None,
           "orte": ["altdorf"], "regionen": ["DE-TH"], "pfeiler": ["jugend"], "themen": [], "teams": ["Redaktion"],
           "url": SITE_URL + "geschichten/probe/", "lizenz": "CC-BY-4.0"}
    cells = next(csv.DictReader(io.StringIO(opendata.stories_csv([row]), newline="")))
    assert len(cells["teaser"]) == 201
    _schema_validator("geschichten.csv.schema.json").validate(cells)


def test_every_csv_is_written_through_the_one_safe_writer():
    # Another CSV (a future daten/praxis.csv, ...) must use kleinstadt.csvfile.csv_text too.
    offenders = []
    for folder in ("hooks", "tools"):
        for base, _, names in os.walk(os.path.join(REPO, folder)):
            for name in names:
                path = os.path.join(base, name)
                if not name.endswith(".py") or path.endswith(os.path.join("kleinstadt", "csvfile.py")):
                    continue
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                if "csv.writer" in text or "DictWriter" in text or "from csv import" in text:
                    offenders.append(os.path.relpath(path, REPO))
    assert not offenders, f"Schreibt CSV ohne kleinstadt.csvfile.csv_text: {offenders}"
