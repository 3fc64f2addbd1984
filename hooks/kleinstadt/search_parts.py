"""What Pagefind reads of each indexed page, written before the pages themselves (builds of 300 stories or more).

Pagefind needs a quarter of a minute at 10,000 stories, most of it on one core, and it can only start once
it has every page. Before this, it waited for the whole story pages. Now the worker processes first render
each story's article (overrides/partials/ksg-story-article.html: the indexed part with its filters, meta
and sort key; the frame around it carries nothing Pagefind reads) into a folder of its own. Pagefind
starts on that folder, and the workers write the whole pages beside it, at the lowest priority, so that
they only take a core Pagefind leaves free. Town and pillar pages, built by the main process, are copied in
whole. tests/test_search.py checks that the index equals the one Pagefind writes from the finished site.

The folder lives in the system's temporary directory, outside the site, and is removed after the build.
"""

from __future__ import annotations

import os
import shutil
import tempfile

# A page of this folder: the article is all Pagefind reads (search.ROOT); the language is forced.
_DOCUMENT = '<!doctype html>\n<html lang="de">\n<body>\n{}\n</body>\n</html>\n'


class SearchParts:
    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="ksg-suche-")

    def _path(self, dest_uri: str) -> str:
        return os.path.join(self.folder, *dest_uri.split("/"))

    def write_article(self, dest_uri: str, article: str) -> None:
        """A story's article, for the page at `dest_uri` ("geschichten/x/index.html")."""
        self.write_page(dest_uri, _DOCUMENT.format(article))

    def write_page(self, dest_uri: str, html: str) -> None:
        path = self._path(dest_uri)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", errors="xmlcharrefreplace") as handle:
            handle.write(html)

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
