"""Views derived from the content: who belongs to which pillar, region, town and theme; pages of
listings; related stories. Pure functions of the model: every index is built in one pass over the
stories, and nothing compares all pairs of stories.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from .content import Content
from .practice import PracticeIndex
from .preview import shown_listing
from .story import Story
from .text import german_sort_key

PAGE_SIZE = 20
RELATED_COUNT = 3
RELATED_WINDOW = 6  # neighbours by date looked at in each shared town and pillar list


@dataclass
class Listing:
    """Stories of one index, newest first: all stories, a pillar, a region, a town or a theme."""

    kind: str  # "alle", "pfeiler", "region", "ort", "thema", "herausforderung"
    key: str
    title: str
    url: str  # the first page, such as "pfeiler/jugend/"
    stories: list[Story]
    description: str = ""

    def page_url(self, number: int) -> str:
        return self.url if number == 1 else f"{self.url}seite/{number}/"

    @property
    def page_count(self) -> int:
        return max(1, math.ceil(len(self.stories) / PAGE_SIZE))

    def pages(self) -> list[ListingPage]:
        total = self.page_count
        return [ListingPage(self, number, total) for number in range(1, total + 1)]


@dataclass
class ListingPage:
    listing: Listing
    number: int
    total: int

    @property
    def stories(self) -> list[Story]:
        start = (self.number - 1) * PAGE_SIZE
        return self.listing.stories[start : start + PAGE_SIZE]

    @property
    def url(self) -> str:
        return self.listing.page_url(self.number)

    @property
    def previous_url(self) -> str | None:
        return self.listing.page_url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.listing.page_url(self.number + 1) if self.number < self.total else None

    @property
    def first_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1


@dataclass
class Views:
    content: Content
    stories: list[Story]  # what this build shows, newest first
    by_pillar: dict[str, list[Story]] = field(default_factory=dict)
    by_town: dict[str, list[Story]] = field(default_factory=dict)
    by_region: dict[str, list[Story]] = field(default_factory=dict)  # keyed by ISO code
    by_theme: dict[str, list[Story]] = field(default_factory=dict)
    by_team: dict[str, list[Story]] = field(default_factory=dict)
    by_challenge: dict[str, list[Story]] = field(default_factory=dict)
    practices: PracticeIndex | None = None  # stories to copy, per challenge and town (kleinstadt/practice.py)
    _positions: dict[int, dict[int, int]] = field(default_factory=dict)

    # --- listings -----------------------------------------------------------------------------

    def listing_all(self) -> Listing:
        return Listing("alle", "alle", "Alle Geschichten", "geschichten/", self.stories,
                       "Alle Geschichten der Publikation, die neuesten zuerst.")

    def listings(self) -> list[Listing]:
        """Every generated index, in a stable order."""
        taxonomy = self.content.taxonomy
        result = [self.listing_all()]
        for pillar in taxonomy.pillars.values():
            result.append(Listing("pfeiler", pillar.slug, pillar.title, f"pfeiler/{pillar.slug}/",
                                  self.by_pillar[pillar.slug], pillar.short))
        for region in taxonomy.regions.values():
            result.append(Listing("region", region.code, region.name, f"regionen/{region.slug}/",
                                  self.by_region[region.code], f"Geschichten aus {region.name}."))
        for town in self.content.towns.values():
            result.append(Listing("ort", town.slug, town.name, town.url, self.by_town[town.slug],
                                  town.description or f"Geschichten aus {town.name}."))
        for theme in taxonomy.themes.values():
            result.append(Listing("thema", theme.slug, theme.title, f"themen/{theme.slug}/",
                                  self.by_theme[theme.slug], f"Geschichten zum Themenfeld {theme.title}."))
        for challenge in taxonomy.challenges.values():
            result.append(Listing("herausforderung", challenge.slug, challenge.title,
                                  f"herausforderungen/{challenge.slug}/", self.by_challenge[challenge.slug],
                                  challenge.short or f"Geschichten zur Herausforderung {challenge.title}."))
        # A preview (kleinstadt/preview.py) builds only the indexes of its stories' towns and pillars.
        return [item for item in result if shown_listing(self.content, item.kind, bool(item.stories))]

    def towns_of_region(self, code: str) -> list:
        return sorted((t for t in self.content.towns.values() if t.state == code),
                      key=lambda t: german_sort_key(t.name))

    def newest_of_region(self, code: str) -> Story | None:
        """The newest story about this state alone: one about towns in several states (the platform for all
        ten towns) would be the newest of every state and tell nothing about any of them."""
        towns = self.content.towns
        for story in self.by_region.get(code, []):
            if all(slug in towns and towns[slug].state == code for slug in story.towns):
                return story
        return None

    def towns_by_name(self) -> list:
        """Every town, from A to Z as in a German index."""
        return sorted(self.content.towns.values(), key=lambda t: german_sort_key(t.name))

    # --- related stories ----------------------------------------------------------------------

    def related(self, story: Story, count: int = RELATED_COUNT) -> list[Story]:
        """Stories of the same town or pillar, nearest in date; ranked by what they share."""
        candidates: dict[int, Story] = {}
        lists = [self.by_town.get(t, []) for t in story.towns] + [self.by_pillar.get(p, []) for p in story.pillars]
        for stories in lists:
            position = self._position(stories, story)
            if position is None:
                continue
            low, high = max(0, position - RELATED_WINDOW), position + RELATED_WINDOW + 1
            for other in stories[low:high]:
                if other is not story:
                    candidates[id(other)] = other

        def score(other: Story) -> tuple:
            shared = (2 * len(set(story.towns) & set(other.towns)) + len(set(story.pillars) & set(other.pillars))
                      + 0.5 * len(set(story.themes) & set(other.themes)))
            return (-shared, abs((other.date - story.date).days), other.slug)

        return sorted(candidates.values(), key=score)[:count]

    def more_from_town(self, story: Story, town: str, count: int = 3) -> list[Story]:
        stories = self.by_town.get(town, [])
        position = self._position(stories, story) or 0
        nearby = stories[max(0, position - count) : position + count + 1]
        return [other for other in nearby if other is not story][:count]

    def _position(self, stories: list[Story], story: Story) -> int | None:
        positions = self._positions.get(id(stories))
        if positions is None:
            positions = {id(s): i for i, s in enumerate(stories)}
            self._positions[id(stories)] = positions
        return positions.get(id(story))


def build_views(content: Content, include_drafts: bool = False) -> Views:
    stories = content.visible_stories(include_drafts)
    taxonomy = content.taxonomy
    views = Views(content, stories)
    views.by_pillar = {slug: [] for slug in taxonomy.pillars}
    views.by_region = {code: [] for code in taxonomy.regions}
    views.by_town = {slug: [] for slug in content.towns}
    views.by_theme = {slug: [] for slug in taxonomy.themes}
    views.by_team = defaultdict(list)
    views.by_challenge = {slug: [] for slug in taxonomy.challenges}
    for story in stories:  # already newest first, so every list is too
        for pillar in story.pillars:
            views.by_pillar[pillar].append(story)
        regions = []
        for slug in story.towns:
            town = content.towns.get(slug)
            views.by_town.setdefault(slug, []).append(story)
            if town and town.state not in regions:
                regions.append(town.state)
        for code in regions:
            views.by_region[code].append(story)
        for theme in story.themes:
            views.by_theme[theme].append(story)
        for team in story.authors:
            views.by_team[team].append(story)
        for challenge in story.challenges:
            views.by_challenge[challenge].append(story)
    views.practices = PracticeIndex.build(stories, content.towns)
    return views
