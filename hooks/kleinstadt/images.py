"""Checks a story's image file by its content: format, size, pixels, width of a hero, readable data.

Part of the content model (`make check`, the build and the tests share it). Every message names the
line of `image.file`, so an editor finds the picture that has to change.
"""

from __future__ import annotations

import atexit
import json
import os
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass

from PIL import Image, ImageFile

from .fields import FieldChecker

FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000
HERO_MIN_WIDTH = 1200
# EXIF orientations 5 to 8 turn the picture by 90 degrees: width and height swap when it is shown.
TURNED = {5, 6, 7, 8}
ORIENTATION_TAG = 0x0112



@dataclass(frozen=True)
class ImageFacts:
    format: str  # JPEG, PNG or WEBP
    width: int  # as shown, after the EXIF orientation
    height: int
    bytes: int


class ImageRejected(Exception):
    """An image that cannot be used; `message` and `hint` are German."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message = message
        self.hint = hint


def inspect(path: str, hero: bool = True) -> ImageFacts:
    """Reads the header, then decodes the picture (a JPEG at an eighth of its size, which is quick but
    still reads every byte) to find truncated or damaged files. Raises ImageRejected."""
    name = os.path.basename(path)
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        raise ImageRejected(f"Das Bild „{name}“ ist {size / 1048576:.1f} MB groß, erlaubt sind höchstens 20 MB.",
                            "Verkleinere das Bild, zum Beispiel auf 3000 Pixel Breite, und speichere es neu.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=list(FORMATS)) as image:
                width, height, kind = image.width, image.height, image.format
                # Checked from the header, before a byte is decoded: a "decompression bomb" (a small file
                # that unpacks to gigabytes) never gets that far. Pillow's own guard (warning above 89,
                # error above 179 megapixels, raised by open()) is caught below with the same message.
                _check_pixels(name, width, height)
                orientation = image.getexif().get(ORIENTATION_TAG, 1)
                if kind == "JPEG":
                    image.draft(image.mode if image.mode in ("RGB", "L") else None, (max(1, width // 8), max(1, height // 8)))
                # WeasyPrint (print edition) sets Pillow's global LOAD_TRUNCATED_IMAGES on import, after which a
                # cut-off file would load without error: the check always decodes strictly.
                truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
                try:
                    image.load()
                finally:
                    ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb(name, None, None) from None
    except Image.UnidentifiedImageError:
        raise ImageRejected(f"„{name}“ ist kein JPEG-, PNG- oder WebP-Bild (die Datei ist beschädigt oder hat "
                            "ein anderes Format als ihre Endung sagt).",
                            "Öffne das Bild in einem Bildprogramm und speichere es als JPEG neu.") from None
    except (OSError, SyntaxError, ValueError):
        raise ImageRejected(f"Das Bild „{name}“ ist beschädigt oder unvollständig und lässt sich nicht lesen.",
                            "Lade das Bild noch einmal vom Original herunter oder speichere es neu.") from None
    if orientation in TURNED:
        width, height = height, width
    if hero and width < HERO_MIN_WIDTH:
        raise ImageRejected(f"Das Titelbild „{name}“ ist nur {width} Pixel breit, nötig sind mindestens "
                            f"{HERO_MIN_WIDTH} Pixel.",
                            "Nimm das Original aus der Kamera oder ein größeres Bild; vergrößern macht es unscharf.")
    return ImageFacts(kind, width, height, size)


def _check_pixels(name: str, width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise _bomb(name, width, height)


def _bomb(name: str, width: int | None, height: int | None) -> ImageRejected:
    measure = f" ({width} × {height} Pixel, {width * height / 1e6:.0f} Megapixel)" if width and height else ""
    return ImageRejected(f"Das Bild „{name}“ ist zu groß zum Verarbeiten{measure}: erlaubt sind höchstens 50 Megapixel. "
                         "Eine so große Datei kann beim Entpacken den Bau lahmlegen (Dekompressionsbombe).",
                         "Verkleinere das Bild auf höchstens 6000 Pixel an der langen Seite.")


class CheckedImages:
    """Images already found fine, by path, size and modification time (.cache/images/geprueft.json).

    Decoding a 24-megapixel photo, even at an eighth, takes a tenth of a second: at thousands of photos
    every `make check` and every build would pay minutes for files that have not changed."""

    VERSION = 1

    def __init__(self, root: str):
        self.path = os.path.join(root, ".cache", "images", "geprueft.json")
        self.known: dict[str, dict] = {}
        self.changed = False
        self.saved = 0.0  # the first new image is written at once, later ones every two seconds
        try:
            with open(self.path, encoding="utf-8") as handle:
                data = json.load(handle)
            if data.get("version") == self.VERSION:
                self.known = data["images"]
        except (OSError, ValueError, KeyError, AttributeError):
            pass

    @staticmethod
    def _key(path: str, hero: bool) -> str:
        stat = os.stat(path)
        return f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{int(hero)}"

    def inspect(self, path: str, hero: bool) -> ImageFacts:
        key = self._key(path, hero)
        if key in self.known:
            return ImageFacts(**self.known[key])
        facts = inspect(path, hero)  # raises ImageRejected: a rejected image is checked again next time
        self.known = {k: v for k, v in self.known.items() if not k.startswith(path + "|")}
        self.known[key] = asdict(facts)
        self.changed = True
        return facts

    def save(self, now: bool = True) -> None:
        """Writes the list; with now=False at most every two seconds (the rest at exit), so that
        checking thousands of new photos does not rewrite it thousands of times."""
        if not self.changed or (not now and time.monotonic() - self.saved < 2):
            return
        self.saved = time.monotonic()
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            fd, temporary = tempfile.mkstemp(prefix=".geprueft-", dir=os.path.dirname(self.path))
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"version": self.VERSION, "images": self.known}, handle)
            os.replace(temporary, self.path)
            self.changed = False
        except OSError:
            pass  # a read-only checkout: the next run checks again, nothing worse


_checked: dict[str, CheckedImages] = {}


def checked(root: str, path: str, hero: bool = True) -> ImageFacts:
    """`inspect`, remembered per repository (`root`) in .cache/images/geprueft.json. Raises ImageRejected."""
    memo = _checked.get(root)
    if memo is None:
        memo = _checked[root] = CheckedImages(root)
        atexit.register(memo.save)
    facts = memo.inspect(path, hero)
    memo.save(now=False)
    return facts


def check_story_image(check: FieldChecker, path: str, hero: bool = True) -> ImageFacts | None:
    """Reports a rejected image at the line of `image.file`; returns its facts when it is fine."""
    try:
        return checked(check.problems.root, path, hero)
    except ImageRejected as rejected:
        check.error("image.file", rejected.message, rejected.hint)
        return None


def check_linked_image(problems, story_path: str, line: int, path: str) -> bool:
    """An image the story's text shows (`![...](plakat.jpg)`): the same rules except the hero's width,
    reported at the line of the link."""
    try:
        checked(problems.root, path, hero=False)
        return True
    except ImageRejected as rejected:
        problems.add(story_path, line, None, rejected.message, rejected.hint)
        return False
