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

Starts once the pages it reads are written (`on_post_build`) and runs while the build writes the rest;
knows nothing of MkDocs.
"""

from __future__ import annotations

import json
import logging
import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass

from pagefind.service import get_executable

LANGUAGE = "de"  # one German index: German stemming for every page, whatever an editor's markup says
OUTPUT = "pagefind"  # folder inside the site, loaded by the search page from <site root>/pagefind/
# Only the folders that hold indexed pages are read: at 10,000 stories the thousands of listing pages
# would cost parsing time for nothing (they carry no data-pagefind-body and would be skipped anyway).
PAGE_GLOBS = ("geschichten/*/index.html", "orte/*/index.html", "pfeiler/*/index.html")
PAGES = "{" + ",".join(PAGE_GLOBS) + "}"
# Pagefind starts at the indexed part of a page instead of walking header, navigation and footer too:
# about 5 % less indexing time, the same index (filters, meta and sort key all sit inside that part).
ROOT = "[data-pagefind-body]"
# Index chunks half Pagefind's default size (20,000 entries): a reader's query loads one chunk per word,
# so a search of two words downloads about 25 KB less; the first search loads a slightly larger list of
# chunks. The setting is Pagefind's own, though marked unstable: Pagefind is pinned in requirements.txt,
# and tests/test_search_index.py checks that it still takes effect.
CHUNK_SIZE = "10000"
# What Pagefind prints when it has read the pages and starts building the index (Pagefind 1.5).
BUILDING = b"[Building search indexes]"


def reads(path: str) -> bool:
    """Whether Pagefind reads this file of the site ("orte/luebz/index.html"): a `*` stays within one folder."""
    return any(re.fullmatch(re.escape(glob).replace(r"\*", "[^/]*"), path) for glob in PAGE_GLOBS)


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


def _start_pagefind(site_dir: str, output: str) -> subprocess.Popen:
    executable = get_executable()
    if executable is None:
        raise SearchIndexError("Pagefind ist nicht installiert. Hinweis: `make install` installiert "
                               "pagefind[extended] aus requirements.txt.")
    command = [str(executable), "--site", site_dir, "--output-path", output, "--force-language", LANGUAGE,
               "--glob", PAGES, "--root-selector", ROOT]
    environment = dict(os.environ, PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE=CHUNK_SIZE)
    # Its messages go to a file, not a pipe: nobody reads a pipe while the build goes on, and a full one would
    # stop Pagefind.
    messages = tempfile.TemporaryFile("w+", encoding="utf-8")
    process = subprocess.Popen(command, stdout=messages, stderr=subprocess.STDOUT, env=environment)
    process.messages = messages
    return process


def _check_pagefind(process: subprocess.Popen, site_dir: str) -> None:
    process.wait()
    with process.messages as messages:
        messages.seek(0)
        text = messages.read()
    # Without any data-pagefind-body Pagefind would index whole pages (navigation, lists and all).
    if "Did not find a data-pagefind-body" in text or "not able to build an index" in text:
        raise SearchIndexError(
            f"Die Suche hat in {site_dir} keine Seite zum Indizieren gefunden. Hinweis: Geschichten, Orte "
            "und Pfeiler brauchen das Attribut data-pagefind-body in ihren Vorlagen (overrides/).")
    if process.returncode != 0:
        raise SearchIndexError(f"Pagefind ist mit Status {process.returncode} abgebrochen:\n{text.strip()[-2000:]}")


def _run_pagefind(site_dir: str, output: str) -> None:
    _check_pagefind(_start_pagefind(site_dir, output), site_dir)


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


class RunningIndex:
    """Pagefind started in the background: the build goes on with pages Pagefind does not read (feeds, open
    data, later pages of the listings) on the other core, and `wait()` collects the index at the end."""

    def __init__(self, site_dir: str, log: logging.Logger | None = None):
        self.site_dir = os.path.abspath(site_dir)
        self.output = os.path.join(self.site_dir, OUTPUT)
        self.log = log
        shutil.rmtree(self.output, ignore_errors=True)  # a fresh index: no chunks of an earlier run linger
        self.started = time.perf_counter()
        self.process: subprocess.Popen | None = None
        self.error: SearchIndexError | None = None
        try:
            self.process = _start_pagefind(self.site_dir, self.output)
        except SearchIndexError as error:
            self.error = error

    def wait_until_building(self, poll: float = 0.05) -> None:
        """Return once Pagefind has read every page and builds the index, the part of its work that runs on one
        core (or once it has stopped): other work then takes the other core without slowing its reading."""
        if self.process is None:
            return
        descriptor = self.process.messages.fileno()
        while self.process.poll() is None:
            if BUILDING in os.pread(descriptor, 1 << 16, 0):  # its messages so far; the file offset stays
                return
            time.sleep(poll)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def wait(self) -> SearchIndex | None:
        """The finished index; a failure is logged as an error with a `log` (a strict build fails without a
        traceback), and raised as SearchIndexError without one."""
        try:
            if self.error is not None:
                raise self.error
            # Pagefind is the only child process the build waits for here, so the children's CPU time taken
            # across wait() is its own.
            cpu_before = _children_cpu()
            _check_pagefind(self.process, self.site_dir)
            cpu = _children_cpu() - cpu_before
            pages = _indexed_pages(self.output)
        except SearchIndexError as error:
            if self.log is None:
                raise
            self.log.error(str(error))
            return None
        index = SearchIndex(pages=pages, seconds=time.perf_counter() - self.started, cpu_seconds=cpu,
                            output=self.output)
        if self.log is not None:
            self.log.info(f"Suche: {index.pages} Seiten in {index.seconds:.2f} s indiziert ({OUTPUT}/).")
        return index


def start_search_index(site_dir: str, log: logging.Logger | None = None) -> RunningIndex:
    """Start indexing `site_dir` once every page Pagefind reads (PAGES) is written; collect with wait()."""
    return RunningIndex(site_dir, log)


def build_search_index(site_dir: str, log: logging.Logger | None = None) -> SearchIndex | None:
    """Index the built site in `site_dir`; returns how many pages went in and how long it took.

    With a `log` (the MkDocs adapter passes its own), a failure is logged as an error, which makes a
    strict build fail without a traceback; without one, it is raised as SearchIndexError.
    """
    return start_search_index(site_dir, log).wait()
