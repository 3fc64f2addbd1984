"""`make lighthouse`: Lighthouse (npm, mobile profile) on the home page and a story page of the built site.

Serves site/ from 127.0.0.1 the way a static host does (text compressed with gzip, as GitHub Pages and
any common host do), runs Lighthouse 12 from node_modules with Debian's Chromium and checks the scores
and the weight of the page:

    python tools/lighthouse.py [--site-dir site] [--url geschichten/<slug>/] [--min-score 98] [--max-kb 150]

Without --url it takes the home page and the newest story. Writes the full report to test-results/lighthouse/ and prints
the figures (for the "Messwerte" in README.md). Exits non-zero when a score or the weight misses.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from urllib.parse import urljoin

from static_server import serve

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIGHTHOUSE = os.path.join(REPO, "node_modules", ".bin", "lighthouse")
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = {"performance": "Leistung", "accessibility": "Barrierefreiheit", "best-practices": "Bewährte Verfahren",
              "seo": "SEO"}


def newest_story(site_dir: str) -> str:
    """The first story linked from the list of all stories (newest first)."""
    with open(os.path.join(site_dir, "geschichten", "index.html"), encoding="utf-8") as handle:
        html = handle.read()
    match = re.search(r'class="ksg-card__title"><a href="([^"]+)"', html)
    if not match:
        raise SystemExit("Keine Geschichte in site/geschichten/ gefunden: Erst `make build` ausführen.")
    # The link is relative to the list's own address, /geschichten/.
    return urljoin("/geschichten/", match.group(1)).lstrip("/")


def report_name(url: str) -> str:
    """The report's file name: "startseite" for the home page, else the page's last folder."""
    return url.strip("./").rsplit("/", 1)[-1] or "startseite"


def run(site_dir: str, url: str, out_dir: str) -> dict:
    # Written to a private folder first: a pytest run clears test-results/ when it starts.
    work = tempfile.mkdtemp(prefix="ksg-lighthouse-")
    name = report_name(url)
    report = os.path.join(work, f"{name}.report.json")
    with serve(site_dir) as base:  # gzip and caching like a static host (tools/static_server.py)
        command = [LIGHTHOUSE, base + url, "--quiet", "--output=json", "--output=html",
                   f"--output-path={os.path.join(work, name)}", "--form-factor=mobile",
                   "--only-categories=" + ",".join(CATEGORIES),
                   "--chrome-flags=--headless --no-sandbox --disable-gpu --disable-background-networking "
                   "--disable-component-update --no-first-run"]
        result = subprocess.run(command, env=dict(os.environ, CHROME_PATH=CHROMIUM), capture_output=True, text=True,
                                timeout=300)
        if result.returncode != 0:
            raise SystemExit("Lighthouse ist fehlgeschlagen:\n" + result.stderr[-3000:])
    with open(report, encoding="utf-8") as handle:
        data = json.load(handle)
    os.makedirs(out_dir, exist_ok=True)
    for name in os.listdir(work):
        shutil.copy(os.path.join(work, name), os.path.join(out_dir, name))
    shutil.rmtree(work, ignore_errors=True)
    return data


def figures(report: dict) -> dict:
    requests = report["audits"]["network-requests"]["details"]["items"]
    total = sum(item.get("transferSize", 0) for item in requests)
    images = sum(item.get("transferSize", 0) for item in requests if item.get("resourceType") == "Image")
    foreign = sorted({item["url"] for item in requests if not item["url"].startswith(("http://127.0.0.1", "data:"))})
    return {
        "scores": {key: round(report["categories"][key]["score"] * 100) for key in CATEGORIES},
        "kb_total": total / 1024,
        "kb_without_images": (total - images) / 1024,
        "requests": len(requests),
        "foreign": foreign,
        "lcp_ms": report["audits"]["largest-contentful-paint"]["numericValue"],
        "cls": report["audits"]["cumulative-layout-shift"]["numericValue"],
        "tbt_ms": report["audits"]["total-blocking-time"]["numericValue"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="Lighthouse (mobil) für die Startseite und eine Geschichte.")
    parser.add_argument("--site-dir", default=os.path.join(REPO, "site"))
    parser.add_argument("--url", action="append", help="Adresse in der Seite, etwa geschichten/<kürzel>/; mehrfach "
                        "möglich (Vorgabe: die Startseite ./ und die neueste Geschichte)")
    parser.add_argument("--min-score", type=int, default=98)
    parser.add_argument("--max-kb", type=float, default=150.0)
    parser.add_argument("--out", default=os.path.join(REPO, "test-results", "lighthouse"))
    args = parser.parse_args()
    if not os.path.exists(LIGHTHOUSE):
        raise SystemExit("Lighthouse fehlt: `make install` installiert es mit npm (package.json).")
    problems = []
    for url in args.url or ["./", newest_story(args.site_dir)]:
        data = figures(run(args.site_dir, url, args.out))
        print(f"Lighthouse 12, mobil, {url}:")
        for key, label in CATEGORIES.items():
            print(f"  {label}: {data['scores'][key]}")
        print(f"  Übertragen: {data['kb_total']:.0f} KB, ohne Bilder {data['kb_without_images']:.0f} KB, "
              f"{data['requests']} Anfragen; LCP {data['lcp_ms'] / 1000:.1f} s, CLS {data['cls']:.3f}, "
              f"TBT {data['tbt_ms']:.0f} ms")
        print(f"  Bericht: {os.path.relpath(os.path.join(args.out, report_name(url) + '.report.html'), REPO)}")
        problems += [f"{url}: {CATEGORIES[key]} {score} < {args.min_score}" for key, score in data["scores"].items()
                     if score < args.min_score]
        if data["kb_without_images"] > args.max_kb:
            problems.append(f"{url}: ohne Bilder {data['kb_without_images']:.0f} KB > {args.max_kb:.0f} KB")
        if data["foreign"]:
            problems.append(f"{url}: Anfragen an fremde Hosts: " + ", ".join(data["foreign"]))
    if problems:
        print("Nicht erreicht: " + "; ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
