"""A tiny static web server for browser tests and benchmarks, serving a built site on 127.0.0.1.

Like the hosts the site is published on (GitHub Pages, nginx), it compresses text files (HTML, CSS,
JavaScript, JSON, SVG) with gzip when the browser asks for it and lets it cache for ten minutes, so that byte counts measured through it
are what a reader would download. Pagefind's index files are compressed by Pagefind itself and are
sent as they are.

    with serve("site") as base_url:   # "http://127.0.0.1:<port>/"
        ...
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import threading

COMPRESSIBLE = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt")


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".mjs": "text/javascript", ".wasm": "application/wasm"}

    def log_message(self, format, *args):  # quiet: tests and benchmarks print their own findings
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")  # as GitHub Pages sends it
        super().end_headers()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to "dir/"
            path = os.path.join(path, "index.html")
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.endswith(COMPRESSIBLE) and os.path.isfile(path)):
            return super().send_head()
        with open(path, "rb") as handle:
            body = gzip.compress(handle.read(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _Bytes(body)


class _Bytes:
    """What send_head returns: something copyfile can read and close."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return data

    def close(self) -> None:
        pass


@contextlib.contextmanager
def serve(site_dir: str):
    """Serve `site_dir` in a background thread; yields the base URL."""
    handler = functools.partial(_Handler, directory=os.path.abspath(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
