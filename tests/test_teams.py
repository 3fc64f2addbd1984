"""Youth newsrooms as registered teams: a story by minors names its team (and so its supervising adult's role);
members appear only as first name and initial or a pseudonym, never with a full name or contact data."""

from __future__ import annotations

import datetime as dt
import os

import pytest


def set_members(site, members: str) -> None:
    site.edit("taxonomy.yml", 'members: ["Lea S.", "Emil W."]', f"members: {members}")


def test_story_by_a_youth_newsroom_names_the_team_and_its_supervisor_role(site):
    site.story("jugendclub", date=dt.date(2026, 3, 1), authors=["jugendredaktion-schmalkalden"])
    content = site.check()
    assert not content.problems, content.problems.report()
    team = content.taxonomy.teams[content.stories[0].authors[0]]
    assert team.is_youth_newsroom and team.supervisor_role == "Schulsozialarbeit"
    result = site.build()
    assert result.returncode == 0, result.stderr[-3000:]
    html = site.html("geschichten/jugendclub/")
    assert "Beispiel-Jugendredaktion Schmalkalden (Jugendredaktion, betreut von: Schulsozialarbeit)" in html


def test_a_person_instead_of_a_team_is_refused(site):
    path = site.story("jugendclub", date=dt.date(2026, 3, 1), authors=["Mia Krüger"])
    (problem,) = site.check().problems.sorted()
    assert problem.file == os.path.relpath(path, site.root).replace(os.sep, "/")
    assert problem.field.startswith("authors") and "„Mia Krüger“ ist als Team unbekannt" in problem.message


@pytest.mark.parametrize("member", ["Mia Krüger", "Lea Sophie Schulz", "mia.k@example.org", "Tel. 0170 1234567"])
def test_full_names_and_contact_data_are_refused(site, member):
    set_members(site, f'["Lea S.", "{member}"]')
    problems = site.check().problems.sorted()
    assert len(problems) == 1, [p.format() for p in problems]
    problem = problems[0]
    assert problem.file == "taxonomy.yml" and problem.field.endswith("members[1]")
    assert f"„{member}“ sieht nach einem vollen Namen oder nach Kontaktdaten aus." == problem.message
    assert "Vorname und Initial" in problem.hint
    with open(os.path.join(site.root, "taxonomy.yml"), encoding="utf-8") as handle:
        assert member in handle.read().split("\n")[problem.line - 1]


@pytest.mark.parametrize("members", ['["Lea S.", "Emil W."]', '["Pixelfuchs", "Mia-Sophie K.", "Ömer T."]'])
def test_first_name_and_initial_or_pseudonym_are_accepted(site, members):
    set_members(site, members)
    content = site.check()
    assert not content.problems, content.problems.report()


def test_a_youth_newsroom_needs_a_supervisor_role_and_a_school(site):
    site.edit("taxonomy.yml", "    supervisor_role: Schulsozialarbeit\n", "")
    (problem,) = site.check().problems.sorted()
    assert problem.field.endswith("supervisor_role") and "keinen Namen" in problem.hint


def test_a_youth_newsroom_needs_its_town(site):
    site.edit("taxonomy.yml", "    town: altdorf\n", "")
    (problem,) = site.check().problems.sorted()
    assert problem.file == "taxonomy.yml" and problem.field.endswith(".town") and "towns/" in problem.hint
