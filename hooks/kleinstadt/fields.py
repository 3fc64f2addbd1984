"""Checks one front-matter mapping field by field and reports each problem with its line.

Stories, towns and the taxonomy all use it, so every message reads the same way.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re

from slugify import slugify

from .frontmatter import FrontMatter, FrontMatterError, InvalidDate, as_date, parse
from .markup import html_in_text
from .problems import Problems
from .text import read_text

URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

TYPE_NAMES = {
    str: "Text",
    int: "ganze Zahl",
    float: "Zahl",
    bool: "ja/nein (true oder false)",
    list: "Liste",
    dict: "Gruppe von Angaben",
}


def type_name(value) -> str:
    if isinstance(value, bool):
        return "ja/nein"
    if isinstance(value, (dt.date, dt.datetime)):
        return "Datum"
    for kind, name in TYPE_NAMES.items():
        if isinstance(value, kind):
            return name
    return "leer" if value is None else type(value).__name__


# python-slugify would turn "ä" into "a"; German readers expect "ae" (Lübz -> luebz, like the town files).
GERMAN_LETTERS = [["Ä", "Ae"], ["Ö", "Oe"], ["Ü", "Ue"], ["ä", "ae"], ["ö", "oe"], ["ü", "ue"], ["ß", "ss"]]


def as_slug(text: str, **options) -> str:
    """The Kurzname of a name or title: lower case, umlauts spelled out (Lübz -> luebz)."""
    return slugify(text, replacements=GERMAN_LETTERS, **options)


def suggest(word: str, choices) -> str:
    """A German "did you mean" for a near miss, or an empty string."""
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"Meintest du „{match[0]}“?" if match else ""


class FieldChecker:
    """Validates the values of one file; collects problems instead of stopping at the first."""

    def __init__(self, problems: Problems, path: str, lines: dict[str, int], default_line: int | None = 1):
        self.problems = problems
        self.path = path
        self.lines = lines
        self.default_line = default_line
        self.ok = True

    def line(self, key: str) -> int | None:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rsplit(".", 1)[0] if "." in key else (key.split("[")[0] if "[" in key else "")
        return self.default_line

    def error(self, key: str | None, message: str, hint: str = "") -> None:
        self.ok = False
        self.problems.add(self.path, self.line(key) if key else self.default_line, key, message, hint)

    def warn(self, key: str | None, message: str, hint: str = "") -> None:
        """A warning: `make check` shows it, but the value is kept and the build goes on."""
        self.problems.warn(self.path, self.line(key) if key else self.default_line, key, message, hint)

    # --- structure -------------------------------------------------------------------------

    def unknown_keys(self, data: dict, allowed, prefix: str = "") -> None:
        for key in data:
            if key not in allowed:
                name = f"{prefix}{key}"
                hint = suggest(key, allowed) or "Erlaubt sind: " + ", ".join(sorted(allowed)) + "."
                self.error(name, "Diese Angabe ist unbekannt.", hint)

    def required(self, data: dict, key: str, prefix: str = "", hint: str = "") -> bool:
        value = data.get(key)
        if value is None or value == "" or value == []:
            name = f"{prefix}{key}"
            self.ok = False
            line = self.lines.get(name) or self.line(prefix[:-1])  # missing key: point at its parent
            self.problems.add(self.path, line, name, "Diese Pflichtangabe fehlt oder ist leer.", hint)
            return False
        return True

    def mapping(self, data: dict, key: str, prefix: str = "", required: bool = True) -> dict | None:
        if key not in data or data[key] is None:
            if required:
                self.required(data, key, prefix)
            return None
        value = data[key]
        if not isinstance(value, dict):
            self.error(f"{prefix}{key}", f"Hier wird eine Gruppe von Angaben erwartet, nicht {type_name(value)}.",
                       "Schreibe die Unterangaben eingerückt in die Zeilen darunter.")
            return None
        return value

    # --- values ----------------------------------------------------------------------------

    def text(self, data: dict, key: str, prefix: str = "", required: bool = True, max_length: int | None = None,
             hint: str = "") -> str | None:
        name = f"{prefix}{key}"
        if key not in data or data[key] in (None, ""):
            if required:
                self.required(data, key, prefix, hint)
            return None
        value = data[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.error(name, f"Hier wird ein Text erwartet, nicht {type_name(value)}.",
                       "Setze den Text in Anführungszeichen.")
            return None
        value = " ".join(value.split())
        if not value:
            self.required({}, key, prefix, hint)
            return None
        if max_length and len(value) > max_length:
            self.error(name, f"Der Text ist {len(value)} Zeichen lang, erlaubt sind höchstens {max_length}.",
                       f"Kürze ihn um mindestens {len(value) - max_length} Zeichen.")
        return value

    def plain_text(self, data: dict, key: str, prefix: str = "", required: bool = True,
                   max_length: int | None = None, hint: str = "") -> str | None:
        """A text shown to readers as it is, never as HTML: warns when it contains something like a tag."""
        value = self.text(data, key, prefix, required, max_length, hint)
        if value is not None:
            self.no_html(f"{prefix}{key}", value)
        return value

    def no_html(self, key: str, value: str) -> None:
        """Warn when a plain-text value contains something that looks like an HTML tag; it stays text."""
        found = html_in_text(value)
        if found:
            self.warn(key, f"„{found}“ sieht aus wie HTML. Hier ist nur Text erlaubt: Auf der Seite steht es "
                           "genau so da, mit den spitzen Klammern.",
                      "Schreib den Text ohne spitze Klammern; er wird sonst als Text angezeigt, nicht als "
                      "Formatierung.")

    def date(self, data: dict, key: str, prefix: str = "", required: bool = True) -> dt.date | None:
        name = f"{prefix}{key}"
        if key not in data or data[key] is None:
            if required:
                self.required(data, key, prefix, "Schreibe das Datum als JJJJ-MM-TT, zum Beispiel 2026-03-14.")
            return None
        value = data[key]
        if isinstance(value, InvalidDate):
            self.error(name, f"„{value}“ ist kein mögliches Datum.",
                       "Prüfe Monat und Tag: Das Datum muss es im Kalender geben (JJJJ-MM-TT).")
            return None
        date = as_date(value)
        if date is None:
            self.error(name, f"„{value}“ ist kein Datum im Format JJJJ-MM-TT.",
                       "Schreibe das Datum als JJJJ-MM-TT, zum Beispiel 2026-03-14, ohne Anführungszeichen.")
        return date

    def number(self, data: dict, key: str, prefix: str = "", required: bool = True, integer: bool = False,
               minimum: float | None = None, maximum: float | None = None) -> float | int | None:
        name = f"{prefix}{key}"
        if key not in data or data[key] is None:
            if required:
                self.required(data, key, prefix)
            return None
        value = data[key]
        expected = int if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, expected):
            what = "eine ganze Zahl" if integer else "eine Zahl"
            self.error(name, f"Hier wird {what} erwartet, nicht {type_name(value)} („{value}“).",
                       "Schreibe die Zahl ohne Punkte, Einheiten und Anführungszeichen, Dezimalstellen mit Punkt (74.69).")
            return None
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.error(name, f"Der Wert {value} liegt außerhalb des möglichen Bereichs "
                             f"({minimum} bis {maximum}).", "Prüfe die Zahl.")
            return None
        return value

    def boolean(self, data: dict, key: str, prefix: str = "", required: bool = False) -> bool | None:
        name = f"{prefix}{key}"
        if key not in data or data[key] is None:
            if required:
                self.required(data, key, prefix, "Schreibe `true` (ja) oder `false` (nein).")
            return None
        value = data[key]
        if not isinstance(value, bool):
            self.error(name, f"Hier wird ja oder nein erwartet, nicht „{value}“.",
                       "Schreibe `true` (ja) oder `false` (nein).")
            return None
        return value

    def url(self, data: dict, key: str, prefix: str = "", required: bool = False) -> str | None:
        value = self.text(data, key, prefix, required=required)
        if value is not None and not URL.match(value):
            self.error(f"{prefix}{key}", f"„{value}“ ist keine gültige Webadresse.",
                       "Eine Webadresse beginnt mit https:// (zum Beispiel https://www.beispiel.de).")
            return None
        return value

    def string_list(self, data: dict, key: str, prefix: str = "", required: bool = True) -> list[str] | None:
        """A list of texts; a single text is accepted as a list of one."""
        name = f"{prefix}{key}"
        if key not in data or data[key] in (None, [], ""):
            if required:
                self.required(data, key, prefix, "Schreibe die Werte als Liste, zum Beispiel `[eins, zwei]`.")
            return None if required else []
        value = data[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.error(name, f"Hier wird eine Liste von Kürzeln erwartet, nicht {type_name(value)}.",
                       "Schreibe die Werte als Liste, zum Beispiel `[eins, zwei]`.")
            return None
        return value

    def references(self, data: dict, key: str, known, what: str, prefix: str = "", required: bool = True,
                   minimum: int = 0, maximum: int | None = None) -> list[str]:
        """A list of slugs that must each name a known entry (town, pillar, theme, ...)."""
        name = f"{prefix}{key}"
        values = self.string_list(data, key, prefix, required)
        if values is None:
            return []
        result = []
        for index, value in enumerate(values):
            item_key = f"{name}[{index}]"
            if value not in known:
                slug = as_slug(value)
                hint = (f"Meintest du „{slug}“? Hier steht das Kürzel, nicht der Name." if slug in known
                        else suggest(value, known)) or f"Bekannt sind: {', '.join(sorted(known))}."
                self.error(item_key if item_key in self.lines else name, f"„{value}“ ist {what} unbekannt.", hint)
            elif value in result:
                self.error(name, f"„{value}“ steht doppelt in der Liste.", "Lass die Wiederholung weg.")
            else:
                result.append(value)
        if len(values) < minimum or (maximum is not None and len(values) > maximum):
            span = f"genau {minimum}" if minimum == maximum else (
                f"{minimum} bis {maximum}" if maximum is not None else f"mindestens {minimum}")
            self.error(name, f"Hier stehen {len(values)} Einträge, erlaubt sind {span}.",
                       "Wähle die Einträge, die am besten passen.")
        return result


def open_front_matter(path: str, problems: Problems, allowed) -> tuple[str, FrontMatter, FieldChecker] | None:
    """Read a content file (UTF-8), parse its front matter and report keys given twice or unknown.

    Stories, towns and editions all start this way; None when the file cannot be read at all."""
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        front = parse(text)
    except FrontMatterError as error:
        problems.add(path, error.line, None, error.message, error.hint)
        return None
    check = FieldChecker(problems, path, front.lines)
    for key, line in front.duplicates:
        problems.add(path, line, key, "Diese Angabe steht doppelt.", "Lösche eine der beiden Zeilen.")
    check.unknown_keys(front.data, allowed)
    return text, front, check
