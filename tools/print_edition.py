"""The print edition: one edition as an A4 PDF, set by WeasyPrint.

    python tools/print_edition.py 2026-1 [--root .] [--output dist/kleinstadtgeschichten-ausgabe-2026-1.pdf]

Cover, table of contents with page numbers, the editorial, then every story with its facts, picture
(its photo, or else the generated illustration of kleinstadt.illustrations), text and sources; page
numbers at the foot. Fonts are Debian's (fonts-noto-core, fonts-dejavu); nothing
is fetched from the network: the URL fetcher only hands out files of the repository. With an epoch
(SOURCE_DATE_EPOCH) the PDF carries that date and a fixed identifier, so the same commit gives the same file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import os
import sys

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TOOLS)
sys.path[:0] = [p for p in (os.path.join(REPO, "hooks"), TOOLS) if p not in sys.path]

NAME = "kleinstadtgeschichten"
PUBLISHER = "Thünen-Institut für Regionalentwicklung e. V."

CSS = """
@page { size: A4; margin: 22mm 20mm 24mm 22mm;
  @top-left { content: string(edition); font: 8pt "Noto Sans", "DejaVu Sans", sans-serif; color: #555; }
  @top-right { content: string(story); font: 8pt "Noto Sans", "DejaVu Sans", sans-serif; color: #555; }
  @bottom-center { content: "Seite " counter(page) " von " counter(pages);
    font: 8.5pt "Noto Sans", "DejaVu Sans", sans-serif; color: #333; } }
@page cover { margin: 0; @top-left { content: none; } @top-right { content: none; } @bottom-center { content: none; } }
html { font: 10.5pt/1.45 "Noto Serif", "DejaVu Serif", serif; color: #111; hyphens: auto; }
h1, h2, h3, .meta, .toc, .cover { font-family: "Noto Sans", "DejaVu Sans", sans-serif; }
h1 { font-size: 20pt; line-height: 1.2; margin: 0 0 4mm; color: #1f5e4e; bookmark-level: 1; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; bookmark-level: 2; break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; bookmark-level: none; break-after: avoid; }
p { margin: 0 0 2.5mm; text-align: justify; orphans: 3; widows: 3; }
a { color: inherit; text-decoration: none; }
.cover { page: cover; height: 297mm; box-sizing: border-box; padding: 60mm 25mm 20mm; background: #1f5e4e; color: #fff; }
.cover .publication { font-size: 30pt; font-weight: 700; margin-bottom: 8mm; }
.cover .edition { font-size: 20pt; margin-bottom: 4mm; string-set: edition content(); }
.cover .date, .cover .publisher, .cover .count { font-size: 12pt; margin-bottom: 2mm; }
.cover .publisher { margin-top: 120mm; }
.cover h1 { display: none; }
.toc { break-before: page; }
.toc ol { list-style: none; padding: 0; margin: 0; }
.toc li { margin: 0 0 2mm; font-size: 10pt; }
.toc li .town { color: #555; font-size: 9pt; }
.toc li.group { font-weight: 700; font-size: 10.5pt; margin: 4mm 0 1.5mm; color: #1f5e4e; break-after: avoid; }
.toc a::after { content: leader(". ") target-counter(attr(href), page); }
.editorial { break-before: page; }
.story { break-before: page; }
.story h1 { string-set: story content(); }
.meta { font-size: 8.5pt; color: #444; margin-bottom: 3mm; }
.teaser { font-size: 11.5pt; font-style: italic; }
figure { margin: 3mm 0 4mm; }
figure img { max-width: 100%; max-height: 110mm; }
figure.illustration img { width: 100%; max-height: 60mm; object-fit: cover; }
figcaption { font: 8pt "Noto Sans", "DejaVu Sans", sans-serif; color: #444; }
.sources { font-size: 8.5pt; border-top: 0.4pt solid #999; margin-top: 5mm; padding-top: 2mm; }
.sources h2 { font-size: 9.5pt; margin-top: 0; bookmark-level: none; }
.sources li { overflow-wrap: anywhere; }
img { max-width: 100%; }
"""


def _markdown(text: str) -> str:
    import markdown

    return markdown.markdown(text, extensions=["admonition", "sane_lists", "smarty"], output_format="html")


def edition_html(content, edition) -> str:
    """The whole edition as one HTML document for WeasyPrint."""
    from kleinstadt.dates import german_date

    e = html.escape
    taxonomy = content.taxonomy
    # Town by town, as on the edition's page (Edition.by_town): towns alphabetically, the newest story first.
    sections = edition.by_town(content.visible_stories(), content.towns)
    stories = [story for _, town_stories in sections for story in town_stories]
    site = os.environ.get("SITE_URL", "").rstrip("/")  # the published address, as in the build
    parts = [f"<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>{e(edition.title)} – "
             f"Kleinstadtgeschichten</title><meta name=\"author\" content=\"{e(PUBLISHER)}\">"
             f"<meta name=\"description\" content=\"{e(edition.description)}\"><style>{CSS}</style></head><body>",
             "<section class=\"cover\"><h1>Titel</h1>",
             "<div class=\"publication\">Kleinstadtgeschichten</div>",
             f"<div class=\"edition\">{e(edition.title)}</div>",
             f"<div class=\"date\">{e(german_date(edition.date))}</div>",
             f"<div class=\"count\">{len(stories)} Geschichten aus ostdeutschen Kleinstädten</div>",
             f"<div class=\"publisher\">Herausgegeben vom {e(PUBLISHER)}<br>auf Grundlage der Studie "
             "„Resiliente Kleinstädte“ (2025)</div></section>",
             "<nav class=\"toc\"><h1>Inhalt</h1><ol>",
             "<li><a href=\"#editorial\">Editorial</a></li>"]
    for town, town_stories in sections:
        parts.append(f"<li class=\"group\">{e(town.name)}</li>")
        for story in town_stories:
            towns = ", ".join(content.towns[t].name for t in story.towns)
            parts.append(f"<li><a href=\"#{e(story.slug)}\">{e(story.title)}</a><br><span class=\"town\">{e(towns)}</span></li>")
    parts.append("</ol></nav>")
    parts.append(f"<section class=\"editorial\" id=\"editorial\"><h1>Editorial</h1>{_markdown(edition.body)}</section>")
    for story in stories:
        towns = ", ".join(content.towns[t].name for t in story.towns)
        pillars = ", ".join(taxonomy.pillars[p].title for p in story.pillars)
        authors = ", ".join(taxonomy.teams[a].name for a in story.authors)
        parts.append(f"<article class=\"story\" id=\"{e(story.slug)}\"><h1>{e(story.title)}</h1>")
        parts.append(f"<p class=\"meta\">{e(towns)} · {e(german_date(story.date))} · {e(pillars)} · Von {e(authors)}"
                     f" · {story.reading_minutes} Min. Lesezeit</p>")
        parts.append(f"<p class=\"teaser\">{e(story.description)}</p>")
        if story.image:
            parts.append(f"<figure><img src=\"{e(_file_url(story.image.path, content.root))}\" alt=\"{e(story.image.alt)}\">"
                         f"<figcaption>Bild: {e(story.image.credit)}, {e(story.image.license)}</figcaption></figure>")
        else:
            drawn = _illustration(story, taxonomy)
            if drawn:
                parts.append(f"<figure class=\"illustration\"><img src=\"{drawn}\" alt=\"\"></figure>")
        parts.append(f"<div class=\"body\">{_story_body(story, content.root)}</div>")
        parts.append("<section class=\"sources\"><h2>Quellen</h2><ul>")
        for source in story.sources:
            url = f": {e(source.display_url)}" if source.url else ""  # decoded, as on the site
            parts.append(f"<li>{e(source.citation())}{url}</li>")
        parts.append(f"</ul><p>Online: {e(site)}/{e(story.url)}</p></section></article>")
    parts.append("</body></html>")
    return "".join(parts)


def _illustration(story, taxonomy) -> str | None:
    """The generated picture of a story without a photo (kleinstadt.illustrations, as on the site), as a
    data: URL; None where that module is missing. Decorative, so it gets an empty alt text."""
    try:
        from kleinstadt import illustrations
    except ImportError:
        return None
    import base64
    import io

    pillars = [taxonomy.pillars[slug] for slug in story.pillars]
    image = illustrations.draw(story.slug, [p.color for p in pillars], pillars[0].number)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _file_url(path: str, root: str) -> str:
    """A picture of the repository as a data: URL. WeasyPrint names images in the PDF after their URL,
    so a file:// URL would put the checkout's folder into the file and a rebuild elsewhere would differ."""
    import base64
    import mimetypes

    root = os.path.realpath(root)  # pictures are read only from inside the repository
    real = os.path.realpath(path)
    if not (real == root or real.startswith(root + os.sep)) or not os.path.isfile(real):
        return ""
    kind = mimetypes.guess_type(real)[0] or "application/octet-stream"
    with open(real, "rb") as handle:
        return f"data:{kind};base64,{base64.b64encode(handle.read()).decode('ascii')}"


def _story_body(story, root: str) -> str:
    """Markdown of a story; pictures beside it are referenced by name, so they become file URLs."""
    import re

    body = _markdown(story.body)

    def local(match):
        src = match.group(2)
        if re.match(r"^[a-z]+:", src) or src.startswith("/"):
            return match.group(0)
        return match.group(1) + _file_url(os.path.join(story.folder, src), root) + match.group(3)

    # Headings of the story sit one level below its title.
    body = re.sub(r"<(/?)h([1-5])", lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", body)
    return re.sub(r'(<img[^>]*\bsrc=")([^"]+)(")', local, body)


def _fetcher(root: str):
    """Only files inside the repository (and data: URLs); no request ever leaves the machine."""
    from urllib.parse import unquote, urlparse

    from weasyprint.urls import URLFetcher

    allowed = os.path.realpath(root)

    class RepositoryFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = os.path.realpath(unquote(urlparse(url).path))
                if path != allowed and not path.startswith(allowed + os.sep):
                    raise ValueError(f"Die Druckausgabe liest nur Dateien des Projekts: {url}")
            return super().fetch(url, headers)

    return RepositoryFetcher(allowed_protocols=("file", "data"))


def print_edition(content, edition, output: str, epoch: int | None = None) -> str:
    """Write the PDF of `edition`; returns its path."""
    import logging

    from kleinstadt.praxisblatt import weasyprint_html

    HTML = weasyprint_html()  # keeps Pillow's check for truncated images as it was
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = edition_html(content, edition)
    if epoch is not None:
        stamp = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        document = document.replace("<head>", f"<head><meta name=\"dcterms.created\" content=\"{stamp}\">"
                                              f"<meta name=\"dcterms.modified\" content=\"{stamp}\">", 1)
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    # The identifier follows the content, not the folder the repository happens to lie in.
    identifier = hashlib.md5(document.replace(content.root, "").encode("utf-8")).hexdigest().encode("ascii")
    HTML(string=document, base_url=content.root, url_fetcher=_fetcher(content.root)).write_pdf(
        output, pdf_identifier=identifier, uncompressed_pdf=False)
    return output


def main(argv: list[str] | None = None) -> int:
    from kleinstadt.content import load_content

    parser = argparse.ArgumentParser(description="Setzt eine Ausgabe der Kleinstadtgeschichten als PDF (A4).")
    parser.add_argument("edition", help="Kurzname der Ausgabe, zum Beispiel 2026-1 (oder 2026/1)")
    parser.add_argument("--root", default=REPO)
    parser.add_argument("--output", help="Zieldatei (Standard: dist/kleinstadtgeschichten-ausgabe-<ausgabe>.pdf)")
    args = parser.parse_args(argv)
    content = load_content(args.root)
    if content.problems:
        print(content.problems.report(), file=sys.stderr)
        return 1
    wanted = args.edition.replace("/", "-")
    found = [e for e in content.editions if e.slug == wanted]
    if not found:
        known = ", ".join(e.slug for e in content.editions) or "keine"
        print(f"Die Ausgabe „{args.edition}“ gibt es nicht. Vorhanden: {known}.", file=sys.stderr)
        return 1
    epoch = int(os.environ["SOURCE_DATE_EPOCH"]) if os.environ.get("SOURCE_DATE_EPOCH") else None
    output = args.output or os.path.join(args.root, "dist", f"{NAME}-ausgabe-{wanted}.pdf")
    print_edition(content, found[0], output, epoch)
    print(f"Fertig: {os.path.relpath(output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
