"""hooks/url_filter.py gives what MkDocs' own `url` filter gives, for every kind of path and page."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from mkdocs.utils import get_relative_url, normalize_url

import url_filter

PATHS = ["", ".", "./", "ueber/", "ueber", "assets/ksg.css", "assets/javascripts/bundle.a5f9d56c.min.js",
         "geschichten/", "geschichten/geschichte-00001/", "geschichten/geschichte-00001/bild.jpg",
         "geschichten/seite/2/", "pfeiler/soziales/", "pfeiler/soziales/seite/3/", "index.html", "x/index.html",
         "../", "../x/", "../../a/b/", "./a/../b/", "a//b/", "a/./b", "#anker", "/absolut/", "//host/x",
         "https://example.org/x", "mailto:a@b.de", "feed.xml", "orte/luebz/feed.xml", "a/b/c/d/e/"]
PAGES = ["", "index.html", "ueber/", "impressum/", "geschichten/", "geschichten/geschichte-00001/",
         "geschichten/geschichte-00002/", "geschichten/seite/2/", "pfeiler/soziales/seite/3/", "404.html",
         "a/b.html", "a/b/c/d/", "assets/", "x.y/", "orte/luebz/"]


def mkdocs_url(path, page_url, base):
    page = SimpleNamespace(url=page_url) if page_url is not None else None
    return normalize_url(str(path), page=page, base=base)


@pytest.mark.parametrize("page_url", PAGES + [None])
def test_the_filter_gives_what_mkdocs_gives(page_url):
    page = SimpleNamespace(url=page_url) if page_url is not None else None
    for path, base in itertools.product(PATHS, ["", ".", "..", "../..", "/sub"]):
        context = {"page": page, "base_url": base}
        assert url_filter.url_filter(context, path) == mkdocs_url(path, page_url, base), (path, page_url, base)


RELATIVE = [path for path in PATHS if not path.startswith(("#", "/", "https:", "mailto:"))]


@pytest.mark.parametrize("url, other", list(itertools.product(RELATIVE, PAGES)))
def test_relative_url_is_mkdocs_get_relative_url(url, other):
    assert url_filter.relative_url(url, other) == get_relative_url(url, other)


def test_jinja_passes_the_context():
    from jinja2 import Environment
    env = Environment()
    env.filters["url"] = url_filter.url_filter
    html = env.from_string("{{ 'ueber/' | url }} {{ p | url }}").render(page=SimpleNamespace(url="geschichten/a/"),
                                                                       base_url="../..", p="geschichten/b/")
    assert html == "../../ueber/ ../b/"
