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
