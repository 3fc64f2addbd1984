"""The Nu Html Checker (vnu.jar from npm, see package.json) finds no error on any page type of the fixture build.

Errors that Material itself writes and no override can remove stand on ALLOWED below, each with its reason.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import pytest

from published_site import published  # noqa: F401

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VNU = os.path.join(REPO, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")

# One page of every type (home, story, town, pillar, region, theme, all stories, overview, about, 404, ...).
PAGES = {
    "home": "index.html",
    "story": "geschichten/brueckenfest/index.html",
    "story without image": "geschichten/hafen/index.html",
    "town": "orte/altdorf/index.html",
    "pillar": "pfeiler/jugend/index.html",
    "region": "regionen/thueringen/index.html",
    "empty region": "regionen/sachsen/index.html",
    "theme": "themen/jugend/index.html",
    "all stories": "geschichten/index.html",
    "all stories, page 2": "geschichten/seite/2/index.html",
    "overview": "pfeiler/index.html",
    "towns overview": "orte/index.html",
    "regions overview": "regionen/index.html",
    "about": "ueber/index.html",
    "open data": "offene-daten/index.html",
    "editions": "ausgaben/index.html",
    "edition": "ausgaben/2026-1/index.html",
    "search": "suche/index.html",
    "imprint": "impressum/index.html",
    "404": "404.html",
}

# (message pattern, extract pattern, why it cannot be fixed here)
ALLOWED = [
    # Material's base.html writes its two state checkboxes (drawer and search) with autocomplete="off" so that
    # Firefox does not restore them after a reload. They sit outside every template block: only a full copy
    # of base.html could change them.
    (r"^Attribute “autocomplete” is only allowed when the input type is", r'data-md-toggle="(drawer|search)"'),
]


def allowed(message: dict) -> bool:
    return any(re.search(text, message.get("message", "")) and re.search(extract, message.get("extract", ""))
               for text, extract in ALLOWED)


BROKEN = ('<!DOCTYPE html><html lang="de"><head><title>x</title></head>'
          '<body><label for="nichts">x</label><p><div></p></body></html>')


@pytest.fixture(scope="module")
def checker_messages(published, tmp_path_factory) -> dict[str, list[dict]]:
    """The checker's messages by page type, in one run (the JVM starts once); "broken" is a page with errors."""
    if shutil.which("java") is None or not os.path.exists(VNU):
        pytest.fail("Java oder vnu.jar fehlt: `make install` installiert beides (openjdk-17-jre-headless, npm ci).")
    paths = {os.path.join(published.site_dir, page): name for name, page in PAGES.items()}
    broken = tmp_path_factory.mktemp("vnu") / "kaputt.html"
    broken.write_text(BROKEN, encoding="utf-8")
    paths[str(broken)] = "broken"
    result = subprocess.run(["java", "-jar", VNU, "--errors-only", "--format", "json", *paths],
                            capture_output=True, text=True, timeout=300)
    report = json.loads(result.stderr)  # vnu writes its JSON report to stderr
    found: dict[str, list[dict]] = {name: [] for name in paths.values()}
    for message in report["messages"]:
        path = message.get("url", "").removeprefix("file:")
        found[paths.get(path, path)].append(message)
    return found


@pytest.mark.parametrize("page_type", list(PAGES))
def test_page_type_has_no_html_error(checker_messages, page_type):
    errors = [m for m in checker_messages[page_type] if not allowed(m)]
    assert not errors, "\n".join(
        f"{PAGES[page_type]}:{m.get('lastLine')}: {m['message']}\n    {m.get('extract', '').strip()}" for m in errors)


def test_the_checker_finds_errors(checker_messages):
    # Guards against a checker that silently reports nothing.
    assert any("“for” attribute" in m["message"] for m in checker_messages["broken"])
