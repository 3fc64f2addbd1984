"""The archive: addresses of earlier releases keep answering; moved stories get a redirect (redirects.yml)."""

from __future__ import annotations

import datetime as dt
import glob
import os

import pytest

import corpus

URLS = "releases/2026.1/urls.txt"


def test_moved_story_without_redirect_is_reported(site):
    site.story("neuer-name", date=dt.date(2026, 3, 1))
    site.write(URLS, "/\n/ausgaben/\n/geschichten/\n/geschichten/neuer-name/\n/geschichten/alter-name/\n/orte/altdorf/\n")
    [problem] = site.check().problems.sorted()
    assert (problem.file, problem.line) == (URLS, 5)
    assert "/geschichten/alter-name/ ist mit Version 2026.1 erschienen" in problem.message
    assert "redirects.yml" in problem.hint


def test_redirect_keeps_the_old_address_answering(site):
    site.story("neuer-name", date=dt.date(2026, 3, 1))
    site.write(URLS, "/geschichten/alter-name/\n")
    site.write("redirects.yml", "# Umzüge\ngeschichten/alter-name/: geschichten/neuer-name/\n")
    content = site.check()
    assert not content.problems, content.problems.report()
    result = site.build()
    assert result.returncode == 0, result.stderr
    page = site.html("geschichten/alter-name/")
    assert 'http-equiv="refresh" content="0; url=../neuer-name/"' in page and 'lang="de"' in page


@pytest.mark.parametrize("line, message", [
    ("geschichten/alter-name/: geschichten/gibt-es-nicht/", "Das Ziel /geschichten/gibt-es-nicht/ gibt es nicht."),
    ("geschichten/neuer-name/: orte/altdorf/", "eine Weiterleitung würde sie verdecken"),
    ("/geschichten/alter-name: geschichten/neuer-name/", "zwei Adressen ohne Domain"),
])
def test_bad_redirects(site, line, message):
    site.story("neuer-name", date=dt.date(2026, 3, 1))
    site.write("redirects.yml", "# Umzüge\n" + line + "\n")
    [problem] = site.check().problems.sorted()
    assert (problem.file, problem.line) == ("redirects.yml", 2)
    assert message in problem.message


def test_every_published_address_of_the_real_site_still_answers(tmp_path):
    """The guard for editors: each address in releases/*/urls.txt exists in a fresh build of this repository."""
    lists = sorted(glob.glob(os.path.join(corpus.REPO, "releases", "*", "urls.txt")))
    if not lists:
        pytest.skip("Noch keine Version veröffentlicht.")
    import release

    site_dir = str(tmp_path / "site")
    assert release.build_site(corpus.REPO, site_dir, epoch=None) == 0, \
        "Der Bau scheitert; `make check` nennt den Grund, zum Beispiel eine fehlende Weiterleitung in redirects.yml."
    current = set(release.site_urls(site_dir))
    missing = []
    for path in lists:
        with open(path, encoding="utf-8") as handle:
            missing += [f"{os.path.relpath(path, corpus.REPO)}: {url}" for url in handle.read().split()
                        if url not in current]
    assert not missing, "Diese veröffentlichten Adressen führen ins Leere:\n" + "\n".join(missing)
