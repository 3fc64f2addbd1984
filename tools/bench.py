"""`make bench`: build synthetic corpora of 1,000 and 10,000 stories and report time and size.

Prints build seconds, milliseconds per story, output MB and KB per story, and the 10k/1k ratios
(targets: <= 3 ms per story at 10,000; time ratio <= 11; output ratio <= 10.5). Then runs the
benchmarks of search, images and preview where present.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import corpus

REPO = corpus.REPO


def folder_size(path: str) -> int:
    total = 0
    for folder, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(folder, name)) for name in files)
    return total


def build_corpus(count: int, workdir: str, words: int = 700, vocabulary_size: int = 0) -> dict:
    root = os.path.join(workdir, f"korpus-{count}")
    corpus.prepare_site(root)
    corpus.generate(root, count, words_per_story=words, vocabulary_size=vocabulary_size)
    site_dir = os.path.join(root, "site")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "hooks"), os.path.join(REPO, "tools")]))
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--config-file",
                             os.path.join(root, "mkdocs.yml"), "--site-dir", site_dir], env=env,
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"Bau von {count} Geschichten fehlgeschlagen:\n{result.stderr[-3000:]}")
    size = folder_size(site_dir)
    pages = sum(1 for _, _, files in os.walk(site_dir) for name in files if name.endswith(".html"))
    return {"stories": count, "seconds": seconds, "ms_per_story": seconds * 1000 / count, "output_mb": size / 1e6,
            "kb_per_story": size / 1e3 / count, "html_pages": pages, "root": root}


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmarks für Kleinstadtgeschichten.")
    parser.add_argument("--sizes", default="1000,10000", help="Korpusgrößen, durch Komma getrennt.")
    parser.add_argument("--keep", action="store_true", help="Temporäre Ordner behalten.")
    parser.add_argument("--only-build", action="store_true", help="Nur den Seitenbau messen.")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    workdir = tempfile.mkdtemp(prefix="ksg-bench-")
    results = []
    try:
        print(f"{'Geschichten':>11} {'Sekunden':>9} {'ms/Geschichte':>14} {'MB':>8} {'KB/Geschichte':>14} {'Seiten':>7}")
        for size in sizes:
            result = build_corpus(size, workdir)
            results.append(result)
            print(f"{result['stories']:>11} {result['seconds']:>9.1f} {result['ms_per_story']:>14.2f} "
                  f"{result['output_mb']:>8.1f} {result['kb_per_story']:>14.1f} {result['html_pages']:>7}",
                  flush=True)
        if len(results) >= 2:
            small, large = results[0], results[-1]
            factor = large["stories"] / small["stories"]
            time_ratio = large["seconds"] / small["seconds"]
            size_ratio = large["output_mb"] / small["output_mb"]
            print(f"\nVerhältnis {large['stories']}/{small['stories']} (linear wäre {factor:.0f}): "
                  f"Zeit {time_ratio:.2f} (Ziel <= 11), Ausgabe {size_ratio:.2f} (Ziel <= 10.5)")
            print(f"ms pro Geschichte bei {large['stories']}: {large['ms_per_story']:.2f} (Ziel <= 3)")
        extra = {}
        if not args.only_build:
            for name in ("bench_search", "bench_images", "bench_preview"):
                if importlib.util.find_spec(name) is None:
                    continue
                print(f"\n== {name} ==", flush=True)
                extra[name] = importlib.import_module(name).run(workdir=workdir)
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
