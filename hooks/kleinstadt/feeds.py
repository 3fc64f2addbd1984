"""Atom feeds (RFC 4287): all stories, and one feed for every pillar, region, town, theme and challenge.

A feed lies beside its index page: geschichten/feed.xml, pfeiler/jugend/feed.xml, orte/<slug>/feed.xml.
Each holds the newest MAX_ENTRIES public stories, so the output grows linearly with the stories, not
with their square. Entries carry the teaser as summary and the rendered story as full content, with
links made absolute so that feed readers can show images.
"""

from __future__ import annotations

import datetime as dt
import os
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml.html import builder as E
from feedgen.feed import FeedGenerator

from .story import Story
from .views import Listing, Views

FEED_NAME = "feed.xml"
MAX_ENTRIES = 50
FEED_KINDS = ("alle", "pfeiler", "region", "ort", "thema", "herausforderung")
# The year in every tag: URI (RFC 4151). It never changes, so ids stay stable across builds.
TAG_YEAR = "2026"
SITE_TITLE = "Kleinstadtgeschichten"
KIND_LABELS = {"pfeiler": "Pfeiler", "region": "Region", "ort": "Ort", "thema": "Themenfeld",
               "herausforderung": "Herausforderung"}


def feed_url(listing: Listing) -> str:
    """Site-relative address of a listing's feed, such as "pfeiler/jugend/feed.xml"."""
    return listing.url + FEED_NAME


def feed_title(listing: Listing) -> str:
    if listing.kind == "alle":
        return f"{SITE_TITLE}: alle Geschichten"
    return f"{SITE_TITLE}: {KIND_LABELS[listing.kind]} {listing.title}"


def feed_listings(views: Views) -> list[Listing]:
    return [listing for listing in views.listings() if listing.kind in FEED_KINDS]


def feed_stories(listing: Listing, today: dt.date) -> list[Story]:
    """The newest public stories of a listing (a preview build lists drafts too; feeds never do)."""
    return [story for story in listing.stories if story.is_public(today)][:MAX_ENTRIES]


def tag_uri(site_url: str, path: str) -> str:
    """A stable id such as tag:example.org,2026:geschichten/brueckenfest/ (the host of site_url, no port)."""
    parts = urlsplit(site_url)
    return f"tag:{parts.hostname or 'localhost'},{TAG_YEAR}:{parts.path.lstrip('/')}{path}"


def changed(story: Story) -> dt.date:
    """The date a story last changed: `updated` if given, else its publication date."""
    return story.updated or story.date


def _timestamp(date: dt.date) -> dt.datetime:
    # Stories carry a date only; midnight UTC keeps the German calendar day in every European reader.
    return dt.datetime.combine(date, dt.time(), tzinfo=dt.timezone.utc)


def absolute_html(html: str, base_url: str) -> str:
    """The story body with every relative link and image made absolute (feed readers have no page)."""
    if not html.strip():
        return ""
    fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    fragment.make_links_absolute(base_url, resolve_base_href=False)
    wrapped = lxml.html.tostring(fragment, encoding="unicode")
    return wrapped[len("<div>") : -len("</div>")]


def story_image(story: Story, pictures=None) -> str | None:
    """Site-relative address of the story's title image for feeds and JSON-LD: the widest JPEG variant that
    the photo pipeline made (`pictures.hero(story)`, kleinstadt/media.py), else the file as the editor named it."""
    if not story.image:
        return None
    picture = pictures.hero(story) if pictures is not None else None
    if picture is not None and picture.fallback.srcset:
        return max(picture.fallback.srcset, key=lambda item: item[1])[0]
    return story.url + story.image.file


def story_content(story: Story, body_html: str, site_url: str, pictures=None) -> str:
    """Full content of an entry: the title image (if any) and the rendered body."""
    story_url = urljoin(site_url, story.url)
    parts = []
    image_url = story_image(story, pictures)
    if image_url:
        image = E.IMG(src=urljoin(site_url, image_url), alt=story.image.alt)
        caption = E.FIGCAPTION(f"Bild: {story.image.credit}, {story.image.license}")
        parts.append(lxml.html.tostring(E.FIGURE(image, caption), encoding="unicode"))
    parts.append(absolute_html(body_html, story_url))
    return "\n".join(parts)


def build_feed(listing: Listing, views: Views, site_url: str, story_html: dict[str, str],
               publisher: str, pictures=None, entry_content: dict[str, str] | None = None) -> bytes:
    """One feed. `entry_content` caches each story's full content across feeds (a story is in up to ~6)."""
    content = views.content
    entry_content = {} if entry_content is None else entry_content
    taxonomy = content.taxonomy
    stories = feed_stories(listing, content.today)
    feed = FeedGenerator()
    feed.id(tag_uri(site_url, listing.url))
    feed.title(feed_title(listing))
    if listing.description:
        feed.subtitle(listing.description)
    feed.language("de")
    # The feed's own author covers entries of every team; RFC 4287 wants one when a feed is empty.
    feed.author({"name": publisher})
    feed.link(href=urljoin(site_url, feed_url(listing)), rel="self", type="application/atom+xml")
    feed.link(href=urljoin(site_url, listing.url), rel="alternate", type="text/html")
    feed.icon(urljoin(site_url, "assets/favicon.svg"))
    feed.generator(SITE_TITLE)
    newest = max((changed(story) for story in stories), default=None)
    # An empty feed (a town without stories yet) is dated by the publication's newest story.
    newest = newest or max((changed(story) for story in views.stories if story.is_public(content.today)),
                           default=content.today)
    feed.updated(_timestamp(newest))
    for story in stories:
        url = urljoin(site_url, story.url)
        entry = feed.add_entry(order="append")
        entry.id(tag_uri(site_url, story.url))
        entry.title(story.title)
        # feedgen 1.0.0 writes only href for an entry's link; without rel it means "alternate" (RFC 4287, 4.2.7.2).
        entry.link(href=url, rel="alternate", type="text/html")
        entry.published(_timestamp(story.date))
        entry.updated(_timestamp(changed(story)))
        for team in story.authors:
            entry.author({"name": taxonomy.teams[team].name})
        for slug in story.pillars:
            entry.category(term=slug, label=taxonomy.pillars[slug].title, scheme=urljoin(site_url, "pfeiler/"))
        for slug in story.themes:
            entry.category(term=slug, label=taxonomy.themes[slug].title, scheme=urljoin(site_url, "themen/"))
        for slug in story.challenges:
            entry.category(term=slug, label=taxonomy.challenges[slug].title,
                           scheme=urljoin(site_url, "herausforderungen/"))
        for slug in story.towns:
            entry.category(term=slug, label=content.towns[slug].name, scheme=urljoin(site_url, "orte/"))
        entry.summary(story.description, type="text")
        if story.slug not in entry_content:
            entry_content[story.slug] = story_content(story, story_html.get(story.slug, ""), site_url, pictures)
        entry.content(entry_content[story.slug], type="html")
    return feed.atom_str(pretty=True)


def entry_slugs(views: Views) -> set[str]:
    """The stories that appear in at least one feed: only their rendered HTML needs keeping."""
    return {story.slug for listing in feed_listings(views) for story in feed_stories(listing, views.content.today)}


def write_feeds(site_dir: str, views: Views, site_url: str, story_html: dict[str, str], publisher: str,
                pictures=None) -> list[str]:
    """Write every feed into the built site; returns their site-relative paths."""
    written, entry_content = [], {}
    for listing in feed_listings(views):
        path = feed_url(listing)
        target = os.path.join(site_dir, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(build_feed(listing, views, site_url, story_html, publisher, pictures, entry_content))
        written.append(path)
    return written


class FeedLinks:
    """Feed autodiscovery for the templates: `ksg_feeds.links(listing)` gives (title, site-relative URL) pairs,
    the page's own feed first, then the feed of all stories."""

    def __init__(self, views: Views) -> None:
        self.all = views.listing_all()
        self.towns = {listing.key: listing for listing in views.listings() if listing.kind == "ort"}

    def links(self, listing: Listing | None = None, towns: list[str] = ()) -> list[tuple[str, str]]:
        own = [listing] if listing is not None and listing.kind in FEED_KINDS and listing.kind != "alle" else []
        own += [self.towns[slug] for slug in towns if slug in self.towns]
        return [(feed_title(item), feed_url(item)) for item in own + [self.all]]
