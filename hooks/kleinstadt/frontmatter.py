"""Front matter: YAML between `---` lines, parsed so that every key keeps its line number."""

from __future__ import annotations

import datetime as dt
import re
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
        lines = yaml_text.split("\n")
        opened = _where_it_starts(error, lines, offset)
        if opened is not None:
            index, message, hint = opened
            raise FrontMatterError(message, index + offset, hint) from None
        mark = error.problem_mark or error.context_mark
        if mark is None:
            _, message, hint = _explain(lines, 0)
            raise FrontMatterError(message, None, hint) from None
        index, message, hint = _explain(lines, mark.line)
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


QUOTE_NAMES = {'"': "Das Anführungszeichen `\"`", "'": "Das einfache Anführungszeichen `'`"}
BRACKETS = {"[": ("Die eckige Klammer", "]"), "{": ("Die geschweifte Klammer", "}")}
# What may stand before a quote that opens a YAML value on its line: indentation, list dashes, a key with its
# colon, or inside a list or group in brackets an opening bracket or a comma.
_VALUE_START = re.compile(r"^\s*(?:-\s+)*(?:[^\s#][^#]*?:\s+)?(?:-\s+)*$")
_FLOW_ITEM_START = re.compile(r"^\s*(?:-\s+)*(?:[^\s#][^#]*?:\s+)?(?:-\s+)*[\[{].*[\[{,]\s*$")
_KEY_LINE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][\w-]*:(?:\s|$)")


def _where_it_starts(error: yaml.MarkedYAMLError, lines: list[str], offset: int) -> tuple[int, str, str] | None:
    """Line (0-based), message and hint for an error whose cause is where something was opened: a quote,
    `[` or `{` that is not closed. libyaml gives up later (at the end, or where the next quote closes
    the value by mistake); its context mark, or the quotes themselves, tell where the value began.
    `offset` is the number of the YAML's first line in the file, for the line named in the message."""
    context, problem = error.context or "", error.problem or ""
    mark = error.context_mark
    if mark is not None and "quoted scalar" in context:
        quote = lines[mark.line][mark.column] if mark.column < len(lines[mark.line]) else '"'
        if "end of stream" in problem:
            return _unclosed_quote(lines, mark.line, mark.column, quote, offset)
        if "escape" in problem:
            line = (error.problem_mark or mark).line
            return line, "Hier steht ein umgekehrter Schrägstrich \\ in doppelten Anführungszeichen.", \
                ("In doppelten Anführungszeichen beginnt \\ ein Sonderzeichen. Schreibe / statt \\, oder setze "
                 "den Text in einfache Anführungszeichen: 'C:\\Bilder'.")
    if mark is not None and context in ("while parsing a flow sequence", "while parsing a flow mapping"):
        line = lines[mark.line] if mark.line < len(lines) else ""
        bracket = line[mark.column : mark.column + 1]
        if bracket not in BRACKETS:
            return None
        left_open, end = _left_open(line, mark.column)
        if left_open is None:  # closed on its line: something else inside is wrong
            return _explain(lines, mark.line)
        if line[left_open] in QUOTE_NAMES:
            return _unclosed_quote(lines, mark.line, left_open, line[left_open], offset)
        name, closing = BRACKETS[bracket]
        example = line[:end].rstrip() + closing
        hint = f"Schließe sie am Ende der Zeile mit `{closing}`: `{example.strip()}`"
        if bracket == "{":
            as_list = (line[: mark.column] + "[" + line[mark.column + 1 : end].rstrip() + "]").strip()
            hint += f". Meinst du eine Liste? Die steht in eckigen Klammern: `{as_list}`"
        return mark.line, f"{name} `{bracket}` aus Zeile {mark.line + offset} wird nicht mit `{closing}` " \
                          "geschlossen.", hint
    problem_mark = error.problem_mark
    if problem_mark is not None:
        for start, column, quote, end in _quoted_values(lines):
            # A quote left open is closed by the next one, lines further down, which libyaml then chokes on.
            # A quoted text may go on over several lines, but then no line inside it looks like `key: value`.
            last = len(lines) - 1 if end is None else end
            if start < problem_mark.line <= last + 1 and any(_KEY_LINE.match(line) for line in lines[start + 1 : last + 1]):
                return _unclosed_quote(lines, start, column, quote, offset)
    return None


def _unclosed_quote(lines: list[str], index: int, column: int, quote: str, offset: int) -> tuple[int, str, str]:
    line = lines[index]
    before, value = line[:column], line[column + 1 :].rstrip()
    after = re.search(r"[\]}]*$", value).group() if re.search(r"[\[{]", before) else ""  # ["altdorf] -> ["altdorf"]
    example = f"{before}{quote}{value[: len(value) - len(after)]}{quote}{after}".strip()
    hint = f"Schließe den Text mit demselben Zeichen `{quote}` ab, etwa so: `{example}`"
    if quote == '"':
        hint += ". Anführungszeichen im Text schreibst du als „…“."
    return index, f"{QUOTE_NAMES[quote]}, das in Zeile {index + offset} beginnt, wird nicht " \
                  "geschlossen.", hint


def _left_open(line: str, column: int) -> tuple[int | None, int]:
    """For the `[` or `{` at `column`: the column of what is still open at the end of the line (the innermost
    bracket or quote; None when all is closed again) and the column where a comment starts (or the length)."""
    stack: list[int] = []
    index, quoted = column, None
    while index < len(line):
        char = line[index]
        if quoted is not None:
            if char == "\\" and line[quoted] == '"':
                index += 1
            elif char == line[quoted]:
                quoted = None
        elif char in "\"'":
            quoted = index
        elif char == "#" and line[index - 1 : index] in (" ", "\t"):
            break
        elif char in "[{":
            stack.append(index)
        elif char in "]}" and stack:
            stack.pop()
            if not stack:
                return None, len(line)
        index += 1
    return (quoted if quoted is not None else stack[-1] if stack else None), index


def _quoted_values(lines: list[str]) -> list[tuple[int, int, str, int | None]]:
    """Every quoted value as libyaml reads it: (line, column, quote, line where it closes or None)."""
    found: list[tuple[int, int, str, int | None]] = []
    opened: tuple[int, int, str] | None = None
    for number, line in enumerate(lines):
        index = 0
        while index < len(line):
            char = line[index]
            if opened:
                quote = opened[2]
                if quote == '"' and char == "\\":
                    index += 2
                    continue
                if char == quote:
                    if quote == "'" and line[index + 1 : index + 2] == "'":  # '' is one ' inside '…'
                        index += 2
                        continue
                    found.append((*opened, number))
                    opened = None
            elif char == "#" and (index == 0 or line[index - 1] in " \t"):
                break
            elif char in "\"'" and (_VALUE_START.match(line[:index]) or _FLOW_ITEM_START.match(line[:index])):
                opened = (number, index, char)
            index += 1
    if opened:
        found.append((*opened, None))
    return found


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
