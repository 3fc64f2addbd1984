"""„Zum Nachmachen“ (issue 17): the `practice:` and `hospitation:` blocks, field by field, and who has done
it already, nearest first."""

from __future__ import annotations

import pytest

from kleinstadt.practice import PracticeIndex, Range, distance_km, nearest_first

from test_validation import STORY, VALID as STORY_FRONT_MATTER

# A practice needs a challenge: the valid story of the validation tests, with one.
VALID = STORY_FRONT_MATTER.replace("pillars: [jugend]\n", "pillars: [jugend]\nchallenges: [demografie]\n")
assert "challenges:" in VALID

FULL = """practice:
  summary: Die Stadt hat ein Jugendparlament gegründet.
  steps:
    - Jugendliche fragen, was sie wollen
    - Eine Satzung im Stadtrat beschließen
  duration: ein Schuljahr
  cost:
    min: 500
    max: 2000
  funding: [LEADER]
  partners: [Schulsozialarbeit, Stadtrat]
  lessons: Früher mit den Schulen reden.
  suits:
    population: {min: 5000, max: 25000}
    setting: ländlich
    subdivisions: {min: 5}
  contact:
    name: Stadtverwaltung Altdorf
    url: https://www.example.org"""


def write(site, practice: str, front: str = VALID) -> str:
    return site.write(STORY, "---\n" + front + "\n" + practice.strip("\n") + "\n---\n\nEin Text.\n")


def problems(site):
    return site.check().problems.sorted()


def only(site, field: str, message: str, line: int | None = None):
    found = [p for p in problems(site) if not p.is_warning]
    assert len(found) == 1, "\n".join(p.format() for p in found)
    problem = found[0]
    assert problem.file == STORY
    assert problem.field == field, problem.format()
    assert message in problem.message, problem.format()
    if line is not None:
        assert problem.line == line, problem.format()
    assert problem.hint
    return problem


def line_of(site, text: str) -> int:
    with open(f"{site.root}/{STORY}", encoding="utf-8") as handle:
        return next(number for number, line in enumerate(handle, 1) if text in line)


def test_full_practice_is_read(site):
    write(site, FULL)
    content = site.check()
    assert not content.problems.items, content.problems.report()
    practice = content.stories[0].practice
    assert practice.summary == "Die Stadt hat ein Jugendparlament gegründet."
    assert practice.steps == ("Jugendliche fragen, was sie wollen", "Eine Satzung im Stadtrat beschließen")
    assert practice.cost == Range(500, 2000) and practice.cost_text == "500 bis 2.000 €"
    assert practice.funding == ("LEADER",) and practice.partners == ("Schulsozialarbeit", "Stadtrat")
    assert practice.suits.parts() == ["mit 5.000 bis 25.000 Einwohner:innen", "ländlich geprägt",
                                     "mit mindestens 5 Ortsteilen"]
    assert practice.contact.name == "Stadtverwaltung Altdorf" and practice.contact.display_url == "www.example.org"


def test_only_summary_is_enough_and_nothing_is_guessed(site):
    write(site, "practice:\n  summary: Die Stadt erzählt offen von ihren Projekten.")
    practice = site.check().stories[0].practice
    assert practice.steps == () and practice.duration is None and practice.cost_text is None
    assert practice.suits is None and practice.contact is None and practice.lessons is None


@pytest.mark.parametrize("cost, text", [
    ("{unknown: true}", "unbekannt"),
    ("\n    unknown: true", "unbekannt"),
    ("{min: 500, max: 2000}", "500 bis 2.000 €"),
    ("{unknown: false, min: 500, max: 2000}", "500 bis 2.000 €"),  # as the web editor stores a span
    ("{unknown: false, min: 500}", "ab 500 €"),
])
def test_cost_unknown_or_a_span(site, cost, text):
    write(site, "practice:\n  summary: Etwas.\n  cost: " + cost)
    content = site.check()
    assert not content.problems.items, content.problems.report()
    practice = content.stories[0].practice
    assert practice.cost_text == text and practice.cost_unknown == (text == "unbekannt")


def test_old_text_form_of_unknown_cost_is_refused_with_the_group_as_hint(site):
    write(site, "practice:\n  summary: Etwas.\n  cost: unbekannt")
    problem = only(site, "practice.cost", "`cost: {unknown: true}`", line=line_of(site, "cost:"))
    assert "cost: {min: 500, max: 2000}" in problem.hint and "Web-Editor" in problem.hint


@pytest.mark.parametrize("practice, field, message", [
    ("practice: ja", "practice", "Gruppe von Angaben"),
    ("practice:\n  steps: [Eins]", "practice.summary", "Pflichtangabe"),
    ("practice:\n  summary: Etwas.\n  schritte: [Eins]", "practice.schritte", "unbekannt"),
    ("practice:\n  summary: " + "x" * 251, "practice.summary", "höchstens 250"),
    ("practice:\n  summary: Etwas.\n  steps: {a: b}", "practice.steps", "Liste"),
    ("practice:\n  summary: Etwas.\n  steps:\n    - Eins\n    - [zwei]", "practice.steps[1]", "Text"),
    ("practice:\n  summary: Etwas.\n  steps: [" + ", ".join(["x"] * 13) + "]", "practice.steps", "höchstens 12"),
    ("practice:\n  summary: Etwas.\n  duration: [1, 2]", "practice.duration", "Text"),
    ("practice:\n  summary: Etwas.\n  cost: teuer", "practice.cost", "keine Angabe der Kosten"),
    ("practice:\n  summary: Etwas.\n  cost: {min: 900, max: 100}", "practice.cost", "größer als"),
    ("practice:\n  summary: Etwas.\n  cost: {min: -5}", "practice.cost.min", "außerhalb"),
    ("practice:\n  summary: Etwas.\n  cost: {von: 5}", "practice.cost.von", "unbekannt"),
    ("practice:\n  summary: Etwas.\n  cost: {unknown: true, max: 100}", "practice.cost", "zugleich"),
    ("practice:\n  summary: Etwas.\n  cost: {unknown: false}", "practice.cost", "Hier fehlt"),
    ("practice:\n  summary: Etwas.\n  cost: {unknown: ja}", "practice.cost.unknown", "ja oder nein"),
    ("practice:\n  summary: Etwas.\n  cost: 500", "practice.cost", "Gruppe von Angaben"),
    ("practice:\n  summary: Etwas.\n  cost: {min: viel}", "practice.cost.min", "ganze Zahl"),
    ("practice:\n  summary: Etwas.\n  funding: 5", "practice.funding", "Liste"),
    ("practice:\n  summary: Etwas.\n  partners: [{name: x}]", "practice.partners[0]", "Text"),
    ("practice:\n  summary: Etwas.\n  lessons: " + "x" * 601, "practice.lessons", "höchstens 600"),
    ("practice:\n  summary: Etwas.\n  suits: klein", "practice.suits", "Gruppe von Angaben"),
    ("practice:\n  summary: Etwas.\n  suits: {setting: dörflich}", "practice.suits.setting", "keine bekannte Lage"),
    ("practice:\n  summary: Etwas.\n  suits: {population: {}}", "practice.suits.population", "Hier fehlt"),
    ("practice:\n  summary: Etwas.\n  suits: {subdivisions: {min: 2.5}}", "practice.suits.subdivisions.min",
     "ganze Zahl"),
    ("practice:\n  summary: Etwas.\n  suits: {groesse: 5}", "practice.suits.groesse", "unbekannt"),
    ("practice:\n  summary: Etwas.\n  contact: {name: Stadt Altdorf}", "practice.contact.url", "Pflichtangabe"),
    ("practice:\n  summary: Etwas.\n  contact: {name: Stadt Altdorf, url: www.altdorf.de}", "practice.contact.url",
     "keine gültige Webadresse"),
    ("practice:\n  summary: Etwas.\n  contact: {url: https://www.altdorf.de}", "practice.contact.name",
     "Pflichtangabe"),
    ("practice:\n  summary: Etwas.\n  contact: {name: Stadt, url: https://a.de, phone: 1}",
     "practice.contact.phone", "unbekannt"),
])
def test_each_field_is_checked_with_file_line_and_field(site, practice, field, message):
    write(site, practice)
    only(site, field, message)


@pytest.mark.parametrize("practice, field, message", [
    # The privacy rule: a contact is an office or an institution, never a person or a person's contact data.
    ("practice:\n  summary: Etwas.\n  contact: {name: Anna Schulz, url: https://www.example.org}",
     "practice.contact.name", "nicht nach einem Amt"),
    ("practice:\n  summary: Etwas.\n  contact: {name: Stadt Altdorf (0361 1234567), url: https://www.example.org}",
     "practice.contact.name", "Telefonnummer"),
    ("practice:\n  summary: Etwas.\n  contact: {name: Stadt Altdorf, url: https://mia.k@example.org}",
     "practice.contact.url", "Kontaktdaten"),
    ("practice:\n  summary: Etwas.\n  lessons: Fragt bei mia.k@schule.de nach.", "practice.lessons", "E-Mail"),
    ("practice:\n  summary: Etwas.\n  partners: [mia.k (at) schule (punkt) de]", "practice.partners",
     "E-Mail"),
    ("practice:\n  summary: Etwas.\n  steps: [Ruf an unter 0171 2345678]", "practice.steps", "Telefonnummer"),
    ("practice:\n  summary: Schreibt an @jugendclub_altdorf.", "practice.summary", "Profil"),
    ("practice:\n  summary: Etwas.\n  duration: +49 361 1234567", "practice.duration", "Telefonnummer"),
    ("practice:\n  summary: Etwas.\n  funding: [mia@example.org]", "practice.funding", "E-Mail"),
])
def test_privacy_rule(site, practice, field, message):
    write(site, practice)
    only(site, field, message)


def test_error_names_the_line_of_the_field(site):
    write(site, FULL.replace("setting: ländlich", "setting: urban"))
    only(site, "practice.suits.setting", "urban", line=line_of(site, "setting: urban"))


def test_practice_needs_a_challenge(site):
    write(site, "practice:\n  summary: Etwas.", front=VALID.replace("challenges: [demografie]\n", ""))
    only(site, "practice", "Herausforderung", line=line_of(site, "practice:"))


def test_tag_like_text_warns(site):
    write(site, "practice:\n  summary: Die Stadt <b>baut</b> etwas.")
    found = problems(site)
    assert [p.field for p in found] == ["practice.summary"] and found[0].is_warning


def test_more_than_one_sentence_warns(site):
    write(site, "practice:\n  summary: Die Stadt baut. Dann feiert sie.")
    found = problems(site)
    assert len(found) == 1 and found[0].is_warning and "mehr als ein Satz" in found[0].message
    assert site.check().stories[0].practice is not None


# --- hospitation ---------------------------------------------------------------------------------------


def test_town_hospitation(site):
    site.edit("towns/altdorf.md", "website: https://www.example.org\n",
              "website: https://www.example.org\nhospitation:\n  contact:\n    name: Stadtverwaltung Altdorf\n"
              "    url: https://www.example.org\n  note: Besuche nach Absprache.\n")
    content = site.check()
    assert not content.problems, content.problems.report()
    hospitation = content.towns["altdorf"].hospitation
    assert hospitation.contact.name == "Stadtverwaltung Altdorf" and hospitation.note == "Besuche nach Absprache."


@pytest.mark.parametrize("block, field, message", [
    ("hospitation: true\n", "hospitation", "Gruppe von Angaben"),
    ("hospitation:\n  note: Gern.\n", "hospitation.contact", "Pflichtangabe"),
    ("hospitation:\n  contact: {name: Max Mustermann, url: https://www.example.org}\n",
     "hospitation.contact.name", "nicht nach einem Amt"),
    ("hospitation:\n  contact: {name: Rathaus Altdorf, url: https://www.example.org}\n  note: Anruf bei 0361 123456\n",
     "hospitation.note", "Telefonnummer"),
    ("hospitation:\n  contact: {name: Rathaus Altdorf, url: https://www.example.org}\n  wann: Mai\n",
     "hospitation.wann", "unbekannt"),
])
def test_town_hospitation_is_checked(site, block, field, message):
    site.edit("towns/altdorf.md", "website: https://www.example.org\n", "website: https://www.example.org\n" + block)
    found = [p for p in site.check().problems.sorted() if not p.is_warning]
    assert len(found) == 1, "\n".join(p.format() for p in found)
    assert found[0].file == "towns/altdorf.md" and found[0].field == field and message in found[0].message
    assert found[0].line and found[0].hint


def test_team_hospitation(site):
    site.edit("taxonomy.yml", "    kind: institut\n", "    kind: institut\n    hospitation:\n      contact:\n"
              "        name: Redaktion des Instituts\n        url: https://www.example.org\n")
    content = site.check()
    assert not content.problems, content.problems.report()
    assert content.taxonomy.teams["redaktion"].hospitation.contact.name == "Redaktion des Instituts"
    site.edit("taxonomy.yml", "name: Redaktion des Instituts", "name: Erika Muster")
    found = site.check().problems.errors
    assert len(found) == 1 and found[0].file == "taxonomy.yml" and found[0].field.endswith("hospitation.contact.name")


# --- nearest first ------------------------------------------------------------------------------------


def test_distance_on_known_coordinates():
    # Berlin (52.5200, 13.4050) to Leipzig (51.3397, 12.3731): about 149 km as the crow flies.
    assert distance_km((52.5200, 13.4050), (51.3397, 12.3731)) == pytest.approx(149, abs=2)
    assert distance_km((50.9, 10.9), (50.9, 10.9)) == 0


def test_nearest_first_on_known_coordinates():
    # From Frohburg: Glashütte (~90 km) before Schmalkalden (~170 km) before Lübz (~300 km).
    places = [("luebz", 53.4667, 12.0333), ("schmalkalden", 50.7169, 10.4500), ("glashuette", 50.8500, 13.7833)]
    order = nearest_first((51.0561, 12.5550), places)
    assert [key for key, _ in order] == ["glashuette", "schmalkalden", "luebz"]
    assert order[0][1] == pytest.approx(88, abs=5) and order[2][1] == pytest.approx(270, abs=10)
    # Equal distances are ordered by key, so every build gives the same list.
    assert [k for k, _ in nearest_first((0, 0), [("b", 0, 1), ("a", 0, -1)])] == ["a", "b"]


class _Town:
    def __init__(self, slug, lat, lon):
        self.slug, self.name, self.lat, self.lon = slug, slug.capitalize(), lat, lon


class _Story:
    def __init__(self, slug, towns, challenges, practice=True):
        self.slug, self.towns, self.challenges = slug, towns, challenges
        self.practice = object() if practice else None


def test_who_else_nearest_first_other_towns_only():
    towns = {t.slug: t for t in (_Town("a", 51.0, 12.0), _Town("b", 51.1, 12.0), _Town("c", 52.0, 12.0),
                                 _Town("d", 51.0, 12.3))}
    own = _Story("own", ["a"], ["demografie"])
    same_town = _Story("same-town", ["a"], ["demografie"])
    near = _Story("near", ["b"], ["demografie"])
    far = _Story("far", ["c"], ["demografie", "klima"])
    other_challenge = _Story("other", ["d"], ["klima"])
    no_practice = _Story("plain", ["d"], ["demografie"], practice=False)
    about_own_town = _Story("mit-a", ["d", "a"], ["demografie"])
    index = PracticeIndex.build([own, same_town, near, far, other_challenge, no_practice, about_own_town], towns)
    assert [n.story.slug for n in index.who_else(own)] == ["near", "far"]
    assert [n.town.slug for n in index.who_else(own)] == ["b", "c"]
    assert index.who_else(own)[0].km_text == "rund 11 km"
    assert index.count("demografie") == 5
    rows = index.towns_of_challenge("klima")
    assert [(town.slug, [s.slug for s in stories], [n.town.slug for n in nearest]) for town, stories, nearest in rows] \
        == [("c", ["far"], ["d"]), ("d", ["other"], ["c"])]
