"""`make bench`: build synthetic corpora of 1,000 and 10,000 stories and report time and size.

Prints build seconds, milliseconds per story, output MB and KB per story with where the bytes go (target:
<= 45 KB per story), Hugo + Pagefind on the same corpus as the anchor and our ratio to it (target <= 1.25,
tools/bench_hugo.py), the edit latency of `make serve` (target <= 2 s, tools/bench_serve.py), and the
10k/1k ratios (targets: <= 3 ms per story at 10,000; time ratio <= 11; output ratio <= 10.5). Then runs
the benchmarks of search, images, preview and the web editor (tools/bench_editor.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import corpus
from bench_search import VOCABULARY_SIZE

REPO = corpus.REPO


def folder_size(path: str) -> int:
    total = 0
    for folder, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(folder, name)) for name in files)
    return total


# Where the bytes of a built site go, per story (issue 18: at most 45 KB per story at 10,000).
PARTS = (
    ("Geschichtenseiten (HTML)", lambda path, name: path.startswith("geschichten/") and path.count("/") == 2
     and name == "index.html"),
    ("Vorschaukarten", lambda path, name: name.startswith("ksg-karte.")),
    ("Suchindex (Pagefind)", lambda path, name: path.startswith("pagefind/")),
    ("Übersichtsseiten (HTML)", lambda path, name: name.endswith(".html")),
    ("Feeds", lambda path, name: name.endswith(".xml") and not name.startswith("sitemap")),
    ("Offene Daten", lambda path, name: path.startswith("daten/")),
    ("Illustrationen, Fotos", lambda path, name: name.endswith((".webp", ".avif", ".jpg", ".png"))),
)


def size_breakdown(site_dir: str, stories: int) -> dict[str, float]:
    """KB per story of each part of the site (the first matching part counts a file; the rest is "Übriges")."""
    totals = {name: 0 for name, _ in PARTS} | {"Übriges (Theme, Sitemap, ...)": 0}
    for folder, _, names in os.walk(site_dir):
        relative = os.path.relpath(folder, site_dir).replace(os.sep, "/")
        for name in names:
            path = name if relative == "." else f"{relative}/{name}"
            size = os.path.getsize(os.path.join(folder, name))
            part = next((part for part, test in PARTS if test(path, name)), "Übriges (Theme, Sitemap, ...)")
            totals[part] += size
    return {part: round(size / 1e3 / stories, 2) for part, size in totals.items()}


def settle() -> None:
    """Before a timed run: write out what earlier runs left in memory and give the disk time to discard
    what they deleted (a build writes and removes about 800 MB at 10,000 stories). Without this, a run
    paid for the one before it, and the same build varied by 5-10 s."""
    os.sync()
    time.sleep(SETTLE_SECONDS)


SETTLE_SECONDS = 8


def children_cpu() -> float:
    """User and system time of the finished child processes so far (the build with its workers, Pagefind)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(root: str, env: dict) -> tuple[float, dict]:
    """One strict build of a corpus; returns the seconds and the step times the build logs (with the
    processor time of the build and all its processes under "CPU")."""
    site_dir = os.path.join(root, "site")
    shutil.rmtree(site_dir, ignore_errors=True)
    settle()
    cpu = children_cpu()
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                             os.path.join(root, "mkdocs.yml"), "--site-dir", site_dir], env=env,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    cpu = children_cpu() - cpu
    if result.returncode:
        raise SystemExit(f"Bau fehlgeschlagen ({root}):\n{result.stderr[-3000:]}")
    steps = {}
    line = re.search(r"Zeiten: (.*)", result.stderr)
    for name, value in re.findall(r"([A-Za-zÄÖÜäöüß ]+?) (\d+\.\d+) s", line.group(1) if line else ""):
        steps[name.strip()] = float(value)
    steps["CPU"] = cpu
    return seconds, steps


def corpus_env(root: str) -> dict:
    """The environment of a build of the corpus in `root`: its own image cache, this repository's hooks."""
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", KSG_IMAGE_CACHE=os.path.join(root, ".cache", "images"),
                PYTHONPATH=os.pathsep.join([os.path.join(REPO, "hooks"), os.path.join(REPO, "tools")]))


def build_corpus(count: int, workdir: str, words: int = 700) -> dict:
    """Generate `count` stories with a German vocabulary of 20,000 words and build them twice: with an
    empty image cache (the first build) and with a warm one (every build after it)."""
    root = os.path.join(workdir, f"korpus-{count}")
    corpus.prepare_site(root)
    corpus.generate(root, count, words_per_story=words, vocabulary_size=VOCABULARY_SIZE)
    env = corpus_env(root)
    cold, cold_steps = build(root, env)
    warm, steps = build(root, env)
    site_dir = os.path.join(root, "site")
    size = folder_size(site_dir)
    pages = sum(1 for _, _, files in os.walk(site_dir) for name in files if name.endswith(".html"))
    # Pagefind's own time, from its start to its written index. It runs beside the listing pages, feeds, open
    # data and sitemap (hooks/site.py), so "ohne Suche" is what the build takes beyond Pagefind's time.
    search = steps.get("Suche", 0.0)
    return {"stories": count, "seconds_cold": cold, "seconds": warm, "ms_per_story": warm * 1000 / count,
            "seconds_without_search": warm - search, "ms_per_story_without_search": (warm - search) * 1000 / count,
            "search_seconds": search, "cpu_seconds": steps.pop("CPU"),
            "images_cold_seconds": cold_steps.get("Bilder vorbereiten", 0.0),
            "images_warm_seconds": steps.get("Bilder vorbereiten", 0.0), "steps": steps,
            "output_mb": size / 1e6, "kb_per_story": size / 1e3 / count, "html_pages": pages, "root": root,
            "kb_per_story_by_part": size_breakdown(site_dir, count)}


def anchor_rounds(root: str, env: dict, rounds: int, first: tuple[float, float]) -> list[dict]:
    """Our warm build and Hugo + Pagefind in turn, `rounds` times (the first of ours is the warm build just
    made, as (seconds, CPU seconds)): on a shared machine a single pair can be 20 % off either way."""
    import bench_hugo

    rows = []
    for index in range(rounds):
        if index == 0:
            seconds, cpu = first
        else:
            seconds, steps = build(root, env)
            cpu = steps["CPU"]
        anchor = bench_hugo.run(root)
        rows.append({"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 1), "anchor": anchor})
    return rows


def anchor_summary(rows: list[dict]) -> dict:
    """The ratio of each round (our build / Hugo + Pagefind of the same round), their median, and the median of
    the CPU ratios."""
    ratios = [row["seconds"] / row["anchor"]["seconds"] for row in rows]
    cpu = [row["cpu_seconds"] / row["anchor"]["cpu_seconds"] for row in rows]
    return {"ratios": [round(ratio, 2) for ratio in ratios], "ratio": round(statistics.median(ratios), 2),
            "cpu_ratio": round(statistics.median(cpu), 2)}


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmarks für Kleinstadtgeschichten.")
    parser.add_argument("--sizes", default="1000,10000", help="Korpusgrößen, durch Komma getrennt.")
    parser.add_argument("--keep", action="store_true", help="Temporäre Ordner behalten.")
    parser.add_argument("--only-build", action="store_true", help="Nur den Seitenbau messen.")
    parser.add_argument("--no-anchor", action="store_true", help="Ohne Hugo + Pagefind als Vergleich.")
    parser.add_argument("--no-serve", action="store_true", help="Ohne die Messung von `make serve`.")
    parser.add_argument("--rounds", type=int, default=3,
                        help="Durchgänge im Wechsel mit Hugo + Pagefind (Median des Verhältnisses; Vorgabe 3).")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    workdir = tempfile.mkdtemp(prefix="ksg-bench-")
    results = []
    try:
        print(f"{'Geschichten':>11} {'kalt s':>8} {'warm s':>8} {'ms/Gesch.':>10} {'ohne Suche':>11} "
              f"{'Suche s':>8} {'MB':>8} {'KB/Gesch.':>10} {'Seiten':>7}")
        for size in sizes:
            r = build_corpus(size, workdir)
            results.append(r)
            print(f"{r['stories']:>11} {r['seconds_cold']:>8.1f} {r['seconds']:>8.1f} {r['ms_per_story']:>10.2f} "
                  f"{r['ms_per_story_without_search']:>11.2f} {r['search_seconds']:>8.1f} {r['output_mb']:>8.1f} "
                  f"{r['kb_per_story']:>10.1f} {r['html_pages']:>7}", flush=True)
            print(f"{'':>11} Schritte (warm): " + ", ".join(f"{k} {v:.1f} s" for k, v in r["steps"].items())
                  + f"; Bilder beim ersten Bau {r['images_cold_seconds']:.1f} s", flush=True)
            print(f"{'':>11} KB je Geschichte: " + ", ".join(f"{k} {v:.1f}" for k, v in r["kb_per_story_by_part"].items())
                  + f" (Ziel: zusammen <= 45)", flush=True)
            if not args.no_anchor:
                import bench_hugo

                rows = anchor_rounds(r["root"], corpus_env(r["root"]), max(1, args.rounds), (r["seconds"], r["cpu_seconds"]))
                r["anchor_rounds"], r["anchor"] = rows, rows[0]["anchor"]
                summary = anchor_summary(rows)
                r["ratio_to_anchor"], r["ratios_to_anchor"], r["cpu_ratio_to_anchor"] = (
                    summary["ratio"], summary["ratios"], summary["cpu_ratio"])
                for number, row in enumerate(rows, 1):
                    print(f"{'':>11} Durchgang {number}: unser Bau {row['seconds']:.1f} s ({row['cpu_seconds']:.1f} s CPU); ",
                          end="")
                    bench_hugo.report(row["anchor"])
                print(f"{'':>11} Verhältnis zu Hugo + Pagefind: Median {summary['ratio']:.2f} (Ziel <= 1,25; je Durchgang "
                      + " / ".join(f"{ratio:.2f}" for ratio in summary["ratios"])
                      + f"); CPU-Zeit im Median {summary['cpu_ratio']:.2f}-mal so viel", flush=True)
            if not args.no_serve:
                import bench_serve

                r["serve"] = bench_serve.run(r["root"])
                print(f"{'':>11} ", end="")
                bench_serve.report(r["serve"])
        if len(results) >= 2:
            small, large = results[0], results[-1]
            factor = large["stories"] / small["stories"]
            time_ratio = large["seconds"] / small["seconds"]
            size_ratio = large["output_mb"] / small["output_mb"]
            print(f"\nVerhältnis {large['stories']}/{small['stories']} (linear wäre {factor:.0f}): "
                  f"Zeit {time_ratio:.2f} (Ziel <= 11), Ausgabe {size_ratio:.2f} (Ziel <= 10.5)")
            print(f"ms pro Geschichte bei {large['stories']}: {large['ms_per_story']:.2f} mit Suchindex, "
                  f"{large['ms_per_story_without_search']:.2f} ohne (Ziel <= 3)")
        extra = {}
        if not args.only_build:
            import bench_editor
            import bench_images
            import bench_preview
            import bench_search

            print("\n== Suche (auf dem größten Korpus) ==", flush=True)
            extra["search"] = bench_search.run(os.path.join(results[-1]["root"], "site"))
            print("\n== Bilder ==", flush=True)
            extra["images"] = bench_images.run()
            bench_images.report(extra["images"])
            print("\n== Vorschau ==", flush=True)
            extra["preview"] = bench_preview.run(workdir=workdir)
            print("\n== Web-Editor /redaktion/ ==", flush=True)
            extra["editor"] = bench_editor.run(workdir=workdir, sizes=tuple(sizes))
        os.makedirs(os.path.join(REPO, "bench-results"), exist_ok=True)
        with open(os.path.join(REPO, "bench-results", "latest.json"), "w", encoding="utf-8") as handle:
            json.dump({"build": [{k: v for k, v in r.items() if k != "root"} for r in results], **extra}, handle,
                      indent=2, default=str)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
