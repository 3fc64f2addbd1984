"""Sources: every story and town names where its facts come from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from .fields import FieldChecker

SOURCE_KEYS = {"title", "publisher", "year", "page", "url", "date"}
# Characters an address may keep as they are; everything else (umlauts, spaces) is percent-encoded in links.
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
# A page range as editors type it ("18-19", "18 - 19"): printed with an en dash, as the texts write it.
PAGE_RANGE = re.compile(r"(?<=\d)\s*[-‐‑‒–—]\s*(?=\d)")


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str | None = None
    year: int | None = None
    page: str | None = None
    url: str | None = None

    @property
    def href(self) -> str | None:
        """The address for a link: percent-encoded, whether the source list wrote "Glashütte" or
        "Glash%C3%BCtte" (existing escapes stay as they are)."""
        return quote(self.url, safe=URL_SAFE) if self.url else None

    @property
    def display_url(self) -> str | None:
        """The address as readers see it: decoded, "…/wiki/Glashütte_(Sachsen)", never "…/Glash%C3%BCtte_…"."""
        return unquote(self.url) if self.url else None

    def citation(self) -> str:
        """German citation line: Herausgeber (Jahr): Titel, S. N.

        A title that only repeats the publisher (a town's website, "Stadt Glashütte") is named once; page
        ranges get an en dash ("S. 18–19"), however they were typed.
        """
        text = self.title
        if self.publisher and " ".join(self.publisher.split()).casefold() != " ".join(self.title.split()).casefold():
            text = f"{self.publisher}{f' ({self.year})' if self.year else ''}: {text}"
        elif self.year:
            text = f"{text} ({self.year})"
        if self.page:
            text += f", S. {PAGE_RANGE.sub('–', self.page)}"
        return text


def check_sources(check: FieldChecker, data: dict, key: str = "sources") -> list[Source]:
    items = data.get(key)
    if not items:
        check.required(data, key, hint="Nenne mindestens eine Quelle, zum Beispiel die Studie mit Seitenzahl: "
                                       "`- title: Resiliente Kleinstädte` und `page: \"17\"`.")
        return []
    if not isinstance(items, list):
        check.error(key, "Hier wird eine Liste von Quellen erwartet.",
                    "Jede Quelle beginnt mit `- title: ...` in einer eigenen Zeile.")
        return []
    sources = []
    for index, item in enumerate(items):
        prefix = f"{key}[{index}]."
        if isinstance(item, str):
            item = {"title": item}
        if not isinstance(item, dict):
            check.error(prefix[:-1], "Jede Quelle braucht mindestens `title:`.")
            continue
        check.unknown_keys(item, SOURCE_KEYS, prefix)
        title = check.plain_text(item, "title", prefix, hint="Gib den Titel der Quelle an.")
        year = check.number(item, "year", prefix, required=False, integer=True, minimum=800, maximum=2100)
        page = check.plain_text(item, "page", prefix, required=False)
        url = check.url(item, "url", prefix)
        publisher = check.plain_text(item, "publisher", prefix, required=False)
        if title:
            sources.append(Source(title, publisher, year, page, url))
    return sources
