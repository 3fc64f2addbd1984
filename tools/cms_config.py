"""`make cms-config`: writes editor/config.yml, the web editor's configuration, from the content model.

    python tools/cms_config.py [--root PFAD] [--check]

--check writes nothing and fails when the committed file differs (the test suite does the same).
"""

from __future__ import annotations

import argparse
import os
import sys

from kleinstadt.editor_config import CONFIG_FILE, render

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    parser = argparse.ArgumentParser(description="Erzeugt editor/config.yml für den Web-Editor (/redaktion/).")
    parser.add_argument("--root", default=REPO)
    parser.add_argument("--check", action="store_true", help="nur prüfen, ob die Datei aktuell ist")
    args = parser.parse_args()
    path = os.path.join(args.root, CONFIG_FILE)
    text = render(args.root)
    current = open(path, encoding="utf-8").read() if os.path.exists(path) else None
    if args.check:
        if current != text:
            print(f"{CONFIG_FILE} ist veraltet: `make cms-config` ausführen und die Datei committen.", file=sys.stderr)
            return 1
        print(f"{CONFIG_FILE} ist aktuell.")
        return 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"{CONFIG_FILE} {'unverändert' if current == text else 'geschrieben'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
