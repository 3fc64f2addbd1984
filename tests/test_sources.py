"""The citation line under stories and town pages (kleinstadt/sources.py)."""

from __future__ import annotations

from kleinstadt.sources import Source


def test_citation_names_publisher_year_title_and_page():
    study = Source("Resiliente Kleinstädte", "Thünen-Institut für Regionalentwicklung e. V.", 2025, "17")
    assert study.citation() == "Thünen-Institut für Regionalentwicklung e. V. (2025): Resiliente Kleinstädte, S. 17"
    assert Source("Glashütte (Sachsen)", "Wikipedia").citation() == "Wikipedia: Glashütte (Sachsen)"
    assert Source("Ortschronik", year=1999).citation() == "Ortschronik (1999)"
    assert Source("Ortschronik").citation() == "Ortschronik"


def test_citation_names_a_publisher_that_is_also_the_title_once():
    assert Source("Stadt Glashütte", "Stadt Glashütte").citation() == "Stadt Glashütte"
    assert Source("Stadt Glashütte", "stadt  Glashütte", 2024).citation() == "Stadt Glashütte (2024)"
    assert Source("Stadt Glashütte", "Stadt Glashütte", page="3").citation() == "Stadt Glashütte, S. 3"


def test_page_ranges_get_an_en_dash():
    study = "Thünen-Institut für Regionalentwicklung e. V. (2025): Resiliente Kleinstädte, S. "
    source = Source("Resiliente Kleinstädte", "Thünen-Institut für Regionalentwicklung e. V.", 2025, "18-19")
    assert source.citation() == study + "18–19"
    source = Source("Resiliente Kleinstädte", "Thünen-Institut für Regionalentwicklung e. V.", 2025,
                    "4, 12 - 16, 24, 20–21")
    assert source.citation() == study + "4, 12–16, 24, 20–21"
    assert Source("Ortschronik", page="7").citation() == "Ortschronik, S. 7"


def test_addresses_show_decoded_and_link_encoded():
    for url in ("https://de.wikipedia.org/wiki/Glash%C3%BCtte_(Sachsen)", "https://de.wikipedia.org/wiki/Glashütte_(Sachsen)"):
        source = Source("Glashütte (Sachsen)", "Wikipedia", url=url)
        assert source.display_url == "https://de.wikipedia.org/wiki/Glashütte_(Sachsen)"
        assert source.href == "https://de.wikipedia.org/wiki/Glash%C3%BCtte_(Sachsen)"
    plain = Source("Stadt Glashütte", url="https://www.glashuette-sachs.de/?seite=2&x=ja#oben")
    assert plain.href == plain.display_url == "https://www.glashuette-sachs.de/?seite=2&x=ja#oben"
    assert Source("Ortschronik").href is None and Source("Ortschronik").display_url is None


def test_source_lists_on_the_site_show_addresses_decoded(site):
    site.edit("towns/neudorf.md", "  - title: Testquelle\n",
              "  - title: Testquelle\n"
              "  - title: Glashütte (Sachsen)\n    publisher: Wikipedia\n"
              "    url: https://de.wikipedia.org/wiki/Glash%C3%BCtte_(Sachsen)\n"
              "  - title: Gröningen\n    publisher: Wikipedia\n    url: https://de.wikipedia.org/wiki/Gröningen\n")
    site.story("erste", towns=("neudorf",))
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.html("orte/neudorf/")
    assert ('<a href="https://de.wikipedia.org/wiki/Glash%C3%BCtte_(Sachsen)" rel="noopener">'
            "https://de.wikipedia.org/wiki/Glashütte_(Sachsen)</a>") in page
    assert ('<a href="https://de.wikipedia.org/wiki/Gr%C3%B6ningen" rel="noopener">'
            "https://de.wikipedia.org/wiki/Gröningen</a>") in page
