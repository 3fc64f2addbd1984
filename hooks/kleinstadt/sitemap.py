"""sitemap.xml with honest `lastmod` dates, and robots.txt pointing at it.

MkDocs writes sitemap.xml with the build date as `lastmod` of every page, which tells search engines that
everything changed on every build. Here each story gets the date it last changed (`updated` or `date`), an
index page the newest such date among the stories it shows, an edition its date or a later update of one of
its stories, and a hand-written page none (its real date is unknown). Stories that are not public (drafts in a preview build) leave the sitemap.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
from urllib.parse import urljoin

from lxml import etree

from .feeds import changed
from .views import Views

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
OVERVIEWS = ("pfeiler/", "regionen/", "orte/", "themen/", "herausforderungen/")


def last_changes(views: Views) -> tuple[dict[str, dt.date | None], set[str]]:
    """Site-relative URL -> date of its last change (None when no story dates it), and hidden story URLs."""
    content = views.content
    public = [story for story in views.stories if story.is_public(content.today)]
    dates: dict[str, dt.date | None] = {story.url: changed(story) for story in public}
    newest = max((changed(story) for story in public), default=None)
    for listing in views.listings():
        for page in listing.pages():
            shown = [changed(story) for story in page.stories if story.is_public(content.today)]
            dates[page.url] = max(shown, default=None)
    for url in ("",) + OVERVIEWS:
        dates[url] = newest
    # An edition changes when it appears and when one of its public stories is updated.
    editions = content.editions.visible(content.today)
    for edition in editions:
        dates[edition.url] = max([edition.date] + [changed(story) for story in edition.stories if story.is_public(content.today)])
    if editions:
        dates["ausgaben/"] = max(dates[edition.url] for edition in editions)
    hidden = {story.url for story in views.stories if not story.is_public(content.today)}
    return dates, hidden


def rewrite_sitemap(site_dir: str, views: Views, site_url: str) -> int:
    """Set or drop each <lastmod> of the sitemap MkDocs wrote and list the public stories; returns the
    number of URLs. The stories are listed here, not by MkDocs: when worker processes build them
    (hooks/render_pool.py), MkDocs in the main process does not see them as pages."""
    path = os.path.join(site_dir, "sitemap.xml")
    if not os.path.exists(path):
        return 0
    dates, hidden = last_changes(views)
    by_location = {urljoin(site_url, url): date for url, date in dates.items()}
    story_locations = {urljoin(site_url, story.url) for story in views.stories}
    tree = etree.parse(path, etree.XMLParser(remove_blank_text=True))
    root = tree.getroot()
    kept = 0
    for entry in list(root.iterfind(f"{{{NS}}}url")):
        location = entry.findtext(f"{{{NS}}}loc", "").strip()
        if location in story_locations:
            root.remove(entry)
            continue
        for lastmod in entry.findall(f"{{{NS}}}lastmod"):
            entry.remove(lastmod)
        date = by_location.get(location)
        if date:
            etree.SubElement(entry, f"{{{NS}}}lastmod").text = date.isoformat()
        kept += 1
    for story in views.stories:
        if story.url in hidden:
            continue
        entry = etree.SubElement(root, f"{{{NS}}}url")
        etree.SubElement(entry, f"{{{NS}}}loc").text = urljoin(site_url, story.url)
        etree.SubElement(entry, f"{{{NS}}}lastmod").text = dates[story.url].isoformat()
        kept += 1
    data = etree.tostring(tree, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    with open(path, "wb") as handle:
        handle.write(data)
    # MkDocs also ships the gzipped copy; keep both the same (mtime 0: the same bytes on every build).
    with open(path + ".gz", "wb") as raw, gzip.GzipFile(filename="sitemap.xml", fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(data)
    return kept


def write_robots(site_dir: str, site_url: str) -> None:
    text = ("# Kleinstadtgeschichten: Alle Seiten dürfen gelesen und indexiert werden.\n"
            "User-agent: *\n"
            "Allow: /\n"
            "\n"
            f"Sitemap: {urljoin(site_url, 'sitemap.xml')}\n")
    with open(os.path.join(site_dir, "robots.txt"), "w", encoding="utf-8") as handle:
        handle.write(text)


def write_sitemap_and_robots(site_dir: str, views: Views, site_url: str) -> int:
    write_robots(site_dir, site_url)
    return rewrite_sitemap(site_dir, views, site_url)
