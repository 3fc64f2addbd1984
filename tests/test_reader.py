"""What a reader gets without a browser: maps, Content-Security-Policy, noopener, story extras, 404 page."""

from __future__ import annotations

import datetime as dt
import os
import re
from types import SimpleNamespace

from kleinstadt import security
from kleinstadt.map import EAST, Frame, Maps, clip, load_outlines, simplify


def _town(slug, name, state, lat, lon):
    return SimpleNamespace(slug=slug, name=name, state=state, lat=lat, lon=lon, url=f"orte/{slug}/")


TOWNS = {t.slug: t for t in [
    _town("malchin", "Malchin", "DE-MV", 53.7392, 12.7619),
    _town("luebz", "Lübz", "DE-MV", 53.4667, 12.0333),
    _town("storkow", "Storkow (Mark)", "DE-BB", 52.2533, 13.93),
    _town("glashuette", "Glashütte", "DE-SN", 50.85, 13.7833),
    _town("schmalkalden", "Schmalkalden", "DE-TH", 50.7169, 10.45),
]}
REGIONS = {code: SimpleNamespace(name=name) for code, name in [
    ("DE-MV", "Mecklenburg-Vorpommern"), ("DE-BB", "Brandenburg"), ("DE-ST", "Sachsen-Anhalt"),
    ("DE-SN", "Sachsen"), ("DE-TH", "Thüringen")]}


def _links(svg: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', svg)


def test_map_of_the_east_links_and_names_every_town_and_stays_small():
    svg = Maps(TOWNS, REGIONS).east("..")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert '<title id="ksg-map-title">' in svg and 'aria-labelledby="ksg-map-title"' in svg
    assert sorted(_links(svg)) == sorted(f"../orte/{slug}/" for slug in TOWNS)
    for town in TOWNS.values():
        assert f">{town.name}</text>" in svg
    assert svg.count("ksg-map__land--focus") == 5
    assert len(svg.encode()) < 10_000  # inline on the home page: a few KB


def test_region_map_zooms_to_its_state_and_keeps_labels_inside():
    svg = Maps(TOWNS, REGIONS).region("DE-MV", "../..")
    assert sorted(_links(svg)) == ["../../orte/luebz/", "../../orte/malchin/"]
    assert svg.count("ksg-map__land--focus") == 1
    width = int(re.search(r'viewBox="0 0 (\d+) \d+"', svg).group(1))
    for x, anchor, name in re.findall(r'<text x="(-?\d+)" y="-?\d+"( text-anchor="end")?>([^<]+)</text>', svg):
        reach = len(name) * 14 * .6
        assert (int(x) - reach >= 0) if anchor else (int(x) + reach <= width), name
    assert len(svg.encode()) < 8_000


def test_town_map_marks_the_town_and_links_its_neighbours():
    svg = Maps(TOWNS, REGIONS).town("malchin", "../..")
    assert "ksg-map__town--current" in svg and ">Malchin</text>" in svg
    assert "<title>Lübz</title>" in svg  # the other town: a point with its name as tooltip
    assert "Lage von Malchin in Mecklenburg-Vorpommern" in svg


def test_simplify_keeps_the_ends_and_drops_what_is_invisible():
    line = [(x, 0.1 * (x % 2)) for x in range(100)] + [(100, 50)]
    simple = simplify(line, 1.0)
    assert simple[0] == line[0] and simple[-1] == line[-1]
    assert len(simple) <= 4


def test_clip_cuts_a_ring_to_the_frame():
    square = [(-100, -100), (100, -100), (100, 100), (-100, 100)]
    clipped = clip(square, 50, 50, margin=0)
    assert all(0 <= x <= 50 and 0 <= y <= 50 for x, y in clipped)
    assert {(0, 0), (50, 0), (50, 50), (0, 50)} <= {(round(x), round(y)) for x, y in clipped}


def test_outlines_hold_the_five_states_and_berlin():
    outlines = load_outlines()
    assert set(EAST) | {"DE-BE"} == set(outlines)
    frame = Frame.around((11.0, 50.0, 12.0, 51.0), 400)
    x, y = frame.project(11.0, 51.0)
    assert 0 < x < 400 and 0 < y < frame.height


def test_noopener_on_links_that_leave_the_site():
    html = ('<a href="https://example.org/a">A</a> <a href="https://example.org/b" rel="nofollow">B</a> '
            '<a href="https://example.org/c" rel="noopener">C</a> <a href="../orte/x/">D</a> '
            '<a href="https://www.kleinstadt.example/x/">E</a>')
    result = security.add_noopener(html, "https://www.kleinstadt.example/")
    assert '<a href="https://example.org/a" rel="noopener">' in result
    assert 'rel="nofollow noopener"' in result
    assert result.count("noopener") == 3
    assert '<a href="../orte/x/">' in result and '<a href="https://www.kleinstadt.example/x/">' in result


def _all_html(site_dir: str):
    for folder, _, names in os.walk(site_dir):
        for name in names:
            if name.endswith(".html"):
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    yield os.path.relpath(os.path.join(folder, name), site_dir), handle.read()


def test_built_site_reader_features(site):
    site.story("eins", date=dt.date(2026, 5, 1), pillars=("jugend", "finanzen"),
               body="Mehr auf der [Seite der Stadt](https://www.example.org/eins).\n")
    site.story("zwei", date=dt.date(2026, 4, 1), pillars=("finanzen",))
    site.story("drei", date=dt.date(2026, 3, 1), pillars=("verwaltung",))
    site.story("vier", date=dt.date(2026, 2, 1), pillars=("innovation",))
    site.story("fuenf", date=dt.date(2026, 1, 1), pillars=("selbstgestaltung",))
    result = site.build()
    assert result.returncode == 0, result.stderr[-3000:]
    site_dir = os.path.join(site.root, "site")

    pages = dict(_all_html(site_dir))
    for path, html in pages.items():
        if "http-equiv=\"refresh\"" in html:
            continue  # redirect stubs of moved stories
        if path.startswith("redaktion/"):
            continue  # the web editor is no MkDocs page: its own policy, checked in test_editor.py
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert policy, f"{path}: keine Content-Security-Policy"
        assert security.SCRIPT_HASHES not in policy.group(1), path
        assert "default-src 'self'" in policy.group(1) and "unsafe-inline" not in policy.group(1).split(";")[1]
        violations, present = security.check_page(html, frozenset(re.findall(r"'sha256-[^']+'", policy.group(1))))
        assert not violations and present, path
        # one skip link on every page, also without a table of contents, to the content before its h1
        assert re.findall(r'<a [^>]*class="md-skip"[^>]*>', html) == ['<a href="#ksg-inhalt" class="md-skip">'], path
        assert html.count('id="ksg-inhalt"') == 1, path
        assert html.index('id="ksg-inhalt"') < html.index("<h1"), path
        # the logo is decoration inside links that are named in German by their aria-label
        assert 'alt="logo"' not in html, path
        logos = re.findall(r'<a [^>]*class="md-[a-z]+__button md-logo"[^>]*>\s*<img [^>]*>', html)
        assert logos, path
        for logo in logos:
            assert 'aria-label="Kleinstadtgeschichten"' in logo and 'alt=""' in logo, (path, logo)

    story = site.html("geschichten/eins/")
    assert '<a href="https://www.example.org/eins" rel="noopener">' in story
    assert "Geschichte teilen" in story and "https://wa.me/?text=" in story
    # five stories of Altdorf: three are "related", the others appear under "Mehr aus Altdorf"
    more = re.search(r'<section class="ksg-more".*?</section>', story, re.S)
    assert more and "Mehr aus Altdorf" in more.group(0)
    related = re.search(r'<section class="ksg-related".*?</section>', story, re.S).group(0)
    for slug in re.findall(r'href="\.\./([a-z]+)/"', more.group(0)):
        assert f'href="../{slug}/"' not in related

    home = site.html("")
    featured = re.search(r'<section class="ksg-home-featured".*?</section>', home, re.S).group(0)
    assert "ksg-card--featured" in featured and "Geschichte eins" in featured
    assert home.count('class="ksg-map__town"') == 3  # altdorf, neudorf, seestadt
    region = site.html("regionen/thueringen/")
    assert 'href="../../orte/altdorf/"' in re.search(r"<svg class=\"ksg-map__svg\".*?</svg>", region, re.S).group(0)
    assert "seestadt" not in re.search(r"<svg class=\"ksg-map__svg\".*?</svg>", region, re.S).group(0)
    town = site.html("orte/altdorf/")
    assert "ksg-map--small" in town and "ksg-map__town--current" in town
    caption = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", re.search(r"<figcaption>.*?</figcaption>", town, re.S).group(0)))
    assert caption == "Lage von Altdorf in Thüringen; der andere Punkt ist Neudorf."
    assert re.search(r"<figcaption>Lage von Seestadt in [^;<]+\.</figcaption>", site.html("orte/seestadt/"))

    with open(os.path.join(site_dir, "404.html"), encoding="utf-8") as handle:
        missing = handle.read()
    assert "Diese Seite gibt es nicht" in missing and "Impressum" in missing and "Datenschutz" in missing


def test_town_map_caption_counts_the_other_towns(site):
    site.write("towns/mitteldorf.md", """---
name: Mitteldorf
state: DE-TH
district: Testkreis
ags: "16000004"
coordinates:
  lat: 50.9
  lon: 11.0
sources:
  - title: Testquelle
---

Mitteldorf ist eine dritte erfundene Stadt in Thüringen.
""")
    result = site.build()
    assert result.returncode == 0, result.stderr[-3000:]
    caption = re.search(r"<figcaption>.*?</figcaption>", site.html("orte/neudorf/"), re.S).group(0)
    caption = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", caption))
    assert caption == "Lage von Neudorf in Thüringen; die anderen Punkte sind Altdorf und Mitteldorf."
