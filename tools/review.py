"""`make review`: what a branch (a pull request) changes, for the editors who review it.

For every story the branch adds or changes against `main`: title, status, towns, pillars and team, the
word count and reading time, two German readability scores, every image with its credit, licence and
consent, placeholders left over, and the problems `make check` finds in it.

    python tools/review.py [--base main] [--format text|markdown]

`--format markdown` writes the same as a GitHub job summary (the pull-request workflow appends it to
$GITHUB_STEP_SUMMARY).
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
from dataclasses import dataclass, field

import textstat

from changes import Changes, changes
from kleinstadt.content import Content
from kleinstadt.preview import load_preview
from kleinstadt import frontmatter
from kleinstadt.story import IMAGE_TYPES, PLACEHOLDER, Story, placeholder_lines

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATUS_NAMES = {"draft": "Entwurf", "review": "in Prüfung", "published": "veröffentlicht"}

textstat.set_lang("de_DE")  # Flesch reading ease with Amstad's German constants; syllables by pyphen de_DE


@dataclass
class Readability:
    """Wiener Sachtextformel (school grade 4 to 15, lower is easier) and Flesch-Amstad (0 to 100, higher is easier)."""

    wstf: float
    amstad: float

    @property
    def wstf_label(self) -> str:
        if self.wstf <= 7:
            return "leicht"
        if self.wstf <= 10:
            return "mittel"
        return "anspruchsvoll" if self.wstf <= 12 else "schwer"

    @property
    def amstad_label(self) -> str:
        if self.amstad >= 70:
            return "leicht"
        if self.amstad >= 50:
            return "mittel"
        return "schwierig" if self.amstad >= 30 else "sehr schwierig"


@dataclass
class ImageNote:
    file: str
    where: str  # "Titelbild" or "im Text, Zeile N" or "im Ordner, nicht verwendet"
    facts: str  # credit, licence, consent in German, or what is missing
    missing: bool  # True when credit, licence or consent cannot be confirmed


@dataclass
class StoryReview:
    path: str  # relative index.md
    added: bool
    story: Story | None  # None when the story has problems that stop it from loading
    problems: list[str] = field(default_factory=list)
    readability: Readability | None = None
    images: list[ImageNote] = field(default_factory=list)
    placeholders: int = 0


def plain_text(markdown: str) -> str:
    """The prose of a Markdown body, for the readability formulas: no markup, headings end a sentence."""
    text = re.sub(r"^\s{0,3}(```|~~~).*?^\s{0,3}\1", "", markdown, flags=re.S | re.M)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: keep their text
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"^\s{0,3}#{1,6}\s*(.+?)\s*#*\s*$", r"\1.", text, flags=re.M)  # a heading is a sentence
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", text, flags=re.M)  # list markers
    text = re.sub(r"[*_`>]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def readability(markdown: str) -> Readability | None:
    text = plain_text(markdown)
    if len(text.split()) < 10:
        return None  # the formulas mean nothing for a few words
    return Readability(textstat.wiener_sachtextformel(text, 1), textstat.flesch_reading_ease(text))


def _yes_no(value: bool | None) -> str:
    return "ja" if value else ("nein" if value is False else "nicht angegeben")


def image_notes(story: Story) -> list[ImageNote]:
    notes, used = [], set()
    if story.image:
        image = story.image
        used.add(image.file)
        facts = f"Bild: {image.credit}, Lizenz: {image.license}, Personen erkennbar: {_yes_no(image.people)}"
        if image.people:
            facts += f", Einwilligung: {_yes_no(image.consent)}"
        if image.minors:
            facts += f", Minderjährige: ja, Einwilligung der Eltern: {_yes_no(image.parental_consent)}"
        notes.append(ImageNote(image.file, "Titelbild", facts, False))
    for link in story.links:
        target = link.target.split("#", 1)[0].split("?", 1)[0]
        if not link.is_image or "://" in target or target.startswith("/"):
            continue
        used.add(target)
        notes.append(ImageNote(target, f"im Text, Zeile {link.line}",
                               f"Alternativtext „{link.text}“; keine Angaben zu Urheber, Lizenz und Einwilligung: "
                               "bitte beim Team nachfragen", True))
    for name in sorted(os.listdir(story.folder)):
        if os.path.splitext(name)[1].lower() in IMAGE_TYPES | {".gif", ".svg"} and name not in used:
            notes.append(ImageNote(name, "im Ordner, nicht verwendet", "wird nicht veröffentlicht; löschen?", False))
    return notes


def review(root: str, base: str = "main") -> tuple[Changes, list[StoryReview], Content | None]:
    found = changes(root, base)
    if not found.stories:
        return found, [], None
    content = load_preview(root, found.stories)
    by_path = {os.path.relpath(story.path, content.root).replace(os.sep, "/"): story for story in content.stories}
    reviews = []
    for path in found.stories:
        story = by_path.get(path)
        item = StoryReview(path, path in found.added, story)
        folder = os.path.dirname(path) + "/"
        item.problems = [problem.format() for problem in content.problems.sorted()
                         if problem.file == path or problem.file.startswith(folder)]
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        try:
            body_line = frontmatter.split(text)[2]
        except frontmatter.FrontMatterError:
            body_line = 1  # make check reports the broken front matter; count every placeholder
        item.placeholders = len(placeholder_lines(text, body_line))
        if story:
            item.readability = readability(story.body)
            item.images = image_notes(story)
        reviews.append(item)
    return found, reviews, content


# --- output -----------------------------------------------------------------------------------------------


def _people(story: Story, content: Content) -> str:
    names = []
    for slug in story.authors:
        team = content.taxonomy.teams[slug]
        names.append(f"{team.name} (Jugendredaktion, betreut von: {team.supervisor_role})"
                     if team.is_youth_newsroom else team.name)
    return ", ".join(names)


def _status(story: Story) -> str:
    text = f"{STATUS_NAMES.get(story.status, story.status)} ({story.status})"
    return text + (f", Sperrfrist bis {story.embargo.isoformat()}" if story.embargo else "")


def _decimal(number: float) -> str:
    return f"{number:.1f}".replace(".", ",")  # German decimal comma


def _score(item: StoryReview) -> str:
    score = item.readability
    if score is None:
        return "zu wenig Text für eine Bewertung"
    return (f"Wiener Sachtextformel {_decimal(score.wstf)} ({score.wstf_label}; Schulstufe, Ziel bis 10) · "
            f"Flesch-Amstad {score.amstad:.0f} ({score.amstad_label}; 0 bis 100, höher ist leichter)")


def format_text(found: Changes, reviews: list[StoryReview], content: Content | None) -> str:
    against = found.base or "(keinem Stand: kein main gefunden)"
    lines = [f"Prüfbericht: Änderungen gegenüber {against}"]
    if not reviews and not found.removed and not found.towns:
        return lines[0] + "\nKeine Geschichte geändert.\n"
    added = sum(item.added for item in reviews)
    lines.append(f"{len(reviews)} Geschichte(n): {added} neu, {len(reviews) - added} geändert.\n")
    for item in reviews:
        lines.append(("NEU       " if item.added else "GEÄNDERT  ") + item.path)
        story = item.story
        if story and content:
            towns = ", ".join(content.towns[t].name if t in content.towns else t for t in story.towns)
            pillars = ", ".join(content.taxonomy.pillars[p].title for p in story.pillars)
            lines += [f"  Titel:       {story.title}",
                      f"  Status:      {_status(story)}",
                      f"  Orte:        {towns}",
                      f"  Pfeiler:     {pillars}",
                      f"  Team:        {_people(story, content)}",
                      f"  Umfang:      {story.words} Wörter, etwa {story.reading_minutes} Min. Lesezeit",
                      f"  Lesbarkeit:  {_score(item)}",
                      f"  Quellen:     {len(story.sources)}"]
            if item.images:
                lines.append("  Bilder:")
                for note in item.images:
                    mark = "  !! " if note.missing else "     "
                    lines.append(f"  {mark}{note.file} ({note.where}): {note.facts}")
            else:
                lines.append("  Bilder:      keine")
        if item.placeholders:
            lines.append(f"  !! Noch {item.placeholders}× „{PLACEHOLDER}“ im Text.")
        if item.problems:
            lines.append("  !! Probleme (make check):")
            lines += ["     " + problem.replace("\n", "\n     ") for problem in item.problems]
        lines.append("")
    for folder in found.removed:
        lines.append(f"GELÖSCHT  {folder}")
    for town in found.towns:
        lines.append(f"ORT       towns/{town}.md geändert")
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str) -> str:
    """Content in the PR comment's Markdown: as text (GitHub would render <img> and friends), one table cell."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def format_markdown(found: Changes, reviews: list[StoryReview], content: Content | None) -> str:
    lines = ["## Geänderte Geschichten", ""]
    if not reviews:
        lines.append("Dieser Pull Request ändert keine Geschichte.")
    else:
        lines += ["| | Geschichte | Status | Wörter | Lesbarkeit (WSTF) | Bilder | Probleme |",
                  "|---|---|---|---:|---|---|---:|"]
        for item in reviews:
            story = item.story
            kind = "neu" if item.added else "geändert"
            title = f"**{_cell(story.title)}**<br>`{item.path}`" if story else f"`{item.path}`"
            status = STATUS_NAMES.get(story.status, story.status) if story else "–"
            words = str(story.words) if story else "–"
            score = f"{_decimal(item.readability.wstf)} ({item.readability.wstf_label})" if item.readability else "–"
            missing = sum(note.missing for note in item.images)
            images = f"{len(item.images)}" + (f", {missing} ohne Angaben" if missing else "")
            problems = len(item.problems) + (1 if item.placeholders else 0)
            lines.append(f"| {kind} | {title} | {status} | {words} | {score} | {images} | {problems} |")
        for item in reviews:
            if item.images:
                lines += ["", f"**Bilder in `{item.path}`**", ""]
                lines += [f"- {'⚠️ ' if note.missing else ''}`{note.file}` ({note.where}): {_cell(note.facts)}"
                          for note in item.images]
    for folder in found.removed:
        lines.append(f"\nGelöscht: `{folder}`")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Zeigt der Redaktion, was ein Zweig gegenüber main ändert.")
    parser.add_argument("--root", default=os.getcwd())
    parser.add_argument("--base", default="main", help="Womit verglichen wird (Standard: main).")
    parser.add_argument("--format", choices=("text", "markdown"), default="text")
    args = parser.parse_args(argv)
    try:
        found, reviews, content = review(os.path.abspath(args.root), args.base)
    except RuntimeError as error:
        print(f"Git meldet: {error}", file=sys.stderr)
        return 1
    output = format_markdown if args.format == "markdown" else format_text
    sys.stdout.write(output(found, reviews, content))
    return 0


if __name__ == "__main__":
    sys.exit(main())
