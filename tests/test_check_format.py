"""`make check` for people and for CI: friendly German text, or GitHub workflow annotations."""

from __future__ import annotations

import os
import re
import subprocess

from kleinstadt import cli
from kleinstadt.problems import Problem

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STORY = "stories/altdorf/2026-03-01-probe/index.md"
# ::error file=<path>,line=<n>,title=<title>::<message>  (GitHub's workflow command syntax)
ANNOTATION = re.compile(r"^::error file=(?P<file>[^,:]+)(?:,line=(?P<line>\d+))?,title=(?P<title>[^:]+)::(?P<text>.+)$")


def write_broken_story(site) -> None:
    site.write(STORY, "---\ntitle: Probe\ndescription: Ein Anreißer.\ndate: 2026-03-01\ntowns: [altdorf]\n"
                      "pillars: [jugnd]\nauthors: [redaktion]\nsources:\n  - title: Studie\nstatus: draft\n---\n\n"
                      "Text.\n")


def test_github_format_prints_one_annotation_per_problem(site, capsys):
    write_broken_story(site)
    code = cli.main(["check", "--root", site.root, "--format", "github"])
    out = capsys.readouterr().out
    assert code == 1
    annotations = [line for line in out.splitlines() if line.startswith("::")]
    assert len(annotations) == 1, out
    match = ANNOTATION.match(annotations[0])
    assert match, annotations[0]
    assert match["file"] == STORY and match["line"] == "6"
    assert match["title"] == "Feld pillars[0]"
    assert "„jugnd“ ist als Pfeiler unbekannt." in match["text"] and "Tipp: Meintest du „jugend“?" in match["text"]
    # the readable report follows for the log
    assert f"{STORY}:6: Feld „pillars[0]“" in out and "1 Stelle zum Ausbessern gefunden" in out


def test_text_format_has_no_annotations_and_speaks_german(site, capsys):
    write_broken_story(site)
    assert cli.main(["check", "--root", site.root]) == 1
    out = capsys.readouterr().out
    assert "::error" not in out
    assert "Tipp: Meintest du „jugend“?" in out and "make check" in out


def test_clean_content_passes_in_both_formats(site, capsys):
    assert cli.main(["check", "--root", site.root, "--format", "github"]) == 0
    out = capsys.readouterr().out
    assert "::error" not in out and "Alles in Ordnung" in out and "make preview" not in out
    assert cli.main(["check", "--root", site.root]) == 0
    assert "Als Nächstes: Schau dir deine Geschichte mit `make preview` im Browser an." in capsys.readouterr().out


def test_annotation_escapes_github_special_characters():
    problem = Problem("stories/a,b/x:y.md", 3, "image.alt", "100% sicher?\nZweite Zeile", "Mit, Komma: ja")
    line = problem.github_annotation()
    assert "\n" not in line
    assert line.startswith("::error file=stories/a%2Cb/x%3Ay.md,line=3,title=Feld image.alt::")
    assert line.endswith("::100%25 sicher?%0AZweite Zeile Tipp: Mit, Komma: ja")
    whole_file = Problem("taxonomy.yml", None, None, "Fehlt.").github_annotation()
    assert whole_file == "::error file=taxonomy.yml,title=Inhalt::Fehlt."


def test_makefile_uses_the_github_format_inside_github_actions():
    env = dict(os.environ, GITHUB_ACTIONS="true")
    dry = subprocess.run(["make", "-n", "-s", "check"], cwd=REPO, env=env, capture_output=True, text=True)
    assert "kleinstadt.cli check --format github" in dry.stdout, dry.stdout + dry.stderr
    env.pop("GITHUB_ACTIONS")
    dry = subprocess.run(["make", "-n", "-s", "check"], cwd=REPO, env=env, capture_output=True, text=True)
    assert "kleinstadt.cli check" in dry.stdout and "--format github" not in dry.stdout
