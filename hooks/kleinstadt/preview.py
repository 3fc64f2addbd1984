"""The contributor's preview: a site of only the stories a branch changes (`make preview`).

`KSG_ONLY_STORIES=stories/luebz/2026-11-25-x/index.md,...` (paths relative to the project folder) makes
the build load and validate just those stories, plus the taxonomy, the towns and the pillar texts; the
views then list only the changed stories' towns and pillars, the home page and the overviews. At 10,000
stories this is what keeps a preview under 3 seconds, where loading every story alone takes longer.

Checks that need every story (unique addresses across all stories, links to other stories, editions,
redirects) are not the preview's job: `make check` runs them all, and CI runs `make check` on every pull
request. So the preview keeps only the problems of the files it builds.
"""

from __future__ import annotations

import datetime as dt
import os

from .content import Content, load_content

ONLY_STORIES = "KSG_ONLY_STORIES"
# Problems in these files stop a preview too: every page the preview builds depends on them.
SHARED_FILES = ("taxonomy.yml",)
SHARED_FOLDERS = ("towns/", "pillars/")


def only_stories_from_environment() -> list[str] | None:
    """The story files named in KSG_ONLY_STORIES, or None for a full build. An empty value means none."""
    value = os.environ.get(ONLY_STORIES)
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def load_for_build(root: str, today: dt.date | None = None) -> Content:
    """What the MkDocs adapter loads: everything, or in a preview only the stories named."""
    only = only_stories_from_environment()
    if only is None:
        return load_content(root, today)
    return load_preview(root, only, today)


def load_preview(root: str, stories: list[str], today: dt.date | None = None) -> Content:
    root = os.path.abspath(root)
    paths = [os.path.normpath(os.path.join(root, path)) for path in stories]
    content = load_content(root, today, only_stories=[path for path in paths if os.path.isfile(path)])
    kept = {os.path.relpath(os.path.dirname(path), root).replace(os.sep, "/") + "/" for path in paths}
    content.problems.items = [
        problem for problem in content.problems.items
        if problem.file in SHARED_FILES or problem.file.startswith(SHARED_FOLDERS)
        or any(problem.file.startswith(folder) for folder in kept)
    ]
    return content


def shown_listing(content: Content, kind: str, has_stories: bool) -> bool:
    """In a preview only the index pages of the changed stories' towns and pillars are built."""
    if not content.partial:
        return True
    return kind == "alle" or (kind in ("pfeiler", "ort") and has_stories)
