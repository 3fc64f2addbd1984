"""Structured data for search engines (schema.org as JSON-LD): a story is a NewsArticle with a BreadcrumbList,
a town a Place, the home page a WebSite. Built from the content model; the template only prints the result.
"""

from __future__ import annotations

import json
from urllib.parse import urljoin

from .content import Content
from .escaping import json_text
from .feeds import changed, story_image
from .story import Story
from .town import Town

CONTEXT = "https://schema.org"


def organization(name: str, url: str | None = None) -> dict:
    data = {"@type": "Organization", "name": name}
    if url:
        data["url"] = url
    return data


def place(town: Town, content: Content, site_url: str) -> dict:
    region = content.taxonomy.regions[town.state]
    data = {
        "@type": "Place",
        "name": town.name,
        "url": urljoin(site_url, town.url),
        "geo": {"@type": "GeoCoordinates", "latitude": town.lat, "longitude": town.lon},
        "address": {"@type": "PostalAddress", "addressLocality": town.name, "addressRegion": region.name,
                    "addressCountry": "DE"},
        "containedInPlace": {"@type": "AdministrativeArea", "name": town.district_name},
        # The official municipality key identifies the town in public statistics.
        "identifier": {"@type": "PropertyValue", "propertyID": "AGS", "value": town.ags},
    }
    if town.website:
        data["sameAs"] = town.website
    return data


def news_article(story: Story, content: Content, site_url: str, publisher: str, pictures=None) -> dict:
    url = urljoin(site_url, story.url)
    data = {
        "@context": CONTEXT,
        "@type": "NewsArticle",
        "headline": story.title,
        "description": story.description,
        "url": url,
        "mainEntityOfPage": url,
        "inLanguage": "de",
        "datePublished": story.date.isoformat(),
        "dateModified": changed(story).isoformat(),
        "author": [organization(content.taxonomy.teams[team].name) for team in story.authors],
        "publisher": organization(publisher),
        "contentLocation": [place(content.towns[slug], content, site_url) for slug in story.towns],
        "articleSection": [content.taxonomy.pillars[slug].title for slug in story.pillars],
        "wordCount": story.words,
        "isAccessibleForFree": True,
    }
    if story.themes:
        data["keywords"] = [content.taxonomy.themes[slug].title for slug in story.themes]
    image = story_image(story, pictures)
    if image:
        data["image"] = urljoin(site_url, image)
    return data


def breadcrumbs(story: Story, content: Content, site_url: str) -> dict:
    """Region > town > story, as the story page's breadcrumb shows it (the story's first town)."""
    town = content.towns[story.towns[0]]
    region = content.taxonomy.regions[town.state]
    trail = [(region.name, f"regionen/{region.slug}/"), (town.name, town.url), (story.title, story.url)]
    return {"@context": CONTEXT, "@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": number, "name": name, "item": urljoin(site_url, url)}
        for number, (name, url) in enumerate(trail, start=1)]}


def town_place(town: Town, content: Content, site_url: str) -> dict:
    return {"@context": CONTEXT, **place(town, content, site_url)}


def website(name: str, description: str, site_url: str, publisher: str) -> dict:
    return {"@context": CONTEXT, "@type": "WebSite", "name": name, "description": description, "url": site_url,
            "inLanguage": "de", "publisher": organization(publisher)}


def script(data: dict) -> str:
    """A <script type="application/ld+json"> element (trusted as "json-ld" in kleinstadt/escaping.py)."""
    text = json_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return f'<script type="application/ld+json">{text}</script>'


class LinkedData:
    """What the templates call: `ksg_linked_data.story(story)`, `.town(town)`, `.home()`."""

    def __init__(self, content: Content, config, pictures=None) -> None:
        self.content = content
        self.pictures = pictures  # photo variants (kleinstadt/media.py), for the article's image
        self.site_url = config["site_url"] or "/"
        self.site_name = config["site_name"]
        self.description = config["site_description"] or ""
        self.publisher = config["site_author"] or config["site_name"]

    def story(self, story: Story) -> str:
        return script(news_article(story, self.content, self.site_url, self.publisher, self.pictures)) \
            + script(breadcrumbs(story, self.content, self.site_url))

    def town(self, town: Town) -> str:
        return script(town_place(town, self.content, self.site_url))

    def home(self) -> str:
        return script(website(self.site_name, self.description, self.site_url, self.publisher))
