"""„Zum Nachmachen“: a story's `practice:` block, hospitations, and who has done it already.

The study asks for a platform that collects good practice, brings small towns into contact and helps
them copy what worked ("Wissenstransfer durch digitale Plattform und Praxisnetzwerke"). A story may say
how to copy what it tells in an optional `practice:` block; a town (towns/<ort>.md) or a team
(taxonomy.yml) may say with `hospitation:` that visits are welcome. Every field is optional except the
one-sentence summary, and a field left out is never shown or guessed.

    practice:
      summary: Was wurde gemacht, in einem Satz.
      steps: [Erster Schritt, Zweiter Schritt]
      duration: ein Wochenende
      cost: {unknown: true}               # oder eine Spanne in Euro: {min: 500, max: 2000}
      funding: [LEADER]
      partners: [Schulsozialarbeit, Jugendliche der Stadt]
      lessons: Was schiefging oder was die Stadt heute anders machen würde.
      suits: {population: {min: 5000, max: 25000}, setting: ländlich, subdivisions: {min: 10}}
      contact: {name: Stadtverwaltung Beispielstadt, url: https://www.beispielstadt.de}

    hospitation:
      contact: {name: Stadtverwaltung Beispielstadt, url: https://www.beispielstadt.de}
      note: Besuche nach Absprache.

Contacts are offices or institutions with their public website, never a person: the same privacy rule as
everywhere (no names of private persons, no phone numbers, no e-mail addresses, no profiles).

Also here, as pure functions of the model: the distance between towns and "Wer hat das schon gemacht?",
the stories with a practice for the same challenge from other towns, nearest first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import markup
from .fields import FieldChecker

PRACTICE_KEYS = {"summary", "steps", "duration", "cost", "funding", "partners", "lessons", "suits", "contact"}
SUITS_KEYS = {"population", "setting", "subdivisions"}
CONTACT_KEYS = {"name", "url"}
HOSPITATION_KEYS = {"contact", "note"}
RANGE_KEYS = {"min", "max"}
# `cost` is a group in every case: a span in euros ({min, max}) or {unknown: true}. A group is what the web
# editor can show and store (Sveltia CMS has no field that is either a text or a group), so Git and the form
# write the same. The form stores `unknown: false` beside a span once the group is added; that means the same.
COST_KEYS = RANGE_KEYS | {"unknown"}
UNKNOWN = "unbekannt"  # the old text form, refused with the group as hint
COST_HINT = "Schreibe eine Spanne in Euro, etwa `cost: {min: 500, max: 2000}`, oder `cost: {unknown: true}`, wenn " \
            "deine Quellen nichts über die Kosten sagen."
# What `setting` may say, and how the page says it.
SETTINGS = {"ländlich": "ländlich geprägt", "städtisch": "städtisch geprägt", "beides": "ländlich wie städtisch"}
SUMMARY_MAX = 250
STEP_MAX = 300
STEPS_MAX = 12
TEXT_MAX = 600
# A contact is an office or an institution: its name says so. A name without any of these words (such as
# "Anna Schulz") is refused, since it may be a private person.
INSTITUTION_WORDS = (
    "stadt", "gemeinde", "amt", "verwaltung", "rathaus", "verein", "e. v.", "e.v.", "parlament", "schule",
    "gymnasium", "bibliothek", "büro", "institut", "kreis", "verband", "hochschule", "universität", "museum",
    "jugend", "redaktion", "zentrum", "stiftung", "bahnhof", "genossenschaft", "initiative", "netzwerk", "beirat",
    "rat", "agentur", "kirche", "gmbh", "club", "klub", "treff", "haus", "feuerwehr", "information", "stelle",
    "bündnis", "forum", "werkstatt", "ministerium", "behörde", "kommune", "quartier", "projekt",
)
SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-ZÄÖÜ]")
EARTH_RADIUS_KM = 6371.0
WHO_ELSE_COUNT = 5


# --- the model ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    """A span of numbers with either end open: 500 to 2,000 €, at least 10 Ortsteile, up to 5,000 people."""

    min: int | None = None
    max: int | None = None

    def text(self, unit: str = "") -> str:
        suffix = f" {unit}" if unit else ""

        def number(value: int) -> str:
            return f"{value:,}".replace(",", ".")

        if self.min is not None and self.max is not None:
            if self.min == self.max:
                return number(self.min) + suffix
            return f"{number(self.min)} bis {number(self.max)}{suffix}"
        if self.min is not None:
            return f"ab {number(self.min)}{suffix}"
        return f"bis {number(self.max)}{suffix}"


@dataclass(frozen=True)
class Contact:
    name: str
    url: str

    @property
    def display_url(self) -> str:
        return self.url.split("//", 1)[-1].rstrip("/")


@dataclass(frozen=True)
class Suits:
    population: Range | None = None
    setting: str | None = None  # a key of SETTINGS
    subdivisions: Range | None = None

    @property
    def setting_text(self) -> str | None:
        return SETTINGS.get(self.setting) if self.setting else None

    def parts(self) -> list[str]:
        """The kind of town in words, one part for each field given."""
        def span(value: Range) -> str:
            text = value.text()
            return text.replace("ab ", "mindestens ", 1).replace("bis ", "höchstens ", 1) \
                if value.min is None or value.max is None else text

        parts = []
        if self.population:
            parts.append(f"mit {span(self.population)} Einwohner:innen")
        if self.setting:
            parts.append(SETTINGS[self.setting])
        if self.subdivisions:
            parts.append(f"mit {span(self.subdivisions)} Ortsteilen")
        return parts


@dataclass(frozen=True)
class Practice:
    summary: str
    steps: tuple[str, ...] = ()
    duration: str | None = None
    cost: Range | None = None
    cost_unknown: bool = False
    funding: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    lessons: str | None = None
    suits: Suits | None = None
    contact: Contact | None = None

    @property
    def cost_text(self) -> str | None:
        if self.cost_unknown:
            return "unbekannt"
        return self.cost.text("€") if self.cost else None


@dataclass(frozen=True)
class Hospitation:
    contact: Contact
    note: str | None = None


# --- validation -----------------------------------------------------------------------------------------


def contact_data(text: str) -> str | None:
    """What in a text is contact data (an e-mail address, also spelled out, a phone number, a profile)."""
    for pattern, what in ((markup.EMAIL, "eine E-Mail-Adresse"), (markup.EMAIL_SPELLED, "eine E-Mail-Adresse"),
                          (markup.PHONE, "eine Telefonnummer"), (markup.HANDLE, "ein Profil in sozialen Medien")):
        found = pattern.search(markup.EMAIL.sub("", text) if pattern is markup.HANDLE else text)
        if found:
            return f"„{found.group(0).strip()}“ sieht nach {what} aus"
    return None


def _private(check: FieldChecker, key: str, value: str | None) -> str | None:
    """Refuse contact data in any text of the block; returns the value, or None when refused."""
    if value is None:
        return None
    found = contact_data(value)
    if found:
        check.error(key, f"{found}. Kontaktdaten privater Personen stehen hier nicht.",
                    "Nenne als Kontakt nur ein Amt oder eine Einrichtung mit ihrer öffentlichen Website "
                    "(`contact:` mit `name:` und `url:`), keine Telefonnummer und keine E-Mail-Adresse.")
        return None
    return value


def _text(check: FieldChecker, data: dict, key: str, prefix: str, max_length: int, hint: str = "",
          required: bool = False) -> str | None:
    return _private(check, prefix + key, check.plain_text(data, key, prefix, required=required,
                                                          max_length=max_length, hint=hint))


def _texts(check: FieldChecker, data: dict, key: str, prefix: str, max_length: int, max_items: int = 20) -> tuple:
    name = prefix + key
    if key not in data or data[key] in (None, [], ""):
        return ()
    values = data[key]
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        check.error(name, "Hier wird eine Liste erwartet.", "Schreibe jeden Eintrag in eine eigene Zeile mit "
                                                           "„- “ davor.")
        return ()
    if len(values) > max_items:
        check.error(name, f"Hier stehen {len(values)} Einträge, erlaubt sind höchstens {max_items}.",
                    "Fasse Einträge zusammen.")
    result = []
    for index, value in enumerate(values):
        item = f"{name}[{index}]"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            check.error(item if item in check.lines else name, "Jeder Eintrag der Liste muss ein Text sein.",
                        "Schreibe den Eintrag als Text; lass leere Zeilen weg.")
            continue
        text = _text(check, {key: value}, key, prefix, max_length)
        if text:
            result.append(text)
    return tuple(result)


def _range(check: FieldChecker, data: dict, key: str, prefix: str, maximum: int, what: str,
           allowed=RANGE_KEYS, empty_hint: str = "") -> Range | None:
    block = check.mapping(data, key, prefix, required=False)
    if block is None:
        return None
    name = prefix + key
    check.unknown_keys(block, allowed, name + ".")
    low = check.number(block, "min", name + ".", required=False, integer=True, minimum=0, maximum=maximum)
    high = check.number(block, "max", name + ".", required=False, integer=True, minimum=0, maximum=maximum)
    if low is None and high is None:
        if not block:
            check.error(name, f"Hier fehlt {what}: `min:`, `max:` oder beides.",
                        empty_hint or f"Zum Beispiel `{key}: {{min: 500, max: 2000}}`; weißt du es nicht, lass die "
                                      "Zeile weg.")
        return None
    if low is not None and high is not None and low > high:
        check.error(name, f"Der kleinste Wert ({low}) ist größer als der größte ({high}).", "Tausche die beiden.")
        return None
    return Range(low, high)


def _cost(check: FieldChecker, block: dict, prefix: str) -> tuple[Range | None, bool]:
    """`cost`: (the span, whether it is unknown); (None, False) when absent or wrong (reported)."""
    name = prefix + "cost"
    value = block.get("cost")
    if value is None:
        return None, False
    if isinstance(value, str):
        if value.strip().casefold() == UNKNOWN:
            check.error(name, "`cost: unbekannt` wird jetzt als Gruppe geschrieben: `cost: {unknown: true}`.",
                        "So kann es auch der Web-Editor speichern. " + COST_HINT)
        else:
            check.error(name, f"„{value}“ ist keine Angabe der Kosten.", COST_HINT)
        return None, False
    if not isinstance(value, dict):
        check.mapping(block, "cost", prefix, required=False)  # reports what is expected
        return None, False
    unknown = check.boolean(value, "unknown", name + ".")
    span = {key: item for key, item in value.items() if key != "unknown"}
    if unknown is None and value.get("unknown") is not None:  # not yes or no: reported, nothing more to say
        return None, False
    if unknown:
        if any(span.get(key) is not None for key in RANGE_KEYS):
            check.error(name, "Hier stehen zugleich „unbekannt“ und eine Spanne der Kosten.",
                        "Entweder `unknown: true` oder `min:`/`max:`: Lösche, was nicht stimmt.")
        check.unknown_keys(span, COST_KEYS, name + ".")
        return None, not any(span.get(key) is not None for key in RANGE_KEYS)
    return _range(check, {"cost": span}, "cost", prefix, 1_000_000_000, "die Spanne der Kosten in Euro",
                  allowed=COST_KEYS, empty_hint=COST_HINT), False


def check_contact(check: FieldChecker, data: dict, prefix: str, required: bool = False) -> Contact | None:
    """An office or an institution with its public website; never a person, a phone number or an e-mail."""
    hint = "Nenne ein Amt oder eine Einrichtung, zum Beispiel „Stadtverwaltung Schmalkalden“."
    url_hint = "Gib die öffentliche Website der Einrichtung an, die mit https:// beginnt."
    if required and data.get("contact") is None:
        check.required(data, "contact", prefix, "Ein Kontakt gehört dazu: `contact:` mit `name:` (ein Amt oder "
                                                "eine Einrichtung) und `url:` (ihre öffentliche Website).")
        return None
    block = check.mapping(data, "contact", prefix, required=False)
    if block is None:
        return None
    key = prefix + "contact."
    check.unknown_keys(block, CONTACT_KEYS, key)
    name = _text(check, block, "name", key, 120, hint=hint, required=True)
    url = check.url(block, "url", key) if block.get("url") not in (None, "") else \
        check.required(block, "url", key, url_hint) and None
    if url and (contact_data(url) or "mailto:" in url.lower()):
        check.error(key + "url", "Die Webadresse enthält Kontaktdaten.", "Gib die öffentliche Website der "
                                                                        "Einrichtung an, ohne E-Mail-Adresse.")
        url = None
    if name and not any(word in name.casefold() for word in INSTITUTION_WORDS):
        check.error(key + "name", f"„{name}“ sieht nicht nach einem Amt oder einer Einrichtung aus. Als Kontakt "
                                  "steht hier nie eine Person.",
                    hint + " Der Name sagt, was es ist: Stadt, Amt, Verein, Schule, Bibliothek, Jugendparlament …")
        name = None
    return Contact(name, url) if name and url else None


def check_practice(check: FieldChecker, data: dict) -> Practice | None:
    """The `practice:` block of a story; None when it is absent or has errors (they are reported)."""
    block = check.mapping(data, "practice", required=False)
    if block is None:
        return None
    prefix = "practice."
    errors_before = len(check.problems.errors)
    check.unknown_keys(block, PRACTICE_KEYS, prefix)
    summary = _text(check, block, "summary", prefix, SUMMARY_MAX, required=True,
                    hint="Schreibe in einem Satz, was gemacht wurde, so dass es eine andere Stadt nachmachen kann.")
    if summary and SENTENCE_BREAK.search(summary):
        check.warn(prefix + "summary", "Hier steht mehr als ein Satz.",
                   "Sag in einem Satz, was gemacht wurde; Einzelheiten gehören in `steps:` oder in die Geschichte.")
    steps = _texts(check, block, "steps", prefix, STEP_MAX, STEPS_MAX)
    duration = _text(check, block, "duration", prefix, 120)
    cost, cost_unknown = _cost(check, block, prefix)
    funding = _texts(check, block, "funding", prefix, 200)
    partners = _texts(check, block, "partners", prefix, 200)
    lessons = _text(check, block, "lessons", prefix, TEXT_MAX)
    suits = None
    suits_block = check.mapping(block, "suits", prefix, required=False)
    if suits_block is not None:
        key = prefix + "suits."
        check.unknown_keys(suits_block, SUITS_KEYS, key)
        population = _range(check, suits_block, "population", key, 10_000_000, "die Zahl der Einwohner:innen")
        setting = check.text(suits_block, "setting", key, required=False)
        if setting is not None and setting not in SETTINGS:
            check.error(key + "setting", f"„{setting}“ ist keine bekannte Lage.",
                        "Erlaubt sind: " + ", ".join(SETTINGS) + ".")
            setting = None
        subdivisions = _range(check, suits_block, "subdivisions", key, 500, "die Zahl der Ortsteile")
        if population or setting or subdivisions:
            suits = Suits(population, setting, subdivisions)
    contact = check_contact(check, block, prefix)
    if len(check.problems.errors) > errors_before or not summary:
        return None
    return Practice(summary, steps, duration, cost, cost_unknown, funding, partners, lessons, suits, contact)


def check_hospitation(check: FieldChecker, data: dict, prefix: str = "") -> Hospitation | None:
    """`hospitation:` of a town or a team: visits are welcome, with a public contact."""
    block = check.mapping(data, "hospitation", prefix, required=False)
    if block is None:
        return None
    key = prefix + "hospitation."
    errors_before = len(check.problems.errors)
    check.unknown_keys(block, HOSPITATION_KEYS, key)
    contact = check_contact(check, block, key, required=True)
    note = _text(check, block, "note", key, 300)
    if contact is None or len(check.problems.errors) > errors_before:
        return None
    return Hospitation(contact, note)


# --- who has done it already --------------------------------------------------------------------------


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points in kilometres (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def nearest_first(origin: tuple[float, float], places: Iterable[tuple[str, float, float]]) -> list[tuple[str, float]]:
    """(key, km) for every place, the nearest first; equal distances by key, so every build orders alike."""
    return sorted(((key, distance_km(origin, (lat, lon))) for key, lat, lon in places),
                  key=lambda item: (round(item[1], 6), item[0]))


@dataclass
class Neighbour:
    story: object  # Story
    town: object  # Town
    km: float

    @property
    def km_text(self) -> str:
        return f"rund {max(1, round(self.km)):,} km".replace(",", ".")


@dataclass
class PracticeIndex:
    """Stories with a practice, per challenge and town, newest first; built once per build."""

    towns: dict  # slug -> Town
    by_challenge_town: dict[str, dict[str, list]] = field(default_factory=dict)
    _order: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    @classmethod
    def build(cls, stories: list, towns: dict) -> PracticeIndex:
        index = cls(towns)
        for story in stories:  # newest first, so every list is too
            if story.practice is None:
                continue
            town = story.towns[0]  # a practice belongs to the town whose folder holds the story
            for challenge in story.challenges:
                index.by_challenge_town.setdefault(challenge, {}).setdefault(town, []).append(story)
        return index

    def towns_by_distance(self, origin: str) -> list[tuple[str, float]]:
        """Every other town, the nearest first (ten towns: computed once per town and kept)."""
        order = self._order.get(origin)
        if order is None:
            town = self.towns[origin]
            order = nearest_first((town.lat, town.lon), ((t.slug, t.lat, t.lon) for t in self.towns.values()
                                                          if t.slug != origin))
            self._order[origin] = order
        return order

    def who_else(self, story, count: int = WHO_ELSE_COUNT) -> list[Neighbour]:
        """Stories with a practice for one of the story's challenges from other towns, nearest first (the
        newest first within a town); never a story about one of the story's own towns."""
        if not story.challenges:
            return []
        own = set(story.towns)
        found, seen = [], set()
        for slug, km in self.towns_by_distance(story.towns[0]):
            if slug in own:
                continue
            for challenge in story.challenges:
                for other in self.by_challenge_town.get(challenge, {}).get(slug, ()):
                    if other is story or id(other) in seen or own & set(other.towns):
                        continue
                    seen.add(id(other))
                    found.append(Neighbour(other, self.towns[slug], km))
                    if len(found) >= count:
                        return found
        return found

    def towns_of_challenge(self, challenge: str) -> list[tuple[object, list, list[Neighbour]]]:
        """For a challenge page: each town with practices for it (A to Z), its practices (newest first) and
        the nearest other towns with a practice for the same challenge."""
        from .text import german_sort_key

        per_town = self.by_challenge_town.get(challenge, {})
        result = []
        for slug in sorted(per_town, key=lambda s: german_sort_key(self.towns[s].name)):
            nearest = [Neighbour(per_town[other][0], self.towns[other], km)
                       for other, km in self.towns_by_distance(slug) if other in per_town][:3]
            result.append((self.towns[slug], per_town[slug], nearest))
        return result

    def count(self, challenge: str) -> int:
        return sum(len(stories) for stories in self.by_challenge_town.get(challenge, {}).values())
