"""`make check`: validates all content and lists every problem in German.

    python -m kleinstadt.cli check [--format text|github] [--root PATH]

Exit code 0 when everything is fine or there are only warnings (listed, with `::warning` annotations in
the github format), 1 when there are errors.
"""

from __future__ import annotations

import argparse
import os
import sys

from .content import load_content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kleinstadt", description="Prüft die Inhalte von Kleinstadtgeschichten.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="Alle Geschichten, Orte und Teams prüfen.")
    check.add_argument("--root", default=os.getcwd(), help="Oberster Ordner des Projekts.")
    check.add_argument("--format", choices=("text", "github"), default="text",
                       help="„github“ schreibt Anmerkungen, die GitHub direkt im Pull Request zeigt.")
    args = parser.parse_args(argv)
    content = load_content(args.root)
    problems = content.problems
    if args.format == "github":
        for problem in problems.sorted():
            print(problem.github_annotation())
    print(problems.report())
    if not problems:  # no errors; warnings may have been listed
        counts = ", ".join(_count(n, one, many) for n, one, many in (
            (len(content.stories), "Geschichte", "Geschichten"), (len(content.towns), "Ort", "Orte"),
            (len(content.taxonomy.teams), "Team", "Teams")))
        print(f"Geprüft: {counts}.")
        if args.format == "text":
            print("Als Nächstes: Schau dir deine Geschichte mit `make preview` im Browser an.")
    return 1 if problems else 0


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


if __name__ == "__main__":
    sys.exit(main())
