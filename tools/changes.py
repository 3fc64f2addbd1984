"""What a branch changes against `main`: the stories and town profiles it adds or edits.

Counts the commits of the branch (`git diff --name-only main...HEAD`) and whatever is not committed yet
(changed, staged or new files), so that `make preview` and `make review` show work in progress too.
A changed image or other file in a story's folder counts as a change of that story.

    python tools/changes.py [--base main] [--root PFAD]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass, field


@dataclass
class Changes:
    base: str | None  # the revision compared against; None when there is none (a fresh repository)
    stories: list[str] = field(default_factory=list)  # index.md of each changed story, relative, sorted
    added: set[str] = field(default_factory=set)  # those of `stories` that the base does not have
    towns: list[str] = field(default_factory=list)  # slugs of changed town profiles
    removed: list[str] = field(default_factory=list)  # story folders deleted by the branch


def _git(root: str, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip() or f"git {' '.join(args)} ist fehlgeschlagen.")
    return result.stdout


def find_base(root: str, base: str = "main") -> str | None:
    """`main`, or `origin/main` in a fork's clone or in CI; None when neither exists."""
    for candidate in (base, f"origin/{base}"):
        if subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"], cwd=root,
                          capture_output=True).returncode == 0:
            return candidate
    return None


def changed_files(root: str, base: str | None) -> set[str]:
    """Paths (relative to the repository) that the branch and the work tree change against `base`."""
    files: set[str] = set()
    if base:
        # Three dots: only what the branch did since it left main, not what main did meanwhile.
        files.update(_git(root, "diff", "--name-only", "--no-renames", f"{base}...HEAD", "--").splitlines())
    has_head = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=root,
                              capture_output=True).returncode == 0
    if has_head:
        files.update(_git(root, "diff", "--name-only", "--no-renames", "HEAD", "--").splitlines())
    files.update(_git(root, "ls-files", "--others", "--exclude-standard", "--full-name", "--",
                      "stories", "towns").splitlines())  # paths from the top, like git diff
    return {path for path in files if path}


def changes(root: str, base: str = "main") -> Changes:
    root = os.path.abspath(root)
    top = _git(root, "rev-parse", "--show-toplevel").strip()
    prefix = os.path.relpath(root, top).replace(os.sep, "/")
    prefix = "" if prefix == "." else prefix + "/"
    resolved = find_base(root, base)
    result = Changes(resolved)
    stories, towns, removed = set(), set(), set()
    for path in changed_files(root, resolved):
        if not path.startswith(prefix):
            continue
        parts = path[len(prefix):].split("/")
        if parts[0] == "stories" and len(parts) >= 4:
            story = "/".join(parts[:3]) + "/index.md"
            if os.path.isfile(os.path.join(root, story)):
                stories.add(story)
            elif not os.path.isdir(os.path.join(root, *parts[:3])):
                removed.add("/".join(parts[:3]))
        elif parts[0] == "towns" and len(parts) == 2 and parts[1].endswith(".md"):
            if os.path.isfile(os.path.join(root, *parts)):
                towns.add(parts[1][:-3])
    result.stories, result.towns, result.removed = sorted(stories), sorted(towns), sorted(removed)
    if resolved and result.stories:
        in_base = set(_git(root, "ls-tree", "-r", "--name-only", resolved, "--",
                           *[prefix + story for story in result.stories]).splitlines())
        result.added = {story for story in result.stories if prefix + story not in in_base}
    else:
        result.added = set(result.stories)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Listet die Geschichten, die ein Zweig gegenüber main ändert.")
    parser.add_argument("--root", default=os.getcwd())
    parser.add_argument("--base", default="main", help="Womit verglichen wird (Standard: main).")
    args = parser.parse_args(argv)
    try:
        found = changes(args.root, args.base)
    except RuntimeError as error:
        print(f"Git meldet: {error}", file=sys.stderr)
        return 1
    for story in found.stories:
        print(("neu       " if story in found.added else "geändert  ") + story)
    for folder in found.removed:
        print("gelöscht  " + folder)
    for town in found.towns:
        print("Ort       towns/" + town + ".md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
