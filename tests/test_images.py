"""Images: validation by content, private and upright variants, the cache, illustrations and social cards."""

from __future__ import annotations

import glob
import io
import os
import re
import struct
import time
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms

from kleinstadt import cards, illustrations
from kleinstadt.media import Media
from kleinstadt.views import build_views

FOLDER = "stories/altdorf/2026-03-01-probe"
IMAGE = """image:
  file: titelbild.jpg
  alt: Der Marktplatz von Altdorf am Abend
  credit: Mia K.
  license: CC BY 4.0"""
SECRET = b"Geheimer Kommentar"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>secret-xmp</rdf:RDF></x:xmpmeta>'


def photo(width: int = 1600, height: int = 1000, *, orientation: int | None = None, gps: bool = False,
          halves: bool = False, **save) -> bytes:
    """A JPEG that compresses like a photo (gradients and noise); optionally with EXIF, GPS, ICC, XMP."""
    if halves:  # left half red, right half blue: shows where an orientation put the pixels
        image = Image.new("RGB", (width, height), (220, 20, 20))
        image.paste((20, 20, 220), (width // 2, 0, width, height))
    else:
        noise = Image.effect_noise((width, height), 40)
        image = Image.merge("RGB", (noise, Image.linear_gradient("L").resize((width, height)), noise))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Testkamera"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        info = exif.get_ifd(ExifTags.IFD.GPSInfo)
        info[ExifTags.GPS.GPSLatitudeRef] = "N"
        info[ExifTags.GPS.GPSLatitude] = (51.0, 30.0, 12.5)
        info[ExifTags.GPS.GPSLongitudeRef] = "E"
        info[ExifTags.GPS.GPSLongitude] = (12.0, 22.0, 5.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, exif=exif, **save)
    return buffer.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size in its header but holds almost no data: the shape of a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def probe(site, image_bytes: bytes, body: str = "Ein Text.\n", extra: str = IMAGE, name: str = "titelbild.jpg",
          slug: str = "probe"):
    site.story(slug, extra=extra, body=body)
    return site.write(f"stories/altdorf/2026-03-01-{slug}/{name}", image_bytes)


def image_problem(site):
    problems = site.check().problems.sorted()
    assert len(problems) == 1, "\n".join(p.format() for p in problems)
    problem = problems[0]
    assert problem.file == f"{FOLDER}/index.md"
    assert problem.field == "image.file"
    text = open(os.path.join(site.root, FOLDER, "index.md"), encoding="utf-8").read().splitlines()
    assert text[problem.line - 1].strip() == "file: titelbild.jpg"  # the line of `image.file`
    assert problem.hint
    return problem


# --- validation --------------------------------------------------------------------------------

def test_valid_photo_passes(site):
    probe(site, photo())
    content = site.check()
    assert not content.problems, content.problems.report()
    assert content.stories[0].image.alt.startswith("Der Marktplatz")


def test_corrupt_file_fails_with_file_line_and_field(site):
    probe(site, photo()[:6000])  # cut off in the middle, as after a broken upload
    assert "beschädigt" in image_problem(site).message


def test_file_that_is_no_image_fails(site):
    probe(site, b"GIF89a" + b"\0" * 200)
    assert "kein JPEG-, PNG- oder WebP-Bild" in image_problem(site).message


def test_decompression_bomb_fails_before_decoding(site):
    probe(site, png_header(8000, 7000), extra=IMAGE.replace("titelbild.jpg", "titelbild.png"), name="titelbild.png")
    problems = site.check().problems.sorted()
    assert len(problems) == 1 and problems[0].field == "image.file"
    assert "50 Megapixel" in problems[0].message and "Dekompressionsbombe" in problems[0].message
    assert "8000 × 7000" in problems[0].message


def test_bomb_beyond_pillows_own_limit_gets_the_same_message(site):
    probe(site, png_header(30000, 30000))  # 900 megapixels: Pillow itself refuses to open it
    assert "Dekompressionsbombe" in image_problem(site).message


def test_oversized_file_fails(site):
    probe(site, photo()[:-2] + b"\0" * (20 * 1024 * 1024) + b"\xff\xd9")
    problem = image_problem(site)
    assert "höchstens 20 MB" in problem.message and "MB groß" in problem.message


def test_hero_must_be_1200_pixels_wide_as_shown(site):
    probe(site, photo(1000, 1500))
    assert "mindestens 1200 Pixel" in image_problem(site).message
    # 1600 × 1000 stored, but turned by its EXIF orientation it is only 1000 pixels wide
    probe(site, photo(1600, 1000, orientation=6))
    assert "nur 1000 Pixel breit" in image_problem(site).message


# --- processing in the build -------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build, shared by the tests below: a photo full of private metadata, a turned photo, a body
    image, an unused image and a story without photo."""
    import corpus
    from conftest import FIXTURE, FixtureSite

    site = FixtureSite(corpus.prepare_site(str(tmp_path_factory.mktemp("bilder") / "site-src"), source=FIXTURE))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    probe(site, photo(gps=True, icc_profile=icc, comment=SECRET, xmp=XMP),
          body="Ein Text.\n\n![Ein Plakat am Rathaus](plakat.jpg)\n")
    site.write(f"{FOLDER}/plakat.jpg", photo(900, 600, gps=True, comment=SECRET))
    site.write(f"{FOLDER}/unbenutzt.jpg", photo(900, 600, gps=True))  # in the folder, used nowhere
    probe(site, photo(1600, 1200, orientation=6, halves=True), slug="gedreht")
    site.story("ohne-foto", towns=("neudorf",), pillars=("jugend",),
               title="Bürgerbeteiligungshaushalt: Neudorf entscheidet gemeinsam über seine Zukunft")
    result = site.build()
    assert result.returncode == 0, result.stdout + result.stderr
    return site, result


def site_files(site) -> list[str]:
    root = os.path.join(site.root, "site")
    return [os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names]


def test_no_metadata_and_no_original_leaves_the_folder(built):
    site, _ = built
    originals = {open(os.path.join(site.root, FOLDER, n), "rb").read() for n in ("titelbild.jpg", "plakat.jpg")}
    story = os.path.join(site.root, "site", "geschichten", "probe")
    names = sorted(os.listdir(story))
    assert "titelbild.jpg" not in names and "unbenutzt.jpg" not in names
    assert {"titelbild-480.webp", "titelbild-960.webp", "titelbild-1440.webp", "titelbild-480.jpg",
            "titelbild-960.jpg", "titelbild-1440.jpg", "plakat.jpg"} <= set(names)
    pictures = [p for p in site_files(site) if p.endswith((".jpg", ".webp", ".avif", ".png"))]
    assert len(pictures) > 10
    for path in pictures:
        data = open(path, "rb").read()
        assert data not in originals, path
        for secret in (b"Exif", b"Testkamera", SECRET, b"secret-xmp", b"adobe:ns:meta", b"ICC_PROFILE"):
            assert secret not in data, (path, secret)
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo), path
            assert not {"exif", "xmp", "comment", "icc_profile"} & set(image.info), (path, image.info.keys())
    with Image.open(os.path.join(story, "plakat.jpg")) as body_image:
        assert body_image.size == (900, 600)  # processed, never enlarged


def test_variants_are_never_enlarged_and_orientation_is_applied(built):
    site, _ = built
    story = os.path.join(site.root, "site", "geschichten", "gedreht")
    widths = sorted(int(re.match(r"titelbild-(\d+)\.jpg", n).group(1)) for n in os.listdir(story)
                    if re.match(r"titelbild-\d+\.jpg", n))
    assert widths == [480, 960, 1200]  # shown 1200 wide: 1440 would be enlarged, so its own width instead
    with Image.open(os.path.join(story, "titelbild-1200.jpg")) as image:
        assert image.size == (1200, 1600)  # stored landscape, turned upright by EXIF orientation 6
        rgb = image.convert("RGB")
        top, bottom = rgb.getpixel((600, 200)), rgb.getpixel((600, 1400))
    assert top[0] > 150 and top[2] < 100, top  # the stored left (red) half is now on top
    assert bottom[2] > 150 and bottom[0] < 100, bottom


def test_story_pages_have_picture_cards_and_social_tags(built):
    site, result = built
    html = site.html("geschichten/probe/")
    hero = html[html.index('<figure class="ksg-hero"'):html.index("</figure>")]
    assert '<source type="image/webp" srcset="titelbild-480.webp 480w, titelbild-960.webp 960w, titelbild-1440.webp 1440w"' in hero
    assert 'width="960" height="600"' in hero and 'loading="eager"' in hero and "sizes=" in hero
    assert 'alt="Der Marktplatz von Altdorf am Abend"' in hero
    listing = site.html("geschichten/")
    assert 'loading="lazy"' in listing
    # A story without a photo shows one of the few shared illustrations of its pillar combination.
    shared = re.search(r'<picture aria-hidden="true">\s*<img src="../assets/illustrationen/([0-9a-f]{16})/400.webp"[^>]* alt=""',
                       listing)
    assert shared, listing
    assert os.path.exists(os.path.join(site.root, "site", "assets", "illustrationen", shared.group(1), "400.webp"))
    for slug in ("probe", "gedreht", "ohne-foto"):
        page = site.html(f"geschichten/{slug}/")
        tags = dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[a-z:_]+)" content="([^"]*)"', page))
        kind = "png" if slug == "ohne-foto" else "jpg"  # a photo card is a JPEG, an illustrated one a PNG
        assert tags["og:image"] == f"http://127.0.0.1:8000/geschichten/{slug}/ksg-karte.{kind}"
        assert tags["og:image:type"] == ("image/png" if kind == "png" else "image/jpeg")
        assert (tags["og:image:width"], tags["og:image:height"]) == ("1200", "630")
        assert tags["og:type"] == "article" and tags["og:locale"] == "de_DE"
        assert tags["og:site_name"] == "Kleinstadtgeschichten" and tags["twitter:card"] == "summary_large_image"
        assert tags["og:title"] and tags["og:description"]
        with Image.open(os.path.join(site.root, "site", "geschichten", slug, f"ksg-karte.{kind}")) as card:
            assert card.size == (1200, 630)
    for url in ("", "orte/altdorf/", "pfeiler/jugend/", "regionen/thueringen/", "ueber/"):
        page = site.html(url)
        image = re.search(r'<meta property="og:image" content="http://127.0.0.1:8000/([^"]+)"', page).group(1)
        with Image.open(os.path.join(site.root, "site", image)) as card:
            assert card.size == (1200, 630), url
    assert "Vorschaukarten:" in result.stderr and "aus dem Zwischenspeicher" in result.stderr


# --- the cache ---------------------------------------------------------------------------------

def test_cache_processes_only_what_changed(site, tmp_path):
    probe(site, photo())
    probe(site, photo(1400, 900), slug="zweite")
    site.story("ohne-foto", towns=("neudorf",))

    def run():
        media = Media(build_views(site.check()), cache_folder=str(tmp_path / "cache"), workers=1)
        media.prepare()
        return media.summary

    first = run()
    listings = len(build_views(site.check()).listings())
    assert first.made == {"photo": 2, "illustration": 1, "card": 3 + listings + 1}
    assert first.reused == {}
    second = run()
    assert second.made == {}
    assert second.reused == {"photo": 2, "illustration": 1, "card": 3 + listings + 1}
    site.write(f"stories/altdorf/2026-03-01-zweite/titelbild.jpg", photo(1500, 900))
    third = run()
    assert third.made == {"photo": 1, "card": 1}  # the changed photo, and the card that shows it
    assert third.reused == {"photo": 1, "illustration": 1, "card": 2 + listings + 1}
    assert "0 verarbeitet" in second.text() and "Fotos: 1 verarbeitet" in third.text()
    # Entries no build uses any more go once they are a month old: the old photo and its old card.
    cache = tmp_path / "cache"
    month_ago = time.time() - 31 * 86400
    for entry in glob.glob(str(cache / "*" / "*" / "*")):
        os.utime(entry, (month_ago, month_ago))
    os.remove(cache / "aufgeraeumt")  # pruning runs at most once a day
    fourth = run()
    assert fourth.pruned == 2 and fourth.made == {}
    assert run().pruned == 0


# --- drawing -----------------------------------------------------------------------------------

def test_illustrations_are_deterministic_per_story():
    one = illustrations.draw("marktfest", ["#b0263f"], 5).tobytes()
    assert one == illustrations.draw("marktfest", ["#b0263f"], 5).tobytes()
    assert one != illustrations.draw("jugendclub", ["#b0263f"], 5).tobytes()
    assert one != illustrations.draw("marktfest", ["#2d5fa8"], 2).tobytes()


def test_titles_wrap_with_german_hyphenation():
    font = cards._font(cards.BOLD, 62)
    lines = cards.wrap("Jugendfeuerwehrgerätehaus und Bürgerbeteiligungshaushalt", font, 500)
    assert all(font.getlength(line) <= 500 for line in lines)
    assert any(line.endswith("-") for line in lines)
    assert "".join(line[:-1] if line.endswith("-") else line + " " for line in lines).strip() \
        == "Jugendfeuerwehrgerätehaus und Bürgerbeteiligungshaushalt"


def test_card_is_1200_by_630_with_a_photo_or_without():
    spec = cards.CardSpec("Ein sehr langer Titel " * 8, "Altdorf · Jugend", "#b0263f", ("#b0263f",), 5, "lang")
    assert cards.draw(spec).size == (1200, 630)
    font, lines = cards.fit_title(spec.title, 600)
    assert len(lines) == cards.MAX_LINES and lines[-1].endswith("…")


def test_thumbnail_and_card_show_the_same_illustration():
    card = illustrations.draw("marktfest", ["#b0263f"], 5).resize((400, 210), Image.Resampling.BOX)
    thumb = illustrations.draw("marktfest", ["#b0263f"], 5, (800, 420)).reduce(2)
    difference = sum(abs(a - b) for a, b in zip(card.convert("L").tobytes(), thumb.convert("L").tobytes()))
    assert difference / (400 * 210) < 3  # the same picture, up to edges drawn at another size


def test_a_checked_photo_is_not_decoded_again_until_it_changes(site, monkeypatch):
    from kleinstadt import images

    probe(site, photo())
    assert not site.check().problems
    decoded = []
    real = images.inspect
    monkeypatch.setattr(images, "inspect", lambda path, hero=True: decoded.append(path) or real(path, hero))
    images._checked.clear()  # a new run: the list of checked images comes from .cache/images/geprueft.json
    assert not site.check().problems and decoded == []
    site.write(f"{FOLDER}/titelbild.jpg", photo(1500, 1000))
    site.check()
    assert len(decoded) == 1


def test_a_second_build_makes_no_picture_and_links_them_from_the_cache(built):
    site, first = built
    line = next(l for l in first.stderr.splitlines() if "Bilder:" in l)
    assert "Fotos: 2 verarbeitet" in line and "Vorschaukarten: 0 verarbeitet" not in line
    second = site.build()
    assert second.returncode == 0, second.stderr
    line = next(l for l in second.stderr.splitlines() if "Bilder:" in l)
    assert "Fotos: 0 verarbeitet, 2 aus dem Zwischenspeicher" in line
    assert "Illustrationen: 0 verarbeitet, 1 aus dem Zwischenspeicher" in line
    assert re.search(r"Vorschaukarten: 0 verarbeitet, \d+ aus dem Zwischenspeicher", line)
    card = os.path.join(site.root, "site", "geschichten", "ohne-foto", "ksg-karte.png")
    assert os.stat(card).st_nlink >= 2  # a hard link into .cache/images, not a copy


def test_a_broken_image_in_the_text_fails_at_the_line_of_its_link(site):
    probe(site, photo(), body="Ein Text.\n\n![Das Plakat](plakat.jpg)\n")
    site.write(f"{FOLDER}/plakat.jpg", photo(900, 600)[:3000])
    problems = site.check().problems.sorted()
    assert len(problems) == 1, "\n".join(p.format() for p in problems)
    problem = problems[0]
    text = open(os.path.join(site.root, FOLDER, "index.md"), encoding="utf-8").read().splitlines()
    assert problem.file == f"{FOLDER}/index.md" and "plakat.jpg" in text[problem.line - 1]
    assert "beschädigt" in problem.message and "plakat.jpg" in problem.message


@pytest.mark.parametrize("mode, value, expected", [
    ("I;16", 30000, (117, 117, 117)),  # 16-bit grey: scaled to 8 bits, not clipped to white
    ("CMYK", (0, 100, 200, 0), (255, 155, 55)),
    ("LA", (100, 0), (255, 255, 255)),  # transparent: on white
    ("P", None, (0, 0, 0)),
])
def test_every_colour_mode_becomes_plain_rgb(tmp_path, mode, value, expected):
    from kleinstadt import variants

    path = str(tmp_path / ("bild.jpg" if mode == "CMYK" else "bild.png"))
    Image.new(mode, (1300, 900), value).save(path)
    result = variants.upright_srgb(path, 1440)
    assert result.mode == "RGB" and result.size == (1300, 900) and not result.info
    assert result.getpixel((5, 5)) == expected


def test_stories_share_a_few_illustrations_per_pillar_combination():
    from types import SimpleNamespace

    from kleinstadt.media import ILLUSTRATION_VARIANTS, illustration_seed

    seeds = {illustration_seed(SimpleNamespace(slug=f"geschichte-{i}", pillars=["jugend"])) for i in range(200)}
    assert len(seeds) == ILLUSTRATION_VARIANTS  # varied, but bounded however many stories there are
    assert illustration_seed(SimpleNamespace(slug="a", pillars=["jugend"])) == \
        illustration_seed(SimpleNamespace(slug="a", pillars=["jugend"]))
    assert illustration_seed(SimpleNamespace(slug="a", pillars=["jugend", "finanzen"])).startswith("jugend+finanzen/")


def test_corrupt_file_fails_even_when_pillow_is_set_lenient(site, monkeypatch):
    """WeasyPrint sets Pillow's global LOAD_TRUNCATED_IMAGES on import; the check must not depend on that global."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    probe(site, photo()[:6000])
    assert "beschädigt" in image_problem(site).message
    assert ImageFile.LOAD_TRUNCATED_IMAGES  # and the setting is left as it was
