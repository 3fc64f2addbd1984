"""What search engines read: lang="de", meta description from the teaser, canonical URLs, JSON-LD
(NewsArticle for stories, Place for towns), sitemap.xml with lastmod from story dates, robots.txt."""

from __future__ import annotations

import gzip
import json
import os
import re

from lxml import etree, html as lxml_html

from kleinstadt.sitemap import last_changes
from kleinstadt.views import build_views
from published_site import HIDDEN, SITE_URL, published, read, write_stories  # noqa: F401

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def page(site, url: str):
    return lxml_html.fromstring(site.html(url, site.site_dir))


def linked_data(document) -> list[dict]:
    return [json.loads(script.text) for script in document.xpath('//script[@type="application/ld+json"]')]


def test_language_description_and_canonical_url(published):
    for url in ("", "geschichten/brueckenfest/", "orte/altdorf/", "pfeiler/jugend/", "geschichten/seite/2/",
                "offene-daten/"):
        document = page(published, url)
        assert document.get("lang") == "de"
        assert document.xpath('//link[@rel="canonical"]/@href') == [SITE_URL + url]
        assert len(document.xpath('//meta[@name="description"]')) == 1
    story = page(published, "geschichten/brueckenfest/")
    assert story.xpath('//meta[@name="description"]/@content') == [
        "Altdorf und Neudorf feiern gemeinsam: Jugendliche haben das Fest geplant."]


def test_story_is_a_news_article(published):
    article, trail = linked_data(page(published, "geschichten/brueckenfest/"))
    assert article["@context"] == "https://schema.org" and article["@type"] == "NewsArticle"
    assert article["headline"] == "Ein Fest für die neue Brücke"
    assert article["description"].startswith("Altdorf und Neudorf feiern")
    assert (article["datePublished"], article["dateModified"]) == ("2026-03-01", "2026-05-10")
    assert article["author"] == [{"@type": "Organization", "name": "Redaktion des Thünen-Instituts"},
                                 {"@type": "Organization", "name": "Beispiel-Jugendredaktion Schmalkalden"}]
    assert article["publisher"] == {"@type": "Organization", "name": "Thünen-Institut für Regionalentwicklung e. V."}
    assert article["inLanguage"] == "de" and article["url"] == SITE_URL + "geschichten/brueckenfest/"
    # the widest JPEG the photo pipeline wrote (an existing file, at least as wide as Google asks for)
    assert article["image"].startswith(SITE_URL + "geschichten/brueckenfest/bruecke")
    assert article["image"].endswith(".jpg")
    assert os.path.isfile(os.path.join(published.site_dir, article["image"][len(SITE_URL):]))
    places = article["contentLocation"]
    assert [place["name"] for place in places] == ["Altdorf", "Neudorf"]
    assert places[0]["@type"] == "Place"
    assert places[0]["geo"] == {"@type": "GeoCoordinates", "latitude": 50.9, "longitude": 10.9}
    # the breadcrumb as the page shows it: region, first town, story
    assert trail["@type"] == "BreadcrumbList"
    assert [(item["position"], item["name"], item["item"]) for item in trail["itemListElement"]] == [
        (1, "Thüringen", SITE_URL + "regionen/thueringen/"), (2, "Altdorf", SITE_URL + "orte/altdorf/"),
        (3, "Ein Fest für die neue Brücke", SITE_URL + "geschichten/brueckenfest/")]


def test_town_is_a_place_and_home_a_website(published):
    [place] = linked_data(page(published, "orte/altdorf/"))
    assert place["@type"] == "Place" and place["name"] == "Altdorf"
    assert place["geo"]["latitude"] == 50.9 and place["address"]["addressRegion"] == "Thüringen"
    assert place["identifier"]["value"] == "16000001"
    [site] = linked_data(page(published, ""))
    assert site["@type"] == "WebSite" and site["url"] == SITE_URL
    assert linked_data(page(published, "pfeiler/jugend/")) == []


def test_linked_data_cannot_end_its_script_early(published, tmp_path):
    # A title with "</script>" must not break out of the JSON-LD block.
    from kleinstadt.linked_data import script

    text = str(script({"headline": "Ende </script><script>alert(1)</script>"}))
    assert text.count("</script>") == 1 and json.loads(re.sub(r"^<script[^>]*>|</script>$", "", text))


def test_sitemap_lastmod_comes_from_story_dates(published):
    tree = etree.fromstring(read(published, "sitemap.xml", "rb"))
    lastmod = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in tree}
    assert lastmod[SITE_URL + "geschichten/brueckenfest/"] == "2026-05-10"  # updated
    assert lastmod[SITE_URL + "geschichten/hafen/"] == "2026-04-02"  # date
    assert lastmod[SITE_URL + "orte/seestadt/"] == "2026-04-02"
    assert lastmod[SITE_URL + "orte/neudorf/"] == "2026-05-10"
    assert lastmod[SITE_URL] == lastmod[SITE_URL + "geschichten/"] == "2026-05-10"
    assert lastmod[SITE_URL + "geschichten/seite/2/"] == "2025-01-04"  # the newest story on that page
    # the edition appeared on 15 April; one of its stories was updated on 10 May
    assert lastmod[SITE_URL + "ausgaben/2026-1/"] == lastmod[SITE_URL + "ausgaben/"] == "2026-05-10"
    assert lastmod[SITE_URL + "impressum/"] is None  # a hand-written page: no invented date
    assert lastmod[SITE_URL + "regionen/sachsen/"] is None  # no stories yet
    assert not any(f"geschichten/{slug}/" in location for location in lastmod for slug in HIDDEN)
    # the gzipped copy says the same
    assert gzip.decompress(read(published, "sitemap.xml.gz", "rb")) == read(published, "sitemap.xml", "rb")


def test_preview_builds_keep_drafts_out_of_the_sitemap(site):
    write_stories(site)
    views = build_views(site.check(), include_drafts=True)
    dates, hidden = last_changes(views)
    assert hidden == {f"geschichten/{slug}/" for slug in HIDDEN}
    assert "geschichten/entwurf/" not in dates


def test_robots_txt_points_at_the_sitemap(published):
    robots = read(published, "robots.txt")
    assert "User-agent: *" in robots
    assert f"Sitemap: {SITE_URL}sitemap.xml" in robots.splitlines()


def test_social_card_alt_text_says_what_the_card_shows(published):
    def alt(url):
        return page(published, url).xpath('//meta[@property="og:image:alt"]/@content')[0]

    # The home page and pages without a card of their own share the publication's card: its name and
    # description, never "Kleinstadtgeschichten – Kleinstadtgeschichten".
    generic = "Kleinstadtgeschichten: Geschichten des Gelingens aus ostdeutschen Kleinstädten"
    assert alt("").startswith(generic) and alt("").count("Kleinstadtgeschichten") == 1
    assert alt("ueber/").startswith(generic)
    assert alt("geschichten/brueckenfest/") == "Ein Fest für die neue Brücke – Kleinstadtgeschichten"
    assert alt("orte/altdorf/") == "Altdorf – Kleinstadtgeschichten"


def test_titles_use_one_separator_and_the_home_page_names_the_publication(published):
    def title(url):
        return page(published, url).xpath("//head/title/text()")[0]

    assert title("") == "Kleinstadtgeschichten – Geschichten aus ostdeutschen Kleinstädten"
    assert title("geschichten/seite/2/") == "Alle Geschichten – Seite 2 – Kleinstadtgeschichten"
    assert title("geschichten/brueckenfest/") == "Ein Fest für die neue Brücke – Kleinstadtgeschichten"
    assert title("orte/") == "Orte – Kleinstadtgeschichten"
    with open(os.path.join(published.site_dir, "404.html"), encoding="utf-8") as handle:
        assert "<title>Seite nicht gefunden – Kleinstadtgeschichten</title>" in handle.read()
    for folder, _, names in os.walk(published.site_dir):
        for name in names:
            if name.endswith(".html"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    head = handle.read().split("</head>")[0]
                assert " - Kleinstadtgeschichten" not in head, os.path.join(folder, name)
