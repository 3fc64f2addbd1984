"""One test per validation rule: each checks the German message's file, line and field."""

from __future__ import annotations

import datetime as dt

import pytest

from kleinstadt.problems import Problem

STORY = "stories/altdorf/2026-03-01-probe/index.md"


def real_jpeg(width: int = 1200, height: int = 800) -> bytes:
    """A valid photo-sized JPEG, so that only the rule under test fails."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def problems_of(site, today=None) -> list[Problem]:
    return site.check(today).problems.sorted()


def only(site, **expected) -> Problem:
    found = problems_of(site)
    assert len(found) == 1, "\n".join(p.format() for p in found)
    problem = found[0]
    for key, value in expected.items():
        actual = getattr(problem, key)
        if key == "message":
            assert value in actual, actual
        else:
            assert actual == value, f"{key}: {actual!r} != {value!r}"
    return problem


def write_probe(site, front: str, body: str = "Ein Text.\n") -> str:
    return site.write(STORY, "---\n" + front.strip("\n") + "\n---\n\n" + body)


VALID = """title: Probe
description: Ein kurzer Anreißer.
date: 2026-03-01
towns: [altdorf]
pillars: [jugend]
authors: [redaktion]
sources:
  - title: Resiliente Kleinstädte
    page: "17"
status: published"""


def test_fixture_site_is_valid(site):
    write_probe(site, VALID)
    content = site.check()
    assert not content.problems, content.problems.report()
    assert [s.slug for s in content.stories] == ["probe"]
    assert len(content.towns) == 3


def test_yaml_syntax_error_names_line(site):
    # libyaml gives up in line 4; the list was opened in line 3
    write_probe(site, VALID.replace("title: Probe", "title: Probe\nthemes: [offen"))
    problem = only(site, file=STORY, line=3, message="Die eckige Klammer `[` aus Zeile 3 wird nicht mit `]` geschlossen.")
    assert "Tipp: Schließe sie am Ende der Zeile mit `]`: `themes: [offen]`" in problem.format()


# Each is reported where it was opened (lines counted in the file, `---` is line 1), not where libyaml gave up.
@pytest.mark.parametrize("old, new, line, message, hint", [
    # the next " (in line 10) closes the title, so libyaml stops there
    ("title: Probe", 'title: "Probe', 2, "Das Anführungszeichen `\"`, das in Zeile 2 beginnt, wird nicht geschlossen.",
     'etwa so: `title: "Probe"`'),
    ("title: Probe", "title: 'Probe", 2,
     "Das einfache Anführungszeichen `'`, das in Zeile 2 beginnt, wird nicht geschlossen.", "etwa so: `title: 'Probe'`"),
    # an apostrophe further down closes it by mistake
    ("description: Ein kurzer Anreißer.", "description: 'Ein kurzer Anreißer.\nstatus: Mia's Entwurf", 3,
     "Das einfache Anführungszeichen `'`, das in Zeile 3 beginnt, wird nicht geschlossen.",
     "etwa so: `description: 'Ein kurzer Anreißer.'`"),
    ('    page: "17"', '    page: "17', 10, "Das Anführungszeichen `\"`, das in Zeile 10 beginnt, wird nicht geschlossen.",
     'etwa so: `page: "17"`'),
    ("towns: [altdorf]", "towns: [altdorf", 5, "Die eckige Klammer `[` aus Zeile 5 wird nicht mit `]` geschlossen.",
     "mit `]`: `towns: [altdorf]`"),
    ("status: published", "status: [published", 11,
     "Die eckige Klammer `[` aus Zeile 11 wird nicht mit `]` geschlossen.", "`status: [published]`"),
    ("towns: [altdorf]", "towns: {altdorf", 5, "Die geschweifte Klammer `{` aus Zeile 5 wird nicht mit `}` geschlossen.",
     "Meinst du eine Liste? Die steht in eckigen Klammern: `towns: [altdorf]`"),
    ("towns: [altdorf]", 'towns: ["altdorf]', 5, "Das Anführungszeichen `\"`, das in Zeile 5 beginnt",
     'etwa so: `towns: ["altdorf"]`'),
    ("towns: [altdorf]", "towns: [altdorf, # neudorf]", 5, "Die eckige Klammer `[` aus Zeile 5", "`towns: [altdorf,]`"),
])
def test_yaml_errors_name_the_line_where_a_quote_or_bracket_was_opened(site, old, new, line, message, hint):
    write_probe(site, VALID.replace(old, new))
    problem = only(site, file=STORY, line=line, field=None, message=message)
    assert hint in problem.hint, problem.hint
    assert not any(word in problem.format() for word in ("scanning", "parsing", "expected", "stream"))


def test_a_quoted_text_over_two_lines_is_no_open_quote(site):
    # A quoted value may go on in the next line; a later error is not blamed on it.
    write_probe(site, VALID.replace("description: Ein kurzer Anreißer.", 'description: "Ein kurzer\n  Anreißer."')
                .replace("status: published", "status: published\n\tembargo: 2026-07-01"))
    only(site, file=STORY, line=13, message="Tabulatorzeichen")


def test_a_backslash_in_double_quotes_is_explained(site):
    write_probe(site, VALID.replace("title: Probe", 'title: "Bilder in C:\\Fotos"'))
    problem = only(site, file=STORY, line=2, message="umgekehrter Schrägstrich")
    assert "einfache Anführungszeichen" in problem.hint


def test_an_unclosed_bracket_in_the_taxonomy_names_its_line(site):
    site.edit("taxonomy.yml", "name: Redaktion des Thünen-Instituts", "name: [Redaktion des Thünen-Instituts")
    with open(f"{site.root}/taxonomy.yml", encoding="utf-8") as handle:
        line = next(n for n, text in enumerate(handle, 1) if "name: [Redaktion" in text)
    [problem] = [p for p in problems_of(site) if p.file == "taxonomy.yml"]  # the towns then miss their Länder
    assert problem.line == line
    assert f"Die eckige Klammer `[` aus Zeile {line} wird nicht mit `]` geschlossen." in problem.message


@pytest.mark.parametrize("broken, line, message, hint", [
    ("description: Malchin gibt Geld: 5000 Euro", 3, "Doppelpunkt im Text", 'description: "Malchin gibt Geld: 5000 Euro"'),
    ('title: "Unser "Jugendbudget" und wir"', 2, "Anführungszeichen im Text", "„…“"),
    ("title: Probe\n\tstatus: draft", 3, "Tabulatorzeichen", "Leerzeichen"),
    ("title Probe", 2, "fehlt der Doppelpunkt", "title: Mein Titel"),
    ("title: Probe\n image:\n   file: bild.jpg", 3, "beginnt mit einem Leerzeichen", "Raute"),
    ("title: @probe", 2, "nicht mit „@“ beginnen", 'title: "@probe"'),
])
def test_yaml_errors_are_explained_in_german(site, broken, line, message, hint):
    front = VALID.replace("description: Ein kurzer Anreißer.", broken) if broken.startswith("description") \
        else VALID.replace("title: Probe", broken)
    write_probe(site, front)
    problem = only(site, file=STORY, line=line, message=message)
    assert hint in problem.hint
    assert not any(word in problem.format() for word in ("mapping", "expected", "token", "found"))


def test_missing_front_matter(site):
    site.write(STORY, "Nur Text, kein Kopfbereich.\n")
    only(site, file=STORY, line=1, message="Kopfbereich")


def test_missing_required_field(site):
    write_probe(site, VALID.replace("title: Probe\n", ""))
    only(site, file=STORY, field="title", message="Pflichtangabe fehlt")


def test_missing_nested_field_points_at_parent_line(site):
    write_probe(site, VALID.replace("  - title: Resiliente Kleinstädte\n", "  - publisher: Institut\n"))
    only(site, file=STORY, field="sources[0].title", line=9)


def test_unknown_key_suggests_the_right_one(site):
    write_probe(site, VALID + "\npillar: [jugend]")
    problem = only(site, file=STORY, field="pillar", line=12)
    assert "Meintest du „pillars“?" in problem.hint


def test_wrong_type(site):
    write_probe(site, VALID.replace("title: Probe", "title: [eins, zwei]"))
    only(site, field="title", line=2, message="Text erwartet")


def test_impossible_date(site):
    write_probe(site, VALID.replace("date: 2026-03-01", "date: 2026-02-30"))
    only(site, field="date", line=4, message="kein mögliches Datum")


def test_date_must_match_folder(site):
    write_probe(site, VALID.replace("date: 2026-03-01", "date: 2026-03-02"))
    only(site, field="date", line=4, message="passt nicht zum Ordnernamen")


def test_updated_before_created(site):
    write_probe(site, VALID.replace("date: 2026-03-01", "date: 2026-03-01\nupdated: 2026-02-01"))
    only(site, field="updated", line=5, message="vor dem Erscheinungsdatum")


def test_updated_date_is_read(site):
    write_probe(site, VALID.replace("date: 2026-03-01", "date: 2026-03-01\nupdated: 2026-05-10"))
    content = site.check()
    assert not content.problems, content.problems.report()
    assert (content.stories[0].date, content.stories[0].updated) == (dt.date(2026, 3, 1), dt.date(2026, 5, 10))


def test_date_as_a_group_is_refused_with_the_two_lines_as_hint(site):
    """Material's `date: {created, updated}`: the web editor would overwrite it with the day of saving."""
    write_probe(site, VALID.replace("date: 2026-03-01", "date:\n  created: 2026-03-01\n  updated: 2026-05-10"))
    problem = only(site, field="date", line=4, message="als Gruppe", file=STORY)
    assert "`date: 2026-03-01` und in eine eigene Zeile `updated: 2026-05-10`" in problem.hint


def test_unknown_town_with_suggestion(site):
    write_probe(site, VALID.replace("towns: [altdorf]", "towns: [altdorf, neudorff]"))
    problem = only(site, field="towns[1]", line=5, message="„neudorff“ ist als Ort unbekannt")
    assert "neudorf" in problem.hint


@pytest.mark.parametrize("key, value, what", [
    ("pillars", "[jugendd]", "als Pfeiler"),
    ("themes", "[kulturr]", "als Themenfeld"),
    ("challenges", "[klimaa]", "als Herausforderung"),
    ("authors", "[redaktionn]", "als Team"),
])
def test_unknown_references(site, key, value, what):
    front = VALID
    if f"{key}:" in front:
        front = "\n".join(f"{key}: {value}" if line.startswith(f"{key}:") else line for line in front.split("\n"))
    else:
        front += f"\n{key}: {value}"
    write_probe(site, front)
    problem = only(site, field=f"{key}[0]", message=what)
    assert problem.hint.startswith("Meintest du")


def test_too_many_pillars(site):
    write_probe(site, VALID.replace("pillars: [jugend]", "pillars: [jugend, finanzen, innovation]"))
    only(site, field="pillars", line=6, message="erlaubt sind 1 bis 2")


def test_teaser_too_long(site):
    write_probe(site, VALID.replace("Ein kurzer Anreißer.", "x" * 205))
    problem = only(site, field="description", line=3, message="205 Zeichen")
    assert "5 Zeichen" in problem.hint


def test_unknown_status(site):
    write_probe(site, VALID.replace("status: published", "status: publishd"))
    problem = only(site, field="status", line=11)
    assert "published" in problem.hint


def test_duplicate_url(site):
    write_probe(site, VALID)
    site.story("probe", date=dt.date(2026, 4, 1), towns=("neudorf",))
    problem = only(site, field="slug", message="/geschichten/probe/")
    assert problem.file.startswith("stories/neudorf/") or problem.file == STORY


def test_duplicate_key(site):
    write_probe(site, VALID + "\ntitle: Noch einmal")
    only(site, field="title", line=12, message="doppelt")


def test_missing_image_file(site):
    write_probe(site, VALID + "\nimage:\n  file: bild.jpg\n  alt: Ein Marktplatz\n  credit: Mia K.\n  license: CC BY 4.0")
    only(site, field="image.file", line=13, message="fehlt im Ordner")


def test_missing_alt_text(site):
    write_probe(site, VALID + "\nimage:\n  file: bild.jpg\n  credit: Mia K.\n  license: CC BY 4.0")
    site.write("stories/altdorf/2026-03-01-probe/bild.jpg", real_jpeg())
    only(site, field="image.alt", message="Pflichtangabe")


def test_alt_text_that_is_a_file_name(site):
    write_probe(site, VALID + "\nimage:\n  file: bild.jpg\n  alt: IMG_2031\n  credit: Mia K.\n  license: CC BY 4.0")
    site.write("stories/altdorf/2026-03-01-probe/bild.jpg", real_jpeg())
    only(site, field="image.alt", line=14, message="Dateiname")


IMAGE = ("\nimage:\n  file: bild.jpg\n  alt: Zwei Jugendliche am Mikrofon\n  credit: Mia K.\n"
         "  license: CC BY 4.0")  # image: line 12, license: line 16, so people: is line 17


def image_probe(site, people: str = ""):
    write_probe(site, VALID + IMAGE + people)
    site.write("stories/altdorf/2026-03-01-probe/bild.jpg", real_jpeg())


def test_image_with_recognisable_people_and_all_consents(site):
    image_probe(site, "\n  people:\n    consent: true\n    minors: true\n    parental_consent: true")
    content = site.check()
    assert not content.problems, content.problems.report()
    image = content.stories[0].image
    assert (image.people, image.consent, image.minors, image.parental_consent) == (True, True, True, True)


def test_image_without_people_block_means_nobody_recognisable(site):
    image_probe(site)
    content = site.check()
    assert not content.problems, content.problems.report()
    assert content.stories[0].image.people is False


def test_image_of_minors_needs_parental_consent(site):
    image_probe(site, "\n  people:\n    consent: true\n    minors: true\n    parental_consent: false")
    problem = only(site, field="image.people.parental_consent", line=20, message="Eltern", file=STORY)
    assert "parental_consent: true" in problem.hint


@pytest.mark.parametrize("people, line", [
    ("\n  people:\n    consent: false", 18),
    ("\n  people:\n    minors: false", 17),  # consent left out: the line of the block
    ("\n  people: {}", 17),
])
def test_recognisable_people_need_consent(site, people, line):
    image_probe(site, people)
    problem = only(site, field="image.people.consent", line=line, message="Einwilligung", file=STORY)
    assert "consent: true" in problem.hint


def test_consent_that_is_not_yes_or_no_is_reported_once(site):
    image_probe(site, "\n  people:\n    consent: ja")
    only(site, field="image.people.consent", line=18, message="ja oder nein")


def test_empty_people_block_is_refused(site):
    image_probe(site, "\n  people:")
    problem = only(site, field="image.people", line=17, message="zugestimmt")
    assert "lösche die Zeile" in problem.hint


@pytest.mark.parametrize("value", ["true", "false"])
def test_old_yes_no_form_of_people_is_refused_with_the_new_form_as_hint(site, value):
    image_probe(site, f"\n  people: {value}")
    problem = only(site, field="image.people", line=17, message=f"`people: {value}` gibt es nicht mehr", file=STORY)
    assert "people:\n    consent: true" in problem.hint and "lösche die Zeile" in problem.hint


def test_old_flat_consent_keys_are_refused_with_the_new_form_as_hint(site):
    image_probe(site, "\n  consent: true\n  minors: false")
    found = problems_of(site)
    assert [(p.field, p.line) for p in found] == [("image.consent", 17), ("image.minors", 18)], \
        [p.format() for p in found]
    assert all("gehört jetzt in den Block `people:`" in p.message and "consent: true" in p.hint for p in found)


def test_image_path_leaving_the_folder(site):
    write_probe(site, VALID + "\nimage:\n  file: ../../geheim.jpg\n  alt: Ein Bild\n  credit: Mia K.\n  license: CC BY 4.0")
    only(site, field="image.file", line=13, message="aus dem Ordner")


def test_file_not_utf8(site):
    site.write(STORY, ("---\n" + VALID + "\n---\n\nGr\xfc\xdfe\n").encode("latin-1"))
    only(site, file=STORY, line=3, message="UTF-8")  # the ß of „Anreißer“


@pytest.mark.parametrize("body, message", [
    ("Hallo <script>alert(1)</script>\n", "<script>"),
    ("<iframe src='https://example.org'></iframe>\n", "<iframe>"),
    ("Ein <span onclick=\"x()\">Klick</span>\n", "Ereignis-Attribut"),
    ("[Klick](javascript:alert(1))\n", "verbotenes Schema"),
    ("Ein <b>fetter</b> Text\n", "Rohes HTML"),
    ("Ein <a\nhref=\"https://example.org\" onclick=\"alert(1)\">Link</a>\n", "Rohes HTML (<a>)"),  # over two lines
    ("Ein Bild <img src=\"x.png\"\n onerror=\"alert(1)\">\n", "Rohes HTML (<img>)"),
    ("Schreib an mia@example.org\n", "E-Mail-Adresse"),
    ("Schreib an mia.k (at) schule-malchin.de\n", "E-Mail-Adresse, nur anders geschrieben"),
    ("Ruf an: 0171 2345678.\n", "Telefonnummer"),
    ("Oder unter (03996) 12 34 56.\n", "Telefonnummer"),
    ("Folgt @jugendclub_malchin!\n", "Profil in sozialen Medien"),
    ("# Noch ein Titel\n", "nur der Titel"),
])
def test_raw_html_scripts_and_contact_data(site, body, message):
    write_probe(site, VALID, "Erste Zeile.\n\n" + body)
    only(site, file=STORY, line=16, message=message)


def test_numbers_dates_and_prices_are_no_contact_data(site):
    write_probe(site, VALID, "Am 01.05.2026 kamen 300 Gäste, es kostete 0,5 Millionen Euro. Von 2020 bis 2025 "
                             "wuchs die Stadt (PLZ 06618) auf 10000 Menschen.\n")
    assert not problems_of(site)


def test_comparisons_and_web_addresses_in_angle_brackets_are_not_html(site):
    write_probe(site, VALID, "Mehr als 3 <5 Gäste? Es waren a < b. Siehe <https://example.org/seite>.\n")
    assert not problems_of(site)


def test_html_in_code_is_allowed(site):
    write_probe(site, VALID, "So sieht ein Skript aus: `<script>`\n\n```\n<iframe></iframe>\n```\n")
    assert not problems_of(site)


def test_link_leaving_the_folder(site):
    write_probe(site, VALID, "Siehe [hier](../../neudorf/datei.pdf).\n")
    problem = only(site, file=STORY, line=14, message="aus dem Ordner der Geschichte hinaus")
    assert "[Text](/geschichten/kurzname/)" in problem.hint  # how to link another story instead


def test_link_to_a_missing_anchor_names_the_headings_there_are(site):
    write_probe(site, VALID, "Siehe [unten](#arger-uber-die-offnungszeiten).\n\n## Ärger über die Öffnungszeiten\n\n"
                             "Und [hier](#ärger-über-die-öffnungszeiten) wie auf GitHub.\n")
    problem = only(site, file=STORY, line=14, message="Sprungmarke „#arger-uber-die-offnungszeiten“ gibt es")
    assert "Meintest du „#ärger-über-die-öffnungszeiten“?" in problem.hint


def test_town_name_instead_of_its_slug_gets_the_slug_suggested(site):
    write_probe(site, VALID.replace("towns: [altdorf]", "towns: [Altdorf]"))
    problem = only(site, file=STORY, field="towns[0]", message="„Altdorf“ ist als Ort unbekannt")
    assert problem.hint.startswith("Meintest du „altdorf“? Hier steht das Kürzel")


def test_file_names_must_match_in_case_as_on_the_server(site):
    site.write("stories/altdorf/2026-03-01-probe/plan.pdf", b"%PDF-1.4\n")
    write_probe(site, VALID, "Der [Plan](Plan.pdf).\n")
    problem = only(site, file=STORY, line=14, message="„Plan.pdf“ gibt es im Ordner der Geschichte nicht")
    assert "„plan.pdf“" in problem.hint and "Groß- und Kleinschreibung" in problem.hint


def test_footnotes_and_file_names_with_spaces_are_fine(site):
    site.write("stories/altdorf/2026-03-01-probe/mein plan.pdf", b"%PDF-1.4\n")
    write_probe(site, VALID, "Ein Satz.[^1] Der [Plan](mein%20plan.pdf).\n\n[^1]: Die Quelle dazu.\n")
    assert not problems_of(site)


def test_image_without_alt_in_body(site):
    site.write("stories/altdorf/2026-03-01-probe/foto.jpg", real_jpeg())
    write_probe(site, VALID, "![](foto.jpg)\n")
    only(site, file=STORY, line=14, message="keinen Alternativtext")


def test_link_to_unknown_site_page(site):
    write_probe(site, VALID, "Mehr aus [Altdorf](/orte/altdorf/) und [Nirgendwo](/orte/nirgendwo/).\n")
    only(site, file=STORY, line=14, message="„/orte/nirgendwo/“ führt auf keine Seite")


def test_all_problems_are_reported_together(site):
    write_probe(site, VALID.replace("title: Probe\n", "").replace("towns: [altdorf]", "towns: [nirgends]"),
                "<script>x</script>\n")
    fields = {p.field for p in problems_of(site)}
    assert {"title", "towns[0]", None} <= fields


def test_town_validation(site):
    site.edit("towns/altdorf.md", 'ags: "16000001"', 'ags: "1600001"')
    site.edit("towns/altdorf.md", "lat: 50.9", "lat: 60.9")
    found = problems_of(site)
    assert {(p.file, p.field) for p in found} == {("towns/altdorf.md", "ags"), ("towns/altdorf.md", "coordinates.lat")}
    assert all(p.line for p in found)


def test_team_members_only_with_initial(site):
    site.edit("taxonomy.yml", '"Mia K."', '"Mia Kowalski"')
    problem = only(site, file="taxonomy.yml", message="vollen Namen")
    assert problem.line and problem.field.endswith("members[0]")


def test_github_annotation_format(site):
    write_probe(site, VALID + "\npillar: [jugend]")
    annotation = only(site).github_annotation()
    assert annotation.startswith(f"::error file={STORY},line=12,title=Feld pillar::")
    assert "Meintest du" in annotation


def test_status_and_embargo_decide_visibility(site):
    site.story("offen")
    site.story("entwurf", status="draft")
    site.story("pruefung", status="review")
    site.story("gesperrt", embargo=dt.date(2026, 7, 1))
    content = site.check(today=dt.date(2026, 6, 1))
    assert not content.problems
    assert [s.slug for s in content.visible_stories()] == ["offen"]
    assert len(content.visible_stories(include_drafts=True)) == 4
    later = site.check(today=dt.date(2026, 7, 1))
    assert sorted(s.slug for s in later.visible_stories()) == ["gesperrt", "offen"]


def test_team_of_unknown_town(site):
    text = site.edit("taxonomy.yml", "town: seestadt", "town: seestatt")
    problem = only(site, file="taxonomy.yml", field="teams.jugendredaktion-malchin.town", message="„seestatt“")
    assert text.split("\n")[problem.line - 1].strip() == "town: seestadt"


def test_stories_load_the_same_on_several_cores(site, monkeypatch):
    from kleinstadt import content as content_module

    monkeypatch.setenv("KSG_CONTENT_CACHE", "0")  # both loads check every story (tests/test_content_cache.py: with it)
    for index in range(12):
        site.story(f"viele-{index:02d}", date=dt.date(2026, 3, 2) + dt.timedelta(days=index))
    site.story("kaputt-1", towns=("nirgendwo",))
    site.story("kaputt-2", pillars=("jugendd",))
    one = site.check()
    assert content_module.last_load_workers == 1
    monkeypatch.setattr(content_module, "PARALLEL_FROM", 1)
    monkeypatch.setenv("KSG_WORKERS", "2")
    two = site.check()
    assert content_module.last_load_workers == 2
    assert [s.slug for s in two.stories] == [s.slug for s in one.stories]
    assert [s.body for s in two.stories] == [s.body for s in one.stories]
    assert two.problems.sorted() == one.problems.sorted()
    assert len(one.problems) == 2
