"""The story cache (kleinstadt/content_cache.py): a warm load takes unchanged stories from .cache/geschichten/
and reports their problems again; anything a story's check depends on makes it be checked anew."""

from __future__ import annotations

import datetime as dt
import glob
import os
import pickle

import corpus
import pytest

from kleinstadt import cli, content_cache
from kleinstadt import content as content_module
from kleinstadt.preview import load_preview

from test_images import photo


@pytest.fixture(autouse=True)
def cache_in_site(monkeypatch):
    """The cache in the site's own .cache/, switched on, whatever the environment of the test run says."""
    monkeypatch.delenv("KSG_IMAGE_CACHE", raising=False)
    monkeypatch.delenv(content_cache.ENVIRONMENT, raising=False)


def load(site):
    """The content and the (reused, checked) counts of its story cache."""
    content = site.check()
    cache = content_module.last_story_cache
    return content, (cache.reused, cache.checked) if cache else None


def entries(site) -> list[str]:
    return sorted(glob.glob(os.path.join(site.root, ".cache", "geschichten", "*", "*" + content_cache.SUFFIX)))


def story_problems(content, slug: str) -> list[str]:
    return [p.format() for p in content.problems.sorted() if slug in p.file]


def some_stories(site) -> None:
    site.story("erste", body="## Ein Zwischentitel\n\nText mit [Sprung](#ein-zwischentitel).\n")
    site.story("zweite", themes=["kommunalpolitik"])
    # A byte order mark and Windows line ends: the cached body must be cut as load_story cuts it.
    text = corpus.story_text(title="Dritte", description="Anreißer.", date=dt.date(2026, 3, 3), towns=["altdorf"],
                             pillars=["jugend"], body="Zeile eins.\n\nZeile zwei.\n")
    site.write("stories/altdorf/2026-03-03-dritte/index.md", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    # A file that ends with the closing `---`: no body at all.
    text = corpus.story_text(title="Vierte", description="Anreißer.", date=dt.date(2026, 3, 4), towns=["altdorf"],
                             pillars=["jugend"], body="")
    site.write("stories/altdorf/2026-03-04-vierte/index.md", text.rstrip("\n"))


def test_second_load_takes_every_story_from_the_cache(site, monkeypatch):
    some_stories(site)
    first, counts = load(site)
    assert counts == (0, 4) and not first.problems
    assert len(entries(site)) == 4
    second, counts = load(site)
    assert counts == (4, 0)
    assert second.stories == first.stories  # every field, the body too
    bodies = {story.slug: story.body for story in second.stories}
    assert bodies["dritte"] == "\nZeile eins.\n\nZeile zwei.\n" and bodies["vierte"] == ""
    monkeypatch.setenv(content_cache.ENVIRONMENT, "0")
    assert site.check().stories == second.stories


def test_edited_story_is_checked_again(site):
    some_stories(site)
    load(site)
    site.edit("stories/altdorf/2026-03-01-erste/index.md", "Geschichte erste", "Neuer Titel")
    content, counts = load(site)
    assert counts == (3, 1)
    assert "Neuer Titel" in [story.title for story in content.stories]


def test_changed_taxonomy_checks_every_story_again(site):
    some_stories(site)
    load(site)
    site.edit("taxonomy.yml", "slug: kommunalpolitik", "slug: lokalpolitik")
    content, counts = load(site)
    assert counts == (0, 4)
    assert "„kommunalpolitik“ ist als Themenfeld unbekannt." in "".join(story_problems(content, "zweite"))


def test_new_town_checks_every_story_again(site):
    site.story("nachbarn", towns=("altdorf", "neustadt"))
    content, _ = load(site)
    assert "„neustadt“ ist als Ort unbekannt." in "".join(story_problems(content, "nachbarn"))
    with open(os.path.join(site.root, "towns", "neudorf.md"), encoding="utf-8") as handle:
        site.write("towns/neustadt.md", handle.read().replace("Neudorf", "Neustadt").replace("16000002", "16000003"))
    content, counts = load(site)
    assert counts == (0, 1)
    assert story_problems(content, "nachbarn") == []
    assert [story.towns for story in content.stories] == [["altdorf", "neustadt"]]


def test_files_beside_the_story_count(site):
    """A linked file and the title image are looked up in the story's folder, the image checked by content."""
    site.story("mit-plan", body="Der [Plan](plan.pdf) der Stadt.\n", extra="image:\n  file: titelbild.jpg\n"
               "  alt: Der Marktplatz am Abend\n  credit: Mia K.\n  license: CC BY 4.0")
    folder = "stories/altdorf/2026-03-01-mit-plan/"
    site.write(folder + "titelbild.jpg", photo(width=1000))
    content, _ = load(site)
    found = "".join(story_problems(content, "mit-plan"))
    assert "„plan.pdf“ gibt es im Ordner der Geschichte nicht" in found and "nur 1000 Pixel breit" in found
    site.write(folder + "plan.pdf", b"%PDF-1.4\n")
    content, counts = load(site)
    assert counts == (0, 1)
    assert "plan.pdf" not in "".join(story_problems(content, "mit-plan"))
    site.write(folder + "titelbild.jpg", photo(width=1600))
    content, counts = load(site)
    assert counts == (0, 1)
    assert story_problems(content, "mit-plan") == [] and content.stories[0].image.file == "titelbild.jpg"
    assert load(site)[1] == (1, 0)


def test_problems_come_again_from_the_cache(site):
    site.story("fehler", pillars=("jugendd",))
    site.story("warnung", title="Wir <b>feiern</b>")  # a warning: the story is kept, the build goes on
    first, counts = load(site)
    assert counts == (0, 2)
    second, counts = load(site)
    assert counts == (2, 0)
    assert second.problems.items == first.problems.items
    assert second.problems.report() == first.problems.report()
    assert len(second.problems.errors) == 1 and len(second.problems.warnings) == 1
    assert [story.slug for story in second.stories] == ["warnung"]


def test_make_check_fails_the_same_with_the_cache(site, capsys):
    site.story("fehler", pillars=("jugendd",))
    site.story("warnung", title="Wir <b>feiern</b>")
    runs = []
    for _ in range(2):
        code = cli.main(["check", "--root", site.root])
        runs.append((code, capsys.readouterr().out))
    assert content_module.last_story_cache.reused == 2
    assert runs[0] == runs[1]
    assert runs[0][0] == 1
    assert "„jugendd“ ist als Pfeiler unbekannt." in runs[0][1] and ": Warnung: Feld „title“" in runs[0][1]


def test_stray_file_is_reported_every_time(site):
    some_stories(site)
    site.write("stories/notiz.md", "Nur eine Notiz.\n")
    first, counts = load(site)
    second, counts = load(site)
    assert counts == (4, 1)  # not cached: its folder would be all of stories/
    assert len(entries(site)) == 4
    assert second.problems.items == first.problems.items
    assert [p.message for p in second.problems.items] == ["Die Geschichte liegt nicht im richtigen Ordner."]


@pytest.mark.parametrize("damage", ["garbage", "empty", "truncated", "other-pickle", "folder-is-a-file"])
def test_damaged_cache_is_ignored(site, damage):
    some_stories(site)
    first, _ = load(site)
    for path in entries(site):
        with open(path, "rb") as handle:
            data = handle.read()
        head = data.split(b"\n", 1)[0] + b"\n"
        with open(path, "wb") as handle:
            handle.write({"garbage": head + b"\x80kaputt", "empty": b"", "truncated": data[: len(head) + 20],
                          "other-pickle": head + pickle.dumps((None, ["kein Problem"])),
                          "folder-is-a-file": data}[damage])
    if damage == "folder-is-a-file":  # nothing can be read or written: the load goes on without
        folder = os.path.join(site.root, ".cache", "geschichten")
        os.rename(folder, folder + "-alt")
        site.write(".cache/geschichten", "kein Ordner")
    second, counts = load(site)
    assert counts == (0, 4)
    assert second.stories == first.stories and not second.problems
    if damage != "folder-is-a-file":
        assert load(site)[1] == (4, 0)  # written anew


def test_switch_turns_the_cache_off(site, monkeypatch):
    some_stories(site)
    monkeypatch.setenv(content_cache.ENVIRONMENT, "0")
    content, counts = load(site)
    assert counts is None and len(content.stories) == 4
    assert not os.path.exists(os.path.join(site.root, ".cache", "geschichten"))


def test_switched_off_cache_is_not_read(site, monkeypatch):
    """A cache left from before is not read when the switch is off, even a wrong one."""
    some_stories(site)
    load(site)
    wrong = {}
    for path in entries(site):
        with open(path, "rb") as handle:
            head, body = handle.read().split(b"\n", 1)
        story, items = pickle.loads(body)
        if story is not None:
            story.title = "Falsch"
        wrong[path] = head + b"\n" + pickle.dumps((story, items))
        with open(path, "wb") as handle:
            handle.write(wrong[path])
    assert {story.title for story in site.check().stories} == {"Falsch"}  # the cache is read when on
    monkeypatch.setenv(content_cache.ENVIRONMENT, "0")
    assert "Falsch" not in {story.title for story in site.check().stories}


def test_changed_checking_code_checks_every_story_again(site, monkeypatch):
    some_stories(site)
    load(site)
    monkeypatch.setattr(content_cache, "CODE_VERSION", "anders")
    assert load(site)[1] == (0, 4)
    assert load(site)[1] == (4, 0)


def test_code_version_covers_every_module_of_the_check():
    from kleinstadt import story

    names = {os.path.basename(path) for path in content_cache._modules_of(story.__file__)}
    assert {"story.py", "fields.py", "frontmatter.py", "markup.py", "images.py", "practice.py", "sources.py",
            "story_markdown.py", "text.py", "problems.py", "taxonomy.py"} <= names


def test_parallel_load_fills_the_cache(site, monkeypatch):
    some_stories(site)
    site.story("fehler", pillars=("jugendd",))
    monkeypatch.setattr(content_module, "PARALLEL_FROM", 1)
    monkeypatch.setenv("KSG_WORKERS", "2")
    first, counts = load(site)
    assert content_module.last_load_workers == 2 and counts == (0, 5)
    second, counts = load(site)
    assert counts == (5, 0)
    assert second.stories == first.stories and second.problems.items == first.problems.items
    monkeypatch.setenv(content_cache.ENVIRONMENT, "0")
    single = site.check()
    assert single.stories == second.stories and single.problems.items == second.problems.items


def test_preview_takes_its_story_from_the_cache(site):
    some_stories(site)
    load(site)
    content = load_preview(site.root, ["stories/altdorf/2026-03-01-zweite/index.md"], today=dt.date(2026, 6, 1))
    assert (content_module.last_story_cache.reused, content_module.last_story_cache.checked) == (1, 0)
    assert [story.slug for story in content.stories] == ["zweite"]
