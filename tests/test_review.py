"""`make review` (tools/review.py): what a branch changes, told to the editors."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from PIL import Image

import review

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EASY = ("Lena geht in die Schule. Sie mag den Park. Dort trifft sie Max. Sie spielen Ball. Dann gehen sie heim. "
        "Es ist ein schöner Tag. Die Sonne scheint.")
HARD = ("Die interkommunale Zusammenarbeit der Verwaltungsgemeinschaften ermöglicht eine bedarfsgerechte "
        "Weiterentwicklung infrastruktureller Daseinsvorsorgeeinrichtungen unter Berücksichtigung demografischer "
        "Veränderungsprozesse und haushaltsrechtlicher Rahmenbedingungen, wobei Fördermittelakquisition und "
        "Beteiligungsverfahren gleichermaßen berücksichtigt werden müssen.")


def git(root: str, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args], cwd=root,
                   check=True, capture_output=True)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1000), (90, 120, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def branch(site):
    site.story("alt", date=dt.date(2026, 3, 1))
    site.write(".gitignore", "site/\n")
    git(site.root, "init", "--quiet", "--initial-branch=main")
    git(site.root, "add", "--all")
    git(site.root, "commit", "--quiet", "-m", "Start")
    git(site.root, "checkout", "--quiet", "-b", "beitrag")
    # a new story by a youth newsroom, with a title photo of people and a picture in the text
    site.write("stories/altdorf/2026-04-01-treff/titelbild.jpg", jpeg())
    site.write("stories/altdorf/2026-04-01-treff/im-text.jpg", jpeg())
    site.story("treff", date=dt.date(2026, 4, 1), towns=("altdorf",), pillars=("jugend",), status="review",
               authors=["jugendredaktion-schmalkalden"],
               body=EASY + "\n\n![Der Treffpunkt am Abend](im-text.jpg)\n",
               extra="image:\n  file: titelbild.jpg\n  alt: Jugendliche streichen eine Wand.\n  credit: Mia K.\n"
                     "  license: CC BY 4.0\n  people:\n    consent: true\n    minors: true\n"
                     "    parental_consent: true")
    # the old story, changed
    path = os.path.join(site.root, "stories/altdorf/2026-03-01-alt/index.md")
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n" + HARD + "\n")
    return site


def test_review_lists_new_and_changed_stories_with_words_readability_and_images(branch):
    found, reviews, content = review.review(branch.root)
    by_path = {item.path: item for item in reviews}
    new = by_path["stories/altdorf/2026-04-01-treff/index.md"]
    old = by_path["stories/altdorf/2026-03-01-alt/index.md"]
    assert new.added and not old.added
    text = review.format_text(found, reviews, content)
    assert "NEU       stories/altdorf/2026-04-01-treff/index.md" in text
    assert "GEÄNDERT  stories/altdorf/2026-03-01-alt/index.md" in text
    assert f"Umfang:      {new.story.words} Wörter" in text
    assert "Status:      in Prüfung (review)" in text
    assert "Beispiel-Jugendredaktion Schmalkalden (Jugendredaktion, betreut von: Schulsozialarbeit)" in text
    assert ("titelbild.jpg (Titelbild): Bild: Mia K., Lizenz: CC BY 4.0, Personen erkennbar: ja, Einwilligung: ja, "
            "Minderjährige: ja, Einwilligung der Eltern: ja") in text
    assert "!! im-text.jpg (im Text, Zeile" in text and "keine Angaben zu Urheber, Lizenz und Einwilligung" in text
    assert "Wiener Sachtextformel" in text and "Flesch-Amstad" in text


def test_readability_tells_easy_from_hard_german():
    easy, hard = review.readability(EASY), review.readability(HARD)
    assert easy.wstf < 7 < 12 < hard.wstf
    assert easy.amstad > 70 > 30 > hard.amstad
    assert easy.wstf_label == "leicht" and hard.wstf_label == "schwer"
    assert review.readability("Zu kurz.") is None


def test_plain_text_drops_markup():
    markdown = "## Ein Titel\n\nEin [Link](https://x.de) und **fett**.\n\n![Bild](a.jpg)\n\n- Punkt eins\n"
    assert review.plain_text(markdown) == "Ein Titel. Ein Link und fett. Punkt eins"


def test_placeholders_and_problems_are_flagged(branch):
    branch.write("stories/seestadt/2026-05-01-offen/index.md",
                 "---\ntitle: Offen\ndescription: HIER AUSFÜLLEN\ndate: 2026-05-01\ntowns: [seestadt]\n"
                 "pillars: [jugnd]\nauthors: [redaktion]\nsources:\n  - title: Studie\nstatus: draft\n---\n\nText.\n")
    found, reviews, content = review.review(branch.root)
    text = review.format_text(found, reviews, content)
    assert "!! Noch 1× „HIER AUSFÜLLEN“ im Text." in text
    assert "!! Probleme (make check):" in text and "„jugnd“ ist als Pfeiler unbekannt" in text


def test_markdown_summary_for_github(branch):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "hooks"), os.path.join(REPO, "tools")]))
    result = subprocess.run([sys.executable, os.path.join(REPO, "tools", "review.py"), "--root", branch.root,
                             "--format", "markdown"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("## Geänderte Geschichten")
    assert "| neu | **Geschichte treff**<br>`stories/altdorf/2026-04-01-treff/index.md` | in Prüfung |" in out
    assert "| geändert | **Geschichte alt**" in out
    assert "2, 1 ohne Angaben" in out


def test_nothing_changed(site):
    site.write(".gitignore", "site/\n")
    git(site.root, "init", "--quiet", "--initial-branch=main")
    git(site.root, "add", "--all")
    git(site.root, "commit", "--quiet", "-m", "Start")
    found, reviews, content = review.review(site.root)
    assert "Keine Geschichte geändert." in review.format_text(found, reviews, content)
    assert "ändert keine Geschichte" in review.format_markdown(found, reviews, content)


def test_markdown_cells_show_content_as_text():
    """A title with markup reaches the PR comment as text: GitHub would render <img> (a tracking pixel) and
    a | would split the table."""
    assert review._cell('<img src=x onerror=alert(1)> A | B & C\nD') == "&lt;img src=x onerror=alert(1)&gt; A \\| B &amp; C D"
