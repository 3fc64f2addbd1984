"""Search (issue 5): Pagefind's index of the built site and the search page /suche/ in Chromium.

One small site (the fixture towns and six invented stories) is built once for the module; the build
runs Pagefind. The index tests read Pagefind's files; the browser tests drive Debian's Chromium.
"""

from __future__ import annotations

import datetime as dt
import glob
import gzip
import json
import os
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest

import corpus
from conftest import build_site
from browser import CHROMIUM, Traffic, chromium as launch_chromium
from static_server import serve

from pagefind.service import get_executable

from kleinstadt.search import BUILDING, SearchIndexError, build_search_index, reads, start_search_index

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "site")

STORIES = {
    # slug: (date, towns, pillars, themes, title, teaser, body)
    "jugendparlament-altdorf": (dt.date(2026, 5, 1), ["altdorf"], ["jugend"], ["beteiligung"],
                                "Junge Stimmen im Rathaus", "Wie Altdorf junge Menschen mitentscheiden lässt.",
                                "Seit zwei Jahren tagt in Altdorf das Jugendparlament. Es hat einen eigenen "
                                "Haushalt und entscheidet selbst über kleine Vorhaben.\n"),
    "steg-seestadt": (dt.date(2025, 7, 14), ["seestadt"], ["innovation"], ["stadtentwicklung"],
                      "Ein Steg für alle", "Seestadt baut mit Ehrenamtlichen einen neuen Badesteg.",
                      "Die Brücke über den Graben war zu schmal. Jetzt führt ein Steg über das Schilf; "
                      "seine Größe überrascht die Gäste aus Müritz.\n"),
    "bibliothek-altdorf": (dt.date(2026, 4, 2), ["altdorf"], ["selbstgestaltung"], ["kultur"],
                           "Das Wohnzimmer der Stadt", "Wie ein Lesesaal zum Treffpunkt wurde.",
                           "Die Bibliothek öffnet jetzt auch abends. Vereine treffen sich zwischen den Regalen.\n"),
    "bibliothek-neudorf": (dt.date(2025, 3, 9), ["neudorf"], ["jugend"], ["kultur"],
                           "Lesen im alten Bahnhof", "Neudorfs Jugend richtet einen Leseraum ein.",
                           "Im Bahnhof entsteht eine kleine Bibliothek, gebaut von Jugendlichen.\n"),
    "bibliothek-seestadt": (dt.date(2024, 10, 20), ["seestadt"], ["finanzen"], ["kultur"],
                            "Bücher auf Rädern", "Ein Bus bringt Bücher in die Ortsteile.",
                            "Die fahrende Bibliothek hält jede Woche in sieben Ortsteilen.\n"),
    "kasse-neudorf": (dt.date(2026, 1, 5), ["neudorf"], ["finanzen"], [],
                      "Eine Kasse für alle Vereine", "Ein Notfallfonds hilft Vereinen über schwierige Monate.",
                      "Der Fonds springt ein, wenn eine Heizkostenabrechnung einen kleinen Verein überfordert.\n"),
    "chor-altdorf": (dt.date(2023, 6, 1), ["altdorf"], ["selbstgestaltung"], ["kultur"],
                     "Ein Chor für drei Generationen", "Altdorf singt gemeinsam.",
                     "Jeden Donnerstag proben Alt und Jung im Gemeindehaus.\n"),
    "markt-neudorf": (dt.date(2022, 9, 12), ["neudorf"], ["innovation"], ["stadtentwicklung"],
                      "Der Markt kehrt zurück", "Neudorfs Wochenmarkt lebt wieder auf.",
                      "Händlerinnen aus dem Umland verkaufen samstags auf dem Marktplatz.\n"),
}

# Challenges of the study (issue 17): the search filter „Herausforderung“.
CHALLENGES = {"bibliothek-altdorf": "innenstadt", "bibliothek-seestadt": "innenstadt", "kasse-neudorf": "finanzen"}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> str:
    root = str(tmp_path_factory.mktemp("search") / "site-src")
    corpus.prepare_site(root, source=FIXTURE)
    for slug, (date, towns, pillars, themes, title, teaser, body) in STORIES.items():
        corpus.write_story(root, slug, date, towns, title=title, description=teaser, pillars=pillars,
                           themes=themes, body=body,
                           extra=f"challenges: [{CHALLENGES[slug]}]" if slug in CHALLENGES else "")
    site_dir = os.path.join(root, "site")
    result = build_site(root, site_dir)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return site_dir


def _fragments(site_dir: str) -> dict[str, dict]:
    """Pagefind's fragment files, decoded: url -> fragment (content, meta, filters)."""
    fragments = {}
    for path in glob.glob(os.path.join(site_dir, "pagefind", "fragment", "*.pf_fragment")):
        with open(path, "rb") as handle:
            data = gzip.decompress(handle.read())
        assert data.startswith(b"pagefind_dcd")
        fragment = json.loads(data[len(b"pagefind_dcd"):])
        fragments[fragment["url"]] = fragment
    return fragments


# --- the index -----------------------------------------------------------------------------------

def test_index_holds_stories_towns_and_pillars_but_no_listing(built):
    urls = set(_fragments(built))
    stories = {f"/geschichten/{slug}/" for slug in STORIES}
    towns = {"/orte/altdorf/", "/orte/neudorf/", "/orte/seestadt/"}
    pillars = {f"/pfeiler/{slug}/" for slug in ("selbstgestaltung", "innovation", "finanzen", "verwaltung", "jugend")}
    assert urls == stories | towns | pillars


def test_story_has_filters_sort_meta_and_clean_content(built):
    fragment = _fragments(built)["/geschichten/jugendparlament-altdorf/"]
    assert fragment["filters"] == {"pillar": ["jugend"], "town": ["altdorf"], "region": ["thueringen"],
                                   "theme": ["beteiligung"], "year": ["2026"]}
    assert fragment["meta"]["title"] == "Junge Stimmen im Rathaus"
    assert fragment["meta"]["teaser"] == "Wie Altdorf junge Menschen mitentscheiden lässt."
    assert fragment["meta"]["town"] == "Altdorf"
    assert fragment["meta"]["date"] == "1. Mai 2026"
    assert "image" not in fragment["meta"]  # not the picture of a related story, nor its file name
    content = fragment["content"]
    assert "Jugendparlament" in content and "Altdorf" in content
    # Sources, related stories, breadcrumb and reading time are not what a story is about.
    assert "Quellen" not in content and "Resiliente Kleinstädte" not in content
    assert "Lesezeit" not in content and "Ähnliche Geschichten" not in content
    assert "Redaktion" not in content  # the facts (town, authors, themes) are meta data and filters
    html = open(os.path.join(built, "geschichten", "jugendparlament-altdorf", "index.html"), encoding="utf-8").read()
    assert 'data-pagefind-sort="date:2026-05-01"' in html


def test_town_profile_is_indexed_without_its_story_list(built):
    fragment = _fragments(built)["/orte/altdorf/"]
    assert fragment["filters"] == {"town": ["altdorf"], "region": ["thueringen"]}
    assert "erfundene Stadt" in fragment["content"]
    assert "Junge Stimmen im Rathaus" not in fragment["content"]  # a story title from the list below


def test_titles_and_teasers_weigh_more(built):
    html = open(os.path.join(built, "geschichten", "bibliothek-altdorf", "index.html"), encoding="utf-8").read()
    assert 'data-pagefind-weight="10" data-pagefind-meta="title"' in html
    assert 'class="ksg-teaser" data-pagefind-weight="5" data-pagefind-meta="teaser"' in html


def test_search_page_says_in_german_that_it_needs_javascript(built):
    html = open(os.path.join(built, "suche", "index.html"), encoding="utf-8").read()
    noscript = html.split("<noscript>", 1)[1].split("</noscript>", 1)[0]
    assert "Die Suche braucht JavaScript" in noscript
    assert 'role="status" aria-live="polite"' in html


@pytest.mark.parametrize("pages", [{}, {"geschichten/x/index.html": "<h1>Ohne Markierung</h1><p>Text</p>"}])
def test_index_error_is_german_when_no_page_is_marked(tmp_path, pages):
    """No page, or pages without data-pagefind-body (Pagefind would index navigation and lists): an error."""
    (tmp_path / "index.html").write_text("<html lang='de'><body><h1>Start</h1></body></html>", encoding="utf-8")
    for path, body in pages.items():
        (tmp_path / os.path.dirname(path)).mkdir(parents=True)
        (tmp_path / path).write_text(f"<html lang='de'><body>{body}</body></html>", encoding="utf-8")
    with pytest.raises(SearchIndexError, match="keine Seite zum Indizieren gefunden.*data-pagefind-body"):
        build_search_index(str(tmp_path))
    logged = []

    class Log:
        def error(self, message):
            logged.append(message)

    assert build_search_index(str(tmp_path), Log()) is None  # the build logs it; strict mode then stops
    assert len(logged) == 1 and "keine Seite" in logged[0]


def test_the_build_knows_which_pages_pagefind_reads():
    """hooks/site.py holds back the pages Pagefind does not read until it has started (late_pages.py)."""
    for path in ("geschichten/steg-seestadt/index.html", "orte/altdorf/index.html", "pfeiler/jugend/index.html"):
        assert reads(path)
    for path in ("geschichten/index.html", "geschichten/seite/2/index.html", "orte/altdorf/seite/2/index.html",
                 "pfeiler/jugend/seite/2/index.html", "regionen/sachsen/index.html", "index.html"):
        assert not reads(path)


def test_index_in_the_background_says_when_it_builds(tmp_path):
    """The build starts the held-back pages when Pagefind prints that it builds the index (Pagefind 1.5)."""
    folder = tmp_path / "geschichten" / "eine"
    folder.mkdir(parents=True)
    (folder / "index.html").write_text("<html lang='de'><body><main data-pagefind-body><h1>Ein Steg</h1>"
                                       "<p>Seestadt baut einen Steg.</p></main></body></html>", encoding="utf-8")
    running = start_search_index(str(tmp_path))
    running.wait_until_building()
    running.process.wait()
    # The line wait_until_building looks for; without it (a Pagefind that words it otherwise) the held-back
    # pages would only start after Pagefind: the same site, but a slower build.
    assert BUILDING in os.pread(running.process.messages.fileno(), 1 << 20, 0)
    index = running.wait()
    assert index.pages == 1 and os.path.exists(os.path.join(index.output, "pagefind-entry.json"))


def test_index_chunks_are_half_pagefinds_default_size(tmp_path):
    """kleinstadt/search.py asks Pagefind (pinned) for chunks of 10,000 entries instead of 20,000, so a query
    loads less: the same page gives (about) twice as many chunks as with Pagefind's default."""
    words = " ".join(f"wort{index}" for index in range(15000))
    (tmp_path / "geschichten" / "lang").mkdir(parents=True)
    (tmp_path / "geschichten" / "lang" / "index.html").write_text(
        f"<html lang='de'><body><article data-pagefind-body><h1>Lang</h1><p>{words}</p></article></body></html>",
        encoding="utf-8")

    def chunks(output: str) -> int:
        return len(glob.glob(os.path.join(output, "index", "*.pf_index")))

    build_search_index(str(tmp_path))
    ours = chunks(str(tmp_path / "pagefind"))
    default = tmp_path / "default"
    subprocess.run([str(get_executable()), "--site", str(tmp_path), "--output-path", str(default),
                    "--glob", "geschichten/*/index.html"], check=True, capture_output=True,
                   env={k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")})
    assert ours >= 1.5 * chunks(str(default)) >= 3


# --- in the browser ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(built):
    with serve(built) as base:
        yield base


@pytest.fixture(scope="module")
def chromium_browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} fehlt: `make system` installiert Debians Chromium")
    with launch_chromium() as instance:
        yield instance


@pytest.fixture
def page(chromium_browser):
    context = chromium_browser.new_context(locale="de-DE")
    page = context.new_page()
    page.traffic = Traffic(page)
    yield page
    context.close()


def _wait_for_results(page, text: str = "Ergebnis"):
    page.wait_for_function("t => document.querySelector('#ksg-search-status').textContent.includes(t)", arg=text)


def _titles(page) -> list[str]:
    return page.locator("#ksg-search-results .ksg-result__title").all_text_contents()


def _search(page, server, query: str):
    page.goto(server + "suche/")
    field = page.locator("#ksg-search-q")
    field.fill(query)
    field.press("Enter")
    _wait_for_results(page)


def _option(page, select: str, value: str) -> str:
    return page.locator(f"#ksg-search-{select} option[value='{value}']").text_content()


@pytest.mark.browser
def test_query_finds_the_right_story_with_teaser_town_date_and_excerpt(page, server):
    _search(page, server, "Heizkostenabrechnung")
    assert _titles(page) == ["Eine Kasse für alle Vereine"]
    result = page.locator("#ksg-search-results > li").first
    assert result.locator("a").get_attribute("href").endswith("/geschichten/kasse-neudorf/")
    assert result.locator(".ksg-result__meta").text_content() == "Geschichte · 5. Januar 2026 · Neudorf"
    assert result.locator(".ksg-result__teaser").text_content() == "Ein Notfallfonds hilft Vereinen über schwierige Monate."
    assert result.locator(".ksg-result__excerpt mark").all_text_contents() == ["Heizkostenabrechnung"]
    assert page.locator("#ksg-search-status").text_content() == "1 Ergebnis für „Heizkostenabrechnung“."
    # The town is no word of this story's text, but its meta data: a town narrows a word search.
    _search(page, server, "Heizkostenabrechnung Neudorf")
    assert _titles(page) == ["Eine Kasse für alle Vereine"]
    _search(page, server, "Heizkostenabrechnung Seestadt")
    _wait_for_results(page, "Keine Ergebnisse")


@pytest.mark.browser
def test_filter_narrows_the_results_and_the_counts_agree(page, server):
    _search(page, server, "Bibliothek")
    assert page.locator("#ksg-search-region").is_hidden()  # filters are folded away until wanted
    page.locator(".ksg-search__options summary").click()
    page.wait_for_function("() => document.querySelector('#ksg-search-region option[value=thueringen]')"
                           ".textContent.includes('(')")
    assert sorted(_titles(page)) == ["Bücher auf Rädern", "Das Wohnzimmer der Stadt", "Lesen im alten Bahnhof"]
    assert _option(page, "region", "thueringen") == "Thüringen (2)"
    assert _option(page, "region", "mecklenburg-vorpommern") == "Mecklenburg-Vorpommern (1)"
    assert _option(page, "region", "sachsen") == "Sachsen (0)"
    assert _option(page, "jahr", "2025") == "2025 (1)"
    page.locator("#ksg-search-region").select_option("thueringen")
    _wait_for_results(page, "(Thüringen)")
    assert sorted(_titles(page)) == ["Das Wohnzimmer der Stadt", "Lesen im alten Bahnhof"]
    assert page.locator("#ksg-search-status").text_content() == "2 Ergebnisse für „Bibliothek“ (Thüringen)."
    # Counts within the chosen region; the region's own counts still show what choosing another gives.
    assert _option(page, "ort", "altdorf") == "Altdorf (1)"
    assert _option(page, "ort", "seestadt") == "Seestadt (0)"
    assert _option(page, "region", "mecklenburg-vorpommern") == "Mecklenburg-Vorpommern (1)"
    page.locator("#ksg-search-ort").select_option("altdorf")
    _wait_for_results(page, "Altdorf")
    assert _titles(page) == ["Das Wohnzimmer der Stadt"]
    assert _option(page, "ort", "altdorf") == "Altdorf (1)"


@pytest.mark.browser
def test_german_stemming_finds_the_singular_for_the_plural(page, server):
    _search(page, server, "Jugendparlamente")
    assert _titles(page) == ["Junge Stimmen im Rathaus"]


@pytest.mark.browser
def test_umlauts_and_sharp_s(page, server):
    page.goto(server + "suche/?q=Br%C3%BCcke")  # "Brücke", as a shared link would carry it
    _wait_for_results(page)
    assert page.locator("#ksg-search-q").input_value() == "Brücke"
    assert _titles(page) == ["Ein Steg für alle"]
    assert page.locator(".ksg-result__excerpt mark").first.text_content() == "Brücke"
    _search(page, server, "Größe")
    assert _titles(page) == ["Ein Steg für alle"]


@pytest.mark.browser
def test_url_keeps_query_filters_and_sort_and_reload_and_back_restore_them(page, server):
    _search(page, server, "Bibliothek")
    page.locator(".ksg-search__options summary").click()
    page.locator("#ksg-search-sortierung").select_option("neu")
    _wait_for_results(page)
    page.locator("#ksg-search-jahr").select_option("2026")
    _wait_for_results(page, "(2026)")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["Bibliothek"], "jahr": ["2026"], "sortierung": ["neu"]}
    page.reload()
    _wait_for_results(page, "(2026)")
    assert page.locator("#ksg-search-q").input_value() == "Bibliothek"
    assert page.locator("#ksg-search-jahr").input_value() == "2026"
    assert page.locator("#ksg-search-sortierung").input_value() == "neu"
    assert _titles(page) == ["Das Wohnzimmer der Stadt"]
    page.go_back()  # before the year was chosen: all three, newest first
    page.wait_for_function("() => !location.search.includes('jahr')")
    _wait_for_results(page, "3 Ergebnisse")
    assert page.locator("#ksg-search-jahr").input_value() == ""
    assert _titles(page) == ["Das Wohnzimmer der Stadt", "Lesen im alten Bahnhof", "Bücher auf Rädern"]


@pytest.mark.browser
def test_a_page_view_fetches_no_search_asset(page, server):
    page.goto(server + "geschichten/bibliothek-altdorf/", wait_until="networkidle")
    fetched = [url for url, _ in page.traffic.since(0)]
    assert fetched, "keine Anfragen aufgezeichnet"
    assert [url for url in fetched if "/pagefind/" in url or "ksg-search.js" in url] == []
    # The search page itself loads Pagefind only once there is something to search for.
    mark = page.traffic.mark()
    page.goto(server + "suche/", wait_until="networkidle")
    assert [url for url, _ in page.traffic.since(mark) if "/pagefind/" in url] == []
    page.locator("#ksg-search-q").fill("Bibliothek")
    _wait_for_results(page)
    assert any(url.endswith("/pagefind/pagefind.js") for url, _ in page.traffic.since(mark))


@pytest.mark.browser
def test_typing_fetches_index_chunks_early_but_excerpts_only_when_typing_pauses(page, server):
    page.goto(server + "suche/", wait_until="networkidle")
    mark = page.traffic.mark()
    page.locator("#ksg-search-q").press_sequentially("Bibliothek", delay=200)  # a slow typist on a phone
    page.wait_for_timeout(300)  # still shorter than the pause that starts a search
    typed = [url for url, _ in page.traffic.since(mark)]
    assert any(url.endswith(".pf_index") for url in typed)  # the words' index chunks are on their way
    assert not any(url.endswith(".pf_fragment") for url in typed)  # but no result has been fetched yet
    _wait_for_results(page)
    assert "Das Wohnzimmer der Stadt" in _titles(page)
    fragments = [url for url, _ in page.traffic.since(mark) if url.endswith(".pf_fragment")]
    assert 0 < len(fragments) <= 5


@pytest.mark.browser
def test_header_field_shortcut_and_submit_lead_to_the_search_page(page, server):
    page.goto(server + "orte/altdorf/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "ksg-header-q"
    page.keyboard.type("Jugendparlament")
    page.keyboard.press("Enter")
    page.wait_for_url("**/suche/?q=Jugendparlament")
    _wait_for_results(page)
    assert _titles(page) == ["Junge Stimmen im Rathaus"]
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("s")  # on the search page the shortcut goes to its own, larger field
    assert page.evaluate("document.activeElement.id") == "ksg-search-q"


@pytest.mark.browser
def test_filters_alone_list_newest_first_five_at_a_time(page, server):
    page.goto(server + "suche/?region=thueringen")
    _wait_for_results(page, "(Thüringen)")
    # Sorted by date, so only what has a date: the stories, not the town profiles.
    assert page.locator("#ksg-search-status").text_content() == "6 Ergebnisse (Thüringen)."
    assert _titles(page) == ["Junge Stimmen im Rathaus", "Das Wohnzimmer der Stadt", "Eine Kasse für alle Vereine",
                             "Lesen im alten Bahnhof", "Ein Chor für drei Generationen"]
    assert _option(page, "region", "thueringen") == "Thüringen (6)"  # the counts agree with the date order
    more = page.locator("#ksg-search-more")
    assert more.is_visible()
    more.click()
    page.wait_for_function("() => document.querySelectorAll('#ksg-search-results > li').length === 6")
    assert _titles(page)[5] == "Der Markt kehrt zurück"
    assert page.evaluate("document.activeElement.textContent") == "Der Markt kehrt zurück"  # focus on the first new one
    assert more.is_hidden()


@pytest.mark.browser
def test_a_lost_connection_is_reported_not_left_spinning(page, server):
    page.route("**/pagefind/**", lambda route: route.abort())
    page.goto(server + "suche/?q=Bibliothek")
    _wait_for_results(page, "fehlgeschlagen")
    assert page.locator("#ksg-search-results").get_attribute("aria-busy") == "false"


@pytest.mark.browser
def test_challenge_filter_lists_the_stories_of_a_challenge(page, server):
    page.goto(server + "suche/?herausforderung=innenstadt")
    _wait_for_results(page, "(Innenstadtentwicklung)")
    assert page.locator("#ksg-search-status").text_content() == "2 Ergebnisse (Innenstadtentwicklung)."
    assert _titles(page) == ["Das Wohnzimmer der Stadt", "Bücher auf Rädern"]
    assert _option(page, "herausforderung", "innenstadt") == "Innenstadtentwicklung (2)"
    assert page.locator("label[for=ksg-search-herausforderung]").text_content() == "Herausforderung"
    # Together with a word: only the story of that challenge that has the word.
    page.locator("#ksg-search-q").fill("Bibliothek")
    page.locator("#ksg-search-q").press("Enter")
    _wait_for_results(page, "für „Bibliothek“")
    assert sorted(_titles(page)) == ["Bücher auf Rädern", "Das Wohnzimmer der Stadt"]
    page.locator("#ksg-search-herausforderung").select_option("finanzen")
    _wait_for_results(page, "Keine Ergebnisse")
