"""Editions (Ausgaben): editions/<jjjj-n>.md, like the issues of a magazine.

An edition has a number such as "2026/1", a title, a date, its stories (slugs or paths of story
folders) and the editorial in the body. Its address /ausgaben/2026-1/ is derived from the number
alone, so that it never changes once published. A story appears in at most one edition.

The edition page and the print edition show the stories town by town (`by_town`): towns in alphabetical
order, the newest story first within a town, whatever the order of the list in the file.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import re
from dataclasses import dataclass, field

from . import markup
from .fields import FieldChecker, open_front_matter, suggest
from .problems import Problems
from .story import Story
from .text import german_sort_key

EDITION_KEYS = {"number", "title", "date", "stories", "description"}
NUMBER = re.compile(r"^(\d{4})/([1-9]\d*)$")
DESCRIPTION_MAX = 200


@dataclass
class Edition:
    path: str
    number: str  # "2026/1"
    title: str
    date: dt.date
    stories: list[Story]  # in the order of the file; shown town by town (by_town)
    body: str  # the editorial, Markdown
    body_line: int
    description: str = ""

    @property
    def slug(self) -> str:
        return self.number.replace("/", "-")

    @property
    def url(self) -> str:
        return f"ausgaben/{self.slug}/"

    @property
    def sort_key(self) -> tuple:
        # Newest first: by date, then by the running number within the year.
        year, running = (int(part) for part in self.number.split("/"))
        return (-self.date.toordinal(), -year, -running)

    def is_public(self, today: dt.date) -> bool:
        return self.date <= today

    def visible_stories(self, visible: list[Story]) -> list[Story]:
        """The edition's stories that this build shows, in the edition's order."""
        shown = {id(story) for story in visible}
        return [story for story in self.stories if id(story) in shown]

    def by_town(self, visible: list[Story], towns: dict) -> list[tuple]:
        """The shown stories under their town, as (town, stories): towns alphabetically by name, the newest
        story first within a town. A story about several towns stands under the first town it names."""
        groups: dict[str, list[Story]] = {}
        for story in self.visible_stories(visible):
            groups.setdefault(story.towns[0], []).append(story)
        order = sorted(groups, key=lambda slug: german_sort_key(towns[slug].name))
        return [(towns[slug], sorted(groups[slug], key=lambda story: story.sort_key)) for slug in order]

    def highlights(self, visible: list[Story], count: int = 3, shown_already=()) -> list[Story]:
        """The newest shown stories, each from another town (the first it names) as long as there are towns
        left; newest first. Stories the page shows elsewhere (`shown_already`) are taken only when no other
        is left, so that the home page does not show a story twice."""
        stories = sorted(self.visible_stories(visible), key=lambda story: story.sort_key)
        seen = {id(story) for story in shown_already}
        newest = [s for s in stories if id(s) not in seen] + [s for s in stories if id(s) in seen]
        chosen: list[Story] = []
        towns: set[str] = set()
        for story in newest:
            if len(chosen) < count and story.towns[0] not in towns:
                chosen.append(story)
                towns.add(story.towns[0])
        for story in newest:  # fewer towns than places: the newest of the rest
            if len(chosen) < count and story not in chosen:
                chosen.append(story)
        return sorted(chosen, key=lambda story: story.sort_key)


@dataclass
class Editions:
    """All valid editions, newest first, and which edition each story appeared in."""

    items: list[Edition] = field(default_factory=list)
    _by_story: dict[int, Edition] = field(default_factory=dict)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def visible(self, today: dt.date, include_drafts: bool = False) -> list[Edition]:
        """Editions a build shows: those whose date has come, or in a preview all of them."""
        return [e for e in self.items if include_drafts or e.is_public(today)]

    def latest(self, today: dt.date, include_drafts: bool = False) -> Edition | None:
        shown = self.visible(today, include_drafts)
        return shown[0] if shown else None

    def of_story(self, story: Story) -> Edition | None:
        return self._by_story.get(id(story))


def load_editions(root: str, stories: list[Story], today: dt.date, problems: Problems) -> Editions:
    """Read every editions/*.md; unknown stories, duplicate numbers and bad dates become problems."""
    by_slug = {story.slug: story for story in stories}
    by_folder = {os.path.relpath(story.folder, root).replace(os.sep, "/"): story for story in stories}
    editions: list[Edition] = []
    numbers: dict[str, Edition] = {}
    appeared: dict[int, Edition] = {}
    for path in sorted(glob.glob(os.path.join(root, "editions", "*.md"))):
        edition = _load_edition(path, by_slug, by_folder, today, problems)
        if edition is None:
            continue
        first = numbers.setdefault(edition.number, edition)
        if first is not edition:
            problems.add(path, _line_of(path, "number"), "number",
                         f"Die Nummer {edition.number} hat schon die Ausgabe {problems.relative(first.path)}.",
                         "Jede Ausgabe braucht eine eigene Nummer; zähle weiter, zum Beispiel 2026/2.")
            continue
        editions.append(edition)
    editions.sort(key=lambda e: e.sort_key)
    # A story belongs to the first edition it appeared in; a second listing is an error.
    for edition in sorted(editions, key=lambda e: (e.date, e.number)):
        for story in edition.stories:
            earlier = appeared.setdefault(id(story), edition)
            if earlier is not edition:
                problems.add(edition.path, _line_of(edition.path, "stories"), "stories",
                             f"Die Geschichte „{story.slug}“ ist schon in Ausgabe {earlier.number} erschienen.",
                             "Eine Geschichte erscheint nur in einer Ausgabe; nimm sie hier heraus.")
    return Editions(editions, appeared)


def _load_edition(path: str, by_slug: dict[str, Story], by_folder: dict[str, Story], today: dt.date,
                  problems: Problems) -> Edition | None:
    opened = open_front_matter(path, problems, EDITION_KEYS)
    if opened is None:
        return None
    text, front, check = opened
    data = front.data

    number = check.text(data, "number", hint="Gib die Nummer der Ausgabe als Jahr/laufende Nummer an: "
                                               "`number: \"2026/1\"`.")
    if number and not NUMBER.match(number):
        check.error("number", f"„{number}“ ist keine gültige Nummer einer Ausgabe.",
                    "Schreibe Jahr und laufende Nummer mit Schrägstrich in Anführungszeichen: `number: \"2026/1\"`.")
        number = None
    title = check.plain_text(data, "title", hint="Zum Beispiel `title: \"Ausgabe 2026/1\"`.")
    description = check.plain_text(data, "description", required=False, max_length=DESCRIPTION_MAX)
    date = check.date(data, "date")
    if number and date and int(number.split("/")[0]) != date.year:
        check.error("date", f"Das Datum {date.isoformat()} liegt nicht im Jahr der Ausgabe {number}.",
                    "Jahr im Datum und in der Nummer müssen gleich sein.")
    stories = _stories(check, data, by_slug, by_folder)
    if date and date <= today:
        for index, story in stories:
            if not story.is_public(today):
                check.error(f"stories[{index}]",
                            f"Die Geschichte „{story.slug}“ ist nicht veröffentlicht, die Ausgabe aber schon.",
                            "Setze in der Geschichte `status: published` oder nimm sie aus der Ausgabe.")
    if not front.body.strip():
        problems.add(path, front.body_line, None, "Das Editorial fehlt.",
                     "Schreibe unter den Kopfbereich ein paar Sätze, was diese Ausgabe versammelt.")
        check.ok = False
    elif not markup.report_unsafe(problems, path, front.body, front.body_line):  # the editorial: no raw HTML
        check.ok = False
    if not check.ok or None in (number, title, date):
        return None
    return Edition(path=path, number=number, title=title, date=date, stories=[story for _, story in stories],
                   body=front.body, body_line=front.body_line, description=description or "")


def _stories(check: FieldChecker, data: dict, by_slug: dict[str, Story],
             by_folder: dict[str, Story]) -> list[tuple[int, Story]]:
    values = check.string_list(data, "stories")
    if not values:
        return []
    found: list[tuple[int, Story]] = []
    seen: set[int] = set()
    for index, value in enumerate(values):
        key = f"stories[{index}]"
        story = _resolve(value, by_slug, by_folder)
        if story is None:
            hint = suggest(value.rstrip("/").split("/")[-1], by_slug) or \
                "Nenne den Kurznamen der Geschichte (Ordnername ohne Datum) oder den Pfad stories/<ort>/<ordner>."
            check.error(key, f"Die Geschichte „{value}“ gibt es nicht.", hint)
        elif id(story) in seen:
            check.error(key, f"Die Geschichte „{story.slug}“ steht doppelt in der Ausgabe.",
                        "Lass die Wiederholung weg.")
        else:
            seen.add(id(story))
            found.append((index, story))
    return found


def _resolve(value: str, by_slug: dict[str, Story], by_folder: dict[str, Story]) -> Story | None:
    """A slug ("malchin-teichsanierung") or a path ("stories/malchin/2026-10-02-.../index.md")."""
    value = value.strip()
    if "/" not in value:
        return by_slug.get(value)
    path = value.strip("/")
    if path.endswith("/index.md"):
        path = path[: -len("/index.md")]
    return by_folder.get(path)


def _line_of(path: str, key: str) -> int | None:
    """The line of a top-level key, for problems found after the file was parsed."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if line.startswith(f"{key}:"):
                return number
    return None
