"""`.github/CODEOWNERS` from taxonomy.yml and towns/: who reviews which folder.

Every town folder stories/<ort>/ belongs to the institute's editors and to the youth newsrooms of that
town; everything else to the editors alone. The file is generated, never edited by hand, so that it
cannot drift from the registered teams (tests/test_contributing.py compares the two).

    make codeowners                      # writes .github/CODEOWNERS
    python tools/codeowners.py           # prints it
    python tools/codeowners.py --write   # writes .github/CODEOWNERS
"""

from __future__ import annotations

import argparse
import glob
import os
import sys

from kleinstadt.problems import Problems
from kleinstadt.taxonomy import load_taxonomy

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ORGANISATION = "kleinstadtgeschichten"  # the GitHub organisation; CONTRIBUTING.md lists the teams to create there
PATH = os.path.join(".github", "CODEOWNERS")


def handle(team_slug: str) -> str:
    return f"@{ORGANISATION}/{team_slug}"


def render(root: str) -> str:
    taxonomy = load_taxonomy(root, Problems(root))
    editors = [handle(team.slug) for team in taxonomy.teams.values() if team.kind == "institut"]
    if not editors:
        raise SystemExit("taxonomy.yml nennt kein Team der Art „institut“: Wer soll prüfen?")
    towns = sorted(os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(root, "towns", "*.md")))
    lines = [
        "# Wer Änderungen prüft (GitHub fragt diese Teams automatisch um ein Review).",
        "# Erzeugt von tools/codeowners.py aus taxonomy.yml und towns/: nicht von Hand ändern,",
        "# sondern nach einer Änderung der Teams `make codeowners` ausführen.",
        "# Die Teams legt die GitHub-Organisation an (siehe CONTRIBUTING.md). Die letzte passende Zeile gilt.",
        "",
        f"*  {' '.join(editors)}",
        "",
        "# Jeder Ortsordner: die Redaktion und die Jugendredaktionen des Ortes.",
    ]
    for town in towns:
        newsrooms = [handle(team.slug) for team in taxonomy.teams.values()
                     if team.is_youth_newsroom and team.town == town]
        lines.append(f"/stories/{town}/  {' '.join(editors + newsrooms)}")
    lines += [
        "",
        "# Technik, Teams und Abläufe: nur die Redaktion.",
        f"/taxonomy.yml  {' '.join(editors)}",
        f"/.github/  {' '.join(editors)}",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Erzeugt .github/CODEOWNERS aus taxonomy.yml und towns/.")
    parser.add_argument("--root", default=REPO)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    text = render(args.root)
    if args.write:
        os.makedirs(os.path.join(args.root, ".github"), exist_ok=True)
        with open(os.path.join(args.root, PATH), "w", encoding="utf-8") as handle_:
            handle_.write(text)
        print(f"{PATH} geschrieben.")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
