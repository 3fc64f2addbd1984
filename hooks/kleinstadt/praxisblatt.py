"""The Praxisblatt: each story's practice (kleinstadt/practice.py) as one A4 page to print and pass on.

Set by WeasyPrint like the print edition (tools/print_edition.py): Debian's Noto fonts, nothing fetched
from the network (the sheet has no pictures; the URL fetcher refuses every request). It lies beside the
story as geschichten/<kurzname>/praxisblatt.pdf. Every text is escaped; only fields the story gives appear.

A sheet is made once for its content: the PDFs are kept in .cache/praxisblatt/ under a hash of their HTML
(beside .cache/images/, which the workflows keep), so a build sets only new or changed sheets, on all
cores when there are many. The PDF's dates are the story's, so the same content gives the same file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import multiprocessing
import os
import shutil
import tempfile
import threading
from urllib.parse import urljoin

from .imagecache import beside_images

FILE_NAME = "praxisblatt.pdf"
PUBLISHER = "Thünen-Institut für Regionalentwicklung e. V."
PARALLEL_FROM = 8  # sheets to set; below that, starting processes costs more than it saves
VERSION = "1"  # raise when the layout changes, so that cached sheets are set anew

CSS = """
@page { size: A4; margin: 16mm 18mm 16mm 18mm;
  @bottom-left { content: "Kleinstadtgeschichten · Praxisblatt"; font: 7.5pt "Noto Sans", "DejaVu Sans", sans-serif; color: #555; }
  @bottom-right { content: "Lizenz: CC BY 4.0"; font: 7.5pt "Noto Sans", "DejaVu Sans", sans-serif; color: #555; } }
html { font: 10pt/1.4 "Noto Sans", "DejaVu Sans", sans-serif; color: #111; hyphens: auto; }
.kicker { font-size: 9pt; text-transform: uppercase; letter-spacing: .06em; color: #1f5e4e; margin: 0 0 1mm; font-weight: 700; }
h1 { font-size: 17pt; line-height: 1.2; margin: 0 0 2mm; color: #1f5e4e; }
h2 { font-size: 11pt; margin: 4mm 0 1mm; color: #1f5e4e; break-after: avoid; }
p { margin: 0 0 2mm; }
.summary { font-size: 11.5pt; font-weight: 700; border-left: 3pt solid #1f5e4e; padding-left: 3mm; margin: 3mm 0; }
.meta { font-size: 8.5pt; color: #444; }
ol, ul { margin: 0 0 2mm; padding-left: 6mm; }
li { margin: 0 0 1mm; }
dl { display: block; margin: 0 0 2mm; }
dt { font-weight: 700; float: left; width: 38mm; clear: left; }
dd { margin: 0 0 1.2mm 40mm; }
.source { font-size: 8pt; color: #444; border-top: .4pt solid #999; padding-top: 1.5mm; margin-top: 4mm; }
a { color: inherit; text-decoration: none; }
"""


def sheet_html(story, content, site_url: str, neighbours=(), hosts=()) -> str:
    """The sheet as an HTML document: title, summary, steps, facts, lessons, contacts and who else did it."""
    e = html.escape
    from .dates import german_date

    practice = story.practice
    taxonomy = content.taxonomy
    towns = ", ".join(content.towns[slug].name for slug in story.towns)
    challenges = ", ".join(taxonomy.challenges[slug].title for slug in story.challenges)
    url = urljoin(site_url, story.url)
    parts = [f"<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\">"
             f"<title>Praxisblatt: {e(story.title)}</title><meta name=\"author\" content=\"{e(PUBLISHER)}\">"
             f"<meta name=\"description\" content=\"{e(practice.summary)}\"><style>{CSS}</style></head><body>",
             "<p class=\"kicker\">Zum Nachmachen · Praxisblatt</p>",
             f"<h1>{e(story.title)}</h1>",
             f"<p class=\"meta\">{e(towns)} · {e(german_date(story.date))} · Herausforderung: {e(challenges)}</p>",
             f"<p class=\"summary\">{e(practice.summary)}</p>"]
    if practice.steps:
        parts.append("<h2>So geht es</h2><ol>" + "".join(f"<li>{e(step)}</li>" for step in practice.steps) + "</ol>")
    facts = []
    if practice.duration:
        facts.append(("Dauer", practice.duration))
    if practice.cost_text:
        facts.append(("Kosten", practice.cost_text))
    if practice.funding:
        facts.append(("Förderprogramm" if len(practice.funding) == 1 else "Förderprogramme", ", ".join(practice.funding)))
    if practice.partners:
        facts.append(("Beteiligt", ", ".join(practice.partners)))
    if practice.suits:
        facts.append(("Passt zu Städten", ", ".join(practice.suits.parts())))
    if practice.contact:
        facts.append(("Kontakt", f"{practice.contact.name}, {practice.contact.display_url}"))
    if facts:
        parts.append("<dl>" + "".join(f"<dt>{e(term)}</dt><dd>{e(value)}</dd>" for term, value in facts) + "</dl>")
    if practice.lessons:
        parts.append(f"<h2>Was schwierig war oder anders laufen sollte</h2><p>{e(practice.lessons)}</p>")
    if hosts:
        parts.append("<h2>Besuch willkommen</h2><ul>" + "".join(
            f"<li>{e(name)} lädt zur Hospitation ein{e(f' ({visit.note})' if visit.note else '')}. Kontakt: "
            f"{e(visit.contact.name)}, {e(visit.contact.display_url)}</li>" for name, visit in hosts) + "</ul>")
    if neighbours:
        parts.append("<h2>Wer hat das schon gemacht?</h2><ul>" + "".join(
            f"<li>{e(n.story.title)} ({e(n.town.name)}, {e(n.km_text)}): {e(urljoin(site_url, n.story.url))}</li>"
            for n in neighbours) + "</ul>")
    sources = "; ".join(source.citation() for source in story.sources)
    parts.append(f"<p class=\"source\">Die ganze Geschichte: {e(url)}<br>Quellen: {e(sources)}<br>"
                 f"Kleinstadtgeschichten, herausgegeben vom {e(PUBLISHER)}; Lizenz: CC BY 4.0.</p>")
    parts.append("</body></html>")
    return "".join(parts)


def hosts_of(story, content) -> list:
    """(name, Hospitation) of the story's towns and teams that welcome visits."""
    hosts = [(content.towns[slug].name, content.towns[slug].hospitation) for slug in story.towns
             if content.towns[slug].hospitation]
    hosts += [(content.taxonomy.teams[slug].name, content.taxonomy.teams[slug].hospitation) for slug in story.authors
              if content.taxonomy.teams[slug].hospitation]
    return hosts


def _refuse(url, *args, **kwargs):
    raise ValueError(f"Das Praxisblatt lädt nichts nach: {url}")


def weasyprint_html():
    """WeasyPrint's HTML class. Importing WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process,
    which would let a broken photo pass the image check of a later build in the same process (`make serve`,
    the tests); the setting is put back as it was."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        from weasyprint import HTML
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    return HTML


def render_pdf(document: str, target: str, date: dt.date) -> None:
    import logging

    HTML = weasyprint_html()

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    stamp = f"{date.isoformat()}T00:00:00Z"
    document = document.replace("<head>", f"<head><meta name=\"dcterms.created\" content=\"{stamp}\">"
                                          f"<meta name=\"dcterms.modified\" content=\"{stamp}\">", 1)
    identifier = hashlib.md5(document.encode("utf-8")).hexdigest().encode("ascii")
    HTML(string=document, url_fetcher=_refuse).write_pdf(target, pdf_identifier=identifier)


def _render_job(job: tuple[str, str, str]) -> None:
    document, target, date = job
    folder = os.path.dirname(target)
    handle, temporary = tempfile.mkstemp(suffix=".pdf", dir=folder)
    os.close(handle)
    render_pdf(document, temporary, dt.date.fromisoformat(date))
    os.chmod(temporary, 0o644)  # mkstemp makes it private; a web server must be able to read it
    os.replace(temporary, target)  # complete or absent: an interrupted build leaves no half-written sheet


def cache_folder(root: str) -> str:
    return beside_images(root, "praxisblatt")


def write_sheets(site_dir: str, views, site_url: str, cache: str | None = None) -> str:
    """A Praxisblatt beside every story with a practice that this build shows; returns a line for the log."""
    content = views.content
    if content.partial:  # `make preview` stays within its few seconds: WeasyPrint alone takes one to start
        return "Praxisblätter: in der Vorschau nicht gesetzt"
    cache = cache or cache_folder(content.root)
    os.makedirs(cache, exist_ok=True)
    jobs, placed = [], []
    for story in views.stories:
        if story.practice is None:
            continue
        document = sheet_html(story, content, site_url, views.practices.who_else(story), hosts_of(story, content))
        key = hashlib.sha256((VERSION + document).encode("utf-8")).hexdigest()[:40]
        cached = os.path.join(cache, key + ".pdf")
        if not os.path.exists(cached):
            jobs.append((document, cached, (story.updated or story.date).isoformat()))
        placed.append((cached, os.path.join(site_dir, story.url, FILE_NAME)))
    workers = max(1, int(os.environ.get("KSG_WORKERS", os.cpu_count() or 1)))
    if len(jobs) >= PARALLEL_FROM and workers > 1 and threading.active_count() == 1 and hasattr(os, "fork"):
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(_render_job, jobs, chunksize=4)
    else:
        for job in jobs:
            _render_job(job)
    for cached, target in placed:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.exists(target):
            os.remove(target)
        try:
            os.link(cached, target)  # a hard link, as for the images: no copy of the bytes
        except OSError:
            shutil.copyfile(cached, target)
    return f"Praxisblätter: {len(placed)}, davon {len(jobs)} neu gesetzt"
