"""`make preview`: builds only what you changed and shows it in the browser.

Finds the stories your branch changes against `main` (tools/changes.py), builds them with drafts
shown and marked, plus their towns and pillars and the home page (KSG_ONLY_STORIES, read by
hooks/kleinstadt/preview.py), and serves the result on http://127.0.0.1:8000/. When you save one of
those stories again, the preview is rebuilt; reload the page in the browser.

    python tools/preview.py [--base main] [--port 8000] [--site-dir .site-vorschau] [--build-only]
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import build as site_build
from changes import Changes, changes

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def preview_environment(found: Changes) -> dict[str, str]:
    return {"KSG_ONLY_STORIES": ",".join(found.stories), "KSG_DRAFTS": "1"}


def story_urls(root: str, found: Changes) -> list[tuple[str, str]]:
    """(title, address) of each changed story that could be built."""
    from kleinstadt.preview import load_preview

    content = load_preview(root, found.stories)
    return [(story.title, story.url) for story in content.stories]


def _snapshot(root: str, found: Changes) -> dict[str, float]:
    """Modification times of everything in the changed stories' folders and changed town profiles."""
    times = {}
    folders = [os.path.join(root, os.path.dirname(story)) for story in found.stories]
    for folder in folders:
        for name in os.listdir(folder) if os.path.isdir(folder) else ():
            path = os.path.join(folder, name)
            times[path] = os.path.getmtime(path)
    for town in found.towns:
        path = os.path.join(root, "towns", town + ".md")
        if os.path.exists(path):
            times[path] = os.path.getmtime(path)
    return times


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the name http.server uses
        pass


def serve(root: str, site_dir: str, found: Changes, port: int, seen: dict[str, float]) -> int:
    """Serves site_dir until Ctrl+C; rebuilds when a file differs from `seen` (taken before the last build)."""
    handler = functools.partial(_QuietHandler, directory=site_dir)
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        print(f"Der Port {port} ist schon belegt. Läuft die Vorschau schon? Sonst: make preview PORT=8001",
              file=sys.stderr)
        return 1
    # The addresses are read before the server answers: once it does, an editor (or a test) may already be
    # saving the story again, and a file read half-written would drop it from the list.
    stories = story_urls(root, found)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{port}/"
    print(f"\nDeine Vorschau läuft: {address}")
    for title, url in stories:
        print(f"  {title}\n    {address}{url}")
    print("Speicherst du eine Geschichte neu, baut sich die Vorschau neu: dann die Seite neu laden."
          "\nBeenden mit Strg+C.")
    try:
        while True:
            time.sleep(1)
            now = _snapshot(root, found)
            if now != seen:
                seen = now
                print("\nÄnderung gesehen, baue neu …")
                site_build.build(os.path.join(root, "mkdocs.yml"), site_dir, preview_environment(found), quiet=True)
    except KeyboardInterrupt:
        print("\nVorschau beendet.")
    finally:
        server.shutdown()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Baut und zeigt nur die Geschichten, die du geändert hast.")
    parser.add_argument("--root", default=REPO)
    parser.add_argument("--base", default="main", help="Womit verglichen wird (Standard: main).")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--site-dir", default=None, help="Wohin gebaut wird (Standard: .site-vorschau).")
    parser.add_argument("--build-only", action="store_true", help="Nur bauen, nicht anzeigen.")
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)
    site_dir = os.path.abspath(args.site_dir or os.path.join(root, ".site-vorschau"))
    started = time.perf_counter()
    found = changes(root, args.base)
    seen = _snapshot(root, found)  # before building: a story saved during the build is built again
    if found.towns:
        print("Geänderte Ortsprofile (" + ", ".join(f"towns/{town}.md" for town in found.towns) + ") zeigt die "
              "Vorschau auf der Seite des Ortes, wenn du auch eine Geschichte des Ortes geändert hast; "
              "sonst zeigt sie `make serve`.")
    if not found.stories:
        print("Du hast noch keine Geschichte geändert oder angelegt, also gibt es nichts vorzuschauen."
              "\nEine neue Geschichte beginnst du mit `make story`. Die ganze Seite zeigt `make serve` "
              "(das dauert länger).")
        return 0
    code = site_build.build(os.path.join(root, "mkdocs.yml"), site_dir, preview_environment(found), quiet=True)
    if code != 0:
        print("Die Vorschau konnte nicht gebaut werden. Starte `make check`: Es zeigt dir, was zu tun ist.",
              file=sys.stderr)
        return code
    print(f"Vorschau mit {len(found.stories)} geänderten Geschichte(n) in {time.perf_counter() - started:.1f} s gebaut.")
    if args.build_only:
        return 0
    return serve(root, site_dir, found, args.port, seen)


if __name__ == "__main__":
    sys.exit(main())
