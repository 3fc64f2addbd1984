"""Benchmark of `make preview`: is a contributor's preview ready in at most 3 s among 10,000 stories?

Generates the stories (tools/corpus.py) into a temporary Git repository on `main`, changes one story on a
branch the way a young author would (back to draft, a new paragraph), and times `tools/preview.py` as a
whole, from its start until the changed story's page answers on localhost (with cold caches): Python start,
finding the change with Git, loading and validating, building, serving. Then the build alone again, with its
CPU time (on a busy machine the wall time is mostly waiting), and for contrast the full validation of every
story that `make check` does.

    python tools/bench_preview.py [--stories 10000]
    make bench   (runs it after the build benchmark, reusing its 10,000-story corpus)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import corpus
from kleinstadt.story import FOLDER

REPO = corpus.REPO
TARGET_SECONDS = 3.0


def _git(root: str, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Benchmark", "-c", "user.email=bench@example.invalid", *args], cwd=root,
                   check=True, capture_output=True)


def prepare_repository(root: str, count: int, source: str = REPO) -> str:
    """A Git repository with `count` committed stories on main and one story changed on a branch;
    returns the changed story's index.md relative to root."""
    if not os.path.isdir(os.path.join(root, "stories")) or not os.listdir(os.path.join(root, "stories")):
        corpus.prepare_site(root, source=source)
        corpus.generate(root, count)
    _git(root, "init", "--quiet", "--initial-branch=main")
    with open(os.path.join(root, ".gitignore"), "w", encoding="utf-8") as handle:
        handle.write("site/\n.site-*/\n")
    _git(root, "add", "--all")
    _git(root, "commit", "--quiet", "-m", "Korpus")
    _git(root, "checkout", "--quiet", "-b", "beitrag")
    town = sorted(os.listdir(os.path.join(root, "stories")))[0]
    folder = sorted(os.listdir(os.path.join(root, "stories", town)))[0]
    story = f"stories/{town}/{folder}/index.md"
    path = os.path.join(root, story)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text.replace("status: published", "status: draft")
                     + "\nEin neuer Absatz, gerade geschrieben, noch nicht eingecheckt.\n")
    return story


def time_preview(root: str, site_dir: str) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds, CPU seconds (all child processes, so less sensitive to a busy machine) and the result."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "hooks"), os.path.join(REPO, "tools")]))
    env.pop("KSG_ONLY_STORIES", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, os.path.join(REPO, "tools", "preview.py"), "--root", root,
                             "--build-only", "--site-dir", site_dir], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, result


def time_until_served(root: str, story_url: str, timeout: float = 60) -> float:
    """Seconds from starting `tools/preview.py` (serving) until the changed story's page answers on localhost."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "hooks"), os.path.join(REPO, "tools")]))
    env.pop("KSG_ONLY_STORIES", None)
    url = f"http://127.0.0.1:{port}/{story_url}"
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, os.path.join(REPO, "tools", "preview.py"), "--root", root,
                                "--port", str(port), "--site-dir", os.path.join(root, ".site-vorschau-serve")],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < timeout and process.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return time.perf_counter() - started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        raise SystemExit(f"Die Vorschau hat in {timeout:.0f} s nicht geantwortet ({url}).")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def machine_load() -> dict:
    """Load average and CPU pressure at the time of measuring: on a shared machine wall time is not CPU time."""
    figures = {"load_average_1min": round(os.getloadavg()[0], 2)}
    try:
        with open("/proc/pressure/cpu", encoding="ascii") as handle:
            figures["cpu_pressure_avg10"] = float(handle.readline().split()[1].split("=")[1])
    except (OSError, IndexError, ValueError):
        pass
    return figures


def time_full_check(root: str) -> tuple[float, int]:
    from kleinstadt.content import load_content

    started = time.perf_counter()
    content = load_content(root)
    return time.perf_counter() - started, len(content.stories)


def run(workdir: str | None = None, count: int = 10_000, source: str = REPO) -> dict:
    """Times the preview among `count` stories, with the taxonomy, towns and pages of `source`."""
    own = workdir is None
    workdir = workdir or tempfile.mkdtemp(prefix="ksg-bench-vorschau-")
    corpus_root = os.path.join(workdir, f"korpus-{count}")  # make bench's corpus, when it made one
    root = os.path.join(workdir, f"vorschau-{count}")
    try:
        if os.path.isdir(os.path.join(corpus_root, "stories")):
            corpus.prepare_site(root, source=source)
            shutil.copytree(os.path.join(corpus_root, "stories"), os.path.join(root, "stories"), dirs_exist_ok=True)
        story = prepare_repository(root, count, source)
        site_dir = os.path.join(root, ".site-vorschau")
        load = machine_load()
        slug = FOLDER.match(story.split("/")[2]).group(2)
        served = time_until_served(root, f"geschichten/{slug}/")  # first, while the caches are still cold
        seconds, cpu, result = time_preview(root, site_dir)
        if result.returncode:
            raise SystemExit(f"Vorschau fehlgeschlagen:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
        story_pages = [name for name in os.listdir(os.path.join(site_dir, "geschichten"))
                       if os.path.isdir(os.path.join(site_dir, "geschichten", name))]
        html_pages = sum(1 for _, _, files in os.walk(site_dir) for name in files if name.endswith(".html"))
        check_seconds, checked = time_full_check(root)
        within = max(served, seconds) <= TARGET_SECONDS
        figures = {
            "stories": count, "changed_story": story, "served_seconds": round(served, 2),
            "preview_seconds": round(seconds, 2), "preview_cpu_seconds": round(cpu, 2),
            "target_seconds": TARGET_SECONDS, "within_target": within,
            "story_pages_built": len(story_pages), "html_pages": html_pages,
            "full_check_seconds": round(check_seconds, 2), "stories_checked": checked, **load,
        }
        print(f"Vorschau bei {count} Geschichten, eine geändert: {served:.2f} s, bis die Geschichte im Browser "
              f"antwortet (Ziel <= {TARGET_SECONDS:.0f} s: {'erreicht' if within else 'VERFEHLT'}); "
              f"nur bauen: {seconds:.2f} s, davon {cpu:.2f} s Rechenzeit; "
              f"{html_pages} HTML-Seiten, davon {len(story_pages)} Geschichte(n).")
        print(f"Zum Vergleich: alle {checked} Geschichten laden und prüfen (make check): {check_seconds:.2f} s.")
        print(f"Last beim Messen: {load} (bei hoher Last ist die Wartezeit größer als die Rechenzeit).")
        return figures
    finally:
        shutil.rmtree(root, ignore_errors=True)
        if own:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Misst, wie schnell `make preview` fertig ist.")
    parser.add_argument("--stories", type=int, default=10_000)
    args = parser.parse_args(argv)
    figures = run(count=args.stories)
    os.makedirs(os.path.join(REPO, "bench-results"), exist_ok=True)
    with open(os.path.join(REPO, "bench-results", "preview.json"), "w", encoding="utf-8") as handle:
        json.dump(figures, handle, indent=2)
    return 0 if figures["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
