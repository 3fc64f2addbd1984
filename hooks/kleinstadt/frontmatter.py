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
        raise FrontMatterError(
            f"Diese Zeile lässt sich nicht lesen: Das ist kein gültiges YAML "
            f"({error.problem or error.context}).",
            mark.line + offset if mark else None,
            "Prüfe Einrückung, Doppelpunkte und Anführungszeichen in dieser Zeile und der davor. "
            "Texte mit Doppelpunkt gehören in Anführungszeichen.",
        ) from None
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
