"""`make serve` (tools/serve.py, hooks/serve_engine.py): after an edit, the partial rebuild writes the same
files as a full build of the new content, and renders only the pages that show the changed story.

On a small fixture site of generated stories (never the real ones): edit, add, delete and rename.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import os
import shutil

import pytest

import corpus
from serve import make_engine

STORIES = 45  # three pages of "Alle Geschichten", two of some towns and pillars


def _files(folder: str) -> dict[str, str]:
    found = {}
    for base, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(base, name)
            found[os.path.relpath(path, folder)] = path
    return found


def _differences(left: str, right: str) -> list[str]:
    a, b = _files(left), _files(right)
    problems = [f"nur im Teilbau: {path}" for path in sorted(a.keys() - b.keys())]
    problems += [f"nur im vollen Bau: {path}" for path in sorted(b.keys() - a.keys())]
    problems += [f"verschieden: {path}" for path in sorted(a.keys() & b.keys())
                 if not filecmp.cmp(a[path], b[path], shallow=False)]
    return problems


@pytest.fixture
def corpus_site(site, tmp_path, monkeypatch):
    monkeypatch.setenv("KSG_TODAY", "2026-06-01")
    monkeypatch.setenv("KSG_IMAGE_CACHE", str(tmp_path / "bilder"))
    corpus.generate(site.root, STORIES, words_per_story=80)
    return site


def _check_same_as_full(site, tmp_path, change) -> dict:
    partial_dir, full_dir = str(tmp_path / "teilbau"), str(tmp_path / "vollbau")
    config = os.path.join(site.root, "mkdocs.yml")
    engine = make_engine(config, partial_dir)
    engine.full()
    paths = change()
    result = engine.update({os.path.join(site.root, path) for path in paths})
    fresh = make_engine(config, full_dir)
    fresh.full()
    assert _differences(partial_dir, full_dir) == []
    return result


def _story_path(site, number: int) -> str:
    for base, _, names in os.walk(os.path.join(site.root, "stories")):
        if "index.md" in names and base.endswith(f"geschichte-{number:05d}"):
            return os.path.relpath(os.path.join(base, "index.md"), site.root)
    raise AssertionError(number)


def _front_value(site, path: str, start: str, end: str) -> str:
    """What a story's file holds between `start` and the next `end` (its title, its date)."""
    with open(os.path.join(site.root, path), encoding="utf-8") as handle:
        return handle.read().split(start, 1)[1].split(end, 1)[0]


def test_editing_a_title_renders_only_the_pages_that_show_the_story(corpus_site, tmp_path):
    path = _story_path(corpus_site, 7)

    def change():
        title = _front_value(corpus_site, path, 'title: "', '"')
        corpus_site.edit(path, f'title: "{title}"', 'title: "Ein neuer Titel für die Bibliothek"')
        return [path]

    result = _check_same_as_full(corpus_site, tmp_path, change)
    assert result["kind"] == "stories"
    # its page, related stories and neighbours, its indexes, overviews, editions, hand-written pages;
    # far fewer than all pages of the site
    assert 0 < result["rendered"] < 60, result


def test_adding_a_story(corpus_site, tmp_path):
    def change():
        return [os.path.relpath(corpus_site.story("ganz-neu", date=dt.date(2026, 5, 30), towns=("altdorf",),
                                                  pillars=("jugend",)), corpus_site.root)]

    assert _check_same_as_full(corpus_site, tmp_path, change)["kind"] == "stories"


def test_changing_the_date_moves_the_story_through_every_index(corpus_site, tmp_path):
    path = _story_path(corpus_site, 3)

    def change():
        date = _front_value(corpus_site, path, "date: ", "\n")
        corpus_site.edit(path, f"date: {date}", "date: 2019-01-02")
        moved = os.path.dirname(path).replace(date, "2019-01-02")  # the folder's name carries the date
        os.rename(os.path.join(corpus_site.root, os.path.dirname(path)), os.path.join(corpus_site.root, moved))
        return [path, os.path.join(moved, "index.md")]

    _check_same_as_full(corpus_site, tmp_path, change)


def test_deleting_a_story_leaves_no_orphan_page(corpus_site, tmp_path):
    path = _story_path(corpus_site, 11)

    def change():
        shutil.rmtree(os.path.join(corpus_site.root, os.path.dirname(path)))
        return [path]

    _check_same_as_full(corpus_site, tmp_path, change)
    assert not os.path.exists(tmp_path / "teilbau" / "geschichten" / "geschichte-00011")


def test_renaming_a_story_folder(corpus_site, tmp_path):
    path = _story_path(corpus_site, 20)
    folder = os.path.dirname(path)
    renamed = folder.replace("geschichte-00020", "umbenannt")

    def change():
        os.rename(os.path.join(corpus_site.root, folder), os.path.join(corpus_site.root, renamed))
        return [path, os.path.join(renamed, "index.md")]

    _check_same_as_full(corpus_site, tmp_path, change)
    assert not os.path.exists(tmp_path / "teilbau" / "geschichten" / "geschichte-00020")
    assert os.path.exists(tmp_path / "teilbau" / "geschichten" / "umbenannt" / "index.html")


def test_a_town_or_the_taxonomy_rebuilds_everything(corpus_site, tmp_path):
    def change():
        town = sorted(os.listdir(os.path.join(corpus_site.root, "towns")))[0]
        with open(os.path.join(corpus_site.root, "towns", town), "a", encoding="utf-8") as handle:
            handle.write("\nEin neuer Absatz im Porträt.\n")
        return [os.path.join("towns", town)]

    assert _check_same_as_full(corpus_site, tmp_path, change)["kind"] == "full"


def test_an_error_in_a_story_keeps_the_pages_and_the_fix_builds(corpus_site, tmp_path):
    from serve_engine import ContentProblems

    path = _story_path(corpus_site, 5)
    partial_dir = str(tmp_path / "teilbau")
    engine = make_engine(os.path.join(corpus_site.root, "mkdocs.yml"), partial_dir)
    engine.full()
    page = os.path.join(partial_dir, "geschichten", "geschichte-00005", "index.html")
    with open(page, "rb") as handle:
        before = handle.read()
    text = corpus_site.edit(path, "pillars: [", "pillars: [gibt-es-nicht, ")
    with pytest.raises(ContentProblems):
        engine.update({os.path.join(corpus_site.root, path)})
    with open(page, "rb") as handle:
        assert handle.read() == before
    corpus_site.write(path, text.replace('title: "', 'title: "Korrigiert: '))
    engine.update({os.path.join(corpus_site.root, path)})
    with open(page, encoding="utf-8") as handle:
        assert "Korrigiert: " in handle.read()


def test_the_preview_server_says_the_search_is_not_ready_and_reloads_without_inline_script(tmp_path):
    from serve import LIVERELOAD, Server

    server = Server(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    try:
        page = (b'<html><body><article class="md-content__inner md-typeset" id="ksg-inhalt">'
                b'<form data-ksg-search></form></article></body></html>')
        served = server._inject_js_into_html(page, 7).decode()
        assert "Suche wird vorbereitet" in served and 'role="status"' in served
        assert f'<script src="{LIVERELOAD}?epoch=7" defer></script></body>' in served
        assert "<script>" not in served
        server.search_ready = True
        assert "Suche wird vorbereitet" not in server._inject_js_into_html(page, 8).decode()
    finally:
        server.server_close()


def test_a_folder_moved_as_a_whole(corpus_site, tmp_path):
    """watchdog reports a moved folder once, not each file in it: tools/serve.py passes the folders."""
    town = os.path.join(corpus_site.root, "stories", sorted(os.listdir(os.path.join(corpus_site.root, "stories")))[0])
    first = sorted(os.listdir(town))[0]
    away = os.path.join(corpus_site.root, "beiseite")

    def change():
        os.makedirs(away)
        os.rename(os.path.join(town, first), os.path.join(away, first))  # out of stories/: deleted
        return [os.path.join(town, first) + os.sep]

    assert _check_same_as_full(corpus_site, tmp_path, change)["kind"] == "stories"


def test_serve_takes_the_praxisblaetter_a_build_set(corpus_site, tmp_path):
    """A sheet prints the published address, in the preview too: so `make serve` finds every sheet a build
    set in .cache/praxisblatt/ (at 10,000 stories it set all 3,334 anew, two minutes before the first page)."""
    built, served = str(tmp_path / "gebaut"), str(tmp_path / "vorschau")
    result = corpus_site.build(site_dir=built)
    assert result.returncode == 0, result.stderr[-3000:]
    cache = tmp_path / "praxisblatt"  # beside KSG_IMAGE_CACHE (the fixture's tmp_path / "bilder")
    sheets = sorted(path for path in _files(built) if path.endswith("praxisblatt.pdf"))
    assert len(sheets) >= 10 and len(os.listdir(cache)) == len(sheets)
    # The preview's pages have another address than the build's (here another port; in real use the
    # published address against http://127.0.0.1:8000/).
    engine = make_engine(os.path.join(corpus_site.root, "mkdocs.yml"), served, port=8765)
    engine.full()
    assert "127.0.0.1:8765" in corpus_site.html("", served)
    assert len(os.listdir(cache)) == len(sheets)  # not one sheet set anew
    for sheet in sheets:
        assert filecmp.cmp(os.path.join(built, sheet), os.path.join(served, sheet), shallow=False), sheet
