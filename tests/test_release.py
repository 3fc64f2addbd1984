"""Releases: reproducible builds and tarballs, the CHANGELOG entry, the tag, and the refusals."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tarfile
import time

import pytest

import release

EPOCH = 1767225600  # 2026-01-01 00:00:00 UTC: far from the day the test runs


def test_build_twice_gives_identical_files(site, tmp_path):
    site.story("erste", date=dt.date(2025, 11, 1))
    site.story("zweite", date=dt.date(2025, 12, 1), towns=("seestadt",))
    site.write("editions/2025-1.md", "---\nnumber: \"2025/1\"\ntitle: Ausgabe 2025/1\ndate: 2025-12-10\n"
               "stories: [erste, zweite]\n---\n\nEditorial.\n")
    first, second = str(tmp_path / "eins"), str(tmp_path / "zwei")
    assert release.build_site(site.root, first, EPOCH) == 0
    time.sleep(1.1)  # a later wall clock must not show in any file
    assert release.build_site(site.root, second, EPOCH) == 0
    assert len(release.files_of(first)) > 30
    assert release.compare_sites(first, second) == []
    # Dates come from SOURCE_DATE_EPOCH, never from the clock: today's date is in no file, and no gzip
    # member (sitemap.xml.gz) carries the time of the build.
    today = dt.datetime.now(dt.timezone.utc).date().isoformat().encode()
    for name in release.files_of(first):
        with open(os.path.join(first, name), "rb") as handle:
            data = handle.read()
        assert today not in data, name
        if name.endswith(".gz"):
            assert int.from_bytes(data[4:8], "little") <= EPOCH, name
    one, two = str(tmp_path / "eins.tar.gz"), str(tmp_path / "zwei.tar.gz")
    release.pack(first, one, "ksg", EPOCH)
    release.pack(second, two, "ksg", EPOCH)
    assert release.UNSTABLE == ()  # every file counts
    assert release.sha256(one) == release.sha256(two)
    with open(one, "rb") as handle:
        assert handle.read(10)[4:8] == b"\0\0\0\0"  # gzip header: mtime 0
    with tarfile.open(one) as tar:
        members = tar.getmembers()
    names = [m.name for m in members]
    assert names == sorted(names, key=lambda n: n[4:]) and "ksg/ausgaben/2025-1/index.html" in names
    assert {(m.mtime, m.uid, m.gid) for m in members} == {(EPOCH, 0, 0)}


def test_compare_sites_finds_a_difference(tmp_path):
    for name, text in (("a", "eins"), ("b", "zwei")):
        os.makedirs(tmp_path / name / "x")
        (tmp_path / name / "x" / "index.html").write_text(text)
    (tmp_path / "b" / "neu.html").write_text("")
    assert release.compare_sites(str(tmp_path / "a"), str(tmp_path / "b")) == ["neu.html", "x/index.html"]


GIT_ENV = {"GIT_AUTHOR_NAME": "Redaktion", "GIT_AUTHOR_EMAIL": "redaktion@example.org",
           "GIT_COMMITTER_NAME": "Redaktion", "GIT_COMMITTER_EMAIL": "redaktion@example.org"}


def git(root, *args):
    return subprocess.run(["git", "-C", root, *args], check=True, capture_output=True, text=True,
                          env=dict(os.environ, **GIT_ENV)).stdout


@pytest.fixture
def repo(site, monkeypatch):
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    site.story("erste", date=dt.date(2026, 3, 1))
    site.story("zweite", date=dt.date(2026, 4, 1), towns=("seestadt",))
    site.write("editions/2026-1.md", "---\nnumber: \"2026/1\"\ntitle: Ausgabe 2026/1\ndate: 2026-05-01\n"
               "stories: [erste, zweite]\n---\n\nDas erste Editorial.\n")
    with open(os.path.join(release.REPO, ".gitignore"), encoding="utf-8") as handle:
        site.write(".gitignore", handle.read() + "\ndist/\n")  # the project's own ignore list
    git(site.root, "init", "-q", "-b", "main")
    git(site.root, "add", ".")
    git(site.root, "commit", "-q", "-m", "Inhalte")
    return site


def test_release_packs_tags_and_writes_the_changelog(repo):
    root = repo.root
    dist = release.release(root, "2026.1", log=lambda *_: None)
    names = sorted(os.listdir(dist))
    assert names == ["SHA256SUMS", "kleinstadtgeschichten-2026.1.tar.gz", "kleinstadtgeschichten-ausgabe-2026-1.pdf"]
    subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, check=True, capture_output=True)
    assert git(root, "cat-file", "-t", "v2026.1").strip() == "tag"  # annotated
    assert git(root, "status", "--porcelain") == ""
    with open(os.path.join(root, "CHANGELOG.md"), encoding="utf-8") as handle:
        changelog = handle.read()
    assert "## 2026.1 (" in changelog and "2 neu, 0 geändert, 0 entfernt (erste Version)" in changelog
    assert "- Geschichte erste (/geschichten/erste/)" in changelog and "Ausgabe 2026/1 (/ausgaben/2026-1/)" in changelog
    with open(os.path.join(root, "releases", "2026.1", "urls.txt"), encoding="utf-8") as handle:
        urls = handle.read().split()
    assert {"/", "/ausgaben/2026-1/", "/geschichten/erste/", "/orte/seestadt/", "/sitemap.xml"} <= set(urls)
    # The same commit packed again (as the CI does on the tag) gives the same files.
    tarball = os.path.join(dist, "kleinstadtgeschichten-2026.1.tar.gz")
    pdf = os.path.join(dist, "kleinstadtgeschichten-ausgabe-2026-1.pdf")
    files, pdf_sum = release.tar_contents(tarball), release.sha256(pdf)
    release.package(root, "2026.1", log=lambda *_: None)
    assert release.tar_contents(tarball) == files and release.sha256(pdf) == pdf_sum

    # Next version: one story renamed, one changed, one added. Without a redirect it is refused.
    os.rename(os.path.join(root, "stories/altdorf/2026-03-01-erste"), os.path.join(root, "stories/altdorf/2026-03-01-die-erste"))
    repo.story("dritte", date=dt.date(2026, 5, 1))
    with open(os.path.join(root, "stories/seestadt/2026-04-01-zweite/index.md"), "a", encoding="utf-8") as handle:
        handle.write("Ein neuer Absatz.\n")
    text = open(os.path.join(root, "editions/2026-1.md"), encoding="utf-8").read()
    repo.write("editions/2026-1.md", text.replace("[erste, zweite]", "[die-erste, zweite]"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Umbenannt")
    with pytest.raises(release.ReleaseError, match="geschichten/erste/ ist mit Version 2026.1 erschienen"):
        release.release(root, "2026.2", log=lambda *_: None)
    repo.write("redirects.yml", "geschichten/erste/: geschichten/die-erste/\n")
    git(root, "add", "redirects.yml")
    git(root, "commit", "-q", "-m", "Weiterleitung")
    release.release(root, "2026.2", log=lambda *_: None)
    changelog = open(os.path.join(root, "CHANGELOG.md"), encoding="utf-8").read()
    entry = changelog.split("## 2026.1")[0]
    assert "2 neu, 1 geändert, 1 entfernt (seit v2026.1)" in entry
    assert "- Geschichte erste (/geschichten/erste/), weitergeleitet auf /geschichten/die-erste/" in entry
    assert "### Geänderte Geschichten\n\n- Geschichte zweite" in entry
    assert changelog.index("## 2026.2") < changelog.index("## 2026.1")


def test_release_refuses_unclean_tree_existing_tag_and_failing_check(repo):
    root = repo.root
    repo.write("notiz.txt", "nicht committet\n")
    with pytest.raises(release.ReleaseError, match="nicht sauber"):
        release.release(root, "2026.1", log=lambda *_: None)
    os.remove(os.path.join(root, "notiz.txt"))
    with pytest.raises(release.ReleaseError, match="keine gültige Version"):
        release.release(root, "26.1", log=lambda *_: None)
    repo.write("editions/2026-1.md", "---\nnumber: \"2026/1\"\ntitle: Ausgabe\ndate: 2026-05-01\nstories: [gibt-es-nicht]\n---\n\nText.\n")
    git(root, "commit", "-q", "-am", "Kaputt")
    with pytest.raises(release.ReleaseError, match="make check"):
        release.release(root, "2026.1", log=lambda *_: None)
    git(root, "tag", "-a", "v2026.1", "-m", "schon da")
    with pytest.raises(release.ReleaseError, match="gibt es schon"):
        release.release(root, "2026.1", log=lambda *_: None)
    assert not os.path.exists(os.path.join(root, "dist"))


def test_release_workflow_runs_on_version_tags_with_pinned_actions():
    import shutil

    import yaml

    path = os.path.join(release.REPO, ".github", "workflows", "release.yml")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    workflow = yaml.safe_load(text)
    trigger = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert list(trigger) == ["push"] and list(trigger["push"]) == ["tags"]
    uses = re.findall(r"uses:\s*(\S+)", text)
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", item) for item in uses), uses
    steps = " ".join(str(step.get("run", "")) for step in workflow["jobs"]["package"]["steps"])
    assert "tools/release.py" in steps and "--package" in steps and "gh release create" in steps
    assert "sha256sum -c SHA256SUMS" in steps
    actionlint = shutil.which("actionlint") or os.path.join(os.path.dirname(sys.executable), "actionlint")
    if os.path.exists(actionlint):
        result = subprocess.run([actionlint, path], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
