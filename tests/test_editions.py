"""Editions (Ausgaben): validation with German messages, the edition pages, the home page, the story note."""

from __future__ import annotations

import datetime as dt

EDITION = "editions/2026-1.md"


def edition_text(number="2026/1", date="2026-05-20", stories=("erste", "zweite"), title=None,
                 body="Das Editorial dieser Ausgabe.\n") -> str:
    items = "".join(f"  - {s}\n" for s in stories)
    return (f"---\nnumber: \"{number}\"\ntitle: \"{title or 'Ausgabe ' + number}\"\ndate: {date}\n"
            f"stories:\n{items}---\n\n{body}")


def two_stories(site):
    site.story("erste", date=dt.date(2026, 3, 1))
    site.story("zweite", date=dt.date(2026, 4, 1), towns=("seestadt",))


def problems_of(site):
    return site.check().problems.sorted()


def test_edition_resolves_slugs_and_paths(site):
    two_stories(site)
    site.write(EDITION, edition_text(stories=("zweite", "stories/altdorf/2026-03-01-erste/index.md")))
    content = site.check()
    assert not content.problems, content.problems.report()
    [edition] = list(content.editions)
    assert (edition.number, edition.slug, edition.url) == ("2026/1", "2026-1", "ausgaben/2026-1/")
    assert [s.slug for s in edition.stories] == ["zweite", "erste"]  # the editors' order
    assert content.editions.of_story(content.stories[0]) is edition


def test_unknown_story_names_line_and_suggests(site):
    two_stories(site)
    site.write(EDITION, edition_text(stories=("erste", "zweit")))
    [problem] = problems_of(site)
    assert (problem.file, problem.line, problem.field) == (EDITION, 7, "stories[1]")
    assert "„zweit“ gibt es nicht" in problem.message
    assert "zweite" in problem.hint


def test_duplicate_number(site):
    two_stories(site)
    site.write(EDITION, edition_text(stories=("erste",)))
    site.write("editions/2026-1-nochmal.md", edition_text(stories=("zweite",)))
    [problem] = problems_of(site)
    assert (problem.file, problem.line, problem.field) == ("editions/2026-1.md", 2, "number")
    assert "hat schon die Ausgabe editions/2026-1-nochmal.md" in problem.message


def test_bad_date_and_bad_number(site):
    two_stories(site)
    site.write(EDITION, edition_text(number="2026-1", date="2026-02-30"))
    found = {(p.field, p.line) for p in problems_of(site)}
    assert found == {("number", 2), ("date", 4)}
    messages = " ".join(p.message for p in problems_of(site))
    assert "keine gültige Nummer" in messages and "kein mögliches Datum" in messages


def test_date_outside_the_year_of_the_number(site):
    two_stories(site)
    site.write(EDITION, edition_text(date="2025-12-01"))
    [problem] = problems_of(site)
    assert problem.field == "date" and "nicht im Jahr" in problem.message


def test_story_in_two_editions_and_missing_editorial(site):
    two_stories(site)
    site.write(EDITION, edition_text(stories=("erste",)))
    site.write("editions/2026-2.md", edition_text(number="2026/2", date="2026-05-30", stories=("erste",), body=""))
    found = problems_of(site)
    assert [(p.file, p.line, p.field) for p in found] == [("editions/2026-2.md", 8, None)]
    assert "Editorial fehlt" in found[0].message


def test_story_listed_twice_in_later_edition(site):
    two_stories(site)
    site.write(EDITION, edition_text(stories=("erste",)))
    site.write("editions/2026-2.md", edition_text(number="2026/2", date="2026-05-30", stories=("erste", "zweite")))
    [problem] = problems_of(site)
    assert (problem.file, problem.field) == ("editions/2026-2.md", "stories")
    assert "schon in Ausgabe 2026/1 erschienen" in problem.message


def test_public_edition_with_unpublished_story(site):
    two_stories(site)
    site.story("entwurf", date=dt.date(2026, 5, 1), status="draft")
    site.write(EDITION, edition_text(stories=("erste", "entwurf")))
    [problem] = problems_of(site)
    assert (problem.field, problem.line) == ("stories[1]", 7)
    assert "nicht veröffentlicht" in problem.message


def test_edition_pages_home_and_story_note(site):
    two_stories(site)
    site.write(EDITION, edition_text(stories=("zweite", "erste"), body="Ein Editorial über Altdorf.\n"))
    # Dated after KSG_TODAY=2026-06-01: not yet published, so neither built nor featured.
    site.story("dritte", date=dt.date(2026, 5, 1))
    site.write("editions/2026-2.md", edition_text(number="2026/2", date="2026-12-01", stories=("dritte",)))
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.html("ausgaben/2026-1/")
    assert "<h1>Ausgabe 2026/1</h1>" in page and "Ein Editorial über Altdorf." in page
    # Town by town under a heading each, Altdorf before Seestadt, whatever the order in the file.
    altdorf = page.index('<h3 id="ksg-edition-altdorf"><a href="../../orte/altdorf/">Altdorf</a></h3>')
    seestadt = page.index('<h3 id="ksg-edition-seestadt"><a href="../../orte/seestadt/">Seestadt</a></h3>')
    assert altdorf < page.index("Geschichte erste") < seestadt < page.index("Geschichte zweite")
    overview = site.html("ausgaben/")
    assert 'href="2026-1/"' in overview and "2026/2" not in overview
    home = site.html("")
    assert "Aktuelle Ausgabe" in home and 'href="ausgaben/2026-1/"' in home
    block = home[home.index('id="ksg-home-edition"'):home.index('id="ksg-home-pillars"')]
    assert block.index("Geschichte zweite") < block.index("Geschichte erste")  # newest first
    story = site.html("geschichten/erste/")
    assert 'Erschienen in <a href="../../ausgaben/2026-1/">Ausgabe 2026/1</a>' in story
    import os
    assert not os.path.exists(os.path.join(site.root, "site", "ausgaben", "2026-2"))


def test_edition_by_town_and_highlights_from_different_towns(site):
    site.story("a-alt", date=dt.date(2026, 3, 1))
    site.story("a-mitte", date=dt.date(2026, 4, 20))
    site.story("a-neu", date=dt.date(2026, 5, 1))
    site.story("s-eins", date=dt.date(2026, 4, 10), towns=("seestadt",))
    site.story("n-eins", date=dt.date(2026, 3, 15), towns=("neudorf", "altdorf"))  # filed under its first town
    site.write(EDITION, edition_text(stories=("s-eins", "a-alt", "n-eins", "a-neu", "a-mitte")))
    content = site.check()
    assert not content.problems, content.problems.report()
    [edition] = list(content.editions)
    sections = edition.by_town(content.stories, content.towns)
    assert [(town.name, [s.slug for s in stories]) for town, stories in sections] == [
        ("Altdorf", ["a-neu", "a-mitte", "a-alt"]), ("Neudorf", ["n-eins"]), ("Seestadt", ["s-eins"])]
    # The newest three, each from another town: the second-newest (Altdorf again) gives way.
    assert [s.slug for s in edition.highlights(content.stories)] == ["a-neu", "s-eins", "n-eins"]
    # Fewer towns than places: the newest of the rest fills up.
    shown = [s for s in content.stories if s.slug != "n-eins"]
    assert [s.slug for s in edition.highlights(shown)] == ["a-neu", "a-mitte", "s-eins"]
    assert edition.by_town([], content.towns) == [] and edition.highlights([]) == []
    # What the home page shows elsewhere comes last: others first, each from another town if possible.
    newest = next(s for s in content.stories if s.slug == "a-neu")
    assert [s.slug for s in edition.highlights(content.stories, 3, [newest])] == ["a-mitte", "s-eins", "n-eins"]


def test_towns_sort_as_in_a_german_index():
    from kleinstadt.text import german_sort_key

    names = ["Zwickau", "Übigau", "Frohburg", "Fürstenberg/Havel", "Aue", "ölsnitz"]
    assert sorted(names, key=german_sort_key) == ["Aue", "Frohburg", "Fürstenberg/Havel", "ölsnitz", "Übigau",
                                                  "Zwickau"]


def test_future_edition_shows_in_the_preview_marked(site):
    two_stories(site)
    site.write("editions/2026-2.md", edition_text(number="2026/2", date="2026-12-01"))
    result = site.build(env={"KSG_DRAFTS": "1"})
    assert result.returncode == 0, result.stderr
    assert "Diese Ausgabe erscheint erst am 1. Dezember 2026." in site.html("ausgaben/2026-2/")
