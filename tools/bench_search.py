"""Search benchmark (issue 5): what a reader downloads to search, and how long indexing takes.

On a built site, it
  1. indexes the site again with Pagefind (as the build does) and reports the time per story,
  2. serves the site (gzip for text files, like the publishing host) and, in Debian's Chromium through
     Playwright's network events, counts the bytes transferred for a first query on /suche/ and for
     each further query, and checks that a normal page view fetches no search asset at all.

    python tools/bench_search.py                 # 10,000 synthetic stories, built in a temp folder
    python tools/bench_search.py --stories 2000  # a smaller corpus
    python tools/bench_search.py --site site     # an already built site
    bench_search.run(workdir=folder)              # from `make bench` (tools/bench.py)

Targets: first query <= 250 KB, each further query <= 60 KB (of one word or several: each word loads one
index chunk, which kleinstadt/search.py keeps at half Pagefind's default size), indexing <= 0.5 ms per
story. Opening the filters (their counts need every filter file once) is reported too.
The exit status is 0 even when a target is missed: the figures are what matters; they are printed.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path[:0] = [p for p in (HERE, os.path.join(REPO, "hooks")) if p not in sys.path]

import corpus  # noqa: E402
from browser import Traffic, chromium  # noqa: E402
from static_server import serve  # noqa: E402

from kleinstadt.search import OUTPUT, build_search_index  # noqa: E402

TARGET_FIRST_KB = 250
TARGET_FURTHER_KB = 60
TARGET_MS_PER_STORY = 0.5
VOCABULARY_SIZE = 20000  # distinct words from Debian's wngerman list, on top of corpus.BASE_WORDS
# What a reader might type. Ordinary words of the corpus: each occurs in a few hundred of 10,000 stories.
FIRST_QUERY = "Bibliothek"
FURTHER_QUERIES = ("Feuerwehr", "Sommerfest", "Werkstatt Marktplatz", "Radweg")


def _site_dir(root: str) -> str:
    """Accept the built site itself or a folder holding it in site/."""
    if os.path.isfile(os.path.join(root, "index.html")):
        return root
    if os.path.isfile(os.path.join(root, "site", "index.html")):
        return os.path.join(root, "site")
    raise SystemExit(f"Keine gebaute Seite in {root} (weder index.html noch site/index.html).")


def _stories(site_dir: str) -> int:
    return sum(1 for path in glob.glob(os.path.join(site_dir, "geschichten", "*", "index.html"))
               if os.path.basename(os.path.dirname(path)) != "seite")


def measure_indexing(site_dir: str) -> dict:
    index = build_search_index(site_dir)
    stories = _stories(site_dir)
    return {
        "stories": stories,
        "pages_indexed": index.pages,
        "seconds": round(index.seconds, 2),
        "cpu_seconds": round(index.cpu_seconds, 2),
        "ms_per_story": round(1000 * index.seconds / max(stories, 1), 3),
        "cpu_ms_per_story": round(1000 * index.cpu_seconds / max(stories, 1), 3),
        "index_on_disk_mb": round(sum(os.path.getsize(p) for p in glob.glob(
            os.path.join(site_dir, OUTPUT, "**", "*"), recursive=True) if os.path.isfile(p)) / 1e6, 1),
    }


def _search(page, traffic, query: str) -> dict:
    mark = traffic.mark()
    field = page.locator("#ksg-search-q")
    field.fill(query)
    field.press("Enter")
    page.wait_for_function(
        "q => document.querySelector('#ksg-search-status').textContent.includes('„' + q + '“')", arg=query)
    page.wait_for_load_state("networkidle")
    requests = traffic.since(mark)
    results = page.locator("#ksg-search-results > li").count()
    return {"query": query, "kb": round(sum(size for _, size in requests) / 1000, 1),
            "requests": len(requests), "results_shown": results,
            "status": page.locator("#ksg-search-status").text_content(),
            "files": sorted({url.rsplit("/", 2)[-2] + "/" + url.rsplit("/", 1)[-1] for url, _ in requests})}


def measure_transfer(site_dir: str, first: str = FIRST_QUERY, further=FURTHER_QUERIES) -> dict:
    with serve(site_dir) as base, chromium() as browser:
        # A normal page view: the home page must fetch nothing of the search.
        context = browser.new_context()
        page = context.new_page()
        traffic = Traffic(page)
        page.goto(base)
        page.wait_for_load_state("networkidle")
        home = traffic.since(0)
        search_assets = [url for url, _ in home if "/pagefind/" in url or "ksg-search.js" in url]
        context.close()

        context = browser.new_context()
        page = context.new_page()
        traffic = Traffic(page)
        page.goto(base + "suche/")
        page.wait_for_load_state("networkidle")
        search_page_kb = round(traffic.bytes_since(0) / 1000, 1)
        page_view_pagefind = [url for url, _ in traffic.since(0) if "/pagefind/" in url]
        first_result = _search(page, traffic, first)
        further_results = [_search(page, traffic, query) for query in further]
        # Opening "Eingrenzen und sortieren" fetches every filter file once, for the counts.
        mark = traffic.mark()
        page.locator(".ksg-search__options summary").click()
        page.wait_for_function("() => document.querySelector('#ksg-search-jahr option[value]:not([value=\"\"])')"
                               ".textContent.includes('(')")
        page.wait_for_load_state("networkidle")
        filters_kb = round(traffic.bytes_since(mark) / 1000, 1)
        context.close()
    return {
        "home_page_kb": round(sum(size for _, size in home) / 1000, 1),
        "home_page_search_assets": search_assets,
        "search_page_view_kb": search_page_kb,
        "search_page_view_pagefind_requests": page_view_pagefind,
        "first_query": first_result,
        "further_queries": further_results,
        "filter_counts_kb": filters_kb,
    }


def run(root: str | None = None, *, workdir: str | None = None, stories: int = 10000) -> dict:
    """Benchmark the built site in `root` (or `root`/site), print the report and return the figures.

    Without `root` (as `make bench` calls it, with its `workdir`), a corpus of `stories` stories with the
    20,000-word vocabulary is built first in `workdir` (or a temporary folder, removed afterwards).
    """
    if root is None:
        if workdir is None:
            with tempfile.TemporaryDirectory(prefix="ksg-bench-search-") as target:
                return run(build_corpus(target, stories))
        return run(build_corpus(os.path.join(workdir, f"suche-{stories}"), stories))
    site_dir = _site_dir(root)
    indexing = measure_indexing(site_dir)
    transfer = measure_transfer(site_dir)
    # The target holds for every further query, of one word or several (each word loads its own chunk).
    further_max = max((q["kb"] for q in transfer["further_queries"]), default=0.0)
    figures = {
        "indexing": indexing,
        "transfer": transfer,
        "targets": {
            "first_query_kb": [transfer["first_query"]["kb"], TARGET_FIRST_KB,
                               transfer["first_query"]["kb"] <= TARGET_FIRST_KB],
            "further_query_kb_max": [further_max, TARGET_FURTHER_KB, further_max <= TARGET_FURTHER_KB],
            "ms_per_story": [indexing["ms_per_story"], TARGET_MS_PER_STORY,
                             indexing["ms_per_story"] <= TARGET_MS_PER_STORY],
            "no_search_asset_on_page_view": [len(transfer["home_page_search_assets"]), 0,
                                             not transfer["home_page_search_assets"]],
        },
    }
    print(report(figures), flush=True)
    return figures


def build_corpus(target: str, stories: int) -> str:
    """A site with `stories` synthetic stories (German vocabulary of VOCABULARY_SIZE words), built."""
    corpus.prepare_site(target)
    started = time.perf_counter()
    corpus.generate(target, stories, vocabulary_size=VOCABULARY_SIZE)
    print(f"{stories} Geschichten erzeugt ({time.perf_counter() - started:.1f} s); baue die Seite …", flush=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "hooks"), HERE]))
    started = time.perf_counter()
    result = subprocess.run([sys.executable, os.path.join(HERE, "build.py"), "--config",
                             os.path.join(target, "mkdocs.yml"), "--site-dir", os.path.join(target, "site")],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise SystemExit(f"Der Bau des Testkorpus ist fehlgeschlagen:\n{result.stderr[-3000:]}")
    print(f"Seite gebaut ({time.perf_counter() - started:.1f} s).", flush=True)
    return os.path.join(target, "site")


def report(figures: dict) -> str:
    indexing, transfer, targets = figures["indexing"], figures["transfer"], figures["targets"]
    lines = [
        f"Indizierung: {indexing['pages_indexed']} Seiten ({indexing['stories']} Geschichten) in "
        f"{indexing['seconds']} s (CPU {indexing['cpu_seconds']} s) = {indexing['ms_per_story']} ms je Geschichte "
        f"(CPU {indexing['cpu_ms_per_story']} ms); Index auf der Platte {indexing['index_on_disk_mb']} MB",
        f"Startseite: {transfer['home_page_kb']} KB, Such-Dateien geladen: {len(transfer['home_page_search_assets'])}",
        f"Suchseite ohne Anfrage: {transfer['search_page_view_kb']} KB, davon Pagefind-Dateien: "
        f"{len(transfer['search_page_view_pagefind_requests'])}",
    ]
    for label, query in [("Erste Suche", transfer["first_query"])] + [
            ("Weitere Suche", q) for q in transfer["further_queries"]]:
        lines.append(f"{label} „{query['query']}“: {query['kb']} KB in {query['requests']} Anfragen; "
                     f"{query['status']}")
    lines.append(f"Filter aufklappen (alle Zähler): {transfer['filter_counts_kb']} KB, einmal je Besuch")
    lines.append("Ziele:")
    for name, (value, target, met) in targets.items():
        lines.append(f"  {name}: {value} (Ziel {target}) {'erreicht' if met else 'VERFEHLT'}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Misst die Suche: Bytes je Anfrage und Zeit der Indizierung.")
    parser.add_argument("--site", help="eine schon gebaute Seite (sonst wird ein Testkorpus gebaut)")
    parser.add_argument("--stories", type=int, default=10000, help="Geschichten im Testkorpus (10000)")
    parser.add_argument("--keep", help="Ordner für den Testkorpus, der danach bleibt (sonst ein temporärer)")
    parser.add_argument("--json", help="die Messwerte zusätzlich als JSON in diese Datei schreiben")
    args = parser.parse_args()
    if args.site:
        figures = run(args.site)
    elif args.keep:
        figures = run(build_corpus(args.keep, args.stories))
    else:
        figures = run(stories=args.stories)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(figures, handle, ensure_ascii=False, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
