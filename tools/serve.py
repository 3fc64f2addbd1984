"""`make serve`: the live preview with drafts, on http://127.0.0.1:8000/, that shows an edit within seconds.

One full build (hooks/serve_engine.py), then watchdog reports which files changed, and only the pages that
show a changed story are rendered again (at 10,000 stories about a dozen pages instead of 13,000). Changes
to taxonomy.yml, towns, pillar texts, pages, editions, templates or pictures rebuild everything; a change to
the build's Python code (hooks/) restarts the preview. The search index is built once, in the background,
after the first build; until it is ready, /suche/ says so. Browsers reload by themselves (MkDocs' livereload,
with its script as a file of the site, so the Content-Security-Policy needs no exception).

    python tools/serve.py [--config mkdocs.yml] [--port 8000] [--site-dir DIR]
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path[:0] = [path for path in (os.path.join(REPO, "hooks"), HERE) if path not in sys.path]

from mkdocs.config import load_config  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.livereload import LiveReloadServer  # noqa: E402

log = logging.getLogger("mkdocs.ksg.serve")
LIVERELOAD = "/.ksg-livereload.js"
SEARCH_NOTICE = ('<p class="ksg-draft" role="status" data-ksg-search-pending><strong>Suche wird vorbereitet:</strong> '
                 "Der Suchindex entsteht nach dem ersten Bau im Hintergrund (bei vielen Geschichten dauert das "
                 "einige Minuten). Diese Seite lädt neu, sobald er fertig ist.</p>")
WATCHED = ("stories", "towns", "pillars", "pages", "editions", "taxonomy.yml", "redirects.yml", "mkdocs.yml")


def make_engine(config_file: str, site_dir: str, port: int = 8000):
    """Load the configuration as `mkdocs serve` does (drafts shown, the serve address as site_url)."""
    from serve_engine import Engine, serve_url

    config = load_config(config_file=config_file, site_dir=site_dir, dev_addr=f"127.0.0.1:{port}")
    config.plugins.on_startup(command="serve", dirty=False)
    published = config.site_url
    config.site_url = serve_url(config)
    engine = Engine(config)
    engine.state.sheet_url = published  # Praxisblätter as the build sets them (hooks/site.py, sheet_url)
    return engine


class Server(LiveReloadServer):
    """MkDocs' livereload server: the reload script comes from a file, and /suche/ tells whether the search
    index is ready."""

    search_ready = False

    def _inject_js_into_html(self, content, epoch):
        body_end = content.rfind(b"</body>")
        body_end = len(content) if body_end < 0 else body_end
        tag = b'<script src="%s?epoch=%d" defer></script>' % (LIVERELOAD.encode(), epoch)
        content = content[:body_end] + tag + content[body_end:]
        if not self.search_ready and b"data-ksg-search" in content:
            content = content.replace(b'<article class="md-content__inner md-typeset" id="ksg-inhalt">',
                                      b'<article class="md-content__inner md-typeset" id="ksg-inhalt">'
                                      + SEARCH_NOTICE.encode(), 1)
        return content

    def _serve_request(self, environ, start_response):
        if environ["PATH_INFO"] == LIVERELOAD:
            from mkdocs.livereload import _SCRIPT_TEMPLATE

            query = dict(part.split("=", 1) for part in environ.get("QUERY_STRING", "").split("&") if "=" in part)
            epoch = int(query.get("epoch", "0") or 0)
            script = _SCRIPT_TEMPLATE.substitute(epoch=epoch, request_id=int(time.monotonic() * 1000)).encode()
            start_response("200 OK", [("Content-Type", "application/javascript"),
                                      ("Content-Length", str(len(script)))])
            return [script]
        return super()._serve_request(environ, start_response)

    def reload_browsers(self) -> None:
        with self._epoch_cond:
            self._wanted_epoch = self._visible_epoch = int(time.monotonic() * 1000)
            self._epoch_cond.notify_all()


def _search_in_background(server: Server, site_dir: str) -> None:
    from kleinstadt.search import SearchIndexError, build_search_index

    def run():
        started = time.perf_counter()
        try:
            build_search_index(site_dir)
        except SearchIndexError as error:
            log.error(f"Suchindex: {error}")
            return
        server.search_ready = True
        log.info(f"Suchindex fertig ({time.perf_counter() - started:.1f} s); die Suche funktioniert jetzt.")
        server.reload_browsers()

    threading.Thread(target=run, name="ksg-search", daemon=True).start()


def main() -> int:
    parser = argparse.ArgumentParser(description="Vorschau der ganzen Seite mit Entwürfen, aktualisiert bei jeder Änderung.")
    parser.add_argument("--config", default=os.path.join(os.getcwd(), "mkdocs.yml"))
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--site-dir", default=None, help="Zielordner (sonst ein temporärer).")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    for name in ("watchdog", "mkdocs.structure", "mkdocs.commands"):
        logging.getLogger(name).setLevel(logging.WARNING)
    site_dir = args.site_dir or tempfile.mkdtemp(prefix="ksg-serve-")
    root = os.path.dirname(os.path.abspath(args.config))
    engine = make_engine(args.config, site_dir, args.port)
    started = time.perf_counter()
    engine.full()
    engine.update(set())  # once without a change: the first real edit then finds everything warm
    log.info(f"Erster Bau fertig ({time.perf_counter() - started:.1f} s).")

    changed: set[str] = set()
    lock = threading.Lock()
    restart = threading.Event()

    def builder():
        with lock:
            paths = set(changed)
            changed.clear()
        if restart.is_set():
            log.info("Der Code des Baus hat sich geändert: die Vorschau startet neu.")
            os.execv(sys.executable, [sys.executable] + sys.argv)
        if not paths:
            return
        try:
            result = engine.update(paths, finish=False)
        except PluginError as error:  # problems in the content, listed above in German; the pages stay
            log.error(f"{error} Nach dem Speichern der Korrektur baut die Vorschau weiter.")
            return
        what = "alles" if result["kind"] == "full" else f"{result['rendered']} Seiten"
        log.info(f"Neu gebaut: {what} in {result['seconds']:.2f} s"
                 + (f", {result['removed']} entfernt" if result.get("removed") else ""))
        server.reload_browsers()  # the pages are there; feeds, open data, sitemap and cards follow
        finishing.set()

    finishing = threading.Event()

    def finisher():  # in its own thread, so that the next edit need not wait for feeds and open data
        while True:
            finishing.wait()
            finishing.clear()
            try:
                seconds = engine.finish()
            except Exception as error:  # noqa: BLE001 - logged; the next edit writes them again
                log.error(f"Feeds, offene Daten oder Sitemap: {error}")
                continue
            if seconds:
                log.info(f"Feeds, offene Daten, Sitemap und Vorschaukarten in {seconds:.2f} s")

    threading.Thread(target=finisher, name="ksg-finish", daemon=True).start()
    server = Server(builder=builder, host="127.0.0.1", port=args.port, root=site_dir)
    server.error_handler = lambda code: (open(os.path.join(site_dir, "404.html"), "rb").read()
                                         if code == 404 and os.path.isfile(os.path.join(site_dir, "404.html")) else None)

    from watchdog.events import (DirDeletedEvent, DirMovedEvent, FileClosedEvent, FileCreatedEvent,
                                 FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileSystemEventHandler)
    from watchdog.observers import Observer

    class Handler(FileSystemEventHandler):
        def __init__(self, code: bool = False, names: tuple = ()):
            self.code, self.names = code, names

        def on_any_event(self, event):
            if event.is_directory and event.event_type != "deleted":
                return
            paths = [event.src_path] + ([event.dest_path] if getattr(event, "dest_path", "") else [])
            if self.names:  # the folder of mkdocs.yml: only its own files count, not the site being written
                paths = [path for path in paths if os.path.basename(path) in self.names]
                if not paths:
                    return
            if event.is_directory:  # a folder deleted or moved with everything in it (kleinstadt/incremental.py)
                paths = [path.rstrip(os.sep) + os.sep for path in paths]
            if any(os.path.basename(path).startswith(".") or path.endswith("~") or "__pycache__" in path
                   for path in paths):
                return
            with lock:
                changed.update(paths)
                if self.code and any(path.endswith(".py") for path in paths):
                    restart.set()
            with server._rebuild_cond:
                server._want_rebuild = True
                server._rebuild_cond.notify_all()

    # Only writes, creations, deletions and moves: by default inotify also reports every open and read, and
    # a rebuild that lists 10,000 story folders overflowed its queue (events lost, the edit never seen).
    events = [FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent,
              DirDeletedEvent, DirMovedEvent]
    observer = Observer()
    for name in WATCHED:
        if os.path.isdir(os.path.join(root, name)):
            observer.schedule(Handler(), os.path.join(root, name), recursive=True, event_filter=events)
    observer.schedule(Handler(names=tuple(name for name in WATCHED if "." in name)), root, recursive=False,
                      event_filter=events)
    theme_dir = engine.config.theme.custom_dir
    if theme_dir and os.path.isdir(theme_dir):
        observer.schedule(Handler(), theme_dir, recursive=True, event_filter=events)
    observer.schedule(Handler(code=True), os.path.join(REPO, "hooks"), recursive=True, event_filter=events)
    observer.start()
    server._watched_paths = {root: 1}  # so that the server injects the reload script
    _search_in_background(server, site_dir)
    try:
        server.serve()
    except KeyboardInterrupt:
        log.info("Vorschau beendet.")
    finally:
        observer.stop()
        server.shutdown()
        if not args.site_dir:
            shutil.rmtree(site_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
