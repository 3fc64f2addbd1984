"""Untrusted text stays text (issue 14): a site whose every string field carries a script and an event
handler (tests/hostile_site.py) is built once; no output holds the payload as markup, every page type shows
it as text, and Chromium sees no dialog, no console error and no CSP violation on any page."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil

import feedparser
import pytest
from selectolax.lexbor import LexborHTMLParser

import corpus
from conftest import FIXTURE, FixtureSite
from hostile_site import MARK, PAYLOAD, RAW, SITE_URL, field, hostile, output_files, write_hostile_content  # noqa: F401

STORY = "geschichten/angriff/"
# Where each field is shown, by page: the text a reader sees must contain the field's payload as it was typed.
SHOWN = {
    STORY: ["Titel", "Anreißer", "Bildnachweis", "Lizenz", "Quellentitel", "Herausgeber", "Ortsname", "Teamname",
            "Betreuung", "Ausgabentitel", "Praxissatz", "Schritt", "Dauer", "Förderprogramm", "Beteiligte",
            "Erfahrung", "Kontaktstelle", "Besuchsstelle", "Besuchshinweis"],
    "herausforderungen/demografie/": ["Praxissatz", "Titel", "Ortsname", "Besuchsstelle"],
    "": ["Titel", "Anreißer", "Ortsname", "Ausgabentitel"],
    "geschichten/": ["Titel", "Anreißer", "Ortsname"],
    "orte/altdorf/": ["Ortsname", "Ortsbeschreibung", "Titel", "Anreißer", "Besuchsstelle", "Besuchshinweis"],
    "orte/": ["Ortsname", "Ortsbeschreibung"],
    "regionen/thueringen/": ["Ortsname", "Titel"],
    "regionen/": ["Ortsname", "Titel"],
    "pfeiler/jugend/": ["Titel", "Anreißer"],
    "themen/jugend/": ["Titel", "Anreißer"],
    "ausgaben/2026-1/": ["Ausgabentitel", "Titel", "Ortsname"],
    "ausgaben/": ["Ausgabentitel", "Ausgabenbeschreibung"],
}


def text_of(html: str) -> str:
    """What a reader sees (and a screen reader reads) of a page: its text, with entities decoded."""
    tree = LexborHTMLParser(html)
    return " ".join(tree.body.text(separator=" ").split())


def normalized(text: str) -> str:
    return " ".join(text.split())


def test_no_output_file_holds_the_payload_as_markup(hostile):
    checked = 0
    for relative, path in output_files(hostile):
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # images, compressed search index, fonts: no markup to run
        checked += 1
        if relative.endswith(".csv"):  # a CSV cell is data: the text is in it as typed, quoted (see below)
            continue
        for raw in RAW:
            assert raw not in text, f"{relative} enthält „{raw}“ ungeschützt"
    assert checked > 50


def test_csv_and_json_keep_the_text_as_data(hostile):
    site_dir = os.path.join(hostile.root, "site")
    with open(os.path.join(site_dir, "daten", "geschichten.csv"), encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    [row] = [row for row in rows if MARK in row["titel"]]
    assert row["titel"] == field("Titel") and row["teaser"] == field("Anreißer")
    with open(os.path.join(site_dir, "daten", "geschichten.json"), encoding="utf-8") as handle:
        text = handle.read()
    assert "\\u003cscript\\u003e" in text
    stories = json.loads(text)
    stories = stories.get("geschichten", stories) if isinstance(stories, dict) else stories
    assert any(story.get("titel") == field("Titel") for story in stories)


@pytest.mark.parametrize("url", list(SHOWN))
def test_every_field_shows_as_text_where_it_is_shown(hostile, url):
    html = hostile.html(url)
    seen = text_of(html)
    for name in SHOWN[url]:
        assert normalized(field(name)) in seen, f"{url}: „{name}“ fehlt als Text"
    tree = LexborHTMLParser(html)
    assert tree.css("script") and all(MARK not in node.text() for node in tree.css("script")
                                      if node.attributes.get("type") != "application/ld+json")
    assert not [node for node in tree.css("img") if "onerror" in node.attributes]


def test_alt_text_and_meta_tags_hold_the_text(hostile):
    tree = LexborHTMLParser(hostile.html(STORY))
    alts = [node.attributes.get("alt") for node in tree.css("img")]
    assert field("Alternativtext") in alts
    assert tree.css_first('meta[name="description"]').attributes["content"] == field("Anreißer")
    assert tree.css_first('meta[property="og:description"]').attributes["content"] == field("Anreißer")
    assert tree.css_first("title").text() == f"{field('Titel')} – Kleinstadtgeschichten"


def test_json_ld_cannot_be_closed_by_a_value(hostile):
    html = hostile.html(STORY)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert blocks
    data = [json.loads(block) for block in blocks]
    assert any(item.get("headline") == field("Titel") for item in data if isinstance(item, dict))
    assert all("<" not in block for block in blocks)
    town = re.findall(r'<script type="application/ld\+json">(.*?)</script>', hostile.html("orte/altdorf/"), re.S)
    assert json.loads(town[0])["name"] == field("Ortsname")


def test_feeds_carry_the_text_escaped(hostile):
    with open(os.path.join(hostile.root, "site", "geschichten", "feed.xml"), encoding="utf-8") as handle:
        xml = handle.read()
    feed = feedparser.parse(xml)
    assert not feed.bozo
    [entry] = [entry for entry in feed.entries if MARK in entry.title]
    assert entry.title == field("Titel")
    assert entry.summary == field("Anreißer") or field("Anreißer") in entry.summary


def test_pagefind_metadata_is_the_text(hostile):
    """Pagefind reads data-pagefind-meta from the element's text: the title as typed, not markup."""
    tree = LexborHTMLParser(hostile.html(STORY))
    assert tree.css_first('[data-pagefind-meta="title"]').text() == field("Titel")
    assert tree.css_first('[data-pagefind-meta="teaser"]').text() == field("Anreißer")
    for node in tree.css("[data-pagefind-filter]"):
        assert MARK not in node.attributes["data-pagefind-filter"]


def test_print_edition_shows_the_text(hostile, tmp_path):
    import pypdf

    import print_edition

    content = hostile.check()
    [edition] = list(content.editions)
    output = str(tmp_path / "ausgabe.pdf")
    print_edition.print_edition(content, edition, output, epoch=1767225600)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(output).pages)
    assert "alert('ksgxss')" in text and "Titel <script>" in normalized(text)


def test_praxisblatt_shows_the_text(hostile):
    import pypdf

    path = os.path.join(hostile.root, "site", STORY, "praxisblatt.pdf")
    text = normalized(" ".join(page.extract_text() for page in pypdf.PdfReader(path).pages))
    for name in ("Praxissatz", "Schritt", "Kontaktstelle", "Besuchshinweis"):
        assert f"{name} <script>alert('ksgxss')</script>" in text, name


def test_a_payload_that_slips_past_escaping_stops_the_build(tmp_path):
    """A template that wrongly trusts a title: the page check fails the build, naming page and story."""
    root = str(tmp_path / "site-src")
    corpus.prepare_site(root, source=FIXTURE)
    site = FixtureSite(root)
    write_hostile_content(site)
    theme = str(tmp_path / "overrides")
    shutil.copytree(os.path.join(corpus.REPO, "overrides"), theme)
    card = os.path.join(theme, "partials", "ksg-card-body.html")
    with open(card, encoding="utf-8") as handle:
        text = handle.read()
    assert "{{ story.title }}" in text
    with open(card, "w", encoding="utf-8") as handle:
        handle.write(text.replace("{{ story.title }}", '{{ story.title | trusted("markdown") }}'))
    site.edit("mkdocs.yml", f"custom_dir: {os.path.join(corpus.REPO, 'overrides')}", f"custom_dir: {theme}")
    result = site.build(env={"SITE_URL": SITE_URL})
    assert result.returncode != 0
    assert "enthält Code, den keine Vorlage schreibt" in result.stderr
    assert "Inline-Skript" in result.stderr and "onerror=" in result.stderr
    assert "stories/altdorf/2026-05-01-angriff/index.md" in result.stderr
    assert not os.path.exists(os.path.join(root, "site")), "nothing half-built is published"


@pytest.fixture(scope="module")
def served(hostile):
    from static_server import serve

    with serve(os.path.join(hostile.root, "site")) as base:
        yield base


@pytest.mark.browser
def test_no_page_runs_the_payload_in_chromium(hostile, served):
    """Every page type, and a search whose results carry the payload: no dialog, no console error, no CSP
    violation, nothing fetched from elsewhere; the payload is on screen as text."""
    from browser import chromium

    pages = list(SHOWN) + ["suche/?q=Titel", "404.html"]
    with chromium() as browser:
        for url in pages:
            context = browser.new_context(locale="de-DE")
            events: list[str] = []
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served)
                          else (events.append(f"fremd: {route.request.url}"), route.abort()))
            page = context.new_page()
            page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                                 "console.error('CSP: ' + e.violatedDirective + ' ' + e.sample))")
            page.on("dialog", lambda dialog: (events.append(f"Dialog: {dialog.message}"), dialog.dismiss()))
            page.on("console", lambda message: message.type == "error" and events.append(message.text))
            page.on("pageerror", lambda error: events.append(str(error)))
            page.goto(served + url, wait_until="networkidle")
            if url.startswith("suche/"):
                page.locator(".ksg-result").first.wait_for(timeout=10000)
                page.wait_for_timeout(800)  # excerpts follow the results
                assert field("Titel") in normalized(page.locator("#ksg-search-results").inner_text())
            else:
                page.wait_for_timeout(100)
                visible = normalized(page.locator("body").inner_text())
                for name in SHOWN.get(url, []):
                    assert normalized(field(name)) in visible, f"{url}: „{name}“ nicht zu sehen"
            events = [event for event in events if not (url == "404.html" and "404" in event)]
            assert events == [], f"{url}: {events}"
            context.close()
