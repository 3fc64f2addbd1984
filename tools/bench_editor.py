"""The web editor (/redaktion/) in `make bench`: what its first load transfers, and how long it takes to list
the stories of a large repository.

    python tools/bench_editor.py [--sizes 1000,10000]

1. First load: the editor as the build writes it (hooks/kleinstadt/editor_page.py) with this repository's
   configuration, served by tools/static_server.py (gzip for text, as GitHub Pages does), opened in
   Debian's Chromium with an empty cache until the sign-in page shows and the network is idle. Counted are
   the bytes on the wire (headers plus body, compressed) of every request, per file.
2. Story list: a synthetic corpus (tools/corpus.py generate, 700 words per story, the same as the build
   benchmark) becomes the local repository in the browser's origin-private file system, handed to Sveltia
   by the stubbed directory picker of the tests (tests/editor/opfs.js). Timed from the click on „Mit
   lokalem Repository arbeiten“ until the list of stories shows its first row.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from urllib.parse import urlsplit

import corpus
from bench_search import VOCABULARY_SIZE

REPO = corpus.REPO
OPFS = os.path.join(REPO, "tests", "editor", "opfs.js")
LOCAL = "Mit lokalem Repository arbeiten"
# Writes the repository the page fetches as one JSON file ({path: text}) into the origin-private file system.
FILL = """async (url) => {
  const files = await (await fetch(url)).json();
  const root = await navigator.storage.getDirectory();
  await root.getDirectoryHandle(".git", { create: true });
  const folders = new Map([["", root]]);
  const folder = async (path) => {
    if (folders.has(path)) return folders.get(path);
    const cut = path.lastIndexOf("/");
    const parent = await folder(cut < 0 ? "" : path.slice(0, cut));
    const handle = await parent.getDirectoryHandle(path.slice(cut + 1), { create: true });
    folders.set(path, handle);
    return handle;
  };
  for (const [path, text] of Object.entries(files)) {
    const cut = path.lastIndexOf("/");
    const handle = await (await folder(cut < 0 ? "" : path.slice(0, cut))).getFileHandle(path.slice(cut + 1), { create: true });
    const writable = await handle.createWritable();
    await writable.write(text);
    await writable.close();
  }
  return Object.keys(files).length;
}"""


def editor_site(target: str, content_root: str = REPO) -> str:
    """A site folder with only /redaktion/ (and the favicon it names), as the build writes it."""
    from kleinstadt import editor_page

    os.makedirs(os.path.join(target, "assets"), exist_ok=True)
    shutil.copyfile(os.path.join(REPO, "overrides", "assets", "favicon.svg"), os.path.join(target, "assets", "favicon.svg"))
    editor_page.write_editor(target, content_root, REPO)
    return target


def first_load(browser, base: str) -> dict:
    """Bytes transferred by a first visit of /redaktion/ (empty cache) until the sign-in page is idle."""
    from browser import Traffic

    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        traffic = Traffic(page)
        started = time.perf_counter()
        page.goto(base + "redaktion/")
        page.get_by_role("button", name=LOCAL).wait_for(timeout=120_000)
        shown = time.perf_counter() - started
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(1500)  # fonts requested after the first paint
        files = {}
        for url, size in traffic.since(0):
            if not url.startswith(("http:", "https:")):
                continue  # blob: and data: addresses the page makes itself
            name = urlsplit(url).path.removeprefix("/redaktion/") or "index.html"
            files[name] = files.get(name, 0) + size
        return {"bytes": sum(files.values()), "files": dict(sorted(files.items(), key=lambda item: -item[1])),
                "seconds_to_sign_in": shown, "requests": len(traffic.requests)}
    finally:
        context.close()


def repository_json(corpus_root: str, target: str) -> int:
    """The corpus's stories, towns and taxonomy as one JSON file {path: text}; returns the story count."""
    files, stories = {}, 0
    with open(os.path.join(corpus_root, "taxonomy.yml"), encoding="utf-8") as handle:
        files["taxonomy.yml"] = handle.read()
    for top in ("towns", "stories"):
        for folder, _, names in os.walk(os.path.join(corpus_root, top)):
            for name in names:
                if not name.endswith((".md", ".yml")):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as handle:
                    files[os.path.relpath(path, corpus_root).replace(os.sep, "/")] = handle.read()
                stories += top == "stories" and name == "index.md"
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(files, handle, ensure_ascii=False)
    return stories


def story_list(browser, base: str, repository_url: str, timeout_s: int = 900) -> dict:
    """Seconds from the click on „Mit lokalem Repository arbeiten“ until the story list shows a row."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.add_init_script(path=OPFS)
    try:
        page = context.new_page()
        page.goto(base + "redaktion/")
        page.get_by_role("button", name=LOCAL).wait_for(timeout=120_000)
        started = time.perf_counter()
        written = page.evaluate(FILL, repository_url)
        filled = time.perf_counter() - started
        started = time.perf_counter()
        page.get_by_role("button", name=LOCAL).click()
        grid = page.get_by_role("grid", name="Einträge")
        grid.get_by_role("gridcell").first.wait_for(timeout=timeout_s * 1000)
        seconds = time.perf_counter() - started
        if os.environ.get("KSG_BENCH_DEBUG"):
            print(grid.aria_snapshot()[:1500])
        return {"files": written, "seconds_fill_opfs": filled, "seconds_to_list": seconds}
    finally:
        context.close()


def run(workdir: str | None = None, sizes: tuple[int, ...] = (1000, 10_000)) -> dict:
    from browser import chromium
    from static_server import serve

    own = workdir is None
    workdir = workdir or tempfile.mkdtemp(prefix="ksg-bench-editor-")
    result = {"story_list": []}
    try:
        site = editor_site(os.path.join(workdir, "editor-site"))
        os.makedirs(os.path.join(site, "_bench"), exist_ok=True)
        with serve(site) as base, chromium() as browser:
            load = first_load(browser, base)
            result["first_load"] = load
            print(f"Erster Aufruf von /redaktion/ (gzip wie GitHub Pages): {load['bytes'] / 1000:.0f} KB in "
                  f"{load['requests']} Anfragen; Anmeldeseite nach {load['seconds_to_sign_in']:.1f} s", flush=True)
            for name, size in load["files"].items():
                print(f"  {name:<55} {size / 1000:>8.1f} KB", flush=True)
            for count in sizes:
                corpus_root = os.path.join(workdir, f"korpus-{count}")  # make bench's corpus, when it made one
                if not os.path.isdir(os.path.join(corpus_root, "stories")) or not os.listdir(os.path.join(corpus_root, "stories")):
                    corpus.prepare_site(corpus_root)
                    corpus.generate(corpus_root, count, vocabulary_size=VOCABULARY_SIZE)
                stories = repository_json(corpus_root, os.path.join(site, "_bench", f"repo-{count}.json"))
                timing = story_list(browser, base, base + f"_bench/repo-{count}.json")
                timing["stories"] = stories
                result["story_list"].append(timing)
                print(f"Liste mit {stories} Geschichten: {timing['seconds_to_list']:.1f} s bis zur ersten Zeile "
                      f"(Dateien in den Browser-Speicher legen: {timing['seconds_fill_opfs']:.1f} s, nicht mitgezählt)",
                      flush=True)
    finally:
        if own:
            shutil.rmtree(workdir, ignore_errors=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description="Misst den Web-Editor /redaktion/.")
    parser.add_argument("--sizes", default="1000,10000", help="Korpusgrößen, durch Komma getrennt.")
    args = parser.parse_args()
    result = run(sizes=tuple(int(size) for size in args.sizes.split(",") if size))
    os.makedirs(os.path.join(REPO, "bench-results"), exist_ok=True)
    with open(os.path.join(REPO, "bench-results", "editor.json"), "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
