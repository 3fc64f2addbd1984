"""What `make serve` needs to rebuild after an edit: the content with only the changed stories read again,
and for every page a signature of what it shows, so that only pages whose signature changed are rendered.

MkDocs-free like the rest of the core; the MkDocs side is hooks/serve_engine.py.

A signature holds the Story objects a page shows. Unchanged stories keep their object between edits, and
a tuple compares its items by identity first: comparing two signatures costs little when nothing changed,
and a re-read story compares by value (a save without a change renders nothing).
"""

from __future__ import annotations

import os
from dataclasses import replace

from .content import Content, _check_site_links, _check_unique_urls
from .edition import load_editions
from .problems import Problems
from .redirects import check_archive, load_redirects
from .story import load_story
from .views import RELATED_WINDOW

# Changes that only touch these need no full rebuild: one story's index.md.
STORY_FILE = "index.md"


def classify(root: str, paths: set[str]) -> str:
    """"stories" when every changed path is a story text (stories/<ort>/<ordner>/index.md) or a folder below
    stories/ (written with a trailing slash: a folder moved or deleted with everything in it), else "full"."""
    stories_root = os.path.join(os.path.abspath(root), "stories") + os.sep
    for path in paths:
        folder = path.endswith(os.sep)
        path = os.path.abspath(path)
        if not (path.startswith(stories_root) and (folder or os.path.basename(path) == STORY_FILE)):
            return "full"
    return "stories"


def story_files(paths: set[str]) -> tuple[set[str], list[str]]:
    """The story texts named by `paths`, and the folders (trailing slash) among them, as absolute paths."""
    files, folders = set(), []
    for path in paths:
        if path.endswith(os.sep):
            folder = os.path.abspath(path)
            folders.append(folder + os.sep)
            for base, _, names in os.walk(folder):  # a folder moved here: every story text in it
                if STORY_FILE in names:
                    files.add(os.path.join(base, STORY_FILE))
        else:
            files.add(os.path.abspath(path))
    return files, folders


def reload_stories(content: Content, paths: set[str]) -> Content:
    """The content with the stories at `paths` read again (added, changed or deleted); everything else,
    taxonomy and towns included, is kept. Problems of the new state are in the result's `problems`."""
    root = content.root
    problems = Problems(root)
    stories_root = os.path.join(root, "stories")
    paths, folders = story_files(paths)
    town_slugs = set(content.towns)
    kept = [story for story in content.stories
            if story.path not in paths and not story.path.startswith(tuple(folders))]
    fresh = []
    for path in sorted(paths):
        if os.path.isfile(path):
            story = load_story(path, stories_root, content.taxonomy, town_slugs | _town_files(root), problems)
            if story:
                fresh.append(story)
    stories = kept + fresh
    _check_unique_urls(sorted(stories, key=lambda story: story.path), problems)
    _check_site_links(stories, _town_files(root), problems)
    stories.sort(key=lambda story: story.sort_key)
    today = content.today
    editions = load_editions(root, stories, today, problems)
    content_urls = ({story.url for story in stories if story.is_public(today)}
                    | {town.url for town in content.towns.values()} | {edition.url for edition in editions.visible(today)})
    redirects = load_redirects(root, content_urls, problems)
    check_archive(root, content_urls, redirects, problems)
    return replace(content, stories=stories, problems=problems, editions=editions, redirects=redirects)


def _town_files(root: str) -> set[str]:
    folder = os.path.join(root, "towns")
    return {name[:-3] for name in os.listdir(folder) if name.endswith(".md")} if os.path.isdir(folder) else set()


# A story page shows stories up to this many places away from it in its towns' and pillars' lists
# ("Ähnliche Geschichten": views.RELATED_WINDOW, "Mehr aus …": six); one more for the shift an added or
# removed story causes.
NEIGHBOURS = max(RELATED_WINDOW, 6) + 1


def neighbours(views, stories) -> set[str]:
    """Slugs of the stories whose page may show one of `stories` (or did, in the views before an edit)."""
    found = set()
    for story in stories:
        found.add(story.slug)
        lists = [views.by_town.get(t, []) for t in story.towns] + [views.by_pillar.get(p, []) for p in story.pillars]
        for items in lists:
            position = views._position(items, story)
            if position is not None:
                found.update(other.slug for other in items[max(0, position - NEIGHBOURS): position + NEIGHBOURS + 1])
    return found


def signatures(views, pages: dict, editions: list, before: dict | None = None, changed: set[str] | None = None) -> dict:
    """src_uri -> what the page shows, for the generated pages of hooks/site.py (kind, data). Pages that show
    counts or the newest stories of everything (overviews, editions, the home page) get None: always rendered.

    With `before` (the signatures of the last build) and `changed` (slugs from `neighbours`, before and after
    the edit), a story page outside `changed` keeps its signature: nothing it shows moved."""
    result = {}
    for src_uri, (kind, data) in pages.items():
        if kind == "story":
            story = data
            if before is not None and changed is not None and story.slug not in changed and src_uri in before:
                result[src_uri] = before[src_uri]
                continue
            first_town = story.towns[0]
            edition = views.content.editions.of_story(story)
            result[src_uri] = (story, tuple(views.related(story)), tuple(views.more_from_town(story, first_town, 6)),
                               (edition.number, edition.title, edition.url) if edition and edition in editions else None)
        elif kind in ("listing", "town"):
            page = data[1] if kind == "town" else data
            listing = page.listing
            result[src_uri] = (listing.kind, listing.key, page.number, page.total, len(listing.stories),
                               tuple(page.stories))
        else:
            result[src_uri] = None
    return result
