"""Generated illustrations for stories without a photo: a small-town skyline under a patterned sky.

Drawn with Pillow at build time, never a stock placeholder. The pillar gives the colour and the
pattern of the sky (so a reader learns to tell the pillars apart), the story's slug seeds the rest:
the same story always gets the same picture, two stories almost never the same one. The picture is
decorative (the title says what the story is about), so pages use it with alt="" and aria-hidden.
"""

from __future__ import annotations

import hashlib
import math
import random

from PIL import Image, ImageDraw

SIZE = (1200, 630)  # the shape of a social card; the web variants are scaled from it
SUPERSAMPLE = 2  # drawn twice as large and scaled down: smooth edges without anti-aliasing support
VERSION = 2


def hex_rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def mix(a: tuple, b: tuple, amount: float) -> tuple[int, int, int]:
    """`amount` of b mixed into a."""
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b))


WHITE, INK = (255, 255, 255), (24, 28, 32)


def draw(seed: str, colors: list[str], pattern: int, size: tuple[int, int] = SIZE) -> Image.Image:
    """The illustration of one story. `colors` are its pillars' colours (the first leads),
    `pattern` the first pillar's number (1 to 5)."""
    rng = random.Random(hashlib.sha256(seed.encode("utf-8")).digest())
    # Lengths below are in pixels of a 1200 pixel wide picture; `scale` converts them, so that a
    # story's thumbnail and its card show the same picture at any size.
    scale = SUPERSAMPLE * size[0] / SIZE[0]
    width, height = size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE
    main = hex_rgb(colors[0])
    accent = hex_rgb(colors[1]) if len(colors) > 1 else mix(main, (240, 180, 60), 0.7)

    top, bottom = mix(main, WHITE, 0.70), mix(main, WHITE, 0.90)
    # The sky's gradient as one column, stretched sideways (nearest neighbour: no filtering cost).
    column = Image.new("RGB", (1, height))
    column.putdata([mix(top, bottom, y / (height - 1)) for y in range(height)])
    image = column.resize((width, height), Image.Resampling.NEAREST)
    pen = ImageDraw.Draw(image)

    _sky_pattern(pen, rng, pattern, width, height, mix(main, WHITE, 0.55), scale)
    sun_x, sun_y, sun_r = rng.uniform(0.55, 0.9) * width, rng.uniform(0.18, 0.35) * height, rng.uniform(50, 80) * scale
    pen.ellipse((sun_x - sun_r, sun_y - sun_r, sun_x + sun_r, sun_y + sun_r), fill=mix(accent, WHITE, 0.25))

    horizon = round(height * rng.uniform(0.78, 0.84))
    _skyline(pen, rng, width, horizon, mix(main, WHITE, 0.35), scale, tall=0.55, windows=None)
    _skyline(pen, rng, width, horizon, mix(main, INK, 0.15), scale, tall=0.38, windows=mix(main, WHITE, 0.8))
    pen.rectangle((0, horizon, width, height), fill=mix(main, INK, 0.35))
    pen.rectangle((0, horizon, width, horizon + 4 * scale), fill=mix(accent, INK, 0.1))
    return image.reduce(SUPERSAMPLE)


def _sky_pattern(pen: ImageDraw.ImageDraw, rng: random.Random, pattern: int, width: int, height: int,
                 color: tuple, scale: float) -> None:
    kind = (pattern - 1) % 5
    if kind == 0:  # circles: people coming together
        for _ in range(rng.randint(14, 22)):
            x, y, r = rng.uniform(0, width), rng.uniform(0, height * 0.75), rng.uniform(10, 46) * scale
            pen.ellipse((x - r, y - r, x + r, y + r), outline=color, width=round(5 * scale))
    elif kind == 1:  # diagonal stripes: paths and connections
        step = max(1, round(rng.randint(60, 90) * scale))
        for x in range(-height, width, step):
            pen.line((x, 0, x + height, height), fill=color, width=round(10 * scale))
    elif kind == 2:  # rays from a point: initiative
        cx, cy = rng.uniform(0.1, 0.4) * width, rng.uniform(0.1, 0.4) * height
        for index in range(18):
            angle = index * math.pi / 9 + rng.uniform(-0.05, 0.05)
            pen.line((cx, cy, cx + math.cos(angle) * width, cy + math.sin(angle) * width), fill=color,
                     width=round(8 * scale))
    elif kind == 3:  # a grid of squares: planning and structure
        step = max(1, round(rng.randint(70, 100) * scale))
        offset = round(rng.random() * step)
        for x in range(-offset, width, step):
            for y in range(-offset, height, step):
                side = rng.uniform(8, 22) * scale
                pen.rectangle((x, y, x + side, y + side), fill=color)
    else:  # waves: openness, exchange
        step = max(1, round(rng.randint(50, 75) * scale))
        phase = rng.uniform(0, math.tau)
        for row, y in enumerate(range(0, height, step)):
            points = [(x, y + math.sin(x / (90 * scale) + phase + row) * 14 * scale)
                      for x in range(0, width + step, max(1, round(20 * scale)))]
            pen.line(points, fill=color, width=round(6 * scale))


def _skyline(pen: ImageDraw.ImageDraw, rng: random.Random, width: int, horizon: int, color: tuple, scale: float,
             tall: float, windows: tuple | None) -> None:
    """A row of houses with gabled or flat roofs and, once, a church tower."""
    x = rng.uniform(-80, 0) * scale
    tower_at = rng.uniform(0.15, 0.85) * width
    tower_done = False
    while x < width:
        house_width = rng.uniform(70, 150) * scale
        wall = rng.uniform(0.35, 1.0) * tall * horizon * 0.55
        top = horizon - wall
        if not tower_done and x + house_width > tower_at:
            tower_done = True
            tower_width = rng.uniform(36, 52) * scale
            tower_top = horizon - tall * horizon * rng.uniform(1.05, 1.3)
            pen.rectangle((x, tower_top, x + tower_width, horizon), fill=color)
            pen.polygon([(x - 4 * scale, tower_top), (x + tower_width / 2, tower_top - tower_width * 2.2),
                         (x + tower_width + 4 * scale, tower_top)], fill=color)
            x += tower_width + rng.uniform(0, 10) * scale
            continue
        pen.rectangle((x, top, x + house_width, horizon), fill=color)
        if rng.random() < 0.75:
            roof = house_width * rng.uniform(0.3, 0.55)
            pen.polygon([(x - 6 * scale, top), (x + house_width / 2, top - roof), (x + house_width + 6 * scale, top)],
                        fill=color)
        if windows:
            size = 14 * scale
            columns = max(1, int(house_width // (size * 2.4)))
            rows = max(1, int(wall // (size * 2.6)))
            gap_x = house_width / columns
            for column in range(columns):
                for row in range(rows):
                    if rng.random() < 0.8:
                        wx = x + gap_x * column + (gap_x - size) / 2
                        wy = top + size * 1.2 + row * size * 2.4
                        if wy + size < horizon - size:
                            pen.rectangle((wx, wy, wx + size, wy + size), fill=windows)
        x += house_width + rng.uniform(4, 30) * scale
