"""The print edition: an A4 PDF of an edition, read back with pypdf and drawn to pixels with pypdfium2."""

from __future__ import annotations

import datetime as dt
import os
import re

import pypdf
import pypdfium2
import pytest
from PIL import Image

import print_edition

MAGENTA = (255, 0, 255)
PHOTO = """image:
  file: titelbild.png
  alt: Eine leuchtend farbige Fläche als Probebild.
  credit: Redaktion
  license: CC BY 4.0"""


@pytest.fixture
def edition_pdf(site, tmp_path):
    path = site.story("mit-bild", date=dt.date(2026, 3, 1), title="Das Haus am Markt", extra=PHOTO,
                      body="## Ein Abschnitt\n\nText über das Haus am Markt.\n\n![Fremdes Bild](https://example.org/a.png)\n")
    Image.new("RGB", (1400, 900), MAGENTA).save(os.path.join(os.path.dirname(path), "titelbild.png"))
    site.story("ohne-bild", date=dt.date(2026, 4, 1), towns=("seestadt",), title="Ein Jugendbudget für Seestadt")
    site.write("editions/2026-1.md", "---\nnumber: \"2026/1\"\ntitle: Ausgabe 2026/1\ndate: 2026-05-01\n"
               "stories: [mit-bild, ohne-bild]\n---\n\nDas Editorial der ersten Ausgabe.\n")
    content = site.check()
    assert not content.problems, content.problems.report()
    [edition] = list(content.editions)
    output = str(tmp_path / "ausgabe.pdf")
    print_edition.print_edition(content, edition, output, epoch=1767225600)
    return output


def page_of(texts: list[str], needle: str, start: int) -> int:
    return next(number for number, text in enumerate(texts, start=1) if number > start and needle in text)


def test_pdf_has_cover_contents_stories_sources_and_page_numbers(edition_pdf):
    reader = pypdf.PdfReader(edition_pdf)
    texts = [page.extract_text() for page in reader.pages]
    assert 5 <= len(texts) <= 12  # cover, contents, editorial, two stories of a page or two each
    for page in reader.pages:  # A4 in points
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    assert "Kleinstadtgeschichten" in texts[0] and "Ausgabe 2026/1" in texts[0]
    assert "Inhalt" in texts[1]
    assert reader.metadata.title == "Ausgabe 2026/1 – Kleinstadtgeschichten"
    assert reader.metadata.creation_date.year == 2026 and reader.metadata.creation_date.month == 1
    for title in ("Das Haus am Markt", "Ein Jugendbudget für Seestadt"):
        page = page_of(texts, title, start=2)
        # The table of contents names the page on which the story begins.
        assert re.search(re.escape(title) + r"[ .]*" + str(page) + r"\b", texts[1]), texts[1]
        assert f"Seite {page} von {len(texts)}" in texts[page - 1]
    story_text = "\n".join(texts[2:])
    assert "Das Editorial der ersten Ausgabe." in story_text
    assert "Quellen" in story_text and "Thünen-Institut für Regionalentwicklung e. V. (2025): Resiliente Kleinstädte, S. 17" in story_text
    assert "Bild: Redaktion, CC BY 4.0" in story_text
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert {"Inhalt", "Editorial", "Das Haus am Markt", "Ein Jugendbudget für Seestadt"} <= set(outline)


def test_pdf_pages_render_with_cover_colour_and_photo(edition_pdf):
    document = pypdfium2.PdfDocument(edition_pdf)
    cover = document[0].render(scale=0.5).to_pil().convert("RGB")
    assert abs(cover.width / cover.height - 210 / 297) < 0.01
    red, green, blue = cover.getpixel((10, 10))
    assert abs(red - 0x1F) < 8 and abs(green - 0x5E) < 8 and abs(blue - 0x4E) < 8  # the publication's green
    texts = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    story_page = next(i for i, text in enumerate(texts) if i > 1 and "Das Haus am Markt" in text)
    image = document[story_page].render(scale=0.5).to_pil().convert("RGB")
    magenta = sum(1 for pixel in image.get_flattened_data() if pixel == MAGENTA)
    assert magenta > image.width * image.height * 0.05, magenta  # the photo is on the page
    document.close()


def test_print_edition_fetches_nothing_from_outside(site):
    fetcher = print_edition._fetcher(site.root)
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.org/a.png")
    with pytest.raises(ValueError, match="nur Dateien des Projekts"):
        fetcher.fetch("file:///etc/hostname")


def test_same_edition_gives_the_same_pdf_in_another_folder(edition_pdf, site, tmp_path):
    """A rebuild elsewhere (the CI's checkout) must give the same bytes: no path, no clock in the PDF."""
    import shutil

    from kleinstadt.content import load_content

    elsewhere = str(tmp_path / "anderswo")
    shutil.copytree(site.root, elsewhere)
    content = load_content(elsewhere, today=dt.date(2026, 6, 1))
    [edition] = list(content.editions)
    again = str(tmp_path / "nochmal.pdf")
    print_edition.print_edition(content, edition, again, epoch=1767225600)
    with open(edition_pdf, "rb") as one, open(again, "rb") as two:
        assert one.read() == two.read()
