"""Problems found in the content, reported in German with file, line, field and a hint."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    file: str  # path relative to the repository root
    line: int | None  # 1-based; None when the whole file is meant
    field: str | None  # dotted front-matter key such as "image.alt"
    message: str  # what is wrong
    hint: str = ""  # how to fix it

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def format(self) -> str:
        """Human-readable German text, one problem per block."""
        where = self.location()
        head = f"{where}: Feld „{self.field}“: {self.message}" if self.field else f"{where}: {self.message}"
        return head + (f"\n    Tipp: {self.hint}" if self.hint else "")

    def github_annotation(self) -> str:
        """GitHub Actions workflow command, shown inline in the pull request."""
        title = f"Feld {self.field}" if self.field else "Inhalt"
        text = self.message + (f" Tipp: {self.hint}" if self.hint else "")
        props = f"file={_escape_property(self.file)}"
        if self.line:
            props += f",line={self.line}"
        props += f",title={_escape_property(title)}"
        return f"::error {props}::{_escape_data(text)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Problems:
    """Collects every problem of a run, so that all are reported together."""

    root: str
    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int | None, field_name: str | None, message: str, hint: str = "") -> None:
        self.items.append(Problem(self.relative(path), line, field_name, message, hint))

    def relative(self, path: str) -> str:
        try:
            rel = os.path.relpath(path, self.root)
        except ValueError:
            return path
        return path if rel.startswith("..") else rel.replace(os.sep, "/")

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.file, p.line or 0, p.field or ""))

    def report(self) -> str:
        if not self.items:
            return "Alles in Ordnung: keine Probleme gefunden. Super!"
        lines = [p.format() for p in self.sorted()]
        count = len(self.items)
        noun = "Stelle" if count == 1 else "Stellen"
        lines.append(f"\n{count} {noun} zum Ausbessern gefunden. Keine Sorge, das ist normal! Die Zahl nach dem "
                     "Dateinamen ist die Zeile. Behebe eine Stelle nach der anderen und starte dann "
                     "`make check` noch einmal.")
        return "\n".join(lines)


class ContentError(Exception):
    """Raised by the build when the content has problems; carries all of them."""

    def __init__(self, problems: Problems):
        self.problems = problems
        super().__init__(problems.report())
