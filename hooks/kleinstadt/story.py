"""Stories: stories/<town>/<yyyy-mm-dd>-<slug>/index.md, a page bundle with its images beside it."""

from __future__ import annotations

import datetime as dt
import math
import os
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from . import images, markup, story_markdown
from .fields import SLUG, FieldChecker, open_front_matter, suggest
from .practice import Practice, check_practice
from .problems import Problems
from .sources import Source, check_sources
from .taxonomy import Taxonomy
from .text import word_count

STATUSES = ("draft", "review", "published")
# Marks what the author still has to write in a new story (tools/new_story.py); refused from `review` on.
PLACEHOLDER = "HIER AUSFÜLLEN"
STORY_KEYS = {"title", "description", "date", "updated", "towns", "pillars", "themes", "challenges", "authors",
              "image", "sources", "status", "embargo", "slug", "practice"}
IMAGE_KEYS = {"file", "alt", "credit", "license", "people"}
# `image.people` is there only when people can be recognised on the image: a block, never a yes/no.
PEOPLE_KEYS = {"consent", "minors", "parental_consent"}
PEOPLE_EXAMPLE = "people:\n    consent: true\n    minors: false"
IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".webp"}
FOLDER = re.compile(r"^(\d{4}-\d{2}-\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$")
WORDS_PER_MINUTE = 200
DESCRIPTION_MAX = 200


@dataclass(frozen=True)
class StoryImage:
    file: str  # relative to the story's folder
    path: str  # absolute
    alt: str
    credit: str
    license: str
    people: bool = False
    consent: bool | None = None
    minors: bool = False
    parental_consent: bool | None = None


@dataclass
class Story:
    path: str  # absolute path of index.md
    folder: str  # absolute path of the story's folder
    slug: str
    title: str
    description: str
    date: dt.date
    updated: dt.date | None
    towns: list[str]
    pillars: list[str]
    themes: list[str]
    challenges: list[str]
    authors: list[str]
    sources: list[Source]
    status: str
    embargo: dt.date | None
    image: StoryImage | None
    body: str
    body_line: int
    words: int
    links: list[markup.Link] = field(default_factory=list)
    practice: Practice | None = None  # „Zum Nachmachen“ (kleinstadt/practice.py)

    @property
    def url(self) -> str:
        return f"geschichten/{self.slug}/"

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words / WORDS_PER_MINUTE))

    def is_public(self, today: dt.date) -> bool:
        """Published and past its embargo: only then does it appear in `make build`."""
        return self.status == "published" and (self.embargo is None or self.embargo <= today)

    @property
    def sort_key(self) -> tuple:
        # Newest first; ties broken by slug so that every build orders the same way.
        return (-self.date.toordinal(), self.slug)


def _check_anchors(problems: Problems, path: str, body: str, links: list[markup.Link]) -> None:
    """Links to a place in the same story (#...) must meet a heading or another id of the rendered text.
    MkDocs would only notice in the build, in English; here the editor learns which anchors there are."""
    jumps = [link for link in links if link.target.startswith("#") and len(link.target) > 1]
    if not jumps:
        return
    rendered = story_markdown.render(body)
    headings = ["#" + anchor for anchor in rendered.heading_ids]
    for link in jumps:
        if unquote(link.target[1:]) in rendered.anchor_ids:
            continue
        if headings:
            hint = (suggest(unquote(link.target), headings) + " ").lstrip() + \
                "Die Zwischentitel heißen als Sprungmarke: " + ", ".join(headings[:6]) + \
                ". Wie auf GitHub: klein geschrieben, Leerzeichen werden zu Bindestrichen, Satzzeichen fallen weg."
        else:
            hint = "Die Geschichte hat keinen Zwischentitel, zu dem ein Link springen könnte."
        problems.add(path, link.line, None, f"Die Sprungmarke „{link.target}“ gibt es in dieser Geschichte nicht.", hint)


def file_in_folder(folder: str, relative: str) -> str | None:
    """The file's path as it is spelled on disk, matched ignoring case; None when there is none.

    On Windows and macOS "Titelbild.jpg" opens "titelbild.jpg", on the Linux server it does not: only a
    result equal to `relative` is the same file everywhere."""
    spelled, current = [], folder
    for part in posixpath.normpath(relative).split("/"):
        try:
            names = os.listdir(current)
        except OSError:
            return None
        match = part if part in names else next((name for name in names if name.lower() == part.lower()), None)
        if match is None:
            return None
        spelled.append(match)
        current = os.path.join(current, match)
    return "/".join(spelled) if os.path.isfile(current) else None


def placeholder_lines(text: str, body_line: int) -> list[int]:
    """Lines that still hold the placeholder of tools/new_story.py. Comments in the front matter do not
    count: they explain the fields, are never shown, and may well name the placeholder."""
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if PLACEHOLDER in line and not (number < body_line and line.lstrip().startswith("#")):
            lines.append(number)
    return lines


def load_story(path: str, stories_root: str, taxonomy: Taxonomy, town_slugs, problems: Problems) -> Story | None:
    folder = os.path.dirname(path)
    rel = os.path.relpath(path, stories_root).replace(os.sep, "/").split("/")
    layout_hint = "Eine Geschichte liegt in stories/<ort>/<JJJJ-MM-TT>-<kurzname>/index.md."
    if len(rel) != 3 or rel[2] != "index.md":
        problems.add(path, None, None, "Die Geschichte liegt nicht im richtigen Ordner.", layout_hint)
        return None
    town_folder, story_folder = rel[0], rel[1]
    match = FOLDER.match(story_folder)
    if not match:
        problems.add(path, None, None, f"Der Ordnername „{story_folder}“ passt nicht zum Muster.",
                     "Er beginnt mit dem Datum und einem Kurznamen aus Kleinbuchstaben: 2026-03-14-mein-thema")
        return None
    opened = open_front_matter(path, problems, STORY_KEYS)
    if opened is None:
        return None
    text, front, check = opened
    data = front.data

    title = check.plain_text(data, "title", hint="Gib der Geschichte eine kurze, treffende Überschrift.")
    description = check.plain_text(data, "description", max_length=DESCRIPTION_MAX,
                             hint="Schreibe einen Anreißer: ein bis zwei Sätze, höchstens 200 Zeichen.")
    created, updated = _dates(check, data)
    if created and created.isoformat() != match.group(1):
        check.error("date", f"Das Datum {created.isoformat()} passt nicht zum Ordnernamen „{story_folder}“.",
                    "Benenne den Ordner um oder korrigiere das Datum, damit beide gleich sind.")
    slug = match.group(2)
    if "slug" in data:
        custom = check.text(data, "slug")
        if custom and not SLUG.match(custom):
            check.error("slug", f"„{custom}“ ist kein gültiger Kurzname für die Adresse.",
                        "Nur Kleinbuchstaben a-z, Ziffern und Bindestriche.")
        elif custom:
            slug = custom
    towns = check.references(data, "towns", town_slugs, "als Ort", minimum=1)
    if towns and town_folder not in towns:
        check.error("towns", f"Die Geschichte liegt im Ordner „{town_folder}“, der Ort steht aber nicht in `towns`.",
                    f"Setze „{town_folder}“ als ersten Ort ein oder verschiebe den Ordner.")
    pillars = check.references(data, "pillars", taxonomy.pillars, "als Pfeiler", minimum=1, maximum=2)
    themes = check.references(data, "themes", taxonomy.themes, "als Themenfeld", required=False)
    challenges = check.references(data, "challenges", taxonomy.challenges, "als Herausforderung", required=False)
    authors = check.references(data, "authors", taxonomy.teams, "als Team", minimum=1)
    practice = check_practice(check, data)
    if "practice" in data and data["practice"] is not None and not data.get("challenges"):
        check.error("practice", "Eine Geschichte zum Nachmachen braucht mindestens eine Herausforderung.",
                    "Schreibe unter `challenges:`, bei welcher Herausforderung der Studie das hilft, zum Beispiel "
                    "`challenges: [demografie]`: So finden andere Städte mit derselben Herausforderung die Praxis.")
    sources = check_sources(check, data)
    status = check.text(data, "status", hint="Schreibe `status: draft`, solange du noch schreibst.")
    if status and status not in STATUSES:
        check.error("status", f"„{status}“ ist kein bekannter Status.",
                    (suggest(status, STATUSES) + " ").lstrip() + "Erlaubt sind: draft (Entwurf), review (in Prüfung), published (veröffentlicht).")
    left_over = placeholder_lines(text, front.body_line)
    if status in ("review", "published") and left_over:
        problems.add(path, left_over[0], None,
                     f"Hier steht noch „{PLACEHOLDER}“, die Geschichte ist aber schon auf „{status}“.",
                     "Ersetze jede solche Stelle durch deinen Text oder setze den Status zurück auf `draft`.")
        check.ok = False
    embargo = check.date(data, "embargo", required=False)
    image = _image(check, data, folder)

    findings, links = markup.scan(front.body, front.body_line)
    for finding in findings:
        problems.add(path, finding.line, None, finding.message, finding.hint)
        check.ok = False
    for link in links:
        target = markup.local_target(link.target)
        if target is None:
            continue
        if markup.leaves_folder(target):
            problems.add(path, link.line, None, f"Der Pfad „{link.target}“ führt aus dem Ordner der Geschichte hinaus.",
                         "Lege Bilder und Dateien in den Ordner der Geschichte und verlinke sie nur mit ihrem Namen. "
                         "Auf eine andere Geschichte oder einen Ort verlinkst du mit der Adresse auf der Seite, "
                         "etwa [Text](/geschichten/kurzname/) oder [Lübz](/orte/luebz/).")
            check.ok = False
        elif not target.startswith("/") and file_in_folder(folder, target) != posixpath.normpath(target):
            found = file_in_folder(folder, target)
            problems.add(path, link.line, None, f"Die Datei „{target}“ gibt es im Ordner der Geschichte nicht.",
                         f"Im Ordner heißt sie „{found}“: Groß- und Kleinschreibung zählt (auf dem Server immer)."
                         if found else "Prüfe den Dateinamen (Groß- und Kleinschreibung zählt) oder lege die Datei dazu.")
            check.ok = False
        elif os.path.splitext(target)[1].lower() in IMAGE_TYPES and not target.startswith("/") \
                and not images.check_linked_image(problems, path, link.line, os.path.join(folder, target)):
            check.ok = False
    _check_anchors(problems, path, front.body, links)
    if not check.ok or None in (title, description, created, status) or not (towns and pillars and authors and sources):
        return None
    return Story(path=path, folder=folder, slug=slug, title=title, description=description, date=created,
                 updated=updated, towns=towns, pillars=pillars, themes=themes, challenges=challenges, authors=authors,
                 sources=sources, status=status, embargo=embargo, image=image, body=front.body,
                 body_line=front.body_line, words=word_count(front.body), links=links, practice=practice)


def _dates(check: FieldChecker, data: dict) -> tuple[dt.date | None, dt.date | None]:
    """`date: 2026-03-14` and, when the story was changed later, `updated: 2026-04-02`.

    Material's form `date: {created: ..., updated: ...}` is refused, with the two lines as hint: the web editor
    cannot show a date that is a group, and saving such a story there would set its date to the day of saving.
    One form that Git and the editor both write keeps the dates safe."""
    value = data.get("date")
    if isinstance(value, dict):
        created, updated = value.get("created", "JJJJ-MM-TT"), value.get("updated")
        check.error("date", "Das Datum steht hier als Gruppe (`created:`/`updated:`); diese Form gibt es nicht mehr.",
                    f"Schreib `date: {created}`" + (f" und in eine eigene Zeile `updated: {updated}`" if updated
                                                     else "") + ". So kann es auch der Web-Editor speichern.")
        return None, None
    created = check.date(data, "date")
    updated = check.date(data, "updated", required=False)
    if created and updated and updated < created:
        check.error("updated", "Die Aktualisierung liegt vor dem Erscheinungsdatum.",
                    "Das Datum bei `updated` muss am oder nach `date` liegen.")
    return created, updated


def _image(check: FieldChecker, data: dict, folder: str) -> StoryImage | None:
    block = check.mapping(data, "image", required=False)
    if block is None:
        return None
    prefix = "image."
    for key in sorted(PEOPLE_KEYS & set(block)):  # the form before `people:` became a block
        check.error(prefix + key, f"`{key}:` gehört jetzt in den Block `people:` unter `image:`.",
                    "Sind Menschen zu erkennen, schreib sie eingerückt darunter, etwa:\n  " + PEOPLE_EXAMPLE
                    + "\nIst niemand zu erkennen, lass `people:` und diese Zeilen weg.")
    check.unknown_keys({key: value for key, value in block.items() if key not in PEOPLE_KEYS}, IMAGE_KEYS, prefix)
    file = check.text(block, "file", prefix, hint="Gib den Dateinamen des Bildes im Ordner der Geschichte an.")
    alt = check.plain_text(block, "alt", prefix, hint="Beschreibe in einem Satz, was auf dem Bild zu sehen ist.")
    credit = check.plain_text(block, "credit", prefix, hint="Nenne, wer das Bild gemacht hat (Vorname und Initial genügt).")
    license_ = check.plain_text(block, "license", prefix, hint="Nenne die Lizenz, zum Beispiel „CC BY 4.0“.")
    people, consent, minors, parental = _people(check, block)
    if alt and file and _looks_like_file_name(alt, file):
        check.error("image.alt", f"„{alt}“ ist kein Alternativtext, sondern ein Dateiname.",
                    "Beschreibe, was auf dem Bild zu sehen ist, für Menschen, die es nicht sehen können.")
    if not file:
        return None
    if markup.leaves_folder(file) or file.startswith("/"):
        check.error("image.file", f"Der Pfad „{file}“ führt aus dem Ordner der Geschichte hinaus.",
                    "Lege das Bild in den Ordner der Geschichte und nenne nur seinen Dateinamen.")
        return None
    path = os.path.join(folder, file)
    if os.path.splitext(file)[1].lower() not in IMAGE_TYPES:
        check.error("image.file", f"„{file}“ ist kein erlaubtes Bildformat.", "Erlaubt sind JPEG, PNG und WebP.")
        return None
    found = file_in_folder(folder, file)
    if found != file:
        check.error("image.file", f"Das Bild „{file}“ fehlt im Ordner der Geschichte.",
                    f"Im Ordner heißt es „{found}“: Groß- und Kleinschreibung zählt (auf dem Server immer)."
                    if found else "Lege die Bilddatei neben index.md oder korrigiere den Dateinamen.")
        return None
    if images.check_story_image(check, path, hero=True) is None:  # format by content, size, pixels, width
        return None
    if not (alt and credit and license_):
        return None
    return StoryImage(file, path, alt, credit, license_, people, consent, minors, parental)


def _people(check: FieldChecker, image: dict) -> tuple[bool, bool | None, bool, bool | None]:
    """`image.people`: (people, consent, minors, parental_consent). There is one way to say "nobody can be
    recognised": no `people:` at all. The yes/no form `people: true/false` of earlier versions is refused, also
    `false`: accepting it would leave two spellings of "nobody", and `people: true` needs the block anyway. The
    web editor writes the block only after „Erkennbare Personen“ is added, so it never writes a yes/no."""
    key = "image.people"
    if "people" not in image:
        return False, None, False, None
    value = image["people"]
    if value is None:  # `people:` with nothing below: someone is to be seen, but nothing is said about consent
        check.error(key, "Unter `people:` steht nicht, ob die Erkennbaren zugestimmt haben.",
                    "Schreib darunter eingerückt, etwa:\n  " + PEOPLE_EXAMPLE + "\nIst niemand zu erkennen, "
                    "lösche die Zeile `people:`.")
        return True, None, False, None
    if isinstance(value, bool):
        check.error(key, f"`people: {'true' if value else 'false'}` gibt es nicht mehr: Erkennbare Personen stehen "
                         "jetzt in einem eigenen Block.",
                    "Ist niemand zu erkennen, lösche die Zeile. Sind Menschen zu erkennen, schreib darunter "
                    "eingerückt, ob sie zugestimmt haben, etwa:\n  " + PEOPLE_EXAMPLE)
        return False, None, False, None
    block = check.mapping(image, "people", "image.", required=False)
    if block is None:
        return False, None, False, None
    check.unknown_keys(block, PEOPLE_KEYS, key + ".")
    consent = check.boolean(block, "consent", key + ".")
    minors = check.boolean(block, "minors", key + ".") or False
    parental = check.boolean(block, "parental_consent", key + ".")
    if consent is not True and not (consent is None and block.get("consent") is not None):  # else reported
        check.error(key + ".consent", "Auf dem Bild sind Personen erkennbar, aber ihre Einwilligung ist nicht vermerkt.",
                    "Hole die Einwilligung aller Erkennbaren ein und schreib unter `people:` die Zeile "
                    "`consent: true`; sonst nimm ein Bild, auf dem niemand zu erkennen ist.")
    if minors and parental is not True:
        check.error(key + ".parental_consent", "Auf dem Bild sind Minderjährige erkennbar, aber die Einwilligung "
                                               "der Eltern fehlt.",
                    "Die Eltern stimmen schriftlich zu, die Schule bewahrt das auf; unter `people:` steht nur "
                    "`parental_consent: true`.")
    return True, consent, minors, parental


def _looks_like_file_name(alt: str, file: str) -> bool:
    lowered = alt.strip().lower()
    stem = os.path.splitext(os.path.basename(file))[0].lower()
    return lowered in (file.lower(), stem) or bool(re.fullmatch(r"[\w-]+\.(jpe?g|png|webp|gif)", lowered)) \
        or bool(re.fullmatch(r"(img|dsc|pxl|image|bild|foto)[_-]?\d+", lowered))
