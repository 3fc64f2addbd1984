"""Responsive variants of a story's photo: turned upright, in sRGB, without any metadata, in
AVIF (when this Pillow can write it), WebP and JPEG at 480, 960 and 1440 pixels width, never enlarged.

Nothing of the original leaves the editor's folder: no EXIF (camera, time, GPS position), no XMP,
no comments, no ICC profile (the pixels are converted to sRGB first, which browsers assume anyway).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, features

from .images import TURNED, ORIENTATION_TAG

WIDTHS = (480, 960, 1440)
# (extension, Pillow format, MIME type, save options); best first, as a <picture> lists them.
ENCODINGS = [
    ("avif", "AVIF", "image/avif", {"quality": 55, "speed": 8}),
    ("webp", "WEBP", "image/webp", {"quality": 75, "method": 4}),
    ("jpg", "JPEG", "image/jpeg", {"quality": 80, "optimize": True, "progressive": True}),
]
if not features.check("avif"):
    ENCODINGS = ENCODINGS[1:]
# Part of every cache key: changing a width, a quality or the code below processes every photo anew.
VERSION = 2
SETTINGS = repr((VERSION, WIDTHS, ENCODINGS))
MIME = {extension: mime for extension, _, mime, _ in ENCODINGS}
BODY_FORMATS = {"JPEG": ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
                "PNG": ("PNG", {"optimize": True}), "WEBP": ("WEBP", {"quality": 78, "method": 4})}
SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Variant:
    name: str  # file name in the cache entry and in the site, e.g. "960.webp"
    width: int
    height: int
    extension: str


def widths_for(width: int) -> list[int]:
    """The widths to write for a picture this wide: the standard ones it reaches, and its own width
    when that lies between two of them, so that nothing is ever enlarged."""
    chosen = [w for w in WIDTHS if w <= width]
    if not chosen or (width < WIDTHS[-1] and width > chosen[-1]):
        chosen.append(width)
    return chosen


def upright_srgb(path: str, largest: int | None = None) -> Image.Image:
    """Opens a picture, applies its EXIF orientation and returns RGB pixels in sRGB with no metadata.

    With `largest` a JPEG is decoded straight at the smallest scale (1/2, 1/4, 1/8) that still
    covers that width: a 24-megapixel photo then costs a fraction of a full decode."""
    with Image.open(path) as image:
        orientation = image.getexif().get(ORIENTATION_TAG, 1)
        if largest and image.format == "JPEG":
            width, height = image.size
            if orientation in TURNED:  # the shown width is the stored height
                scale = largest / height
            else:
                scale = largest / width
            if scale < 1:
                image.draft(image.mode if image.mode in ("RGB", "L") else None,
                            (max(1, round(width * scale)), max(1, round(height * scale))))
        icc = image.info.get("icc_profile")
        image.load()
        upright = ImageOps.exif_transpose(image)
    pixels = _to_srgb(upright, icc)
    # A fresh image carries nothing but pixels: no info dict, no EXIF, XMP, ICC or comment.
    clean = Image.new("RGB", pixels.size)
    clean.paste(pixels)
    return clean


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    if image.mode in ("I;16", "I;16L", "I;16B", "I"):  # a 16-bit grey PNG: scale to 8 bits, not clip
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)
        image = flat
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            mode = image.mode if image.mode in ("RGB", "CMYK", "L") else None
            if mode is None:
                image, mode = image.convert("RGB"), "RGB"
            return ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB",
                                             renderingIntent=ImageCms.Intent.PERCEPTUAL)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: fall back to the plain conversion below
    return image.convert("RGB")


def render(path: str, folder: str) -> dict:
    """Writes every variant of the photo at `path` into `folder`; returns the facts for the cache."""
    largest = WIDTHS[-1]
    image = upright_srgb(path, largest)
    width, height = image.size
    variants = []
    current = image
    for target in sorted(widths_for(width), reverse=True):  # each size from the next larger: faster
        if target != current.width:
            current = current.resize((target, max(1, round(height * target / width))), Image.Resampling.LANCZOS)
        for extension, kind, _, options in ENCODINGS:
            name = f"{target}.{extension}"
            current.save(os.path.join(folder, name), kind, **options)
            variants.append({"name": name, "width": current.width, "height": current.height, "extension": extension})
    variants.sort(key=lambda v: (v["extension"], v["width"]))
    return {"width": width, "height": height, "variants": variants}


def render_body_image(path: str, folder: str) -> dict:
    """An image used inside the story text keeps its name and format, but is cleaned the same way and
    made at most 1440 pixels wide."""
    with Image.open(path) as probe:
        kind = probe.format
    image = upright_srgb(path, WIDTHS[-1])
    if image.width > WIDTHS[-1]:
        image = image.resize((WIDTHS[-1], max(1, round(image.height * WIDTHS[-1] / image.width))),
                             Image.Resampling.LANCZOS)
    save_as, options = BODY_FORMATS.get(kind, BODY_FORMATS["JPEG"])
    image.save(os.path.join(folder, "image"), save_as, **options)
    return {"width": image.width, "height": image.height, "variants": [
        {"name": "image", "width": image.width, "height": image.height, "extension": save_as.lower()}]}
