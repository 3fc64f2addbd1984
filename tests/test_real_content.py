"""The real content stays valid: `make check` passes and the strict build succeeds.

These tests read the repository's own stories and towns on purpose (issue: the first 30 stories);
every other test uses the fixture site.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys

import pytest

from conftest import REPO

STUDY = os.path.join(REPO, "..", "shared", "seed", "000_0a8dabf6f8912365.txt")


def test_make_check_passes_on_the_real_content():
    result = subprocess.run([sys.executable, "-m", "kleinstadt.cli", "check", "--root", REPO],
                            capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=os.path.join(REPO, "hooks")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_strict_build_of_the_real_site(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "hooks"), os.path.join(REPO, "tools")]))
    result = subprocess.run([sys.executable, os.path.join(REPO, "tools", "build.py"), "--config",
                             os.path.join(REPO, "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
                            capture_output=True, text=True, env=env, cwd=REPO)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert os.path.exists(tmp_path / "site" / "index.html")


def _words(text: str) -> list[str]:
    text = text.replace("\ufffd", "")
    text = re.sub(r"-\n\s*", "", text)  # words hyphenated across lines in the study's PDF text
    return re.findall(r"[a-zäöüß]+", text.lower())


@pytest.mark.skipif(not os.path.exists(STUDY), reason="Die Studie liegt nur im Arbeitsbereich der Entwickler (../shared).")
def test_no_sentence_of_the_study_is_copied():
    with open(STUDY, encoding="utf-8") as handle:
        study = _words(handle.read())
    size = 8  # eight words in a row: longer than any set phrase or name, shorter than a sentence
    shingles = {tuple(study[i : i + size]) for i in range(len(study) - size)}
    copied = []
    for path in glob.glob(os.path.join(REPO, "stories", "**", "*.md"), recursive=True) + \
            glob.glob(os.path.join(REPO, "towns", "*.md")) + glob.glob(os.path.join(REPO, "pillars", "*.md")) + \
            glob.glob(os.path.join(REPO, "pages", "*.md")):
        words = _words(open(path, encoding="utf-8").read())
        for i in range(len(words) - size):
            if tuple(words[i : i + size]) in shingles:
                copied.append(f"{os.path.relpath(path, REPO)}: {' '.join(words[i:i + size])}")
                break
    assert not copied, "\n".join(copied)


def test_town_fact_sources_are_plain_source_names():
    """The town page prints them in brackets: no brackets inside, no notes from the research."""
    from kleinstadt.content import load_content

    towns = load_content(REPO).towns.values()
    assert towns
    for town in towns:
        for source in (town.population_source, town.area_source):
            if source:
                assert "(" not in source and "Kopie" not in source and "nennt" not in source, (town.slug, source)
