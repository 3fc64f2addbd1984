"""`make preview`: finding what a branch changes (tools/changes.py) and building only that
(KSG_ONLY_STORIES, hooks/kleinstadt/preview.py), with drafts shown and marked."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest

import bench_preview
import changes
from kleinstadt import media
from kleinstadt.preview import load_preview

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def git(root: str, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args], cwd=root,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(site):
    """The fixture site as a Git repository: three stories committed on main, then a branch `beitrag`."""
    site.story("am-fluss", date=dt.date(2026, 3, 1), towns=("altdorf",), pillars=("jugend",))
    site.story("im-park", date=dt.date(2026, 3, 2), towns=("neudorf",), pillars=("finanzen",))
    site.story("am-see", date=dt.date(2026, 3, 3), towns=("seestadt",), pillars=("innovation",))
    site.write(".gitignore", "site/\n.site-*/\n")
    git(site.root, "init", "--quiet", "--initial-branch=main")
    git(site.root, "add", "--all")
    git(site.root, "commit", "--quiet", "-m", "Start")
    git(site.root, "checkout", "--quiet", "-b", "beitrag")
    return site


def edit(site, relative: str, old: str, new: str) -> None:
    path = os.path.join(site.root, relative)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace(old, new))


FLUSS = "stories/altdorf/2026-03-01-am-fluss/index.md"
PARK = "stories/neudorf/2026-03-02-im-park/index.md"
SEE = "stories/seestadt/2026-03-03-am-see/index.md"


def test_no_changes_no_stories(repo):
    found = changes.changes(repo.root)
    assert found.base == "main" and found.stories == [] and found.towns == []


def test_committed_uncommitted_and_new_stories_are_found(repo):
    edit(repo, FLUSS, "Ein kurzer Text.", "Ein geänderter Text.")
    git(repo.root, "commit", "--quiet", "-am", "Fluss überarbeitet")  # committed on the branch
    repo.write("stories/neudorf/2026-03-02-im-park/foto.jpg", b"\xff\xd8\xff")  # an image: counts for its story
    new = repo.story("neu-im-ort", date=dt.date(2026, 4, 1), towns=("altdorf",), status="draft")  # untracked
    edit(repo, "towns/seestadt.md", "\n---\n", "\n---\n\nEin neuer Satz.\n")  # a town profile, not committed
    found = changes.changes(repo.root)
    new_rel = os.path.relpath(new, repo.root).replace(os.sep, "/")
    assert found.stories == sorted([FLUSS, PARK, new_rel])
    assert found.added == {new_rel}
    assert found.towns == ["seestadt"]


def test_changes_on_main_since_the_branch_started_do_not_count(repo):
    git(repo.root, "checkout", "--quiet", "main")
    edit(repo, SEE, "Ein kurzer Text.", "Auf main geändert.")
    git(repo.root, "commit", "--quiet", "-am", "main ändert den See")
    git(repo.root, "checkout", "--quiet", "beitrag")
    edit(repo, FLUSS, "Ein kurzer Text.", "Auf dem Zweig geändert.")
    assert changes.changes(repo.root).stories == [FLUSS]


def test_deleted_story_is_reported_but_not_built(repo):
    shutil.rmtree(os.path.join(repo.root, "stories", "neudorf", "2026-03-02-im-park"))
    found = changes.changes(repo.root)
    assert found.stories == [] and found.removed == ["stories/neudorf/2026-03-02-im-park"]


def test_fork_clone_compares_with_origin_main(repo, tmp_path):
    clone = str(tmp_path / "klon")
    subprocess.run(["git", "clone", "--quiet", "--branch", "beitrag", repo.root, clone], check=True)
    assert subprocess.run(["git", "rev-parse", "--verify", "--quiet", "main"], cwd=clone).returncode != 0
    with open(os.path.join(clone, PARK), "a", encoding="utf-8") as handle:
        handle.write("Noch ein Satz.\n")
    found = changes.changes(clone)
    assert found.base == "origin/main" and found.stories == [PARK]


def test_cli_lists_changes_in_german(repo):
    repo.story("ganz-neu", date=dt.date(2026, 4, 2), towns=("seestadt",))
    edit(repo, FLUSS, "Ein kurzer Text.", "Anders.")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "hooks"), os.path.join(REPO, "tools")]))
    out = subprocess.run([sys.executable, os.path.join(REPO, "tools", "changes.py"), "--root", repo.root],
                         env=env, capture_output=True, text=True, check=True).stdout
    assert f"geändert  {FLUSS}" in out and "neu       stories/seestadt/2026-04-02-ganz-neu/index.md" in out


# --- building only what changed ----------------------------------------------------------------------


def test_preview_loads_only_the_named_stories_and_ignores_problems_elsewhere(site):
    site.story("am-fluss", date=dt.date(2026, 3, 1), status="draft")
    site.story("kaputt", date=dt.date(2026, 3, 2), towns=("neudorf",), pillars=("jugnd",))  # broken, unchanged
    content = load_preview(site.root, [FLUSS])
    assert content.partial and [story.slug for story in content.stories] == ["am-fluss"]
    assert not content.problems, content.problems.report()
    assert site.check().problems  # the full check still sees the broken story


def test_preview_still_stops_for_problems_in_its_own_stories_and_the_towns(site):
    site.story("am-fluss", date=dt.date(2026, 3, 1), pillars=("jugnd",))
    assert [p.file for p in load_preview(site.root, [FLUSS]).problems.items] == [FLUSS]
    edit(site, "towns/neudorf.md", "name:", "nome:")
    site.story("am-fluss", date=dt.date(2026, 3, 1))
    files = {p.file for p in load_preview(site.root, [FLUSS]).problems.items}
    assert files == {"towns/neudorf.md"}


def test_preview_build_has_the_story_its_town_and_pillars_and_the_drafts_marked(site):
    site.story("am-fluss", date=dt.date(2026, 3, 1), towns=("altdorf",), pillars=("jugend", "finanzen"),
               status="draft", extra="challenges: [demografie]\npractice:\n  summary: Altdorf baut einen Steg.")
    site.story("im-park", date=dt.date(2026, 3, 2), towns=("neudorf",), pillars=("innovation",))
    site.story("kaputt", date=dt.date(2026, 3, 3), towns=("seestadt",), pillars=("jugnd",))
    result = site.build(env={"KSG_ONLY_STORIES": FLUSS, "KSG_DRAFTS": "1"})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = os.path.join(site.root, "site")
    stories = sorted(name for name in os.listdir(os.path.join(out, "geschichten"))
                     if os.path.isdir(os.path.join(out, "geschichten", name)))
    assert stories == ["am-fluss"]
    for page in ("index.html", "orte/altdorf/index.html", "pfeiler/jugend/index.html", "pfeiler/finanzen/index.html"):
        assert os.path.isfile(os.path.join(out, page)), page
    for page in ("orte/neudorf/index.html", "pfeiler/innovation/index.html", "themen/jugend/index.html"):
        assert not os.path.exists(os.path.join(out, page)), page
    story = site.html("geschichten/am-fluss/")
    assert 'class="ksg-draft"' in story and "Diese Geschichte ist ein Entwurf." in story
    assert "Entwurf" in site.html("orte/altdorf/")  # the card in the town's list is marked too
    # a preview is never shared: no social cards (they cost most of a cold preview's time)
    cards = [name for _, _, files in os.walk(out) for name in files if name.startswith(media.CARD_NAME)]
    assert cards == []
    # nor Praxisblätter (starting WeasyPrint alone takes a second); the box is there without its link
    assert "Zum Nachmachen" in story and "praxisblatt.pdf" not in story
    assert not os.path.exists(os.path.join(out, "geschichten", "am-fluss", "praxisblatt.pdf"))


def test_full_build_refuses_what_the_preview_ignores(site):
    site.story("am-fluss", date=dt.date(2026, 3, 1))
    site.story("kaputt", date=dt.date(2026, 3, 3), towns=("seestadt",), pillars=("jugnd",))
    result = site.build()
    assert result.returncode != 0


def test_preview_tool_builds_the_branch_changes(repo):
    edit(repo, PARK, "status: published", "status: review")
    site_dir = os.path.join(repo.root, ".site-vorschau")
    _, _, result = bench_preview.time_preview(repo.root, site_dir)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "1 geänderten Geschichte" in result.stdout
    # only what a youth editor needs: no MkDocs progress notes, no notice about MkDocs 2, all German
    output = result.stdout + result.stderr
    assert "INFO" not in output and "MkDocs" not in output and "Material" not in output, output[-2000:]
    assert os.path.isdir(os.path.join(site_dir, "geschichten", "im-park"))
    assert not os.path.exists(os.path.join(site_dir, "geschichten", "am-fluss"))
    with open(os.path.join(site_dir, "geschichten", "im-park", "index.html"), encoding="utf-8") as handle:
        assert "Diese Geschichte ist in Prüfung." in handle.read()


def test_preview_tool_without_changes_says_so(repo):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "hooks"), os.path.join(REPO, "tools")]))
    result = subprocess.run([sys.executable, os.path.join(REPO, "tools", "preview.py"), "--root", repo.root,
                             "--build-only"], env=env, capture_output=True, text=True)
    assert result.returncode == 0 and "nichts vorzuschauen" in result.stdout
    assert "make story" in result.stdout and "Ortsprofile" not in result.stdout
    edit(repo, "towns/seestadt.md", "\n---\n", "\n---\n\nEin neuer Satz.\n")
    result = subprocess.run([sys.executable, os.path.join(REPO, "tools", "preview.py"), "--root", repo.root,
                             "--build-only"], env=env, capture_output=True, text=True)
    assert "Geänderte Ortsprofile (towns/seestadt.md)" in result.stdout and "make serve" in result.stdout


def test_preview_benchmark_runs_on_a_small_corpus(tmp_path):
    fixture = os.path.join(REPO, "tests", "fixtures", "site")
    figures = bench_preview.run(workdir=str(tmp_path), count=12, source=fixture)
    assert figures["story_pages_built"] == 1 and figures["stories_checked"] == 12
    assert figures["preview_seconds"] > 0 and figures["changed_story"].endswith("/index.md")
    assert figures["served_seconds"] > 0


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fetch(url: str) -> str | None:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def test_preview_serves_on_localhost_and_rebuilds_after_saving(repo):
    import signal
    import time

    edit(repo, PARK, "status: published", "status: draft")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "hooks"), os.path.join(REPO, "tools")]))
    log = open(os.path.join(repo.root, "vorschau.log"), "w+", encoding="utf-8")  # a pipe could fill up and block
    process = subprocess.Popen([sys.executable, os.path.join(REPO, "tools", "preview.py"), "--root", repo.root,
                                "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/geschichten/im-park/"
    try:
        deadline, page = time.monotonic() + 90, None
        while page is None and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.3)
            page = _fetch(url)
        assert page and "Diese Geschichte ist ein Entwurf." in page
        edit(repo, PARK, "Ein kurzer Text.", "Frisch gespeichert.")
        deadline = time.monotonic() + 90
        while "Frisch gespeichert." not in (page or "") and time.monotonic() < deadline:
            time.sleep(0.5)
            page = _fetch(url)
        assert "Frisch gespeichert." in page
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        log.seek(0)
        output = log.read()
        log.close()
    assert f"Deine Vorschau läuft: http://127.0.0.1:{port}/" in output
    assert f"http://127.0.0.1:{port}/geschichten/im-park/" in output and "Vorschau beendet." in output


def test_project_in_a_subfolder_of_the_repository(site, tmp_path):
    # the fixture site lies in <tmp>/site-src; make <tmp> the repository
    top = os.path.dirname(site.root)
    site.story("am-fluss", date=dt.date(2026, 3, 1))
    git(top, "init", "--quiet", "--initial-branch=main")
    git(top, "add", "site-src")
    git(top, "commit", "--quiet", "-m", "Start")
    edit(site, FLUSS, "Ein kurzer Text.", "Geändert.")
    new = site.story("neu", date=dt.date(2026, 4, 1), towns=("neudorf",))
    found = changes.changes(site.root)
    assert found.stories == [FLUSS, os.path.relpath(new, site.root).replace(os.sep, "/")]
