"""Front matter: YAML between `---` lines, parsed so that every key keeps its line number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


class InvalidDate(str):
    """A date-like value that is not a real date (such as 2026-02-30)."""


class _LineLoader(_Loader):  # type: ignore[misc, valid-type]
    pass


def _timestamp(loader, node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return InvalidDate(node.value)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


@dataclass
class FrontMatter:
    data: dict
    lines: dict[str, int]  # dotted key -> 1-based line in the file
    body: str
    body_line: int  # 1-based line where the body starts
    duplicates: list[tuple[str, int]]  # keys given twice


class FrontMatterError(Exception):
    def __init__(self, message: str, line: int | None, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


def split(text: str) -> tuple[str, str, int]:
    """Return (yaml text, body, line of the body). Raises FrontMatterError without front matter."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(
            "Die Datei beginnt nicht mit dem Steckbrief (dem Kopfbereich zwischen zwei Zeilen `---`).",
            1,
            "Die erste Zeile muss genau `---` sein, danach folgen die Angaben, dann wieder `---`.",
        )
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise FrontMatterError(
        "Der Steckbrief (Kopfbereich) wird nicht mit einer Zeile `---` geschlossen.",
        len(lines),
        "Schreibe nach der letzten Angabe eine Zeile mit genau `---`.",
    )


def parse(text: str) -> FrontMatter:
    yaml_text, body, body_line = split(text)
    data, lines, duplicates = load_yaml(yaml_text, first_line=2)
    return FrontMatter(data, lines, body, body_line, duplicates)


def load_yaml(yaml_text: str, first_line: int = 1) -> tuple[dict, dict[str, int], list[tuple[str, int]]]:
    """Parse a YAML mapping; return the data, the line of every key and the keys given twice."""
    offset = first_line  # node marks are 0-based
    loader = _LineLoader(yaml_text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if mark is None:
            _, message, hint = _explain(yaml_text.split("\n"), 0)
            raise FrontMatterError(message, None, hint) from None
        index, message, hint = _explain(yaml_text.split("\n"), mark.line)
        raise FrontMatterError(message, index + offset, hint) from None
    except yaml.YAMLError as error:
        raise FrontMatterError(f"Das ist kein gültiges YAML ({error}).", first_line) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise FrontMatterError(
            "Hier müssen Angaben der Form `schlüssel: wert` stehen.",
            first_line,
            "Beispiel: `title: Mein Titel`",
        )
    lines: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    _collect_lines(node, "", lines, duplicates, offset)
    return data, lines, duplicates


def _explain(lines: list[str], index: int) -> tuple[int, str, str]:
    """Line (0-based), message and hint in German for a YAML error that libyaml reports at `index`.

    libyaml's own words ("mapping values are not allowed in this context") help no youth editor; the
    usual causes can be told from the lines themselves."""
    line = lines[index] if index < len(lines) else ""
    before = next((i for i in range(index - 1, -1, -1) if lines[i].strip() and not lines[i].lstrip().startswith("#")), None)
    for i in (index, before):
        if i is not None and "\t" in lines[i]:
            return i, "In dieser Zeile steht ein Tabulatorzeichen.", \
                "Im Steckbrief wird nur mit Leerzeichen eingerückt: Ersetze den Tabulator durch zwei Leerzeichen."
    if before is not None and ":" not in lines[before] and not lines[before].lstrip().startswith("-"):
        return before, "Nach dem Feldnamen fehlt der Doppelpunkt.", "Schreibe `feld: wert`, etwa `title: Mein Titel`."
    if line[:1] == " " and before is not None and not lines[before][:1].isspace() \
            and not lines[before].rstrip().endswith(":"):
        return index, "Diese Zeile beginnt mit einem Leerzeichen, gehört aber zu keinem Feld darüber.", \
            ("Lösche die Leerzeichen am Zeilenanfang. Hast du die Raute # vor einer Zeile entfernt? Dann nimm das "
             "Leerzeichen dahinter auch weg, damit die Zeile genau so weit eingerückt ist wie vorher.")
    value = line.split(":", 1)[1].strip() if ":" in line else ""
    if value.startswith('"') and value.count('"') > 2 or value.startswith("'") and value.count("'") > 2:
        return index, "Anführungszeichen im Text beenden den Wert zu früh.", \
            ("Nimm im Text die deutschen Anführungszeichen „…“, oder setze den Wert außen in die anderen: "
             "title: 'Unser \"Jugendbudget\" und wir'")
    if ": " in value or value.endswith(":"):
        return index, "Ein Doppelpunkt im Text verwirrt den Steckbrief.", \
            f'Setze den ganzen Text in Anführungszeichen, etwa: {line.split(":", 1)[0].strip()}: "{value}"'
    if value[:1] in ("@", "`", "%", "*", "&", "!", "|", ">"):
        return index, f"Ein Wert darf nicht mit „{value[0]}“ beginnen.", \
            f'Setze den ganzen Text in Anführungszeichen, etwa: {line.split(":", 1)[0].strip()}: "{value}"'
    return index, "Diese Zeile lässt sich nicht lesen: Das ist kein gültiges YAML.", \
        ("Prüfe Einrückung, Doppelpunkte und Anführungszeichen in dieser Zeile und der davor. "
         "Texte mit Doppelpunkt gehören in Anführungszeichen.")


def _collect_lines(node, prefix: str, lines: dict[str, int], duplicates: list, offset: int) -> None:
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            line = key_node.start_mark.line + offset
            if key in seen:
                duplicates.append((key, line))
            seen.add(key)
            lines.setdefault(key, line)
            _collect_lines(value_node, key + ".", lines, duplicates, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = f"{prefix[:-1]}[{index}]"
            lines.setdefault(key, item.start_mark.line + offset)
            _collect_lines(item, key + ".", lines, duplicates, offset)


def as_date(value) -> dt.date | None:
    """A YAML date or datetime as a date; None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None
