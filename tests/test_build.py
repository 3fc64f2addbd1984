"""Build tests on the fixture site: indexes, drafts, embargo, pagination, failed builds, worker processes."""

from __future__ import annotations

import datetime as dt
import os
import re
from urllib.parse import urljoin

import pytest

from conftest import FixtureSite

TODAY = dt.date(2026, 6, 1)


def all_html(site_dir: str) -> dict[str, str]:
    pages = {}
    for folder, _, names in os.walk(site_dir):
        for name in names:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as handle:
                    pages[os.path.relpath(path, site_dir)] = handle.read()
    return pages


def listing_pages(site_dir: str, base: str) -> list[tuple[str, str]]:
    """(URL, HTML) of every page of one paginated index, following its "next" links."""
    pages, url = [], base
    while url:
        path = os.path.join(site_dir, url, "index.html")
        assert os.path.exists(path), f"Seite fehlt: {url}"
        html = open(path, encoding="utf-8").read()
        pages.append((url, html))
        nxt = re.search(r'rel="next" href="([^"]+)"', pagination(html))
        url = os.path.normpath(urljoin("/" + url, nxt.group(1))).lstrip("/") + "/" if nxt else None
    return pages


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """45 published stories over three towns, two regions and several pillars and themes, plus a draft,
    a story in review and an embargoed one."""
    from conftest import FIXTURE
    import corpus

    root = str(tmp_path_factory.mktemp("build") / "src")
    corpus.prepare_site(root, source=FIXTURE)
    site = FixtureSite(root)
    towns = (("altdorf",), ("neudorf",), ("seestadt", "altdorf"))
    pillars = (("jugend",), ("finanzen", "jugend"), ("innovation",))
    themes = (["kultur"], ["jugend", "beteiligung"], [])
    for index in range(45):
        site.story(f"geschichte-{index:02d}", date=dt.date(2026, 1, 1) + dt.timedelta(days=index),
                   towns=towns[index % 3], pillars=pillars[index % 3], themes=themes[index % 3])
    site.story("geheimer-entwurf", towns=("neudorf",), status="draft")
    site.story("noch-in-pruefung", towns=("neudorf",), status="review")
    site.story("mit-sperrfrist", towns=("neudorf",), embargo=dt.date(2026, 12, 24))
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    site.site_dir = os.path.join(root, "site")
    return site


def pagination(html: str) -> str:
    match = re.search(r'<nav class="ksg-pagination".*?</nav>', html, re.S)
    return match.group(0) if match else ""


def story_links(url: str, html: str, pattern: str = r'href="([^"]+)"') -> list[str]:
    """Slugs of the stories a page links to, in order, with relative links resolved."""
    slugs = []
    for href in re.findall(pattern, html):
        match = re.fullmatch(r"/geschichten/([a-z0-9-]+)/", os.path.normpath(urljoin("/" + url, href)) + "/")
        if match:
            slugs.append(match.group(1))
    return slugs


def slugs_on(pages: list[tuple[str, str]]) -> set[str]:
    return {slug for url, html in pages for slug in story_links(url, html)}


def test_every_story_is_on_all_its_index_pages(built):
    from kleinstadt.content import load_content

    content = load_content(built.root, today=TODAY)
    stories = content.visible_stories()
    assert len(stories) == 45
    site_dir = built.site_dir
    all_stories = slugs_on(listing_pages(site_dir, "geschichten/"))
    regions = {code: r.slug for code, r in content.taxonomy.regions.items()}
    for story in stories:
        assert story.slug in all_stories
        for pillar in story.pillars:
            assert story.slug in slugs_on(listing_pages(site_dir, f"pfeiler/{pillar}/")), (story.slug, pillar)
        for town in story.towns:
            assert story.slug in slugs_on(listing_pages(site_dir, f"orte/{town}/")), (story.slug, town)
            region = regions[content.towns[town].state]
            assert story.slug in slugs_on(listing_pages(site_dir, f"regionen/{region}/")), (story.slug, region)
        for theme in story.themes:
            assert story.slug in slugs_on(listing_pages(site_dir, f"themen/{theme}/")), (story.slug, theme)
        assert os.path.exists(os.path.join(site_dir, story.url, "index.html"))


def test_index_pages_are_newest_first_and_paginated(built):
    pages = listing_pages(built.site_dir, "geschichten/")
    assert len(pages) == 3  # 45 stories, 20 a page
    order = [slug for url, html in pages
             for slug in story_links(url, html, r'class="ksg-card__title"><a href="([^"]+)"')]
    assert order == [f"geschichte-{i:02d}" for i in range(44, -1, -1)]
    first, last = pagination(pages[0][1]), pagination(pages[2][1])
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert "Seite 2 von 3" in pages[1][1]


def _headings(html: str) -> list[tuple[int, str]]:
    content = html[html.index('id="ksg-inhalt"'):html.index("<footer")]  # the content column
    return [(int(level), " ".join(re.sub(r"<[^>]+>", "", text).split()))
            for level, text in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", content, re.S)]


@pytest.mark.parametrize("url", ["geschichten/", "geschichten/seite/2/", "pfeiler/jugend/", "regionen/thueringen/",
                                 "themen/jugend/", "orte/altdorf/", "orte/altdorf/seite/2/", "orte/", "regionen/",
                                 "themen/"])
def test_index_headings_are_in_order_and_never_repeat_the_title(built, url):
    headings = _headings(built.html(url, built.site_dir))
    assert headings[0][0] == 1 and [level for level, _ in headings].count(1) == 1, headings
    for (before, _), (after, _) in zip(headings, headings[1:]):
        assert after <= before + 1, headings  # no level skipped
    title = headings[0][1]
    assert all(text != title for _, text in headings[1:]), headings
    if url.startswith("geschichten/"):
        # the list of all stories is the page itself: the cards follow the h1 directly
        assert title.startswith("Alle Geschichten") and headings[1][0] == 2 and "Geschichten" not in headings[1][1]


def test_pagination_links_resolve(built):
    for rel, html in all_html(built.site_dir).items():
        base = "/" + os.path.dirname(rel) + "/"
        for href in re.findall(r'rel="(?:prev|next)" href="([^"]+)"', pagination(html)):
            target = os.path.normpath(urljoin(base, href)).lstrip("/")
            assert os.path.exists(os.path.join(built.site_dir, target, "index.html")), (rel, href)


def test_drafts_reviews_and_embargoed_stories_appear_nowhere(built):
    for rel, html in all_html(built.site_dir).items():
        for slug in ("geheimer-entwurf", "noch-in-pruefung", "mit-sperrfrist"):
            assert slug not in html, (slug, rel)
    for slug in ("geheimer-entwurf", "noch-in-pruefung", "mit-sperrfrist"):
        assert not os.path.exists(os.path.join(built.site_dir, "geschichten", slug))


def test_story_page_shows_its_facts(built):
    html = built.html("geschichten/geschichte-01/", built.site_dir)
    assert "Geschichte geschichte-01" in html
    assert "2. Januar 2026" in html  # German date
    assert "Min. Lesezeit" in html
    assert "Resiliente Kleinstädte" in html  # sources
    assert 'aria-label="Brotkrumen"' in html and "Thüringen" in html
    assert "Ähnliche Geschichten" in html
    assert '<html lang="de"' in html


def test_themes_are_called_themenfelder_as_in_the_study(built):
    overview = built.html("themen/", built.site_dir)
    assert "<title>Themenfelder" in overview and "<h1>Themenfelder</h1>" in overview
    nav = built.html("", built.site_dir)
    assert re.search(r'href="themen/"[^>]*>\s*<span class="md-ellipsis">\s*Themenfelder\s*</span>', nav), nav
    assert not re.search(r">\s*Themen\s*<", nav)
    # geschichte-00 has one theme (kultur), geschichte-01 two (jugend, beteiligung), geschichte-02 none.
    assert "<dt>Themenfeld</dt>" in built.html("geschichten/geschichte-00/", built.site_dir)
    assert "<dt>Themenfelder</dt>" in built.html("geschichten/geschichte-01/", built.site_dir)
    assert "<dt>Themen" not in built.html("geschichten/geschichte-02/", built.site_dir)


def test_town_page_has_facts_and_stories(built):
    html = built.html("orte/altdorf/", built.site_dir)
    assert "Steckbrief" in html and "5.000" in html and "Testkreis" in html
    assert "Geschichten aus Altdorf" in html


def _section(html: str, start: str, end: str = "</section>") -> str:
    begin = html.index(start)
    return html[begin:html.index(end, begin)]


def test_towns_and_regions_overviews_differ(built):
    towns = built.html("orte/", built.site_dir)
    regions = built.html("regionen/", built.site_dir)
    # /orte/: every town from A to Z with its district, state and number of stories, beside the map.
    assert 'class="ksg-map__svg"' in towns
    names = re.findall(r'<li><h2><a href="([a-z]+)/">', towns)
    assert names == ["altdorf", "neudorf", "seestadt"], names
    assert ('Testkreis, <a href="../regionen/thueringen/">Thüringen</a> · 30 Geschichten' in towns
            and "Eine erfundene Kleinstadt für die Tests." in towns)
    # /regionen/: the five states, each with its towns and the newest story about it alone.
    assert re.findall(r'<h2 id="region-([a-z-]+)">', regions) == [
        "mecklenburg-vorpommern", "brandenburg", "sachsen-anhalt", "sachsen", "thueringen"]
    thueringen = _section(regions, 'id="region-thueringen"')
    assert "45 Geschichten aus 2 Orten" in thueringen
    assert '<a href="../orte/altdorf/">Altdorf</a> · Testkreis · 30 Geschichten' in thueringen
    # geschichte-44 is about Seestadt and Altdorf (two states): the newest about Thüringen alone is 43.
    assert 'Zuletzt erschienen: <a href="../geschichten/geschichte-43/">' in thueringen
    assert "Zuletzt erschienen" not in _section(regions, 'id="region-mecklenburg-vorpommern"')
    assert "Aus diesem Land ist noch kein Ort dabei." in _section(regions, 'id="region-sachsen"')
    assert 'class="ksg-map__svg"' not in regions and "ksg-town-overview" not in regions
    assert 'href="../orte/"' in regions and 'href="../regionen/"' in towns


def test_region_page_names_districts_as_landkreis(built):
    html = built.html("regionen/thueringen/", built.site_dir)
    assert "<figcaption>Lage der Orte in Thüringen</figcaption>" in html and "als Liste" not in html
    home = built.html("", built.site_dir)
    assert "<figcaption>Lage der Orte in den fünf ostdeutschen Ländern</figcaption>" in home
    # "Testkreis" already says what it is: no "Landkreis" in front of it.
    assert '<a href="../../orte/altdorf/">Altdorf</a> (Testkreis)' in html


def test_district_name_adds_landkreis_only_where_missing(site):
    site.edit("towns/neudorf.md", "district: Testkreis", "district: Leipzig")
    site.edit("towns/seestadt.md", "district: Küstenkreis", "district: Altmarkkreis Salzwedel")
    towns = site.check().towns
    assert towns["neudorf"].district_name == "Landkreis Leipzig"  # not the city of Leipzig
    assert towns["seestadt"].district_name == "Altmarkkreis Salzwedel"
    assert towns["altdorf"].district_name == "Testkreis"


def test_embargo_lifts_on_its_date(site):
    site.story("mit-sperrfrist", embargo=dt.date(2026, 6, 1))
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert os.path.exists(os.path.join(site.root, "site", "geschichten", "mit-sperrfrist", "index.html"))


def test_drafts_show_marked_in_previews(site):
    site.story("entwurf", status="draft")
    result = site.build(env={"KSG_DRAFTS": "1"})
    assert result.returncode == 0, result.stderr
    assert "Diese Geschichte ist ein Entwurf" in site.html("geschichten/entwurf/")


def test_broken_story_fails_and_keeps_the_previous_site(site):
    site.story("gut")
    assert site.build().returncode == 0
    good = site.html("geschichten/gut/")
    site.story("kaputt", towns=("nirgendwo",))
    result = site.build()
    assert result.returncode != 0
    assert "„nirgendwo“ ist als Ort unbekannt" in result.stdout + result.stderr
    assert "bleibt unverändert" in result.stderr
    assert site.html("geschichten/gut/") == good
    assert not os.path.exists(os.path.join(site.root, "site", "geschichten", "kaputt"))
    assert not [n for n in os.listdir(site.root) if n.startswith(".site-")]


def test_broken_internal_link_fails_strict_build(site):
    site.write("pages/ueber.md", "---\ntitle: Über\n---\n\n[Kaputt](gibt-es-nicht.md)\n")
    result = site.build()
    assert result.returncode != 0


def test_worker_processes_build_the_same_site(site):
    """Stories built by worker processes give the same pages and sitemap as one process, and a hand-written
    page may still link to a story (the main process leaves story pages to the workers)."""
    for index in range(6):
        site.story(f"parallel-{index}", date=dt.date(2026, 2, 1) + dt.timedelta(days=index))
    site.write("pages/ueber.md", "---\ntitle: Über\n---\n\nLies [eine Geschichte](geschichten/parallel-3/index.md).\n")
    one, two = os.path.join(site.root, "site-1"), os.path.join(site.root, "site-2")
    assert site.build(one, env={"KSG_WORKERS": "1"}).returncode == 0
    result = site.build(two, env={"KSG_WORKERS": "2", "KSG_PARALLEL_MIN": "1"})
    assert result.returncode == 0, result.stderr
    assert "excluded" not in result.stderr
    first, second = all_html(one), all_html(two)
    assert set(first) == set(second)
    for rel in first:
        assert first[rel] == second[rel], rel
    assert 'href="../geschichten/parallel-3/"' in second["ueber/index.html"]
    with open(os.path.join(one, "sitemap.xml"), "rb") as a, open(os.path.join(two, "sitemap.xml"), "rb") as b:
        sitemap = a.read()
        assert sitemap == b.read()
    assert sitemap.count(b"/geschichten/parallel-") == 6


def test_story_bodies_render_as_on_github_with_a_table_of_contents(site):
    """cmark-gfm renders story bodies (kleinstadt/story_markdown.py); ids, contents and anchor links still work."""
    site.story("gfm", body="Was wir brauchen:\n- Holz\n- Farbe\n\n## Wie es weiterging\n\n"
                           "Siehe [oben](#wie-es-weiterging) und [Altdorf](/orte/altdorf/).\n\n## Ärger & Freude\n")
    result = site.build(env={"SITE_URL": "https://example.org/kleinstadt/"})
    assert result.returncode == 0, result.stderr
    html = site.html("geschichten/gfm/")
    assert "<li>Holz</li>" in html
    assert '<h2 id="wie-es-weiterging">Wie es weiterging</h2>' in html
    assert '<h2 id="ärger--freude">Ärger &amp; Freude</h2>' in html  # the id GitHub gives it
    toc = html[html.index('data-md-type="toc"'):]
    assert 'href="#wie-es-weiterging"' in toc[:toc.index("</nav>")]
    # a link written as the page's address on the site works below the sub-path too
    assert '<a href="../../orte/altdorf/">Altdorf</a>' in html


def test_warnings_in_worker_processes_fail_the_strict_build(site):
    site.story("anker", body="Siehe [den Abschnitt](#gibt-es-nicht).\n")
    result = site.build(env={"KSG_WORKERS": "2", "KSG_PARALLEL_MIN": "1"})
    assert result.returncode != 0, result.stdout + result.stderr
    assert "gibt-es-nicht" in result.stdout + result.stderr


def test_cached_navigation_is_the_navigation_material_renders(site):
    """The sidebar rendered once per folder (overrides/main.html) equals a fresh one on every page."""
    for index in range(4):
        site.story(f"nav-{index}", date=dt.date(2026, 2, 1) + dt.timedelta(days=index), towns=("altdorf",))
    site.story("nav-x", title="Mut & 'Zuversicht'")
    cached, fresh = os.path.join(site.root, "site-cache"), os.path.join(site.root, "site-fresh")
    for target, env in ((cached, {"KSG_WORKERS": "1"}), (fresh, {"KSG_WORKERS": "1", "KSG_FRAGMENT_CACHE": "0"})):
        result = site.build(target, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    first, second = all_html(cached), all_html(fresh)
    assert set(first) == set(second)
    for rel in first:
        assert first[rel] == second[rel], rel
    assert 'data-md-type="navigation"' in first["geschichten/nav-1/index.html"]
    # The header is rendered once for the folder: each page still names itself in it, escaped.
    for index in range(4):
        header = first[f"geschichten/nav-{index}/index.html"].split('data-md-component="header-topic"', 1)[1]
        assert header.split('<span class="md-ellipsis">', 1)[1].split("</span>", 1)[0].strip() == f"Geschichte nav-{index}"
        assert "\x00" not in first[f"geschichten/nav-{index}/index.html"]
    assert "Mut &amp; &#39;Zuversicht&#39;" in first["geschichten/nav-x/index.html"].split("md-header__topic")[2]
