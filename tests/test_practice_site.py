"""The knowledge-transfer platform in the built fixture site (issue 17): challenge index and pages with
feeds and a search filter, the practice box, visits, the Praxisblatt PDF and the open data."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import lxml.html
import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from published_site import SITE_URL, published, read  # noqa: F401  (the fixture)


def page(site, url: str):
    return lxml.html.fromstring(read(site, url + "index.html"))


def text(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def test_challenge_index_lists_all_ten_with_explanation_and_count(published):
    doc = page(published, "herausforderungen/")
    items = doc.xpath('//ul[@class="ksg-challenge-list"]/li')
    assert len(items) == 10
    titles = [text(item.xpath(".//h2")[0]) for item in items]
    assert titles[0] == "Finanzielle Handlungsfähigkeit" and "Verwaltung und Förderung" in titles
    demografie = items[titles.index("Demografischer Wandel")]
    assert demografie.xpath(".//h2/a/@href")[0].endswith("demografie/")
    assert "Grundversorgung" in text(demografie)  # the explanation from taxonomy.yml
    assert "2 Geschichten, davon 2 zum Nachmachen" in text(demografie)
    finanzen = items[titles.index("Finanzielle Handlungsfähigkeit")]
    assert "21 Geschichten, davon 1 zum Nachmachen" in text(finanzen)
    assert "Noch keine Geschichte" in text(items[titles.index("Klimaanpassung")])


def test_challenge_page_lists_stories_paginated_with_feed(published):
    first = page(published, "herausforderungen/finanzen/")
    assert text(first.xpath("//h1")[0]) == "Finanzielle Handlungsfähigkeit"
    assert "21 Geschichten, Seite 1 von 2" in text(first)
    assert len(first.xpath('//section[contains(@class,"ksg-stories")]//article')) == 20
    second = page(published, "herausforderungen/finanzen/seite/2/")
    assert len(second.xpath('//section[contains(@class,"ksg-stories")]//article')) == 1
    feed_links = first.xpath('//link[contains(@rel, "alternate")][@type="application/atom+xml"]')
    assert feed_links[0].get("href") == "feed.xml"  # the page's own feed first, beside it
    assert feed_links[0].get("title") == "Kleinstadtgeschichten: Herausforderung Finanzielle Handlungsfähigkeit"
    feed = read(published, "herausforderungen/demografie/feed.xml")
    assert "<title>Kleinstadtgeschichten: Herausforderung Demografischer Wandel</title>" in feed
    assert feed.count("<entry>") == 2
    assert 'term="demografie"' in feed and "herausforderungen/" in feed


def test_challenge_page_who_has_done_it_nearest_first(published):
    doc = page(published, "herausforderungen/demografie/")
    section = doc.xpath('//section[@class="ksg-practice-towns"]')[0]
    towns = [text(h3) for h3 in section.xpath(".//h3")]
    assert towns == ["Altdorf", "Neudorf"]  # A to Z
    altdorf = section.xpath("./ul/li")[0]
    assert "Jugendliche planen ein Fest" in text(altdorf)
    assert re.search(r"In der Nähe: Neudorf \(rund \d+ km\)", text(altdorf))


def test_story_shows_challenges_and_search_filter(published):
    doc = page(published, "geschichten/brueckenfest/")
    facts = text(doc.xpath('//dl[contains(@class,"ksg-facts--inline")]')[0])
    assert "Herausforderungen Demografischer Wandel, Bildung und Kinderbetreuung" in facts
    links = doc.xpath('//dl[contains(@class,"ksg-facts--inline")]//a/@href')
    assert any(href.endswith("herausforderungen/demografie/") for href in links)
    filters = doc.xpath("//@data-pagefind-filter")
    assert "challenge:demografie" in filters and "challenge:bildung" in filters
    search = page(published, "suche/")
    select = search.xpath('//select[@name="herausforderung"]')[0]
    assert select.get("data-filter") == "challenge"
    assert search.xpath('//label[@for="ksg-search-herausforderung"]/text()') == ["Herausforderung"]
    assert len(select.xpath("./option")) == 11
    # Pagefind's index knows the filter with its values.
    meta = os.path.join(published.site_dir, "pagefind")
    assert os.path.isdir(meta)


def test_search_index_has_the_challenge_filter(published):
    import glob
    import gzip

    found = b""
    for path in glob.glob(os.path.join(published.site_dir, "pagefind", "filter", "*.pf_filter")):
        with open(path, "rb") as handle:
            data = handle.read()
        found += gzip.decompress(data[len(b"pagefind_dcd"):]) if data.startswith(b"pagefind_dcd") else \
            gzip.decompress(data)
    assert b"challenge" in found and b"demografie" in found


def test_navigation_home_and_overviews_link_to_challenges(published):
    for url in ("", "pfeiler/", "themen/", "geschichten/brueckenfest/"):
        doc = page(published, url)
        hrefs = doc.xpath("//a/@href")
        assert any(href.rstrip("/").endswith("herausforderungen") for href in hrefs), url
    home = page(published, "")
    assert text(home.xpath('//h2[@id="ksg-home-challenges"]')[0]) == "Was hat anderen Städten geholfen?"


def test_practice_box_shows_only_given_fields(published):
    doc = page(published, "geschichten/brueckenfest/")
    box = doc.xpath('//aside[@class="ksg-practice"]')[0]
    assert text(box.xpath("./h2")[0]) == "Zum Nachmachen"
    content = text(box)
    for expected in ("Jugendliche planen ein Fest", "Das Jugendparlament sammelt Ideen", "ein halbes Jahr",
                     "500 bis 2.000 €", "LEADER", "Jugendparlament, Stadtverwaltung", "Früher mit dem Nachbarort",
                     "mit höchstens 10.000 Einwohner:innen, ländlich geprägt, mit mindestens 3 Ortsteilen",
                     "Stadtverwaltung Altdorf: www.example.org/altdorf"):
        assert expected in content, expected
    assert box.xpath('.//a[contains(@href, "praxisblatt.pdf")]')
    # Only the summary and the cost: no empty headings or labels.
    markt = text(page(published, "geschichten/markt/").xpath('//aside[@class="ksg-practice"]')[0])
    assert "Neudorf holt den Wochenmarkt zurück." in markt and "Kostenunbekannt" in markt
    for absent in ("So geht es", "Dauer", "Förderprogramm", "Beteiligt", "Passt zu", "Kontakt", "anders laufen"):
        assert absent not in markt, absent
    assert not page(published, "geschichten/hafen/").xpath('//aside[@class="ksg-practice"]')


def test_who_has_done_it_in_the_box(published):
    box = page(published, "geschichten/markt/").xpath('//aside[@class="ksg-practice"]')[0]
    items = [text(li) for li in box.xpath('.//ul[@class="ksg-practice__others"]/li')]
    # Neudorf's market: Altdorf's festival shares "demografie", and it names Neudorf too: left out as not
    # from another town; Seestadt's practice is for "finanzen" only.
    assert items == []
    assert "noch keine Geschichte mit Praxis" in text(box)
    archive = page(published, "geschichten/archiv-21/").xpath('//aside[@class="ksg-practice"]')[0]
    assert "Wer hat das schon gemacht?" in text(archive)


def test_visits_on_town_page_and_in_the_box(published):
    town = page(published, "orte/seestadt/")
    visit = text(town.xpath('//aside[@class="ksg-visit"]')[0])
    assert "Besuch willkommen" in visit and "Rathaus Seestadt" in visit and "Nach Absprache." in visit
    box = text(page(published, "geschichten/archiv-21/").xpath('//aside[@class="ksg-practice"]')[0])
    assert "Seestadt lädt zur Hospitation ein (Nach Absprache.). Kontakt: Rathaus Seestadt" in box
    assert not page(published, "orte/altdorf/").xpath('//aside[@class="ksg-visit"]')


def test_praxisblatt_is_one_a4_page_with_the_practice(published):
    from pypdf import PdfReader

    path = os.path.join(published.site_dir, "geschichten", "brueckenfest", "praxisblatt.pdf")
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * 25.4 / 72), round(float(box.height) * 25.4 / 72)) == (210, 297)
    content = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    for expected in ("Praxisblatt", "Ein Fest für die neue Brücke", "Jugendliche planen ein Fest",
                     "Das Jugendparlament sammelt Ideen", "500 bis 2.000 €", "LEADER", "Stadtverwaltung Altdorf",
                     f"{SITE_URL}geschichten/brueckenfest/"):
        assert expected in content, expected
    assert not os.path.exists(os.path.join(published.site_dir, "geschichten", "hafen", "praxisblatt.pdf"))
    assert os.stat(path).st_mode & 0o444 == 0o444  # readable for the web server, like every other file


def test_praxisblatt_is_reproducible(published, tmp_path):
    from kleinstadt import praxisblatt
    from kleinstadt.content import load_content
    from kleinstadt.views import build_views
    import datetime as dt

    views = build_views(load_content(published.root, today=dt.date(2026, 6, 1)))
    for run in ("a", "b"):
        os.makedirs(tmp_path / run / "geschichten")
        praxisblatt.write_sheets(str(tmp_path / run), views, SITE_URL, cache=str(tmp_path / f"cache-{run}"))
    first = (tmp_path / "a" / "geschichten" / "brueckenfest" / "praxisblatt.pdf").read_bytes()
    assert first == (tmp_path / "b" / "geschichten" / "brueckenfest" / "praxisblatt.pdf").read_bytes()
    # A second build takes the sheets from the cache.
    line = praxisblatt.write_sheets(str(tmp_path / "a"), views, SITE_URL, cache=str(tmp_path / "cache-a"))
    assert line.endswith("davon 0 neu gesetzt")
    # Setting the sheets left Pillow's check for broken images as it was (WeasyPrint turns it off on import).
    from PIL import ImageFile
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def schema_of(site, name: str) -> Draft202012Validator:
    schema = json.loads(read(site, f"daten/{name}"))
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == f"{SITE_URL}daten/{name}"
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_practice_open_data_json_matches_its_schema(published):
    data = json.loads(read(published, "daten/praxis.json"))
    schema_of(published, "praxis.schema.json").validate(data)
    by_id = {row["id"]: row for row in data["praxis"]}
    assert set(by_id) == {"brueckenfest", "markt", "archiv-21"} and data["anzahl"] == 3
    fest = by_id["brueckenfest"]
    assert fest["kosten"] == {"min": 500, "max": 2000} and fest["schritte"][0] == "Das Jugendparlament sammelt Ideen"
    assert fest["passt_zu"] == {"einwohner": {"min": None, "max": 10000}, "lage": "ländlich",
                                "ortsteile": {"min": 3, "max": None}}
    assert fest["kontakt"] == {"name": "Stadtverwaltung Altdorf", "url": "https://www.example.org/altdorf"}
    assert fest["praxisblatt"] == f"{SITE_URL}geschichten/brueckenfest/praxisblatt.pdf"
    markt = by_id["markt"]
    assert markt["kosten"] == "unbekannt" and markt["dauer"] is None and markt["schritte"] == []
    assert markt["passt_zu"] is None and markt["kontakt"] is None
    assert by_id["archiv-21"]["besuch_willkommen"] == [{"von": "Seestadt", "kontakt": {
        "name": "Rathaus Seestadt", "url": "https://www.example.org/seestadt"}, "hinweis": "Nach Absprache."}]


def test_practice_open_data_csv_matches_its_schema(published):
    rows = list(csv.DictReader(io.StringIO(read(published, "daten/praxis.csv"), newline="")))
    validator = schema_of(published, "praxis.csv.schema.json")
    for row in rows:
        validator.validate(row)
    fest = next(row for row in rows if row["id"] == "brueckenfest")
    assert fest["kosten_min"] == "500" and fest["kosten_max"] == "2000" and fest["kosten_unbekannt"] == ""
    assert fest["schritte"].split(" | ")[1] == "Die Stadtverwaltung klärt Genehmigungen"
    assert fest["herausforderungen"] == "demografie;bildung"
    assert next(row for row in rows if row["id"] == "markt")["kosten_unbekannt"] == "ja"


def test_practice_schemas_reject_wrong_data(published):
    data = json.loads(read(published, "daten/praxis.json"))
    validator = schema_of(published, "praxis.schema.json")
    for change in ({"kosten": "teuer"}, {"kosten": {"min": None, "max": None}}, {"kontakt": {"name": "x"}},
                   {"herausforderungen": []}, {"passt_zu": {"einwohner": None, "lage": "urban", "ortsteile": None}}):
        broken = dict(data, praxis=[dict(data["praxis"][0], **change)])
        with pytest.raises(ValidationError):
            validator.validate(broken)
