"""A story's Markdown body as HTML, rendered with cmark-gfm, the renderer GitHub itself uses.

Why not Python-Markdown, which MkDocs uses for every other page:
- Youth editors write and check their stories in a pull request on GitHub. With the same renderer, the
  preview they see there is the text the site shows (lists without a blank line before them, tables,
  ~~strikethrough~~ and bare web addresses work as on GitHub).
- It is about 35 times faster (0.07 ms against 2.5 ms for a story of 700 words): with Python-Markdown
  half of a 10,000-story build went into story bodies.

What MkDocs' own rendering gives a page is kept: heading ids, the table of contents, the ids a link may
point to, and the links to anchors of the same page (checked by `make check` and by MkDocs). Heading ids
are made as GitHub makes them ("## Ärger über …" -> #ärger-über-…), so an anchor that works in the
pull request's preview works on the site.
Raw HTML is passed through as Python-Markdown did; story.py has already rejected everything dangerous,
and cmark-gfm's tag filter disarms <script>, <iframe>, <style> and the like once more.

Knows nothing of MkDocs: the adapter (hooks/site.py) puts the result into the page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

import cmarkgfm
from cmarkgfm.cmark import Options
from markdown.extensions.toc import nest_toc_tokens, strip_tags

# UNSAFE keeps harmless inline HTML such as <sup> (story.py rejects the dangerous kind); the tag filter of
# the GitHub extensions escapes what must never run anyway.
OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES
HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
ID = re.compile(r"""\sid=["']([^"']+)["']""")
SAME_PAGE_LINK = re.compile(r"""<a href="#([^"]+)\"""")
# GitHub's alerts ("> [!NOTE]" on the first line of a quote) become Material's admonition boxes.
ALERT = re.compile(r"<blockquote>\n<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*(.*?)</blockquote>", re.S)
ALERTS = {"NOTE": ("note", "Hinweis"), "TIP": ("tip", "Tipp"), "IMPORTANT": ("info", "Wichtig"),
          "WARNING": ("warning", "Achtung"), "CAUTION": ("danger", "Vorsicht")}
NOT_IN_SLUG = re.compile(r"[^\w\- ]")  # GitHub keeps letters (with umlauts), digits, "_", "-" and spaces


@dataclass
class StoryHtml:
    html: str
    toc_tokens: list[dict] = field(default_factory=list)  # nested, as Python-Markdown's toc extension gives them
    anchor_ids: set[str] = field(default_factory=set)  # ids a link may point to
    heading_ids: list[str] = field(default_factory=list)  # the headings' ids, in order
    same_page_anchors: dict[str, str] = field(default_factory=dict)  # anchor -> the link as written


def _alert(match: re.Match) -> str:
    kind, title = ALERTS[match.group(1)]
    inner = "<p>" + match.group(2).strip()
    inner = inner.replace("<p></p>", "", 1).strip()  # the marker stood alone in its paragraph
    return f'<div class="admonition {kind}">\n<p class="admonition-title">{title}</p>\n{inner}\n</div>'


def heading_id(text: str, used: set[str]) -> str:
    """The id GitHub gives a heading with this (plain) text; "-1", "-2" ... when it repeats."""
    base = NOT_IN_SLUG.sub("", text.strip().lower()).replace(" ", "-") or "abschnitt"
    anchor, number = base, 0
    while anchor in used:
        number += 1
        anchor = f"{base}-{number}"
    used.add(anchor)
    return anchor


def render(markdown_text: str) -> StoryHtml:
    body = cmarkgfm.github_flavored_markdown_to_html(markdown_text, options=OPTIONS)
    used_ids = set(ID.findall(body))
    tokens: list[dict] = []

    def heading(match: re.Match) -> str:
        level, inner = int(match.group(1)), match.group(2)
        name = strip_tags(inner)
        anchor = heading_id(html.unescape(name), used_ids)
        tokens.append({"level": level, "id": anchor, "name": name, "html": inner, "data-toc-label": ""})
        return f'<h{level} id="{html.escape(anchor)}">{inner}</h{level}>'

    body = HEADING.sub(heading, body)
    if "[!" in body:
        body = ALERT.sub(_alert, body)
    if "data-footnote-backref" in body:  # cmark-gfm labels the way back from a footnote in English
        body = body.replace('aria-label="Back to reference ', 'aria-label="Zurück zur Stelle im Text, Fußnote ')
        # A heading for screen readers, as GitHub has; with a class, so it stays out of the contents.
        body = body.replace('<section class="footnotes" data-footnotes>',
                            '<section class="footnotes" data-footnotes>\n<h2 class="ksg-visually-hidden">Fußnoten</h2>', 1)
    # cmark writes "#ärger" as "#%C3%A4rger"; the browser and the checks compare the decoded form.
    links = {unquote(html.unescape(anchor)): "#" + unquote(html.unescape(anchor))
             for anchor in SAME_PAGE_LINK.findall(body)}
    heading_ids = [token["id"] for token in tokens]  # before nest_toc_tokens, which empties the flat list
    return StoryHtml(html=body, toc_tokens=nest_toc_tokens(tokens), anchor_ids=used_ids, heading_ids=heading_ids,
                     same_page_anchors=links)
