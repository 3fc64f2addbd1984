"""Problems found in the content, reported in German with file, line, field and a hint.

A problem is an error (the default: `make check` fails and the site is not built) or a warning (`make check`
lists it and still succeeds, the build goes on). Truth and length of `Problems` count the errors only, so
that every caller that stops on problems (`if content.problems:`) stops on errors alone."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    file: str  # path relative to the repository root
    line: int | None  # 1-based; None when the whole file is meant
    field: str | None  # dotted front-matter key such as "image.alt"
    message: str  # what is wrong
    hint: str = ""  # how to fix it
    severity: str = ERROR  # ERROR or WARNING

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def format(self) -> str:
        """Human-readable German text, one problem per block."""
        where = self.location() + (": Warnung" if self.is_warning else "")
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
        return f"::{self.severity} {props}::{_escape_data(text)}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass
class Problems:
    """Collects every problem of a run, so that all are reported together."""

    root: str
    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int | None, field_name: str | None, message: str, hint: str = "",
            severity: str = ERROR) -> None:
        self.items.append(Problem(self.relative(path), line, field_name, message, hint, severity))

    def warn(self, path: str, line: int | None, field_name: str | None, message: str, hint: str = "") -> None:
        """A warning: reported by `make check`, but neither check nor build fails because of it."""
        self.add(path, line, field_name, message, hint, WARNING)

    def relative(self, path: str) -> str:
        try:
            rel = os.path.relpath(path, self.root)
        except ValueError:
            return path
        return path if rel.startswith("..") else rel.replace(os.sep, "/")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.is_warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.is_warning]

    def __bool__(self) -> bool:
        """True when there are errors; warnings alone stop nothing."""
        return any(not p.is_warning for p in self.items)

    def __len__(self) -> int:
        """The number of errors."""
        return len(self.errors)

    def sorted(self) -> list[Problem]:
        """Errors and warnings together, by file, line and field."""
        return sorted(self.items, key=lambda p: (p.file, p.line or 0, p.field or ""))

    def report(self) -> str:
        if not self.items:
            return "Alles in Ordnung: keine Probleme gefunden. Super!"
        lines = [p.format() for p in self.sorted()]
        errors, warnings = len(self.errors), len(self.warnings)
        if errors:
            noun = "Stelle" if errors == 1 else "Stellen"
            lines.append(f"\n{errors} {noun} zum Ausbessern gefunden. Keine Sorge, das ist normal! Die Zahl nach dem "
                         "Dateinamen ist die Zeile. Behebe eine Stelle nach der anderen und starte dann "
                         "`make check` noch einmal.")
        if warnings:
            noun = "Warnung" if warnings == 1 else "Warnungen"
            lines.append(("\n" if not errors else "") +
                         f"{warnings} {noun}: Das ist kein Fehler, die Seite wird trotzdem gebaut. Schau dir "
                         f"{'die Stelle' if warnings == 1 else 'die Stellen'} aber an und bessere sie aus, "
                         "wenn der Tipp passt.")
        return "\n".join(lines)


class ContentError(Exception):
    """Raised by the build when the content has problems; carries all of them."""

    def __init__(self, problems: Problems):
        self.problems = problems
        super().__init__(problems.report())
