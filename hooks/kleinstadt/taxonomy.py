"""The publication's order in one place: pillars, regions, themes, challenges and teams (taxonomy.yml)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from .fields import SLUG, FieldChecker
from .frontmatter import FrontMatterError, load_yaml
from .practice import Hospitation, check_hospitation
from .problems import Problems

TAXONOMY_FILE = "taxonomy.yml"
# Members of a youth newsroom appear only as first name and initial ("Mia K.") or as a pseudonym.
MEMBER_NAME = re.compile(r"^[A-ZÄÖÜ][\wäöüß-]*(?: [A-ZÄÖÜ]\.)?$")
TEAM_KINDS = {"institut", "jugendredaktion"}
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Pillar:
    slug: str
    title: str
    short: str
    color: str
    number: int  # 1..5, the study's order


@dataclass(frozen=True)
class Region:
    code: str  # ISO 3166-2, e.g. DE-TH
    slug: str
    name: str


@dataclass(frozen=True)
class Term:
    """A theme (Themenfeld) or challenge (Herausforderung) of the study."""

    slug: str
    title: str
    short: str = ""  # a challenge's explanation in a sentence or two (/herausforderungen/)


@dataclass(frozen=True)
class Team:
    slug: str
    name: str
    kind: str  # "institut" or "jugendredaktion"
    description: str = ""
    town: str | None = None
    school: str | None = None
    supervisor_role: str | None = None
    members: tuple[str, ...] = ()
    example: bool = False
    hospitation: Hospitation | None = None  # visits welcome (kleinstadt/practice.py)

    @property
    def is_youth_newsroom(self) -> bool:
        return self.kind == "jugendredaktion"


@dataclass
class Taxonomy:
    pillars: dict[str, Pillar] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)  # keyed by ISO code
    themes: dict[str, Term] = field(default_factory=dict)
    challenges: dict[str, Term] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)  # "teams.<slug>.town" -> line, for later checks

    def region_by_slug(self, slug: str) -> Region | None:
        return next((region for region in self.regions.values() if region.slug == slug), None)


SECTIONS = {"pillars", "regions", "themes", "challenges", "teams"}


def load_taxonomy(root: str, problems: Problems) -> Taxonomy:
    path = os.path.join(root, TAXONOMY_FILE)
    taxonomy = Taxonomy()
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        problems.add(path, None, None, "Die Datei mit Pfeilern, Regionen, Themen und Teams fehlt.",
                     "Lege taxonomy.yml im obersten Ordner an.")
        return taxonomy
    try:
        data, lines, duplicates = load_yaml(text)
    except FrontMatterError as error:
        problems.add(path, error.line, None, error.message, error.hint)
        return taxonomy
    check = FieldChecker(problems, path, lines)
    for key, line in duplicates:
        problems.add(path, line, key, "Diese Angabe steht doppelt.", "Lösche eine der beiden Zeilen.")
    check.unknown_keys(data, SECTIONS)

    def entries(section: str, keys: set[str], required: tuple[str, ...]):
        items = data.get(section)
        if not isinstance(items, list) or not items:
            check.error(section, "Hier wird eine nicht leere Liste erwartet.")
            return
        seen = set()
        for index, item in enumerate(items):
            prefix = f"{section}[{index}]."
            if not isinstance(item, dict):
                check.error(prefix[:-1], "Jeder Eintrag braucht Angaben wie `slug:` und `title:`.")
                continue
            check.unknown_keys(item, keys, prefix)
            if not all(check.text(item, key, prefix) for key in required):
                continue
            slug = item.get("slug") or item.get("code")
            if "slug" in item and not SLUG.match(str(item["slug"])):
                check.error(prefix + "slug", f"„{item['slug']}“ ist kein gültiges Kürzel.",
                            "Nur Kleinbuchstaben a-z, Ziffern und Bindestriche.")
                continue
            if slug in seen:
                check.error(prefix + "slug", f"Das Kürzel „{slug}“ gibt es zweimal.", "Jedes Kürzel darf nur einmal vorkommen.")
                continue
            seen.add(slug)
            yield index, prefix, item

    for index, prefix, item in entries("pillars", {"slug", "title", "short", "color"}, ("slug", "title", "short", "color")):
        if not COLOR.match(str(item["color"])):
            check.error(prefix + "color", f"„{item['color']}“ ist keine Farbe der Form #1f6f5c.")
            continue
        taxonomy.pillars[item["slug"]] = Pillar(item["slug"], item["title"], item["short"], item["color"], index + 1)
    for _, prefix, item in entries("regions", {"code", "slug", "name"}, ("code", "slug", "name")):
        if not re.match(r"^DE-[A-Z]{2}$", str(item["code"])):
            check.error(prefix + "code", f"„{item['code']}“ ist kein Länderkürzel nach ISO 3166-2 (wie DE-TH).")
            continue
        taxonomy.regions[item["code"]] = Region(item["code"], item["slug"], item["name"])
    for _, _, item in entries("themes", {"slug", "title"}, ("slug", "title")):
        taxonomy.themes[item["slug"]] = Term(item["slug"], item["title"])
    for _, prefix, item in entries("challenges", {"slug", "title", "short"}, ("slug", "title")):
        short = check.plain_text(item, "short", prefix, required=False, max_length=300) or ""
        taxonomy.challenges[item["slug"]] = Term(item["slug"], item["title"], short)
    team_keys = {"slug", "name", "kind", "description", "town", "school", "supervisor_role", "members", "example", "hospitation"}
    for _, prefix, item in entries("teams", team_keys, ("slug", "name", "kind")):
        taxonomy.lines[f"teams.{item['slug']}.town"] = lines.get(prefix + "town") or lines.get(prefix[:-1], 1)
        if item["kind"] not in TEAM_KINDS:
            check.error(prefix + "kind", f"„{item['kind']}“ ist keine bekannte Art von Team.",
                        "Erlaubt sind: " + ", ".join(sorted(TEAM_KINDS)) + ".")
            continue
        members = check.string_list(item, "members", prefix, required=False) or []
        for member_index, member in enumerate(members):
            if not MEMBER_NAME.match(member):
                check.error(f"{prefix}members[{member_index}]",
                            f"„{member}“ sieht nach einem vollen Namen oder nach Kontaktdaten aus.",
                            "Zum Schutz Minderjähriger nur Vorname und Initial („Mia K.“) oder ein Pseudonym angeben.")
        if item["kind"] == "jugendredaktion":
            check.text(item, "supervisor_role", prefix,
                       hint="Nenne die Rolle der betreuenden Person, zum Beispiel „Lehrkraft für Deutsch“, keinen Namen.")
            check.text(item, "school", prefix, hint="Nenne die Schule oder Einrichtung des Teams.")
            # CODEOWNERS gives the team its town's folder (tools/codeowners.py).
            check.text(item, "town", prefix, hint="Nenne das Kürzel des Ortes, über den das Team schreibt (towns/).")
        for key in ("name", "description", "school", "supervisor_role"):  # shown as plain text on the team pages
            if isinstance(item.get(key), str):
                check.no_html(prefix + key, item[key])
        hospitation = check_hospitation(check, item, prefix)
        taxonomy.teams[item["slug"]] = Team(
            slug=item["slug"], name=item["name"], kind=item["kind"],
            description=" ".join(str(item.get("description") or "").split()),
            town=item.get("town"), school=item.get("school"), supervisor_role=item.get("supervisor_role"),
            members=tuple(members), example=bool(item.get("example")), hospitation=hospitation,
        )
    return taxonomy
