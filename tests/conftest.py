"""Shared fixtures: a small fixture site (tests/fixtures/site) copied into a temporary folder."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys

import pytest

import corpus

FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "site")
REPO = corpus.REPO


def build_site(root: str, site_dir: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real, safe build (tools/build.py) of the site in `root`, with the clock at 1 June 2026."""
    site_dir = site_dir or os.path.join(root, "site")
    environment = dict(os.environ, KSG_TODAY="2026-06-01", **(env or {}))
    environment["PYTHONPATH"] = os.pathsep.join([os.path.join(REPO, "hooks"), os.path.join(REPO, "tools")])
    return subprocess.run([sys.executable, os.path.join(REPO, "tools", "build.py"), "--config",
                           os.path.join(root, "mkdocs.yml"), "--site-dir", site_dir],
                          env=environment, capture_output=True, text=True)


class FixtureSite:
    def __init__(self, root: str):
        self.root = root

    def story(self, slug: str, date=dt.date(2026, 3, 1), towns=("altdorf",), pillars=("jugend",), **fields) -> str:
        fields.setdefault("title", f"Geschichte {slug}")
        fields.setdefault("description", f"Anreißer der Geschichte {slug}.")
        return corpus.write_story(self.root, slug, date, list(towns), pillars=list(pillars), **fields)

    def write(self, relative: str, text: str | bytes) -> str:
        path = os.path.join(self.root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(path, mode, **({} if isinstance(text, bytes) else {"encoding": "utf-8"})) as handle:
            handle.write(text)
        return path

    def edit(self, relative: str, old: str, new: str) -> str:
        """Replace text in one of the site's files (it must be there); returns the text before."""
        with open(os.path.join(self.root, relative), encoding="utf-8") as handle:
            text = handle.read()
        assert old in text, f"„{old}“ steht nicht in {relative}"
        self.write(relative, text.replace(old, new))
        return text

    def check(self, today: dt.date | None = None):
        from kleinstadt.content import load_content

        return load_content(self.root, today=today or dt.date(2026, 6, 1))

    def build(self, site_dir: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
        return build_site(self.root, site_dir, env)

    def html(self, url: str, site_dir: str | None = None) -> str:
        path = os.path.join(site_dir or os.path.join(self.root, "site"), url, "index.html")
        with open(path, encoding="utf-8") as handle:
            return handle.read()


_built_once: dict[str, FixtureSite] = {}


def built_once(tmp_path_factory, name: str, write, site_url: str) -> FixtureSite:
    """The fixture site with `write(site)`'s content, built once per test session under `name`.

    Each test module imports a session fixture that calls this, and pytest keeps one session fixture per module
    that defines it: the cache makes it one build per session."""
    if name not in _built_once:
        root = str(tmp_path_factory.mktemp(name) / "site-src")
        corpus.prepare_site(root, source=FIXTURE)
        site = FixtureSite(root)
        write(site)
        result = site.build(env={"SITE_URL": site_url})
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
        site.site_dir = os.path.join(root, "site")
        _built_once[name] = site
    return _built_once[name]


@pytest.fixture
def site(tmp_path) -> FixtureSite:
    root = str(tmp_path / "site-src")
    corpus.prepare_site(root, source=FIXTURE)
    return FixtureSite(root)
