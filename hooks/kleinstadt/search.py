"""The search index: Pagefind reads the written HTML and writes a chunked index into <site>/pagefind/.

A reader's browser later loads only the chunks a query needs (see overrides/assets/ksg-search.js),
never the whole index. What is indexed is decided in the templates: `data-pagefind-body` marks story
bodies, town profiles and the first page of each pillar; listing pages carry no such mark and are left
out. Filters (pillar, region, town, theme, year), the sort key (date) and the meta data shown in a
result (title, teaser, town, date) are attributes in the same templates.

Pagefind runs as its own program (the binary of PyPI's pagefind[extended]) rather than through
`pagefind.index.PagefindIndex`: that API stops its Pagefind service right after asking it to write, and
on a busy machine pagefind-entry.json was twice left empty, which breaks every search. The program
finishes its writing before it exits, and the result is checked all the same.

Runs after MkDocs has written every page (`on_post_build`); knows nothing of MkDocs.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass

from pagefind.service import get_executable

LANGUAGE = "de"  # one German index: German stemming for every page, whatever an editor's markup says
OUTPUT = "pagefind"  # folder inside the site, loaded by the search page from <site root>/pagefind/
# Only the folders that hold indexed pages are read: at 10,000 stories the thousands of listing pages
# would cost parsing time for nothing (they carry no data-pagefind-body and would be skipped anyway).
PAGES = "{geschichten/*/index.html,orte/*/index.html,pfeiler/*/index.html}"
# Pagefind starts at the indexed part of a page instead of walking header, navigation and footer too:
# about 5 % less indexing time, the same index (filters, meta and sort key all sit inside that part).
ROOT = "[data-pagefind-body]"
# Index chunks half Pagefind's default size (20,000 entries): a reader's query loads one chunk per word,
# so a search of two words downloads about 25 KB less; the first search loads a slightly larger list of
# chunks. The setting is Pagefind's own, though marked unstable: Pagefind is pinned in requirements.txt,
# and tests/test_search_index.py checks that it still takes effect.
CHUNK_SIZE = "10000"


class SearchIndexError(RuntimeError):
    """Pagefind failed or indexed nothing: the build must not publish a site without search."""


@dataclass
class SearchIndex:
    pages: int  # pages in the index
    seconds: float  # wall-clock time, Pagefind's start to its written files
    cpu_seconds: float  # processor time of the Pagefind process (steadier on a busy machine)
    output: str  # the folder with pagefind.js and the chunks


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # Pagefind runs as a child process
    return usage.ru_utime + usage.ru_stime


def _run_pagefind(site_dir: str, output: str) -> None:
    executable = get_executable()
    if executable is None:
        raise SearchIndexError("Pagefind ist nicht installiert. Hinweis: `make install` installiert "
                               "pagefind[extended] aus requirements.txt.")
    command = [str(executable), "--site", site_dir, "--output-path", output, "--force-language", LANGUAGE,
               "--glob", PAGES, "--root-selector", ROOT]
    environment = dict(os.environ, PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE=CHUNK_SIZE)
    result = subprocess.run(command, capture_output=True, text=True, env=environment)
    text = result.stdout + result.stderr
    # Without any data-pagefind-body Pagefind would index whole pages (navigation, lists and all).
    if "Did not find a data-pagefind-body" in text or "not able to build an index" in text:
        raise SearchIndexError(
            f"Die Suche hat in {site_dir} keine Seite zum Indizieren gefunden. Hinweis: Geschichten, Orte "
            "und Pfeiler brauchen das Attribut data-pagefind-body in ihren Vorlagen (overrides/).")
    if result.returncode != 0:
        raise SearchIndexError(f"Pagefind ist mit Status {result.returncode} abgebrochen:\n{text.strip()[-2000:]}")


def _indexed_pages(output: str) -> int:
    """Pages in the written index, read back from pagefind-entry.json, the file every search starts from."""
    entry = os.path.join(output, "pagefind-entry.json")
    try:
        with open(entry, encoding="utf-8") as handle:
            languages = json.load(handle)["languages"]
        return sum(int(language["page_count"]) for language in languages.values())
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SearchIndexError(f"Pagefind hat {entry} nicht vollständig geschrieben ({error}); die Suche "
                               "würde nicht funktionieren. Hinweis: den Bau wiederholen.") from error


def build_search_index(site_dir: str, log: logging.Logger | None = None) -> SearchIndex | None:
    """Index the built site in `site_dir`; returns how many pages went in and how long it took.

    With a `log` (the MkDocs adapter passes its own), a failure is logged as an error, which makes a
    strict build fail without a traceback; without one, it is raised as SearchIndexError.
    """
    site_dir = os.path.abspath(site_dir)
    output = os.path.join(site_dir, OUTPUT)
    shutil.rmtree(output, ignore_errors=True)  # a fresh index: no chunks of an earlier run linger
    started = time.perf_counter()
    cpu_before = _children_cpu()
    try:
        _run_pagefind(site_dir, output)
        pages = _indexed_pages(output)
    except SearchIndexError as error:
        if log is None:
            raise
        log.error(str(error))
        return None
    index = SearchIndex(pages=pages, seconds=time.perf_counter() - started, cpu_seconds=_children_cpu() - cpu_before,
                        output=output)
    if log is not None:
        log.info(f"Suche: {index.pages} Seiten in {index.seconds:.2f} s indiziert ({OUTPUT}/).")
    return index

