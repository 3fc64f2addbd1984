"""`make story` (tools/new_story.py): the scaffolder writes a story that passes `make check` as it is."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

import new_story
from kleinstadt import cli
from kleinstadt.story import PLACEHOLDER

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TODAY = dt.date(2026, 5, 4)


def tool_env(**extra) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "hooks"), os.path.join(REPO, "tools")]))
    env.update(extra)
    return env


def create(site, **fields) -> str:
    values = dict(title="Neuer Treffpunkt am Fluss", town="altdorf", pillars=["jugend"],
                  team="jugendredaktion-schmalkalden", date=TODAY)
    values.update(fields)
    return new_story.create_story(site.root, **values)


def test_slug_spells_out_umlauts():
    assert new_story.story_slug("Über Größe & Mühe: Jugend in Lübz!") == "ueber-groesse-muehe-jugend-in-luebz"
    assert new_story.story_slug("ÄRGER im Ort") == "aerger-im-ort"
    long = new_story.story_slug("Ein sehr langer Titel " * 6)
    assert len(long) <= 60 and not long.endswith("-")


def test_created_story_passes_make_check_as_is(site):
    path = create(site)
    assert path == os.path.join(site.root, "stories", "altdorf", "2026-05-04-neuer-treffpunkt-am-fluss", "index.md")
    content = site.check()
    assert not content.problems, content.problems.report()
    (story,) = content.stories
    assert story.status == "draft" and story.date == TODAY
    assert story.towns == ["altdorf"] and story.pillars == ["jugend"]
    assert story.authors == ["jugendredaktion-schmalkalden"]
    # the command `make check` runs, on this folder
    result = subprocess.run([sys.executable, "-m", "kleinstadt.cli", "check", "--root", site.root],
                            env=tool_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Geprüft: 1 Geschichte, 3 Orte" in result.stdout


def test_template_explains_each_field_in_german(site):
    with open(create(site), encoding="utf-8") as handle:
        text = handle.read()
    front = text.split("---")[1]
    lines = front.strip("\n").split("\n")
    for key in ("title:", "description:", "date:", "towns:", "pillars:", "authors:", "sources:", "status:"):
        index = next(i for i, line in enumerate(lines) if line.startswith(key))
        assert lines[index - 1].startswith("#"), f"no comment above {key}"
    assert "status: draft" in front and "date: 2026-05-04" in front
    assert "Entwurf" in front and "keine echten Namen" in front
    assert "# image:" in front and "#     parental_consent:" in front  # the image block, commented out


def _uncomment(lines: list[str], first: str, count: int) -> int:
    start = lines.index(first)
    for index in range(start, start + count):
        assert lines[index].startswith("# "), lines[index]
        lines[index] = lines[index][2:]
    return start


@pytest.mark.parametrize("with_people", [False, True])
def test_image_and_people_lines_work_when_uncommented_as_the_comment_says(site, with_people):
    """„Lösche am Anfang der fünf Zeilen von „image:“ bis „license:“ …“, and with people also the four lines
    from „people:“: the consent switches start at false, so `make check` asks for them, under people."""
    from test_validation import real_jpeg

    path = create(site)
    site.write(os.path.join(os.path.dirname(os.path.relpath(path, site.root)), "titelbild.jpg"), real_jpeg())
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    assert lines[_uncomment(lines, "# image:", 5) + 4].startswith("  license:")
    if with_people:
        assert lines[_uncomment(lines, "#   people:", 4) + 3].startswith("    parental_consent: false")
    text = "\n".join(lines).replace(f"{PLACEHOLDER}: Was ist auf dem Bild zu sehen? Ein Satz.", "Ein Garten.")
    text = text.replace(f"{PLACEHOLDER}: Wer hat das Foto gemacht? Vorname und Initial genügen, etwa Mia K.",
                        "Mia K.")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    content = site.check()
    if not with_people:
        assert not content.problems.items, content.problems.report()
        assert content.stories[0].image.people is False
        return
    assert [p.field for p in content.problems.errors] == ["image.people.consent"], content.problems.report()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace("consent: false ", "consent: true  ", 1))
    content = site.check()
    assert not content.problems.items, content.problems.report()
    assert content.stories[0].image.people and content.stories[0].image.consent


def test_today_is_the_default_date(site, monkeypatch):
    monkeypatch.setenv("KSG_TODAY", "2026-07-15")
    path = create(site, date=None)
    assert "/2026-07-15-neuer-treffpunkt-am-fluss/" in path.replace(os.sep, "/")


def test_town_by_name_and_pillars_by_number(site):
    path = create(site, town="Seestadt", pillars=["5", "1"], team="redaktion")
    content = site.check()
    assert not content.problems, content.problems.report()
    assert "/stories/seestadt/" in path.replace(os.sep, "/")
    assert content.stories[0].pillars == ["jugend", "selbstgestaltung"]


def test_unknown_town_gets_a_suggestion(site):
    with pytest.raises(new_story.Abort) as error:
        create(site, town="Altdorff")
    assert "Meintest du „Altdorf“?" in str(error.value)
    assert "altdorf (Altdorf)" in str(error.value)
    assert not os.path.exists(os.path.join(site.root, "stories", "altdorff"))


def test_unknown_team_and_pillar_are_refused(site):
    with pytest.raises(new_story.Abort, match="Meintest du „redaktion“"):
        create(site, team="redaktio")
    with pytest.raises(new_story.Abort, match="Meintest du „jugend“"):
        create(site, pillars=["jugnd"])
    with pytest.raises(new_story.Abort, match="einen oder zwei"):
        create(site, pillars=["1", "2", "3"])


def test_refuses_to_overwrite(site):
    path = create(site)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("Mein eigener Text.\n")
    with pytest.raises(new_story.Abort, match="überschreibe nichts"):
        create(site)
    with open(path, encoding="utf-8") as handle:
        assert handle.read().endswith("Mein eigener Text.\n")


def test_placeholders_are_refused_once_the_story_goes_to_review(site):
    path = create(site)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace("status: draft", "status: review"))
    problems = site.check().problems.sorted()
    assert len(problems) == 1, [p.format() for p in problems]
    problem = problems[0]
    expected_line = text[: text.index(PLACEHOLDER)].count("\n") + 1
    assert problem.line == expected_line and "HIER AUSFÜLLEN" in problem.message
    assert "draft" in problem.hint


def test_a_filled_in_story_can_go_to_review(site):
    """Only placeholders in the text and the values count; the front matter's comments may name them."""
    path = create(site)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    filled = text.replace(PLACEHOLDER, "Ausgefüllt").replace("status: draft", "status: review")
    filled = filled.replace("title:", f"# Kein {PLACEHOLDER} mehr, sagt dieser Kommentar.\ntitle:", 1)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(filled)
    assert [p.format() for p in site.check().problems.sorted()] == []
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"\n## {PLACEHOLDER}\n")  # a heading in the body is text, not a comment
    problems = site.check().problems.sorted()
    assert len(problems) == 1 and problems[0].line == filled.count("\n") + 2


def test_the_image_block_works_when_uncommented_as_the_comment_says(site):
    import io

    from PIL import Image

    path = create(site)
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (90, 140, 60)).save(buffer, "JPEG")
    with open(os.path.join(os.path.dirname(path), "titelbild.jpg"), "wb") as handle:
        handle.write(buffer.getvalue())
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    start = lines.index("# image:")
    for index in range(start, start + 5):  # "der fünf Zeilen von „image:“ bis „license:“ genau zwei Zeichen"
        assert lines[index].startswith("# ")
        lines[index] = lines[index][2:]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    assert [p.format() for p in site.check().problems.sorted()] == []  # a draft may keep its placeholders
    # everything filled in but the picture's alt text and credit: those are what is left to do
    lines = [line if start <= index < start + 5 else line.replace(PLACEHOLDER, "Ausgefüllt")
             for index, line in enumerate(lines)]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines).replace("status: draft", "status: review"))
    problems = site.check().problems.sorted()
    assert [p.line for p in problems] == [start + 3]  # line of the alt text (the first one left)


def test_asks_in_german_and_asks_again_after_a_wrong_answer(site):
    answers = "Das Fest im Park\nAltdorrf\naltdorf\n9\n5\n\n"  # wrong town, wrong pillar, default team
    result = subprocess.run([sys.executable, os.path.join(REPO, "tools", "new_story.py"), "--root", site.root],
                            input=answers, env=tool_env(KSG_TODAY="2026-05-04"), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Überschrift deiner Geschichte" in result.stdout
    assert "Meintest du „Altdorf“?" in result.stdout
    assert "„9“ ist kein Pfeiler" in result.stdout
    assert "[jugendredaktion-schmalkalden]" in result.stdout  # the youth newsroom of Altdorf is offered
    path = os.path.join(site.root, "stories", "altdorf", "2026-05-04-das-fest-im-park", "index.md")
    assert os.path.isfile(path)
    assert cli.main(["check", "--root", site.root]) == 0


def test_command_line_error_exits_non_zero(site):
    result = subprocess.run([sys.executable, os.path.join(REPO, "tools", "new_story.py"), "--root", site.root,
                             "--title", "X Y", "--town", "nirgendwo", "--pillars", "jugend", "--team", "redaktion"],
                            env=tool_env(), capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert "Den Ort „nirgendwo“ kenne ich nicht" in result.stderr


def test_refuses_a_title_whose_address_another_story_has(site):
    site.story("neuer-treffpunkt-am-fluss", date=dt.date(2025, 1, 1), towns=("neudorf",))
    with pytest.raises(new_story.Abort, match="/geschichten/neuer-treffpunkt-am-fluss/ hat schon"):
        create(site)
    create(site, title="Neuer Treffpunkt am Fluss in Altdorf")
    assert not site.check().problems


def test_practice_block_works_when_uncommented_as_the_comment_says(site):
    path = new_story.create_story(site.root, title="Ein Jugendparlament für Altdorf", town="altdorf",
                                  pillars=["jugend"], team="redaktion", date=dt.date(2026, 5, 4), practice=True)
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    assert "# Zum Nachmachen: Deine Geschichte erzählt von etwas, das andere Städte nachmachen könnten. Dann lösche" \
        in lines
    start = lines.index("# practice:")
    for index in range(start, start + 8):  # "die acht Zeilen von „practice:“ bis „lessons:“"
        assert lines[index].startswith("# ")
        lines[index] = lines[index][2:]
    assert lines[start + 7].startswith("  lessons:")
    text = "\n".join(lines)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    # Without a challenge the check says what is missing, in German, at the practice block.
    found = site.check().problems.errors
    assert [p.field for p in found] == ["practice"] and "Herausforderung" in found[0].message
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace("challenges: []", "challenges: [demografie]"))
    content = site.check()
    assert not content.problems.items, content.problems.report()
    assert content.stories[0].practice.cost_text == "unbekannt"


def test_without_practice_the_template_has_no_block(site):
    path = create(site)
    with open(path, encoding="utf-8") as handle:
        assert "practice:" not in handle.read()


def test_asks_whether_others_could_copy_it(site):
    answers = "Das Jugendparlament\naltdorf\n5\n\nvielleicht\nja\n"
    result = subprocess.run([sys.executable, os.path.join(REPO, "tools", "new_story.py"), "--root", site.root],
                            input=answers, env=tool_env(KSG_TODAY="2026-05-04"), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Etwas zum Nachmachen? (ja/nein) [nein]" in result.stdout
    assert "„vielleicht“ verstehe ich nicht" in result.stdout
    path = os.path.join(site.root, "stories", "altdorf", "2026-05-04-das-jugendparlament", "index.md")
    with open(path, encoding="utf-8") as handle:
        assert "# practice:" in handle.read()
    assert cli.main(["check", "--root", site.root]) == 0
