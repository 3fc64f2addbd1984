"""Social cards: the 1200 × 630 picture a messenger or social network shows for a shared link.

Drawn with Pillow from fonts kept in the repository (fonts/, Noto Sans under the SIL Open Font
Licence): nothing is fetched at build time, unlike Material's social plugin, which loads fonts from
Google and needs Cairo. A card shows the publication's name, the title (wrapped with German
hyphenation), a line such as the towns and pillar, the pillar's colour, and the story's photo or
its generated illustration.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass

import pyphen
from PIL import Image, ImageDraw, ImageFont, ImageOps

from . import illustrations
from .illustrations import INK, WHITE, hex_rgb, mix

SIZE = (1200, 630)
PUBLICATION = "Kleinstadtgeschichten"
FONTS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fonts")
BOLD = os.path.join(FONTS, "NotoSans-Bold.ttf")
REGULAR = os.path.join(FONTS, "NotoSans-Regular.ttf")
TITLE_SIZES = (62, 56, 50, 44, 40)
MAX_LINES = 4
# The panel on the left that carries the text; the picture shows on the right and around it.
PANEL = (48, 48, 792, 582)
BAR = 14  # the pillar's colour along the panel's left edge
PADDING = 44
VERSION = 4


@dataclass(frozen=True)
class CardSpec:
    """Everything that decides how a card looks; its hash is the card's cache key."""

    title: str
    line: str  # under the title: towns and pillar, a region's towns, ...
    color: str  # the leading colour (a pillar's, or the publication's)
    colors: tuple[str, ...]  # for the illustration
    pattern: int  # the illustration's sky pattern (the first pillar's number)
    seed: str  # the illustration's seed (the story's slug, the page's address)
    photo: str | None = None  # a cleaned, upright sRGB JPEG of the story's photo
    photo_hash: str = ""

    @property
    def extension(self) -> str:
        # A photo card is a JPEG (about 70 KB); an illustrated card, flat colours and text, is a PNG of
        # 16 colours (about 16 KB). JPEG was measured for it (issue 18) and is the worse choice: the sharp
        # edges of the title cost 48 KB at quality 60 with 4:2:0 subsampling, 63 KB at 80; the PNG of
        # 128 colours at zlib level 6 was 23.5 KB, of 16 colours at level 9 it is 16.1 KB (40 cards).
        return "jpg" if self.photo else "png"

    def key(self) -> str:
        return _key(self)


@functools.lru_cache(maxsize=65536)  # `make serve` asks again for every card after each edit
def _key(spec: CardSpec) -> str:
    fields = (spec.title, spec.line, spec.color, spec.colors, spec.pattern, spec.seed, spec.photo_hash,
              bool(spec.photo))
    return _digest(repr((VERSION, illustrations.VERSION, SIZE, fields, _font_stamp())))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


@functools.cache
def _font_stamp() -> tuple:
    return tuple(os.path.getsize(path) for path in (BOLD, REGULAR))


@functools.cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    # Basic layout: German needs no complex shaping, and it renders the same everywhere.
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


@functools.cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="de_DE", left=3, right=3)


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy line breaking that hyphenates a word (German rules) rather than leave a line short.

    A line's width is summed from its words' widths (each measured once), not measured anew for every
    candidate: at thousands of cards that halves the time for the text. fit_title checks the result."""
    hyphenator = _hyphenator()
    widths: dict[str, float] = {}

    def measure(piece: str) -> float:
        if piece not in widths:
            widths[piece] = font.getlength(piece)
        return widths[piece]

    space = measure(" ")

    def split(word: str, room: float) -> tuple[str, str] | None:
        """The longest first part of `word`, with its hyphen, that fits into `room`."""
        for left, right in hyphenator.iterate(word):
            if right.startswith("-"):
                continue
            head = left if left.endswith("-") else left + "-"
            if measure(head) <= room:
                return head, right
        return None

    lines: list[str] = []
    line, used = "", 0.0
    for word in text.split():
        size = measure(word)
        if not line and size <= width:
            line, used = word, size
            continue
        if line and used + space + size <= width:
            line, used = f"{line} {word}", used + space + size
            continue
        parts = split(word, width - used - space) if line else None
        if parts:
            lines.append(f"{line} {parts[0]}")
            word = parts[1]
        elif line:
            lines.append(line)
        while measure(word) > width:
            parts = split(word, width)
            if not parts:
                break  # no break point fits: the caller picks a smaller size
            lines.append(parts[0])
            word = parts[1]
        line, used = word, measure(word)
    if line:
        lines.append(line)
    return lines


def fit_title(title: str, width: float) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest title size at which the title takes at most four lines, each fitting."""
    for size in TITLE_SIZES:
        font = _font(BOLD, size)
        lines = wrap(title, font, width)
        if len(lines) <= MAX_LINES and all(font.getlength(line) <= width for line in lines):
            return font, lines
    font = _font(BOLD, TITLE_SIZES[-1])
    lines = wrap(title, font, width)
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        last = lines[-1].rstrip("-")
        while last and font.getlength(last + " …") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + " …"
    return font, lines


def background(spec: CardSpec) -> Image.Image:
    if spec.photo:
        with Image.open(spec.photo) as photo:
            return ImageOps.fit(photo.convert("RGB"), SIZE, Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    return _illustration(spec.seed, spec.colors, spec.pattern).copy()


@functools.lru_cache(maxsize=64)
def _illustration(seed: str, colors: tuple[str, ...], pattern: int) -> Image.Image:
    # Many cards share an illustration (kleinstadt/media.py): each worker draws each one once.
    return illustrations.draw(seed, list(colors), pattern, SIZE)


def draw(spec: CardSpec) -> Image.Image:
    card = background(spec)
    pen = ImageDraw.Draw(card)
    color = hex_rgb(spec.color)
    left, top, right, bottom = PANEL
    pen.rectangle(PANEL, fill=WHITE)
    pen.rectangle((left, top, left + BAR, bottom), fill=color)
    x = left + BAR + PADDING
    width = right - PADDING - x

    brand = _font(BOLD, 26)
    pen.text((x, top + PADDING - 6), PUBLICATION.upper(), font=brand, fill=mix(color, INK, 0.15))

    # Towns and pillar take up to two lines at the bottom (pillar names are long); more is cut with "…".
    meta = _font(REGULAR, 28)
    meta_lines = wrap(spec.line, meta, width)
    if len(meta_lines) > 2:
        last = meta_lines[1].rstrip("-")
        while last and meta.getlength(last + " …") > width:
            last = last[:-1]
        meta_lines = [meta_lines[0], last.rstrip() + " …"]
    meta_y = bottom - PADDING - 34 - 36 * (len(meta_lines) - 1)
    for index, text in enumerate(meta_lines):
        pen.text((x, meta_y + 36 * index), text, font=meta, fill=(68, 68, 68))

    font, lines = fit_title(spec.title, width)
    line_height = round(font.size * 1.18)
    title_top = top + PADDING + 52
    available = meta_y - 24 - title_top
    block = line_height * len(lines)
    y = title_top + max(0, (available - block) // 2)  # centred between the name and the meta line
    for text in lines:
        pen.text((x, y), text, font=font, fill=INK)
        y += line_height
    return card


def render(spec: CardSpec, path: str) -> None:
    card = draw(spec)
    if spec.extension == "jpg":
        card.save(path, "JPEG", quality=82, progressive=True, optimize=True)
    else:
        card.quantize(16, method=Image.Quantize.FASTOCTREE).save(path, "PNG", compress_level=9)
