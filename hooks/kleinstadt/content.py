"""Loads and validates all content of the publication: taxonomy, towns, pillar texts and stories."""

from __future__ import annotations

import datetime as dt
import glob
import multiprocessing
import os
import threading
from dataclasses import dataclass, field

from .content_cache import StoryCache, load_checked
from .edition import Editions, load_editions
from .problems import Problems
from .redirects import check_archive, load_redirects
from .story import Story
from .taxonomy import Taxonomy, load_taxonomy
from .text import read_text
from .town import Town, load_town


@dataclass
class Content:
    root: str
    taxonomy: Taxonomy
    towns: dict[str, Town]
    stories: list[Story]  # every valid story, whatever its status, newest first
    pillar_texts: dict[str, str]  # pillar slug -> Markdown
    problems: Problems
    today: dt.date = field(default_factory=dt.date.today)
    editions: Editions = field(default_factory=Editions)  # newest first
    redirects: dict[str, str] = field(default_factory=dict)  # old address -> new address
    partial: bool = False  # a preview of a few stories only (kleinstadt/preview.py)

    def visible_stories(self, include_drafts: bool = False) -> list[Story]:
        """What a build shows: public stories, or in a preview also drafts, reviews and embargoed ones."""
        if include_drafts:
            return list(self.stories)
        return [story for story in self.stories if story.is_public(self.today)]


def today_from_environment() -> dt.date:
    """`KSG_TODAY=2026-12-01` fakes the clock (like Hugo's --clock) to test embargoes."""
    value = os.environ.get("KSG_TODAY")
    return dt.date.fromisoformat(value) if value else dt.date.today()


def load_content(root: str, today: dt.date | None = None, only_stories: list[str] | None = None) -> Content:
    """Everything, or with `only_stories` (absolute paths of index.md) just those stories, for a preview."""
    root = os.path.abspath(root)
    problems = Problems(root)
    taxonomy = load_taxonomy(root, problems)
    towns: dict[str, Town] = {}
    for path in sorted(glob.glob(os.path.join(root, "towns", "*.md"))):
        town = load_town(path, taxonomy, problems)
        if town:
            towns[town.slug] = town
    town_slugs = _town_slugs(root)
    for team in taxonomy.teams.values():
        if team.town and team.town not in town_slugs:
            problems.add(os.path.join(root, "taxonomy.yml"), taxonomy.lines.get(f"teams.{team.slug}.town"),
                         f"teams.{team.slug}.town",
                         f"Der Ort „{team.town}“ des Teams ist unbekannt.", "Lege zuerst das Ortsprofil in towns/ an.")
    pillar_texts = _pillar_texts(root, taxonomy, problems)
    stories_root = os.path.join(root, "stories")
    stories = []
    if only_stories is None:
        story_paths = sorted(glob.glob(os.path.join(stories_root, "**", "*.md"), recursive=True))
    else:
        story_paths = sorted(only_stories)
    stories = _load_stories(story_paths, stories_root, taxonomy, town_slugs, problems)
    _check_unique_urls(stories, problems)
    _check_site_links(stories, town_slugs, problems, all_stories=only_stories is None)
    stories.sort(key=lambda story: story.sort_key)
    today = today or today_from_environment()
    editions = load_editions(root, stories, today, problems)
    # Addresses a build makes from the content; redirects point at them, old releases are checked against them.
    content_urls = ({story.url for story in stories if story.is_public(today)} | {town.url for town in towns.values()}
                    | {edition.url for edition in editions.visible(today)})
    redirects = load_redirects(root, content_urls, problems)
    check_archive(root, content_urls, redirects, problems)
    return Content(root, taxonomy, towns, stories, pillar_texts, problems, today, editions, redirects,
                   partial=only_stories is not None)


PARALLEL_FROM = 2000  # stories to check; below that, starting processes costs more than it saves
last_load_workers = 1  # how many processes the last load_content used (for the tests)
last_story_cache: StoryCache | None = None  # the story cache of the last load_content, with its counts


def _load_stories(paths: list[str], stories_root: str, taxonomy: Taxonomy, town_slugs: set[str],
                  problems: Problems) -> list[Story]:
    """Load and check the stories: unchanged ones from the story cache (kleinstadt/content_cache.py), the
    others on all cores when there are many: at 10,000 stories the check ran alone on one core while the
    rest of the build waited for it."""
    global last_load_workers, last_story_cache
    cache = last_story_cache = StoryCache.for_content(problems.root, stories_root, town_slugs)
    results: dict[str, tuple[Story | None, list]] = {}
    keys = {}
    if cache is not None:
        for path in paths:
            found, keys[path] = cache.lookup(path)
            if found is not None:
                results[path] = found
        cache.reused = len(results)
    todo = [path for path in paths if path not in results]
    workers = max(1, int(os.environ.get("KSG_WORKERS", os.cpu_count() or 1)))
    # Forking a process that runs threads (`mkdocs serve`) can deadlock: load those one by one.
    if len(todo) < PARALLEL_FROM or workers < 2 or threading.active_count() > 1 or not hasattr(os, "fork"):
        last_load_workers = 1
        loaded = _load_share(todo, [keys.get(p) for p in todo], cache, stories_root, taxonomy, town_slugs,
                             problems.root)
    else:
        shares = [(todo[index::workers], [keys.get(p) for p in todo[index::workers]], cache, stories_root, taxonomy,
                   town_slugs, problems.root) for index in range(workers)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            loaded = [pair for share in pool.starmap(_load_share, shares) for pair in share]
        last_load_workers = workers
    if cache is not None:
        cache.checked = len(loaded)
    results.update(loaded)
    stories = []
    for path in paths:  # the order of one process, whatever came from where
        story, items = results[path]
        problems.items.extend(items)
        if story:
            stories.append(story)
    return stories


def _load_share(paths, keys, cache, stories_root, taxonomy, town_slugs, root) -> list[tuple[str, tuple]]:
    return [(path, load_checked(cache, path, key, stories_root, taxonomy, town_slugs, root))
            for path, key in zip(paths, keys)]


def _town_slugs(root: str) -> set[str]:
    # Every profile file counts as a known town, even one with errors of its own: a story that
    # names it should not get a second, misleading error.
    return {os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(root, "towns", "*.md"))}


def _pillar_texts(root: str, taxonomy: Taxonomy, problems: Problems) -> dict[str, str]:
    texts = {}
    for path in sorted(glob.glob(os.path.join(root, "pillars", "*.md"))):
        slug = os.path.splitext(os.path.basename(path))[0]
        if slug not in taxonomy.pillars:
            problems.add(path, None, None, f"Zu „{slug}“ gibt es keinen Pfeiler in taxonomy.yml.",
                         "Der Dateiname muss das Kürzel eines Pfeilers sein, zum Beispiel jugend.md.")
            continue
        text = read_text(path, problems)
        if text is not None:
            texts[slug] = text
    return texts


def _check_unique_urls(stories: list[Story], problems: Problems) -> None:
    first: dict[str, Story] = {}
    for story in stories:
        other = first.setdefault(story.url, story)
        if other is not story:
            problems.add(story.path, None, "slug",
                         f"Die Adresse /{story.url} hat schon die Geschichte {problems.relative(other.path)}.",
                         "Wähle für eine der beiden einen anderen Kurznamen (Ordnername oder `slug:`).")


def _check_site_links(stories: list[Story], town_slugs: set[str], problems: Problems, all_stories: bool = True) -> None:
    """Links such as /orte/malchin/ or /geschichten/<kurzname>/ must name a page that exists."""
    known = {"orte": town_slugs}
    if all_stories:  # a preview loads only some stories: links to the others are checked by `make check`
        known["geschichten"] = {story.slug for story in stories}
    for story in stories:
        for link in story.links:
            target = link.target.split("#", 1)[0]
            if not target.startswith("/") or target.startswith("//"):
                continue
            parts = [part for part in target.split("/") if part]
            if len(parts) == 2 and parts[0] in known and parts[1] not in known[parts[0]]:
                problems.add(story.path, link.line, None, f"Der Link „{link.target}“ führt auf keine Seite.",
                             "Prüfe den Kurznamen des Ortes oder der Geschichte.")
