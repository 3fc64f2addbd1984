"""`make bench`, part `make serve`: how long an edit to one story takes until the preview serves it.

Starts tools/serve.py on a generated corpus (the one tools/bench.py built, so the picture cache is warm),
waits for the first build, then changes the title of one story several times and polls the story's page
over HTTP until the new title is there: file event, debounce, partial rebuild and serving, as an editor
sees it. Target: <= 2 s at 10,000 stories.

    python tools/bench_serve.py KORPUS [KORPUS ...]
"""

from __future__ import annotations

import glob
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET_SECONDS = 2.0
EDITS = 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _read(path: str) -> str:
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def run(root: str, timeout: float = 1800) -> dict:
    port = _free_port()
    site_dir = os.path.join(root, ".site-serve")
    log_path = os.path.join(root, "serve.log")
    from bench import corpus_env  # the environment of every build of the corpus: its image cache, our hooks

    env = corpus_env(root)
    story = sorted(glob.glob(os.path.join(root, "stories", "*", "*", "index.md")))[len(glob.glob(
        os.path.join(root, "stories", "*", "*", "index.md"))) // 2]
    slug = os.path.basename(os.path.dirname(story)).split("-", 3)[3]
    url = f"http://127.0.0.1:{port}/geschichten/{slug}/"
    started = time.perf_counter()
    with open(log_path, "w") as log:
        server = subprocess.Popen([sys.executable, os.path.join(HERE, "serve.py"), "--config",
                                   os.path.join(root, "mkdocs.yml"), "--port", str(port), "--site-dir", site_dir],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        while _get(url) is None:
            if server.poll() is not None or time.perf_counter() - started > timeout:
                raise SystemExit(f"Die Vorschau startete nicht; siehe {log_path}")
            time.sleep(0.5)
        first_build = time.perf_counter() - started
        # The search index is built in the background after the first build and takes both cores for a
        # while; an editor works in the steady state after it, so the edits start when it is done.
        while "Suchindex fertig" not in _read(log_path) and time.perf_counter() - started < timeout:
            time.sleep(1)
        search_ready = time.perf_counter() - started
        time.sleep(1)
        with open(story, encoding="utf-8") as handle:
            original = handle.read()
        latencies = []
        try:
            for number in range(EDITS):
                title = f"Geänderter Titel Nummer {number} {time.time_ns()}"
                text = re.sub(r'^title: .*$', f'title: "{title}"', original, count=1, flags=re.M)
                edited = time.perf_counter()
                with open(story, "w", encoding="utf-8") as handle:
                    handle.write(text)
                while title not in (_get(url) or ""):
                    if time.perf_counter() - edited > 120:
                        raise SystemExit(f"Die Änderung erschien nicht; siehe {log_path}")
                    time.sleep(0.02)
                latencies.append(time.perf_counter() - edited)
                time.sleep(1.5)
        finally:
            with open(story, "w", encoding="utf-8") as handle:
                handle.write(original)
    finally:
        server.terminate()
        server.wait(timeout=30)
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        rebuilt = re.findall(r"Neu gebaut: (\d+) Seiten in (\d+\.\d+) s", handle.read())
    stories = len(glob.glob(os.path.join(root, "stories", "*", "*", "index.md")))
    return {"stories": stories, "first_build_seconds": round(first_build, 1),
            "search_ready_seconds": round(search_ready, 1),
            "edit_seconds": [round(value, 2) for value in latencies],
            "edit_median_seconds": round(statistics.median(latencies), 2),
            "pages_rendered": [int(pages) for pages, _ in rebuilt],
            "rebuild_seconds": [float(seconds) for _, seconds in rebuilt]}


def report(result: dict) -> None:
    print(f"make serve bei {result['stories']} Geschichten: erster Bau {result['first_build_seconds']} s, "
          f"Suchindex nach {result['search_ready_seconds']} s; "
          f"Änderung bis sichtbar {result['edit_median_seconds']:.2f} s (Median von {len(result['edit_seconds'])}: "
          f"{', '.join(f'{v:.2f}' for v in result['edit_seconds'])}; Ziel <= {TARGET_SECONDS:.0f} s); "
          f"je Änderung {result['pages_rendered'][:1] or '?'} Seiten neu in "
          f"{', '.join(f'{v:.2f}' for v in result['rebuild_seconds'])} s", flush=True)


if __name__ == "__main__":
    for folder in sys.argv[1:]:
        report(run(folder))
