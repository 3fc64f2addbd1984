"""Escape by default: content is untrusted text in every template, and the few trusted fragments are named here.

MkDocs' Jinja environment does not autoescape, so a story title written as `<script>…</script>` used to reach
the listing pages as code. The adapter (hooks/site.py) turns autoescaping on for every template of the
project's own theme folder (overrides/): there `{{ story.title }}` is always text. Material's own templates
keep their behaviour; the values they print are set by the project (page titles go through overrides).

HTML that must reach the page as HTML passes the `trusted` filter with the name of its kind, so that a
reader of the templates sees every such place (`grep -rn "trusted(" overrides/`) and this list says why
each kind is safe. Nothing else is ever marked safe.
"""

from __future__ import annotations

import os

from markupsafe import Markup, escape

__all__ = ["TRUSTED", "trusted", "autoescape_for", "json_text", "escape", "Markup"]

TRUSTED: dict[str, str] = {
    "markdown": "A page's body rendered from Markdown: stories by cmark-gfm, towns, editions, pillars and the "
                "hand-written pages by Python-Markdown. `make check` refuses raw HTML tags that can run code, "
                "event handlers and javascript: links in stories, town profiles and editorials; pillars and "
                "pages/ are written by the institute.",
    "json-ld": "A <script type=\"application/ld+json\"> from kleinstadt/linked_data.py: json.dumps of the data, "
               "with every '<', '>' and '&' written as a \\u escape, so no text can end the element.",
    "svg-map": "A map from kleinstadt/map.py: coordinates are numbers, and every name, title and address in it "
               "goes through html.escape.",
}


def trusted(html: str, kind: str) -> Markup:
    """`{{ page.content | trusted("markdown") }}`: HTML of one of the kinds above, written as it is."""
    if kind not in TRUSTED:
        raise ValueError(f"Unbekannte Art vertrauenswürdigen HTMLs: {kind!r} (bekannt: {', '.join(TRUSTED)})")
    return Markup(html)


# In a JSON string "\u003c" means "<": written so, no "</script>" or "<!--" in a value can end an HTML element
# around it, and a JSON file opened or embedded as HTML shows no markup. Any JSON reader gets the same text.
def json_text(json_string: str) -> str:
    """The output of json.dumps with <, > and & written as \\u escapes (JSON-LD, open data)."""
    # Three replace() calls rather than str.translate, which looks up every character in a dict: 40 times
    # faster on a story's JSON-LD. No replacement writes one of the three characters, so the order is free.
    return json_string.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def template_names(theme_dir: str) -> frozenset[str]:
    """The names (as Jinja loads them, "partials/ksg-card.html") of every template in a theme folder."""
    names = set()
    for folder, _, files in os.walk(theme_dir):
        for name in files:
            if name.endswith((".html", ".xml", ".j2")):
                names.add(os.path.relpath(os.path.join(folder, name), theme_dir).replace(os.sep, "/"))
    return frozenset(names)


def autoescape_for(theme_dir: str):
    """Jinja's `autoescape` setting: on for the templates of the project's theme folder, as it was for the rest.

    Jinja decides when it compiles a template, by the template's name; a name found in the project's folder is
    the project's template, because MkDocs' loader looks there before Material's.
    """
    own = template_names(theme_dir)
    return lambda name: name is not None and name in own
