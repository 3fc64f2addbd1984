"""Atom feeds: every feed is valid against RFC 4287's RELAX NG schema and parses in feedparser without error;
entries carry stable ids, dates, teams, categories, teaser and full content; pages announce their feeds."""

from __future__ import annotations

import datetime as dt
import glob
import os
import re

import feedparser
import pytest
from lxml import etree

from kleinstadt import feeds
from kleinstadt.views import build_views
from published_site import HIDDEN, NEWEST, PUBLIC, SITE_URL, published, read  # noqa: F401

ATOM = "{http://www.w3.org/2005/Atom}"
SCHEMA = os.path.join(os.path.dirname(__file__), "schemas", "atom.rng")


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(SCHEMA))


def all_feeds(site) -> list[str]:
    return sorted(os.path.relpath(path, site.site_dir)
                  for path in glob.glob(os.path.join(site.site_dir, "**", feeds.FEED_NAME), recursive=True))


def test_one_feed_for_all_stories_and_each_pillar_region_town_theme_and_challenge(published):
    found = all_feeds(published)
    # fixture taxonomy: 5 pillars, 5 regions, 3 towns, 7 themes, 10 challenges
    assert len(found) == 1 + 5 + 5 + 3 + 7 + 10, found
    for path in ("geschichten/feed.xml", "pfeiler/jugend/feed.xml", "regionen/thueringen/feed.xml",
                 "orte/seestadt/feed.xml", "themen/jugend/feed.xml", "herausforderungen/demografie/feed.xml"):
        assert path in found


def test_every_feed_is_valid_atom(published, atom_schema):
    for path in all_feeds(published):
        document = etree.fromstring(read(published, path, "rb"))
        assert atom_schema.validate(document), f"{path}: {atom_schema.error_log}"
        parsed = feedparser.parse(read(published, path, "rb"))
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.version == "atom10"


def test_the_schema_rejects_an_invalid_feed(published, atom_schema):
    # Without this the validation above could pass for a schema that accepts anything.
    text = read(published, "geschichten/feed.xml", "rb")
    broken = re.sub(rb"<updated>[^<]*</updated>", b"<updated>gestern</updated>", text, count=1)
    assert not atom_schema.validate(etree.fromstring(broken))
    no_id = re.sub(rb"<id>[^<]*</id>", b"", text, count=1)
    assert not atom_schema.validate(etree.fromstring(no_id))


def test_all_stories_feed_has_public_stories_with_full_metadata(published):
    parsed = feedparser.parse(read(published, "geschichten/feed.xml", "rb"))
    feed = parsed.feed
    assert feed.title == "Kleinstadtgeschichten: alle Geschichten"
    assert feed.id == "tag:kleinstadtgeschichten.example.org,2026:geschichten/"
    assert feed.language == "de"
    assert {link.rel: link.href for link in feed.links} == {
        "self": SITE_URL + "geschichten/feed.xml", "alternate": SITE_URL + "geschichten/"}
    slugs = [entry.link.rsplit("/", 2)[-2] for entry in parsed.entries]
    assert slugs == list(PUBLIC)  # newest first; the draft and the embargoed story are absent
    assert not set(slugs) & set(HIDDEN)
    # the feed is as new as its newest change: the bridge story was updated on 10 May
    assert feed.updated.startswith("2026-05-10")

    bridge = parsed.entries[1]
    assert bridge.id == "tag:kleinstadtgeschichten.example.org,2026:geschichten/brueckenfest/"
    assert bridge.title == "Ein Fest für die neue Brücke"
    assert bridge.published.startswith("2026-03-01") and bridge.updated.startswith("2026-05-10")
    assert [author.name for author in bridge.authors] == ["Redaktion des Thünen-Instituts",
                                                           "Beispiel-Jugendredaktion Schmalkalden"]
    categories = {(tag.scheme, tag.term, tag.label) for tag in bridge.tags}
    assert (SITE_URL + "pfeiler/", "jugend", "Jugend als Zukunftsressource anerkennen") in categories
    assert (SITE_URL + "themen/", "beteiligung", "Demokratiestärkung und Beteiligung") in categories
    assert (SITE_URL + "orte/", "neudorf", "Neudorf") in categories
    assert bridge.summary == "Altdorf und Neudorf feiern gemeinsam: Jugendliche haben das Fest geplant."
    html = bridge.content[0].value
    assert bridge.content[0].type == "text/html"
    assert "<strong>Fest</strong>" in html and 'href="https://example.org/bruecke"' in html
    assert '<h2 id="wie-es-begann">Wie es begann</h2>' in html
    # images have absolute addresses of files the build wrote, so feed readers can show them
    images = re.findall(r'<img [^>]*src="([^"]+)"', html)
    assert len(images) == 2, images
    for src in images:
        assert src.startswith(SITE_URL + "geschichten/brueckenfest/"), src
        assert os.path.isfile(os.path.join(published.site_dir, src[len(SITE_URL):])), src
    assert "skizze" in images[1]
    # the title image comes first, with its alternative text and credit
    assert html.index('alt="Eine grüne Fläche als Platzhalter für die Brücke"') < html.index("<strong>Fest")
    assert "Bild: Mia K., CC BY 4.0" in html


def test_feeds_of_a_town_and_a_region_hold_only_their_stories(published):
    town = feedparser.parse(read(published, "orte/neudorf/feed.xml", "rb"))
    assert town.feed.title == "Kleinstadtgeschichten: Ort Neudorf"
    assert [entry.title for entry in town.entries] == ["Ein Fest für die neue Brücke", "Markt am Samstag"]
    region = feedparser.parse(read(published, "regionen/mecklenburg-vorpommern/feed.xml", "rb"))
    assert [entry.title for entry in region.entries][:2] == ["Der Hafen gehört allen", "Geschichte archiv-21"]
    assert len(region.entries) == 22
    empty = feedparser.parse(read(published, "regionen/sachsen/feed.xml", "rb"))
    assert empty.entries == [] and not empty.bozo
    # an empty feed still names an author and is dated by the publication's newest change
    assert empty.feed.author and empty.feed.updated.startswith("2026-05-10")


def test_feeds_are_the_same_in_every_build_also_with_parallel_workers(published, tmp_path):
    # Ids and dates do not depend on the build; and when worker processes render the stories
    # (hooks/render_pool.py, normally from 300 stories on), their full content still reaches the feeds.
    first = read(published, "geschichten/feed.xml", "rb")
    result = published.build(site_dir=str(tmp_path / "again"),
                             env={"SITE_URL": SITE_URL, "KSG_PARALLEL_MIN": "1", "KSG_WORKERS": "2"})
    assert result.returncode == 0, result.stderr[-3000:]
    with open(tmp_path / "again" / "geschichten" / "feed.xml", "rb") as handle:
        second = handle.read()
    assert first == second


def test_feeds_are_bounded(site):
    for number in range(feeds.MAX_ENTRIES + 5):
        site.story(f"geschichte-{number:02d}", date=dt.date(2026, 1, 1) + dt.timedelta(days=number))
    views = build_views(site.check())
    listing = views.listing_all()
    text = feeds.build_feed(listing, views, SITE_URL, {}, "Herausgeber")
    entries = etree.fromstring(text).findall(f"{ATOM}entry")
    assert len(entries) == feeds.MAX_ENTRIES == 50
    assert entries[0].findtext(f"{ATOM}title") == f"Geschichte geschichte-{feeds.MAX_ENTRIES + 4:02d}"  # newest
    assert len(feeds.entry_slugs(views)) == feeds.MAX_ENTRIES


def test_pages_announce_their_feeds(published):
    def announced(url: str) -> list[tuple[str, str]]:
        html = published.html(url, published.site_dir)
        return re.findall(r'<link rel="alternate feed" type="application/atom\+xml" title="([^"]+)" href="([^"]+)">', html)

    assert announced("") == [("Kleinstadtgeschichten: alle Geschichten", "geschichten/feed.xml")]
    assert announced("pfeiler/jugend/") == [
        ("Kleinstadtgeschichten: Pfeiler Jugend als Zukunftsressource anerkennen", "feed.xml"),
        ("Kleinstadtgeschichten: alle Geschichten", "../../geschichten/feed.xml")]
    assert announced("orte/altdorf/")[0] == ("Kleinstadtgeschichten: Ort Altdorf", "feed.xml")
    assert [title for title, _ in announced("geschichten/brueckenfest/")] == [
        "Kleinstadtgeschichten: Ort Altdorf", "Kleinstadtgeschichten: Ort Neudorf",
        "Kleinstadtgeschichten: alle Geschichten"]
    # every announced feed exists
    for url in ("", "pfeiler/jugend/", "orte/altdorf/", "geschichten/brueckenfest/", "regionen/thueringen/"):
        for _, href in announced(url):
            assert os.path.isfile(os.path.normpath(os.path.join(published.site_dir, url, href))), (url, href)
