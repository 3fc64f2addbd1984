"""Everything a build makes from pictures: photo variants, illustrations and social cards.

`Media.prepare()` works out which pictures the visible stories and pages need and makes the ones the
cache (.cache/images/) does not hold yet (on several cores when there are many). It returns the images
the story texts link to, as (address in the site, file in the cache), for hooks/site.py to add as
MkDocs files (MkDocs checks those links). Templates ask it for a story's <picture> (`hero`, `thumb`)
and a page's card (`card`); after the build `write()` puts all other pictures into the site as hard
links to the cache, which costs no copying. No MkDocs here.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from . import cards, illustrations, images, markup, variants
from .cards import CardSpec
from .imagecache import ImageCache, digest
from .problems import Problems
from .story import IMAGE_TYPES, Story

BRAND = "#1f5e4e"
CARD_NAME = "ksg-karte"  # a card lies beside its page: geschichten/<slug>/ksg-karte.png
ILLUSTRATION_WIDTHS = (400, 800)  # cards are 15 to 25rem wide: 800 pixels suffice on sharp screens
# How wide a picture is shown, for the browser's choice from srcset (Material's breakpoints: 76.25em
# shows both sidebars in a grid of at most 61rem, 60em the navigation; pixels, as `rem` in `sizes`
# would mean 16 px, not Material's 20).
HERO_SIZES = "(min-width: 76.25em) 680px, (min-width: 60em) calc(100vw - 300px), 100vw"
THUMB_SIZES = "(min-width: 76.25em) 340px, (min-width: 45em) 45vw, 100vw"
PARALLEL_FROM = 24  # fewer new pictures than this are made in this process: starting workers costs more
PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class Source:
    mime: str
    srcset: tuple[tuple[str, int], ...]  # (address in the site, width in pixels)


@dataclass(frozen=True)
class Picture:
    """What a template needs for <picture>: sources best first, and the <img> fallback."""

    sources: tuple[Source, ...]
    fallback: Source
    src: str
    width: int
    height: int
    alt: str
    sizes: str
    decorative: bool = False


@dataclass(frozen=True)
class Card:
    url: str  # address in the site
    mime: str
    width: int = cards.SIZE[0]
    height: int = cards.SIZE[1]
    generic: bool = False  # the publication's card (name and description), not one showing the page's title


class MediaError(Exception):
    """Pictures that cannot be processed; the message lists each with file, line and a hint (German)."""


@dataclass
class _Job:
    kind: str  # "photo", "body", "illustration", "card"
    key: str
    arguments: tuple
    facts: dict | None = None
    seconds: float = 0.0


@dataclass
class Summary:
    made: dict = field(default_factory=dict)
    reused: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)  # kind -> processor time making them (summed over workers)
    wall: float = 0.0  # finding, checking and making (prepare)
    placed: int = 0  # files put into the site (write)
    pruned: int = 0  # old entries removed from the cache
    placing: float = 0.0

    def text(self) -> str:
        names = {"photo": "Fotos", "body": "Bilder im Text", "illustration": "Illustrationen", "card": "Vorschaukarten"}
        parts = []
        for kind, name in names.items():
            made, reused = self.made.get(kind, 0), self.reused.get(kind, 0)
            if made or reused:
                each = f", {self.seconds[kind] / made * 1000:.0f} ms Rechenzeit je Stück" if made else ""
                parts.append(f"{name}: {made} verarbeitet{each}, {reused} aus dem Zwischenspeicher")
        return ("Bilder: " + ("; ".join(parts) or "keine")
                + f" ({self.wall + self.placing:.2f} s; {self.placed} Dateien in {self.placing:.2f} s in die Seite gelegt"
                + (f"; {self.pruned} alte Einträge aus dem Zwischenspeicher entfernt" if self.pruned else "") + ").")


class Media:
    def __init__(self, views, cache_folder: str | None = None, description: str = "",
                 workers: int | None = None):
        self.views = views
        self.content = views.content
        root = self.content.root
        self.cache = ImageCache(cache_folder or os.environ.get("KSG_IMAGE_CACHE")
                                or os.path.join(root, ".cache", "images"))
        self.description = description or "Geschichten des Gelingens aus ostdeutschen Kleinstädten"
        self.workers = workers or int(os.environ.get("KSG_WORKERS", os.cpu_count() or 1))
        self.summary = Summary()
        self._heroes: dict[str, Picture] = {}
        self._thumbs: dict[str, Picture] = {}
        self._cards: dict[str, Card] = {}  # page address -> card
        self._default_card: Card | None = None
        self._outputs: list[tuple[str, str]] = []  # (address in the site, cached file) for write()

    # --- for the templates ------------------------------------------------------------------

    def hero(self, story: Story) -> Picture | None:
        return self._heroes.get(story.slug)

    def thumb(self, story: Story) -> Picture | None:
        return self._thumbs.get(story.slug)

    def card(self, url: str | None) -> Card | None:
        return self._cards.get(url or "", self._default_card)

    # --- making the pictures ----------------------------------------------------------------

    def prepare(self) -> list[tuple[str, str]]:
        """Makes what is missing; returns (address in the site, cached file) of the images that story
        texts link to. Every other picture goes into the site with `write()`."""
        started = time.perf_counter()
        outputs: list[tuple[str, str]] = []
        linked: list[tuple[str, str]] = []
        problems = Problems(self.content.root)

        photo_jobs, body_jobs = {}, []
        for story in self.views.stories:
            if story.image:
                key = digest("photo", variants.SETTINGS, self.cache.file_hash(story.image.path))
                photo_jobs[story.slug] = _Job("photo", key, (story.image.path,))
            for name, path, line in _body_images(story):
                try:
                    images.checked(self.content.root, path, hero=False)  # checked when the content was loaded
                except images.ImageRejected as rejected:
                    problems.add(story.path, line, None, rejected.message, rejected.hint)
                    continue
                key = digest("body", variants.SETTINGS, self.cache.file_hash(path))
                body_jobs.append((story, name, _Job("body", key, (path,))))
        if problems:
            raise MediaError(_report(problems))
        self._run(list(photo_jobs.values()) + [job for _, _, job in body_jobs])

        card_jobs: list[tuple[str, list[str], _Job]] = []  # (card address, page addresses, job)
        illustration_jobs = {}
        for story in self.views.stories:
            photo = photo_jobs.get(story.slug)
            base = story.url
            if photo:
                entry = self.cache.entry("photo", photo.key)
                for variant in photo.facts["variants"]:
                    stem = os.path.splitext(story.image.file)[0]
                    outputs.append((f"{base}{stem}-{variant['width']}.{variant['extension']}",
                                    os.path.join(entry, variant["name"])))
                self._heroes[story.slug] = self._photo_picture(base, stem, photo.facts, story.image.alt, HERO_SIZES)
                self._thumbs[story.slug] = self._photo_picture(base, stem, photo.facts, story.image.alt, THUMB_SIZES,
                                                               widest=960)
                largest = max((v for v in photo.facts["variants"] if v["extension"] == "jpg"), key=lambda v: v["width"])
                spec = self._story_spec(story, os.path.join(entry, largest["name"]), photo.key)
            else:
                pillar = self.content.taxonomy.pillars[story.pillars[0]]
                colors = tuple(self.content.taxonomy.pillars[p].color for p in story.pillars)
                seed = illustration_seed(story)
                key = _illustration_key(seed, colors, pillar.number)
                illustration_jobs[story.slug] = _Job("illustration", key, (seed, colors, pillar.number))
                spec = self._story_spec(story, None, "")
            card_jobs.append((base + CARD_NAME, [base], _Job("card", spec.key(), (spec,))))
        for story, name, job in body_jobs:
            linked.append((story.url + name, os.path.join(self.cache.entry("body", job.key), "image")))

        for listing in self.views.listings():
            spec = self._listing_spec(listing)
            pages = [page.url for page in listing.pages()]
            card_jobs.append((listing.url + CARD_NAME, pages, _Job("card", spec.key(), (spec,))))
        default = CardSpec(self.description, "Geschichten aus ostdeutschen Kleinstädten", BRAND, (BRAND,), 1,
                           "kleinstadtgeschichten")
        card_jobs.append((CARD_NAME, [], _Job("card", default.key(), (default,))))
        if self.content.partial:  # `make preview` (kleinstadt/preview.py) is never shared: no social cards
            card_jobs = []

        self._run(list(illustration_jobs.values()) + [job for _, _, job in card_jobs])

        shared = set()
        for slug, job in illustration_jobs.items():
            # Stories share a few illustrations per pillar combination: one address each, so that a
            # reader's browser caches it, and the site does not grow by a picture per story.
            entry = self.cache.entry("illustration", job.key)
            base = f"assets/illustrationen/{job.key[:16]}/"
            srcset = []
            for width in ILLUSTRATION_WIDTHS:
                if job.key not in shared:
                    outputs.append((f"{base}{width}.webp", os.path.join(entry, f"{width}.webp")))
                srcset.append((f"{base}{width}.webp", width))
            shared.add(job.key)
            first = job.facts["variants"][0]
            fallback = Source("image/webp", tuple(srcset))
            self._thumbs[slug] = Picture((), fallback, srcset[0][0], first["width"], first["height"], "",
                                         THUMB_SIZES, decorative=True)
        for address, pages, job in card_jobs:
            spec = job.arguments[0]
            url = f"{address}.{spec.extension}"
            outputs.append((url, os.path.join(self.cache.entry("card", job.key), f"card.{spec.extension}")))
            card = Card(url, "image/jpeg" if spec.extension == "jpg" else "image/png", generic=not pages)
            for page in pages:
                self._cards[page] = card
            if not pages:
                self._default_card = card
        self.cache.save()
        if not self.content.partial:  # a preview sees only some stories: it must not judge what is unused
            used = {(job.kind, job.key) for job in list(photo_jobs.values()) + [j for _, _, j in body_jobs]
                    + list(illustration_jobs.values()) + [j for _, _, j in card_jobs]}
            self.summary.pruned = self.cache.prune(used)
        self.summary.wall = time.perf_counter() - started
        self._outputs = outputs
        return linked

    def write(self, site_dir: str) -> str:
        """Puts the pictures into the built site as hard links to the cache (a copy where the two lie on
        different file systems) and returns the line for the build's log."""
        started = time.perf_counter()
        folders = set()
        for address, source in self._outputs:
            target = os.path.join(site_dir, address)
            folder = os.path.dirname(target)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            try:
                os.link(source, target)
            except FileExistsError:  # `mkdocs serve` builds into the same folder again
                os.unlink(target)
                os.link(source, target)
            except OSError:
                shutil.copyfile(source, target)
        self.summary.placed = len(self._outputs)
        self.summary.placing = time.perf_counter() - started
        return self.summary.text()

    def _run(self, jobs: list[_Job]) -> None:
        """Looks every job up in the cache and makes the missing ones, in parallel when worth it."""
        missing, seen = [], set()
        for job in jobs:
            facts = self.cache.lookup(job.kind, job.key)
            if facts is not None:
                job.facts = facts
                self.summary.reused[job.kind] = self.summary.reused.get(job.kind, 0) + 1
            elif (job.kind, job.key) in seen:  # the same picture twice in this build: made once below
                continue
            else:
                seen.add((job.kind, job.key))
                missing.append(job)
        if len(missing) >= PARALLEL_FROM and self.workers > 1:
            # Fresh interpreters (spawn) rather than forks: `mkdocs serve` runs threads, and forking
            # a threaded process can deadlock. They find this package on the path set here.
            added = PACKAGE_PARENT not in sys.path
            if added:
                sys.path.insert(0, PACKAGE_PARENT)
            try:
                with ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                    chunk = max(1, min(32, len(missing) // (self.workers * 4)))
                    results = list(pool.map(_make, [(j.kind, j.key, j.arguments, self.cache.folder) for j in missing],
                                            chunksize=chunk))
            finally:
                if added:
                    sys.path.remove(PACKAGE_PARENT)
        else:
            results = [_make((j.kind, j.key, j.arguments, self.cache.folder)) for j in missing]
        failures = []
        for job, (facts, seconds, error) in zip(missing, results):
            if error:
                failures.append(error)
                continue
            job.facts, job.seconds = facts, seconds
            self.summary.made[job.kind] = self.summary.made.get(job.kind, 0) + 1
            self.summary.seconds[job.kind] = self.summary.seconds.get(job.kind, 0.0) + seconds
        if failures:
            raise MediaError("Bilder ließen sich nicht verarbeiten:\n" + "\n".join(failures))
        made = {(job.kind, job.key): job.facts for job in missing}
        for job in jobs:  # duplicates share the facts of the one that was made
            if job.facts is None:
                job.facts = made[(job.kind, job.key)]

    # --- what goes on a card ----------------------------------------------------------------

    def _story_spec(self, story: Story, photo: str | None, photo_key: str) -> CardSpec:
        taxonomy = self.content.taxonomy
        towns = ", ".join(self.content.towns[t].name for t in story.towns if t in self.content.towns)
        pillars = [taxonomy.pillars[p] for p in story.pillars]
        line = " · ".join([towns] + [p.title for p in pillars])
        return CardSpec(story.title, line, pillars[0].color, tuple(p.color for p in pillars), pillars[0].number,
                        illustration_seed(story), photo, photo_key)

    def _listing_spec(self, listing) -> CardSpec:
        taxonomy = self.content.taxonomy
        color, pattern, line = BRAND, 1, listing.description
        if listing.kind == "pfeiler":
            pillar = taxonomy.pillars[listing.key]
            color, pattern, line = pillar.color, pillar.number, "Einer der fünf Pfeiler starker Kleinstädte"
        elif listing.kind == "region":
            towns = self.views.towns_of_region(listing.key)
            line = ("Orte: " + ", ".join(t.name for t in towns)) if towns else listing.description
            pattern = 2
        elif listing.kind == "ort":
            town = self.content.towns[listing.key]
            region = taxonomy.regions.get(town.state)
            line = " · ".join(x for x in (town.district_name, region.name if region else "") if x)
            pattern = 3
        elif listing.kind == "thema":
            line, pattern = "Themenfeld der Studie „Resiliente Kleinstädte“", 4
        elif listing.kind == "herausforderung":
            line, pattern = "Herausforderung der Studie „Resiliente Kleinstädte“", 5
        return CardSpec(listing.title, line, color, (color,), pattern, listing.url)

    def _photo_picture(self, base: str, stem: str, facts: dict, alt: str, sizes: str, widest: int = 0) -> Picture:
        by_extension: dict[str, list[tuple[str, int, int]]] = {}
        for variant in facts["variants"]:
            if widest and variant["width"] > widest:
                continue  # a card never shows more than 960 pixels' worth
            url = f"{base}{stem}-{variant['width']}.{variant['extension']}"
            by_extension.setdefault(variant["extension"], []).append((url, variant["width"], variant["height"]))
        sources = []
        for extension in (e for e, _, _, _ in variants.ENCODINGS if e != "jpg"):
            if extension in by_extension:
                sources.append(Source(variants.MIME[extension], tuple((u, w) for u, w, _ in by_extension[extension])))
        jpegs = by_extension["jpg"]
        fallback = Source("image/jpeg", tuple((u, w) for u, w, _ in jpegs))
        middle = min(jpegs, key=lambda v: abs(v[1] - 960))
        return Picture(tuple(sources), fallback, middle[0], middle[1], middle[2], alt, sizes)


def _body_images(story: Story) -> list[tuple[str, str, int]]:
    """Images of the story's folder that its text links to: (file name, path, line)."""
    found, seen = [], set()
    for link in story.links:
        target = markup.local_target(link.target)
        if not target or "/" in target.strip("./") or os.path.splitext(target)[1].lower() not in IMAGE_TYPES:
            continue
        name = os.path.basename(target)
        path = os.path.join(story.folder, name)
        if name not in seen and os.path.isfile(path):
            seen.add(name)
            found.append((name, path, link.line))
    return found


def _report(problems: Problems) -> str:
    items = problems.sorted()
    return f"{len(items)} Problem(e) mit Bildern:\n" + "\n".join(problem.format() for problem in items)


def _make(task: tuple) -> tuple[dict | None, float, str | None]:
    """Makes one cache entry (in a worker process or here); returns its facts, the time it took and a
    German error, if any."""
    kind, key, arguments, folder = task
    cache = ImageCache(folder)
    started = time.process_time()  # processor time: what a picture costs, whatever else the machine runs
    staging = cache.staging(kind)
    try:
        if kind == "photo":
            facts = variants.render(arguments[0], staging)
        elif kind == "body":
            facts = variants.render_body_image(arguments[0], staging)
        elif kind == "illustration":
            facts = _render_illustration(*arguments, staging)
        else:
            spec = arguments[0]
            cards.render(spec, os.path.join(staging, f"card.{spec.extension}"))
            facts = {"width": cards.SIZE[0], "height": cards.SIZE[1]}
        cache.commit(kind, key, staging, facts)
    except Exception as error:  # noqa: BLE001 - reported with the file's name, the build stops
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        what = arguments[0] if kind in ("photo", "body") else getattr(arguments[0], "title", arguments[0])
        return None, 0.0, f"{what}: {type(error).__name__}: {error}"
    return facts, time.process_time() - started, None


def _render_illustration(slug: str, colors: tuple, pattern: int, folder: str) -> dict:
    """The illustration at the web sizes, in the card's shape: drawn once at 800 pixels, halved for 400."""
    width = ILLUSTRATION_WIDTHS[1]
    large = illustrations.draw(slug, list(colors), pattern, (width, round(width * cards.SIZE[1] / cards.SIZE[0])))
    result = []
    for image in (large.reduce(2), large):
        name = f"{image.width}.webp"
        image.save(os.path.join(folder, name), "WEBP", quality=75, method=2)
        result.append({"name": name, "width": image.width, "height": image.height})
    return {"variants": result}


ILLUSTRATION_VARIANTS = 6  # skylines per pillar combination


def illustration_seed(story: Story) -> str:
    return _illustration_seed(story.slug, tuple(story.pillars))


@functools.lru_cache(maxsize=65536)  # asked twice per story and build, and again per edit in `make serve`
def _illustration_seed(slug: str, pillars: tuple[str, ...]) -> str:
    """Which of its pillar combination's skylines a story gets: always the same one for a story.

    A few shared pictures instead of one per story: at 10,000 stories drawing one each cost more than
    the rest of the build, and neighbouring cards still look different."""
    variant = int(hashlib.sha256(slug.encode("utf-8")).hexdigest()[:8], 16) % ILLUSTRATION_VARIANTS
    return f"{'+'.join(pillars)}/{variant}"


@functools.lru_cache(maxsize=4096)  # a few dozen illustrations, asked once per story
def _illustration_key(seed: str, colors: tuple[str, ...], number: int) -> str:
    return digest("illustration", illustrations.VERSION, ILLUSTRATION_WIDTHS, seed, colors, number)


def is_image(name: str) -> bool:
    """A file that only ever reaches the site as processed variants."""
    return os.path.splitext(name)[1].lower() in IMAGE_TYPES
