"""The web editor's icon font, cut down to the icons Sveltia CMS can show.

Sveltia draws its icons with Material Symbols: an element holds the icon's name as text ("arrow_back"),
and a ligature of the font turns the letters into the icon. The whole font has about 4,300 icons and is
754 KB, half of what a youth newsroom's phone loads to open /redaktion/. Sveltia names about 200 of them,
as string literals or as the text of an element in its bundle (or as a collection's `icon` in the
configuration). So the font is cut to every icon whose name occurs that way, plus the letters, digits and
underscore the ligatures are made of: about 37 KB. A name that occurs for another reason only keeps an
icon too many; an icon Sveltia built from pieces at run time would be missing, which
tests/test_editor_browser.py guards (a missing icon shows as a wide word, not a square).

fontTools (already pinned for WeasyPrint) does the cutting; the result is cached under .cache/editor/,
keyed by the font, the names and this module's VERSION, because cutting takes most of a second.
"""

from __future__ import annotations

import hashlib
import io
import os
import re

VERSION = "1"  # raise when the cutting changes, so that cached fonts are made anew
LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"  # what icon names are made of: the ligatures' input
# A name as a string literal ("arrow_back") or as the text of an element in Svelte's markup (>favorite<).
NAMED = re.compile(r"""["'`]([a-z0-9_]+)["'`]|>([a-z0-9_]+)<""")


def icon_names(font) -> dict[str, str]:
    """Every icon name of a ligature font -> the glyph its letters turn into."""
    letters = {glyph: chr(code) for code, glyph in font.getBestCmap().items()}
    names = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)  # lookup type 7 wraps the ligature table
            for first, ligatures in getattr(table, "ligatures", {}).items():
                for ligature in ligatures:
                    name = "".join(letters.get(glyph, "\0") for glyph in [first, *ligature.Component])
                    names[name] = ligature.LigGlyph
    return names


def named_icons(names, *texts: str) -> set[str]:
    """The icon names that occur as a quoted string or an element's text in any of `texts` (the bundle,
    the configuration)."""
    named = set()
    for text in texts:
        for quoted, element in NAMED.findall(text):
            named.add(quoted or element)
    return set(names) & named


def _cut(font_path: str, *texts: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(font_path)
    names = icon_names(font)
    options = subset.Options()
    options.layout_features = ["*"]
    options.layout_closure = False  # keep only the ligatures of the kept icons, not every word they spell
    options.notdef_outline = True
    options.flavor = "woff2"
    cutter = subset.Subsetter(options)
    cutter.populate(glyphs=sorted({names[name] for name in named_icons(names, *texts)}), text=LETTERS)
    cutter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def cut_font(font_path: str, cache: str, *texts: str) -> bytes:
    """The font at `font_path` with only the icons `texts` name (woff2), from the cache when it is there."""
    key = hashlib.sha256(VERSION.encode())
    with open(font_path, "rb") as handle:
        key.update(handle.read())
    for text in texts:
        key.update(hashlib.sha256(text.encode("utf-8")).digest())
    cached = os.path.join(cache, key.hexdigest()[:32] + ".woff2")
    if os.path.exists(cached):
        with open(cached, "rb") as handle:
            return handle.read()
    data = _cut(font_path, *texts)
    os.makedirs(cache, exist_ok=True)
    partial = cached + f".{os.getpid()}.tmp"
    with open(partial, "wb") as handle:
        handle.write(data)
    os.replace(partial, cached)  # atomic: two builds at once never read half a font
    return data
