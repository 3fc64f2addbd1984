"""`make story`: starts a new story with a filled-in, commented template.

Asks in German for title, town, pillars and team (or takes them as options, for scripts and tests) and
writes stories/<ort>/<JJJJ-MM-TT>-<kurzname>/index.md with status `draft` and today's date.

    python tools/new_story.py [--title T] [--town ORT] [--pillars a,b] [--team TEAM] [--root PFAD]

The file passes `make check` as it is; its placeholders (PLACEHOLDER) are refused only once the story goes
to review, so a young author can save, check and preview a half-finished draft.
"""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import os
import sys

from kleinstadt.content import today_from_environment
from kleinstadt.fields import as_slug, suggest
from kleinstadt.problems import Problems
from kleinstadt.story import FOLDER, PLACEHOLDER
from kleinstadt.taxonomy import Taxonomy, load_taxonomy
from kleinstadt.town import load_town

SLUG_MAX = 60
TITLE_MAX = 120


class Abort(Exception):
    """A German message for the author; the tool stops without writing anything."""


def story_slug(title: str) -> str:
    """Kurzname from the title: lower case, umlauts spelled out, at most 60 characters at a word boundary."""
    return as_slug(title, max_length=SLUG_MAX, word_boundary=True, save_order=True)


def known_towns(root: str, taxonomy: Taxonomy) -> dict[str, str]:
    """Town slug -> town name, for every profile in towns/ (the file name when the profile has errors)."""
    towns = {}
    problems = Problems(root)
    for path in sorted(glob.glob(os.path.join(root, "towns", "*.md"))):
        slug = os.path.splitext(os.path.basename(path))[0]
        town = load_town(path, taxonomy, problems)
        towns[slug] = town.name if town else slug
    return towns


def find_town(answer: str, towns: dict[str, str]) -> str:
    """Accepts the slug ("luebz") or the name ("Lübz"); an unknown town gets a suggestion."""
    wanted = answer.strip()
    for slug, name in towns.items():
        if wanted.lower() in (slug, name.lower()):
            return slug
    by_name = {name: slug for slug, name in towns.items()}
    hint = suggest(wanted, list(towns) + list(by_name)) or suggest(wanted.lower(), towns)
    listing = ", ".join(f"{slug} ({name})" for slug, name in towns.items())
    raise Abort(f"Den Ort „{wanted}“ kenne ich nicht. {hint}".rstrip() + f"\nBekannte Orte: {listing}."
                "\nFehlt dein Ort? Dann frag die Redaktion, ob sie ein Ortsprofil in towns/ anlegt.")


def find_pillars(answer: str, taxonomy: Taxonomy) -> list[str]:
    """One or two pillars, by number (1-5) or by slug, separated by commas or spaces."""
    slugs = list(taxonomy.pillars)
    chosen = []
    for part in answer.replace(",", " ").split():
        if part.isdigit() and 1 <= int(part) <= len(slugs):
            part = slugs[int(part) - 1]
        if part not in taxonomy.pillars:
            hint = suggest(part, slugs) or "Gib die Nummern oder Kürzel aus der Liste an."
            raise Abort(f"„{part}“ ist kein Pfeiler. {hint}")
        if part not in chosen:
            chosen.append(part)
    if not 1 <= len(chosen) <= 2:
        raise Abort("Wähle einen oder zwei Pfeiler, zum Beispiel „5“ oder „1, 5“.")
    return chosen


def find_team(answer: str, taxonomy: Taxonomy) -> str:
    wanted = answer.strip()
    if wanted in taxonomy.teams:
        return wanted
    hint = suggest(wanted, taxonomy.teams) or "Bekannte Teams: " + ", ".join(taxonomy.teams) + "."
    raise Abort(f"Das Team „{wanted}“ ist nicht eingetragen. {hint}\n"
                "Neue Jugendredaktionen trägt die Redaktion in taxonomy.yml ein.")


def default_team(town: str, taxonomy: Taxonomy) -> str | None:
    """The youth newsroom of the chosen town, when exactly one is registered."""
    teams = [team.slug for team in taxonomy.teams.values() if team.is_youth_newsroom and team.town == town]
    return teams[0] if len(teams) == 1 else None


def same_address(root: str, slug: str) -> str | None:
    """The folder of a story that already has this Kurzname (and so the same address), if any."""
    for folder in glob.glob(os.path.join(root, "stories", "*", "*")):
        match = FOLDER.match(os.path.basename(folder))
        if match and match.group(2) == slug:
            return folder
    return None


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


PRACTICE_BLOCK = f"""
# Zum Nachmachen: Deine Geschichte erzählt von etwas, das andere Städte nachmachen könnten. Dann lösche
# am Anfang der acht Zeilen von „practice:“ bis „lessons:“ genau zwei Zeichen: die Raute # und das
# Leerzeichen dahinter. Schreib oben bei `challenges` mindestens eine Herausforderung hinein, zum Beispiel
# [demografie]: So finden Städte mit demselben Problem deine Geschichte.
# Schreib nur, was du sicher weißt. Weißt du etwas nicht, lösche die ganze Zeile. Nichts raten!
# practice:
#   summary: "{PLACEHOLDER}: in einem Satz, was gemacht wurde"
#   steps:
#     - "{PLACEHOLDER}: Der erste Schritt"
#     - "{PLACEHOLDER}: Der zweite Schritt"
#   duration: "{PLACEHOLDER}: Wie lange hat es gedauert? Zum Beispiel: ein Schuljahr"
#   cost: {{unknown: true}}         # oder eine Spanne in Euro: {{min: 500, max: 2000}}
#   lessons: "{PLACEHOLDER}: Was ging schief? Was würde die Stadt heute anders machen?"
# Noch mehr, wenn du es sicher weißt (auch hier die Raute und das Leerzeichen löschen):
#   funding: ["Name des Förderprogramms"]
#   partners: ["Schulsozialarbeit", "Jugendclub"]   # wer mitgemacht hat, nach der Rolle, keine Namen
#   suits: {{population: {{max: 20000}}, setting: ländlich, subdivisions: {{min: 10}}}}   # für welche Städte
#   contact: {{name: "Stadtverwaltung …", url: "https://…"}}   # nur ein Amt oder eine Einrichtung, nie eine Person
"""


def template(*, title: str, date: dt.date, town: str, pillars: list[str], team: str, taxonomy: Taxonomy,
             practice: bool = False) -> str:
    """The story file: front matter with a plain-German comment above every field, then a writing guide.
    With `practice`, the commented „Zum Nachmachen“ block follows the challenges."""
    pillar_lines = "\n".join(f"#   {p.slug:<17} {p.title}" for p in taxonomy.pillars.values())
    themes = ", ".join(taxonomy.themes)
    challenges = ", ".join(taxonomy.challenges)
    return f"""---
# Das ist der Steckbrief deiner Geschichte. Zeilen mit # am Anfang sind nur Erklärungen
# für dich: Sie erscheinen nicht auf der Webseite. Du kannst sie stehen lassen.
# Wichtig: Die Einrückung (Leerzeichen am Zeilenanfang) und die Doppelpunkte nicht löschen.

# Die Überschrift: kurz, genau und so, dass man weiterlesen will.
title: {_quote(title)}

# Der Anreißer: ein bis zwei Sätze, worum es geht. Höchstens 200 Zeichen.
# Er steht unter der Überschrift und auf den Karten in den Übersichten.
description: "{PLACEHOLDER}: Worum geht es in deiner Geschichte? Ein bis zwei Sätze."

# Das Datum (Jahr-Monat-Tag). Es steht auch im Ordnernamen: Bitte nicht ändern.
date: {date.isoformat()}

# Der Ort, um den es geht: das Kürzel aus dem Ordner towns/.
# Geht es um mehrere Orte? Dann mit Komma: [{town}, anderer-ort]
towns: [{town}]

# Ein oder zwei der fünf Pfeiler aus der Studie, zu denen deine Geschichte passt:
{pillar_lines}
pillars: [{", ".join(pillars)}]

# Freiwillig: Themenfelder, zum Beispiel [jugend, kultur]. Möglich sind:
# {themes}
themes: []

# Freiwillig: Herausforderungen, um die es geht, zum Beispiel [mobilitaet]. Möglich sind:
# {challenges}
challenges: []
{PRACTICE_BLOCK if practice else ""}
# Wer hat geschrieben? Hier steht das Kürzel eures Teams aus taxonomy.yml,
# keine echten Namen, keine Adressen, keine Telefonnummern.
authors: [{team}]

# Woher stammen deine Infos? Jede Quelle beginnt mit „- title:“.
# Bei einem Gespräch zum Beispiel: title: "Gespräch mit der Leiterin des Jugendclubs"
# Bei einer Webseite kommt eine Zeile dazu: url: https://...
# Aus der Studie: title: "Resiliente Kleinstädte" und page: "17" (die Seitenzahl)
sources:
  - title: "{PLACEHOLDER}: Titel deiner Quelle"

# Wie weit ist deine Geschichte?
#   draft      Entwurf: Du schreibst noch. Nur in der Vorschau (make preview) zu sehen.
#   review     Fertig: Die Redaktion prüft sie. Dann darf kein Platzhalter mehr übrig sein.
#   published  Veröffentlicht: Das stellt die Redaktion ein, nicht du.
status: draft

# Ein Titelbild? Lege die Datei in diesen Ordner. Lösche dann am Anfang der fünf Zeilen von „image:“
# bis „license:“ genau zwei Zeichen: die Raute # und das Leerzeichen dahinter.
# Nur Bilder, die du selbst gemacht hast oder benutzen darfst!
# image:
#   file: titelbild.jpg          # der Dateiname im Ordner
#   alt: "{PLACEHOLDER}: Was ist auf dem Bild zu sehen? Ein Satz."
#   credit: "{PLACEHOLDER}: Wer hat das Foto gemacht? Vorname und Initial genügen, etwa Mia K."
#   license: "CC BY 4.0"         # die Lizenz; frag die Redaktion, wenn du unsicher bist
# Sind auf dem Bild Menschen zu erkennen? Dann brauchst du ihre Einwilligung. Lösche auch bei den vier
# Zeilen von „people:“ bis „parental_consent:“ die Raute und das Leerzeichen. Ist niemand zu erkennen,
# bleiben sie so stehen.
#   people:
#     consent: false             # Haben alle Erkennbaren zugestimmt? Nur dann: true
#     minors: false              # Sind Kinder oder Jugendliche unter 18 zu erkennen? Dann: true
#     parental_consent: false    # Haben ihre Eltern schriftlich zugestimmt? Nur dann: true
---

{PLACEHOLDER}: Hier beginnt deine Geschichte. Erzähle im ersten Absatz, was passiert ist,
wo und wer dabei war. Schreib so, dass es auch jemand versteht, der deinen Ort nicht kennt.

## Wie alles anfing

Zwischentitel beginnen mit „## “. Sie helfen beim Lesen langer Texte.

## Was sich verändert hat

Erkläre, was jetzt besser ist, und lass Menschen zu Wort kommen (Vorname und Rolle genügen,
zum Beispiel „Lena, 16, aus dem Jugendparlament“). Keine Adressen, Telefonnummern oder E-Mails.
"""


def create_story(root: str, *, title: str, town: str, pillars: list[str], team: str,
                 date: dt.date | None = None, practice: bool = False) -> str:
    """Writes the new story and returns its path; never overwrites an existing story."""
    root = os.path.abspath(root)
    problems = Problems(root)
    taxonomy = load_taxonomy(root, problems)
    title = " ".join(title.split())
    if not title:
        raise Abort("Die Geschichte braucht eine Überschrift.")
    if len(title) > TITLE_MAX:
        raise Abort(f"Die Überschrift ist {len(title)} Zeichen lang. Kürze sie auf höchstens {TITLE_MAX}.")
    slug = story_slug(title)
    if not slug:
        raise Abort("Aus dieser Überschrift lässt sich kein Kurzname bilden. Nimm Wörter mit Buchstaben.")
    town = find_town(town, known_towns(root, taxonomy))
    pillars = find_pillars(",".join(pillars), taxonomy)
    team = find_team(team, taxonomy)
    date = date or today_from_environment()
    folder = os.path.join(root, "stories", town, f"{date.isoformat()}-{slug}")
    path = os.path.join(folder, "index.md")
    if os.path.exists(folder):
        raise Abort(f"Den Ordner {os.path.relpath(folder, root)} gibt es schon. Ich überschreibe nichts.\n"
                    "Wähle eine andere Überschrift oder öffne die vorhandene Geschichte.")
    other = same_address(root, slug)
    if other:
        raise Abort(f"Die Adresse /geschichten/{slug}/ hat schon die Geschichte {os.path.relpath(other, root)}.\n"
                    "Wähle eine etwas andere Überschrift, zum Beispiel mit dem Ort oder dem Jahr darin.")
    os.makedirs(folder)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(template(title=title, date=date, town=town, pillars=pillars, team=team, taxonomy=taxonomy,
                              practice=practice))
    return path


# --- the conversation ------------------------------------------------------------------------------------


def _ask(prompt: str, parse, default: str | None = None):
    """Asks until the answer parses; every wrong answer gets its German explanation."""
    while True:
        suffix = f" [{default}]" if default else ""
        try:
            answer = input(f"{prompt}{suffix}: ").strip() or (default or "")
        except EOFError:
            raise Abort("Abgebrochen: Es kam keine Eingabe mehr.") from None
        if not answer:
            print("  Bitte gib etwas ein.")
            continue
        try:
            return parse(answer)
        except Abort as error:
            print("  " + str(error).replace("\n", "\n  "))


def yes_or_no(answer: str) -> bool:
    word = answer.strip().lower()
    if word in ("j", "ja", "y", "yes"):
        return True
    if word in ("n", "nein", "no"):
        return False
    raise Abort(f"„{answer}“ verstehe ich nicht. Antworte mit ja oder nein.")


def _ask_practice() -> bool:
    """Whether the story describes something other towns could copy; no answer means no."""
    print("\nZum Nachmachen: Erzählt deine Geschichte von etwas, das andere Städte nachmachen könnten,")
    print("zum Beispiel ein Jugendparlament oder ein Fest, das Vereine gemeinsam planen? Dann legt das")
    print("Programm dir einen Kasten zum Ausfüllen an: was gemacht wurde, die Schritte, was es gekostet hat.")
    while True:
        try:
            answer = input("Etwas zum Nachmachen? (ja/nein) [nein]: ").strip() or "nein"
        except EOFError:
            return False
        try:
            return yes_or_no(answer)
        except Abort as error:
            print("  " + str(error))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Legt eine neue Geschichte mit ausgefüllter Vorlage an.")
    parser.add_argument("--root", default=os.getcwd(), help="Oberster Ordner des Projekts.")
    parser.add_argument("--title", help="Die Überschrift.")
    parser.add_argument("--town", help="Der Ort: Kürzel (luebz) oder Name (Lübz).")
    parser.add_argument("--pillars", help="Ein oder zwei Pfeiler: Nummern oder Kürzel, mit Komma getrennt.")
    parser.add_argument("--team", help="Das Kürzel eures Teams aus taxonomy.yml.")
    parser.add_argument("--date", type=dt.date.fromisoformat, help="Datum JJJJ-MM-TT (sonst heute).")
    parser.add_argument("--nachmachen", choices=("ja", "nein"),
                        help="Erzählt die Geschichte von etwas, das andere Städte nachmachen könnten?")
    args = parser.parse_args(argv)
    root = os.path.abspath(args.root)
    taxonomy = load_taxonomy(root, Problems(root))
    towns = known_towns(root, taxonomy)
    try:
        if not all((args.title, args.town, args.pillars, args.team)):
            print("Neue Geschichte für Kleinstadtgeschichten. Drücke Strg+C zum Abbrechen.\n")
        title = args.title or _ask("Überschrift deiner Geschichte", lambda a: a)
        town = find_town(args.town, towns) if args.town else _ask(
            "Ort (Kürzel oder Name, z. B. " + ", ".join(list(towns)[:3]) + ")", lambda a: find_town(a, towns))
        if args.pillars:
            pillars = find_pillars(args.pillars, taxonomy)
        else:
            print("\nDie fünf Pfeiler:")
            for number, pillar in enumerate(taxonomy.pillars.values(), 1):
                print(f"  {number}  {pillar.title} ({pillar.slug})")
            pillars = _ask("Ein oder zwei Pfeiler (Nummern, z. B. 5 oder 1,5)", lambda a: find_pillars(a, taxonomy))
        if args.team:
            team = find_team(args.team, taxonomy)
        else:
            print("\nTeams: " + ", ".join(taxonomy.teams))
            team = _ask("Euer Team (Kürzel)", lambda a: find_team(a, taxonomy), default_team(town, taxonomy))
        practice = yes_or_no(args.nachmachen) if args.nachmachen else (
            False if all((args.title, args.town, args.pillars, args.team)) else _ask_practice())
        path = create_story(root, title=title, town=town, pillars=pillars, team=team, date=args.date,
                            practice=practice)
    except Abort as error:
        print(str(error), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nAbgebrochen. Es wurde nichts angelegt.", file=sys.stderr)
        return 1
    rel = os.path.relpath(path, root)
    print(f"\nFertig! Deine Geschichte liegt in {rel}")
    print("So geht es weiter:")
    print(f"  1. Öffne {rel} und ersetze alles, wo „{PLACEHOLDER}“ steht.")
    print("  2. Prüfe mit:    make check")
    print("  3. Schau sie an: make preview")
    return 0


if __name__ == "__main__":
    sys.exit(main())
