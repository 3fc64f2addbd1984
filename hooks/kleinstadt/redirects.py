"""Redirects and the archive: no link that was ever published may break.

redirects.yml maps an old address to the new one, for a story whose short name changed:

    geschichten/alter-kurzname/: geschichten/neuer-kurzname/

The MkDocs plugin mkdocs-redirects writes the redirect pages. Every release stores the addresses it
published in releases/<version>/urls.txt; each address of a story, town or edition listed there must
still be a page of this build or a redirect, otherwise `make check` says which line to add.
"""

from __future__ import annotations

import glob
import os
import re

from .fields import suggest
from .frontmatter import FrontMatterError, load_yaml
from .problems import Problems
from .text import read_text

FILE = "redirects.yml"
PATH = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*/(?:[a-z0-9]+(?:-[a-z0-9]+)*/)*$")
# Addresses that the content model itself makes; everything else (index pages) follows from them.
CONTENT_SECTIONS = ("geschichten", "orte", "ausgaben")


def load_redirects(root: str, content_urls: set[str], problems: Problems) -> dict[str, str]:
    """Read redirects.yml: {"geschichten/alt/": "geschichten/neu/"}; problems with file and line."""
    path = os.path.join(root, FILE)
    if not os.path.exists(path):
        return {}
    text = read_text(path, problems)
    if text is None:
        return {}
    try:
        data, lines, duplicates = load_yaml(text) if text.strip() else ({}, {}, [])
    except FrontMatterError as error:
        problems.add(path, error.line, None, error.message, error.hint)
        return {}
    for key, line in duplicates:
        problems.add(path, line, key, "Diese alte Adresse steht doppelt.", "Lösche eine der beiden Zeilen.")
    redirects = {}
    for old, new in data.items():
        line = lines.get(str(old))
        old, new = str(old), str(new) if new is not None else ""
        if not PATH.match(old) or not PATH.match(new):
            problems.add(path, line, old, "Eine Weiterleitung braucht zwei Adressen ohne Domain, mit / am Ende.",
                         "Beispiel: `geschichten/alter-kurzname/: geschichten/neuer-kurzname/`")
            continue
        if old in content_urls:
            problems.add(path, line, old, f"Unter /{old} steht eine Seite; eine Weiterleitung würde sie verdecken.",
                         "Eine Weiterleitung gilt nur für Adressen, die es nicht mehr gibt. Lösche diese Zeile.")
            continue
        if new not in content_urls:
            hint = suggest(new, content_urls) or "Das Ziel muss eine Geschichte, ein Ort oder eine Ausgabe sein."
            problems.add(path, line, old, f"Das Ziel /{new} gibt es nicht.", hint)
            continue
        redirects[old] = new
    return redirects


def check_archive(root: str, content_urls: set[str], redirects: dict[str, str], problems: Problems) -> None:
    """Every story, town and edition address of an earlier release must still answer."""
    for path in sorted(glob.glob(os.path.join(root, "releases", "*", "urls.txt"))):
        version = os.path.basename(os.path.dirname(path))
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                url = line.strip().lstrip("/")
                if not url or url.split("/", 1)[0] not in CONTENT_SECTIONS or url.count("/") != 2 \
                        or not url.endswith("/"):
                    continue
                if url not in content_urls and url not in redirects:
                    problems.add(path, number, None,
                                 f"Die Adresse /{url} ist mit Version {version} erschienen, führt jetzt aber ins Leere.",
                                 f"Trage in {FILE} eine Weiterleitung ein, zum Beispiel "
                                 f"`{url}: geschichten/<neuer-kurzname>/`, damit kein veröffentlichter Link bricht.")


def redirect_maps(redirects: dict[str, str]) -> dict[str, str]:
    """The form mkdocs-redirects expects: source files of the old and the new page."""
    return {old + "index.md": new + "index.md" for old, new in sorted(redirects.items())}


# The redirect page in German and without inline script (the site's content security policy forbids it);
# mkdocs-redirects fills in {url}. A meta refresh and a link work in every browser.
REDIRECT_PAGE = """<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Weiterleitung</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="{url}">
<meta http-equiv="refresh" content="0; url={url}">
</head>
<body>
<p>Diese Seite ist umgezogen: <a href="{url}">Weiter zur neuen Adresse</a>.</p>
</body>
</html>
"""
