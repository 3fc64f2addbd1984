"""`make check` warns (in German, with file, line and field) when a plain-text field contains something that
looks like an HTML tag. It is a warning, not an error: the text is kept, shown as text, and the build goes on.
A "<" that is text, as in „Kinder <3 Kino“, gives no warning."""

from __future__ import annotations

import datetime as dt

import pytest

from kleinstadt import cli
from kleinstadt.markup import html_in_text
from kleinstadt.problems import WARNING, Problem, Problems
from test_validation import STORY, VALID, real_jpeg, write_probe

HINT = "Schreib den Text ohne spitze Klammern; er wird sonst als Text angezeigt, nicht als Formatierung."
IMAGE = "\nimage:\n  file: bild.jpg\n  alt: Ein Marktplatz\n  credit: Mia K.\n  license: CC BY 4.0"
EDITION = "editions/2026-1.md"
TAGS = ['<script>alert(1)</script> Titel', '<img src=x onerror=alert(2)>', 'Das ist </b> fett',
        'Zum <a href="https://example.org">Link</a>', 'Ohne <!-- Kommentar --> bitte', '<svg/onload=alert(3)>',
        'Ein <br/> Umbruch', 'Offen <img src=x onerror=alert(4)']
NOT_TAGS = ["Kinder <3 Kino", "a < b", "5 <10", "Wenn a <b ist", "Pfeil <- links", "a <= b", "<< Zurück",
            "Gleich > Ungleich", "Lübz & Plau", "Schüler:innen"]


def line_of(site, relative: str, text: str) -> int:
    with open(f"{site.root}/{relative}", encoding="utf-8") as handle:
        return next(number for number, line in enumerate(handle, 1) if text in line)


def the_warning(site, file: str, line: int, field: str, found: str) -> Problem:
    content = site.check()
    assert not content.problems and len(content.problems) == 0, content.problems.report()  # no errors
    [problem] = content.problems.warnings
    assert (problem.file, problem.line, problem.field, problem.severity) == (file, line, field, WARNING)
    assert f"„{found}“ sieht aus wie HTML" in problem.message and problem.hint == HINT
    assert problem.format().startswith(f"{file}:{line}: Warnung: Feld „{field}“: ")
    return problem


@pytest.mark.parametrize("tag", TAGS)
def test_html_in_text_finds_tags(tag):
    assert html_in_text(tag)


@pytest.mark.parametrize("text", NOT_TAGS)
def test_a_less_than_sign_that_is_text_is_not_html(text):
    assert html_in_text(text) is None


@pytest.mark.parametrize("key, line, value, found", [
    ("title", 2, '"<script>alert(1)</script> Titel"', "<script>"),
    ("description", 3, '"<img src=x onerror=alert(2)> Ein Anreißer."', "<img src=x onerror=alert(2)>"),
])
def test_story_title_and_description(site, key, line, value, found):
    old = "title: Probe" if key == "title" else "description: Ein kurzer Anreißer."
    write_probe(site, VALID.replace(old, f"{key}: {value}"))
    the_warning(site, STORY, line, key, found)
    story = site.check().stories[0]
    assert found in getattr(story, key)  # kept as it is: the templates show it as text


@pytest.mark.parametrize("key, line", [("alt", 14), ("credit", 15), ("license", 16)])
def test_image_alt_credit_and_licence(site, key, line):
    old = {"alt": "alt: Ein Marktplatz", "credit": "credit: Mia K.", "license": "license: CC BY 4.0"}[key]
    write_probe(site, VALID + IMAGE.replace(old, f'{key}: "Ein <b>fetter</b> Text"'))
    site.write("stories/altdorf/2026-03-01-probe/bild.jpg", real_jpeg())
    the_warning(site, STORY, line, f"image.{key}", "<b>")


@pytest.mark.parametrize("key, old, line", [
    ("title", "  - title: Resiliente Kleinstädte", 9),
    ("publisher", "    page: \"17\"", 10),
    ("page", "    page: \"17\"", 10),
])
def test_source_fields(site, key, old, line):
    new = {"title": '  - title: "Resiliente </i>Kleinstädte"',
           "publisher": '    publisher: "<a href=https://example.org>Institut</a>"',
           "page": '    page: "<u>17</u>"'}[key]
    write_probe(site, VALID.replace(old, new))
    the_warning(site, STORY, line, f"sources[0].{key}", {"title": "</i>", "publisher": "<a href=https://example.org>",
                                                          "page": "<u>"}[key])


def test_a_source_given_as_plain_text(site):
    write_probe(site, VALID.replace("  - title: Resiliente Kleinstädte\n    page: \"17\"", '  - "Studie <!-- x -->"'))
    the_warning(site, STORY, 9, "sources[0].title", "<!-- x -->")


@pytest.mark.parametrize("old, new, field", [
    ("name: Redaktion des Thünen-Instituts", "name: Redaktion <i>des</i> Thünen-Instituts", "teams[0].name"),
    ("Die Redaktion des Thünen-Instituts für", "Die <b>Redaktion</b> des Thünen-Instituts für",
     "teams[0].description"),
])
def test_team_name_and_description(site, old, new, field):
    site.edit("taxonomy.yml", old, new)
    line = line_of(site, "taxonomy.yml", "name: Redaktion" if field.endswith("name") else "description: >-")
    the_warning(site, "taxonomy.yml", line, field, "<i>" if field.endswith("name") else "<b>")


@pytest.mark.parametrize("old, new, field, line, found", [
    ("name: Altdorf", 'name: "Altdorf <script>"', "name", 2, "<script>"),
    ("description: Eine erfundene Kleinstadt für die Tests.",
     'description: "Eine <em>erfundene</em> Kleinstadt."', "description", 3, "<em>"),
    ("district: Testkreis", 'district: "<b>Testkreis</b>"', "district", 5, "<b>"),
])
def test_town_name_description_and_district(site, old, new, field, line, found):
    site.edit("towns/altdorf.md", old, new)
    the_warning(site, "towns/altdorf.md", line, field, found)


@pytest.mark.parametrize("field, line", [("title", 3), ("description", 4)])
def test_edition_title_and_description(site, field, line):
    site.story("erste", date=dt.date(2026, 3, 1))
    title = '"Ausgabe <marquee>2026/1</marquee>"' if field == "title" else '"Ausgabe 2026/1"'
    description = '"Ein <i>Frühling</i> voller Geschichten."' if field == "description" else '"Ein Frühling."'
    site.write(EDITION, f'---\nnumber: "2026/1"\ntitle: {title}\ndescription: {description}\ndate: 2026-05-20\n'
                        "stories:\n  - erste\n---\n\nDas Editorial dieser Ausgabe.\n")
    the_warning(site, EDITION, line, field, "<marquee>" if field == "title" else "<i>")


@pytest.mark.parametrize("text", NOT_TAGS)
def test_no_warning_for_a_less_than_sign_in_a_title(site, text):
    write_probe(site, VALID.replace("title: Probe", f'title: "{text}"'))
    content = site.check()
    assert not content.problems.items, content.problems.report()
    assert content.stories[0].title == text


def test_problems_count_errors_only():
    problems = Problems("/repo")
    problems.warn("/repo/a.md", 2, "title", "Sieht aus wie HTML.", "Tipp.")
    assert not problems and len(problems) == 0 and len(problems.warnings) == 1
    assert "1 Warnung: Das ist kein Fehler, die Seite wird trotzdem gebaut." in problems.report()
    assert "zum Ausbessern" not in problems.report()
    problems.add("/repo/b.md", 3, "date", "Kein Datum.")
    assert problems and len(problems) == 1 and [p.file for p in problems.sorted()] == ["a.md", "b.md"]
    assert "1 Stelle zum Ausbessern gefunden" in problems.report() and "1 Warnung" in problems.report()


def test_make_check_succeeds_with_a_warning_and_annotates_it_as_warning(site, capsys):
    write_probe(site, VALID.replace("title: Probe", 'title: "<b>Probe</b>"'))
    assert cli.main(["check", "--root", site.root, "--format", "github"]) == 0
    out = capsys.readouterr().out
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert annotations == [f"::warning file={STORY},line=2,title=Feld title::„<b>“ sieht aus wie HTML. Hier ist nur "
                           "Text erlaubt: Auf der Seite steht es genau so da, mit den spitzen Klammern. Tipp: "
                           + HINT], out
    assert "::error" not in out and "1 Warnung" in out
    assert cli.main(["check", "--root", site.root]) == 0
    out = capsys.readouterr().out
    assert f"{STORY}:2: Warnung: Feld „title“: „<b>“ sieht aus wie HTML." in out and f"Tipp: {HINT}" in out
    assert "Geprüft: 1 Geschichte" in out


def test_make_check_fails_on_an_error_next_to_a_warning(site, capsys):
    write_probe(site, VALID.replace("title: Probe", 'title: "<b>Probe</b>"').replace("[jugend]", "[jugnd]"))
    assert cli.main(["check", "--root", site.root, "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert [line.split(" ", 1)[0] for line in out.splitlines() if line.startswith("::")] == ["::warning", "::error"]


def test_the_build_goes_on_with_a_warning(site):
    write_probe(site, VALID.replace("title: Probe", 'title: "Probe <i>kursiv</i>"'))
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
