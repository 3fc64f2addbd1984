"""`make release VERSION=2026.1`: a version the institute can publish, reproduce and prove later.

    python tools/release.py 2026.1 [--root .] [--package]

1. refuses an unclean Git tree, an existing tag or content that fails `make check`;
2. builds the site reproducibly with the time the release commit will get (SOURCE_DATE_EPOCH, and the
   publication date from it), and checks that every address of the previous release still answers;
3. writes releases/<version>/urls.txt (the published addresses) and the CHANGELOG.md entry (stories
   added, changed and removed since the previous release tag), and commits both with that time, so
   that a rebuild of the commit (the CI on the tag) gives byte-identical files;
4. packs dist/<version>/: the site as a reproducible tarball, the print edition of each edition as
   PDF, and SHA256SUMS; then tags the commit (annotated tag v<version>).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time

TOOLS = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(TOOLS)
sys.path[:0] = [p for p in (os.path.join(REPO, "hooks"), TOOLS) if p not in sys.path]

VERSION = re.compile(r"^\d{4}\.[1-9]\d*$")
NAME = "kleinstadtgeschichten"
# Files allowed to differ between two builds of the same commit: none. (Pagefind's filter index, which
# Pagefind writes in hash-map order, is put in a stable order by tools/stable_search_index.py.)
UNSTABLE: tuple[str, ...] = ()


class ReleaseError(Exception):
    """A reason to stop, in German, with what to do."""


# --- Git ------------------------------------------------------------------------------------------

def git(root: str, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", "-C", root, *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} ist fehlgeschlagen:\n{result.stderr.strip()}")
    return result.stdout


def commit_epoch(root: str, rev: str = "HEAD") -> int:
    return int(git(root, "log", "-1", "--format=%ct", rev).strip())


def previous_tag(root: str) -> str | None:
    out = git(root, "describe", "--tags", "--abbrev=0", "--match", "v[0-9]*", "HEAD", check=False).strip()
    return out or None


def unclean_files(root: str) -> list[str]:
    return [line for line in git(root, "status", "--porcelain", "--untracked-files=normal").splitlines() if line]


# --- Build ----------------------------------------------------------------------------------------

def build_env(epoch: int | None, today: dt.date | None = None) -> dict:
    env = {"NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": "0"}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
        today = today or dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()
    if today is not None:
        env["KSG_TODAY"] = today.isoformat()
    return env


def build_site(root: str, site_dir: str, epoch: int | None, today: dt.date | None = None) -> int:
    """Build the site of `root` into `site_dir`; with an epoch every date in it comes from there."""
    from stable_search_index import stabilize

    env = dict(os.environ, **build_env(epoch, today))
    env["PYTHONPATH"] = os.pathsep.join([os.path.join(REPO, "hooks"), TOOLS])
    code = subprocess.run([sys.executable, os.path.join(TOOLS, "build.py"), "--config",
                           os.path.join(root, "mkdocs.yml"), "--site-dir", site_dir], env=env).returncode
    if code == 0:
        from stable_search_index import IndexFormatError

        try:
            stabilize(site_dir)  # Pagefind's filter index in a stable order (tools/stable_search_index.py)
        except IndexFormatError as error:
            raise ReleaseError(str(error)) from error
    return code


def site_urls(site_dir: str) -> list[str]:
    """The addresses a reader can link to: every page (a folder with index.html, or an .html file) and
    every XML file (sitemap, feeds); not the theme's assets or the search index, whose names change."""
    urls = []
    for folder, dirs, files in os.walk(site_dir):
        dirs.sort()
        rel = os.path.relpath(folder, site_dir).replace(os.sep, "/")
        rel = "" if rel == "." else rel + "/"
        if rel.startswith(("assets/", "pagefind/")):
            continue
        for name in sorted(files):
            if name == "index.html":
                urls.append("/" + rel)
            elif name.endswith((".html", ".xml")):
                urls.append("/" + rel + name)
    return sorted(urls)


def files_of(site_dir: str) -> list[str]:
    found = []
    for folder, dirs, files in os.walk(site_dir):
        for name in files:
            found.append(os.path.relpath(os.path.join(folder, name), site_dir).replace(os.sep, "/"))
    return sorted(found)


def compare_sites(first: str, second: str) -> list[str]:
    """Files that differ between two builds (or exist in one only), outside the known unstable ones."""
    a, b = files_of(first), files_of(second)
    differences = sorted(set(a) ^ set(b))
    for name in sorted(set(a) & set(b)):
        with open(os.path.join(first, name), "rb") as one, open(os.path.join(second, name), "rb") as two:
            if one.read() != two.read():
                differences.append(name)
    return [name for name in sorted(differences) if not (UNSTABLE and name.startswith(UNSTABLE))]


# --- Packing ----------------------------------------------------------------------------------------

def pack(site_dir: str, tarball: str, prefix: str, epoch: int) -> None:
    """A tarball that depends on the files alone: sorted entries, one mtime, owner root, gzip mtime 0."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        entries = []
        for folder, dirs, files in os.walk(site_dir):
            entries += [os.path.join(folder, d) for d in dirs] + [os.path.join(folder, f) for f in files]
        for path in sorted(entries, key=lambda p: os.path.relpath(p, site_dir).replace(os.sep, "/")):
            rel = os.path.relpath(path, site_dir).replace(os.sep, "/")
            info = tarfile.TarInfo(f"{prefix}/{rel}")
            info.mtime, info.uid, info.gid, info.uname, info.gname = epoch, 0, 0, "root", "root"
            if os.path.isdir(path):
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            else:
                info.mode, info.size = 0o644, os.path.getsize(path)
                with open(path, "rb") as handle:
                    tar.addfile(info, handle)
    with open(tarball, "wb") as out, gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0) as gz:
        gz.write(buffer.getvalue())


def tar_contents(tarball: str) -> dict[str, str]:
    """name -> SHA-256 of every file in a tarball, outside the known unstable ones: what a rebuild must match."""
    found = {}
    with tarfile.open(tarball) as tar:
        for member in tar.getmembers():
            rel = member.name.split("/", 1)[1] if "/" in member.name else ""
            if member.isfile() and not (UNSTABLE and rel.startswith(UNSTABLE)):
                found[rel] = hashlib.sha256(tar.extractfile(member).read()).hexdigest()
    return found


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(folder: str, names: list[str]) -> str:
    """SHA256SUMS in the format of `sha256sum -c`."""
    path = os.path.join(folder, "SHA256SUMS")
    with open(path, "w", encoding="utf-8") as handle:
        for name in sorted(names):
            handle.write(f"{sha256(os.path.join(folder, name))}  {name}\n")
    return path


# --- Changelog ----------------------------------------------------------------------------------------

FOLDER = re.compile(r"^stories/[^/]+/(\d{4}-\d{2}-\d{2})-([a-z0-9-]+)/")


def published_stories(root: str, rev: str | None, today: dt.date) -> dict[str, dict]:
    """slug -> {title, folder, files} of every story published at revision `rev` (None: none)."""
    from kleinstadt.frontmatter import FrontMatterError, as_date, parse

    if rev is None:
        return {}
    listing = git(root, "ls-tree", "-r", rev, "--", "stories/")
    blobs: dict[str, dict[str, str]] = {}  # folder -> {file name: blob id}
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        match = FOLDER.match(path)
        if match:
            folder = match.group(0).rstrip("/")
            blobs.setdefault(folder, {})[path[len(folder) + 1:]] = meta.split()[2]
    stories = {}
    for folder, files in sorted(blobs.items()):
        if "index.md" not in files:
            continue
        text = git(root, "cat-file", "blob", files["index.md"])
        try:
            data = parse(text).data
        except FrontMatterError:
            continue
        embargo = as_date(data.get("embargo"))
        if data.get("status") != "published" or (embargo and embargo > today):
            continue
        slug = str(data.get("slug") or FOLDER.match(folder + "/").group(2))
        stories[slug] = {"title": str(data.get("title", slug)), "folder": folder, "files": files}
    return stories


def changelog_entry(root: str, version: str, previous: str | None, today: dt.date, redirects: dict[str, str],
                    editions: list) -> str:
    from kleinstadt.dates import german_date

    before = published_stories(root, previous, today)
    now = published_stories(root, "HEAD", today)
    added = sorted(set(now) - set(before))
    removed = sorted(set(before) - set(now))
    changed = sorted(slug for slug in set(now) & set(before) if now[slug]["files"] != before[slug]["files"])
    since = f"seit {previous}" if previous else "erste Version"
    lines = [f"## {version} ({german_date(today)})", "", f"Geschichten: {len(added)} neu, {len(changed)} geändert, "
             f"{len(removed)} entfernt ({since}); insgesamt {len(now)} veröffentlicht.", ""]
    if editions:
        lines += ["Ausgaben: " + ", ".join(f"{e.title} (/{e.url})" for e in editions), ""]
    for heading, slugs, source in (("Neue Geschichten", added, now), ("Geänderte Geschichten", changed, now),
                                   ("Entfernte Geschichten", removed, before)):
        if not slugs:
            continue
        lines += [f"### {heading}", ""]
        for slug in slugs:
            line = f"- {source[slug]['title']} (/geschichten/{slug}/)"
            target = redirects.get(f"geschichten/{slug}/")
            if source is before and target:
                line += f", weitergeleitet auf /{target}"
            lines.append(line)
        lines.append("")
    return "\n".join(lines)


def write_changelog(root: str, version: str, entry: str) -> None:
    """Newest entry first; running the release again for the same version replaces its entry."""
    path = os.path.join(root, "CHANGELOG.md")
    head = ("# Änderungen\n\nJede Version der Kleinstadtgeschichten ist ein Git-Tag (v<Version>). Ihre Seite, ihre "
            "Druckausgaben und ihre Prüfsummen (SHA256SUMS) hängen an der Veröffentlichung; die Adressen jeder "
            "Version stehen in releases/<Version>/urls.txt.\n\n")
    entries = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        position = text.find("\n## ")
        entries = text[position + 1:] if position >= 0 else ""
    sections = re.split(r"(?m)^(?=## )", entries)
    kept = [s for s in sections if s.strip() and not s.startswith(f"## {version} ")]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(head + entry.rstrip("\n") + "\n\n" + "".join(s.rstrip("\n") + "\n\n" for s in kept).rstrip("\n")
                     + ("\n" if kept else ""))


def changelog_section(root: str, version: str) -> str:
    """The entry of one version, for the notes of the GitHub release."""
    with open(os.path.join(root, "CHANGELOG.md"), encoding="utf-8") as handle:
        sections = re.split(r"(?m)^(?=## )", handle.read())
    for section in sections:
        if section.startswith(f"## {version} "):
            return section.strip()
    raise ReleaseError(f"CHANGELOG.md hat keinen Eintrag für {version}.")


# --- The release --------------------------------------------------------------------------------------

def release(root: str, version: str, log=print) -> str:
    """Run every step; returns the folder dist/<version>. Raises ReleaseError with a German reason."""
    from kleinstadt.content import load_content

    root = os.path.abspath(root)
    if not VERSION.match(version):
        raise ReleaseError(f"„{version}“ ist keine gültige Version. Schreibe Jahr und laufende Nummer: 2026.1")
    tag = f"v{version}"
    dirty = unclean_files(root)
    if dirty:
        raise ReleaseError("Der Git-Stand ist nicht sauber; eine Version muss genau einem Commit entsprechen:\n  "
                           + "\n  ".join(dirty[:20]) + "\nCommitte oder entferne diese Änderungen zuerst.")
    if git(root, "tag", "--list", tag).strip():
        raise ReleaseError(f"Die Version {version} gibt es schon (Tag {tag}). Wähle die nächste Nummer.")
    check = subprocess.run([sys.executable, "-m", "kleinstadt.cli", "check", "--root", root],
                           env=dict(os.environ, PYTHONPATH=os.path.join(REPO, "hooks")), capture_output=True, text=True)
    if check.returncode != 0:
        raise ReleaseError("`make check` meldet Probleme; so wird keine Version veröffentlicht:\n" + check.stdout)

    previous = previous_tag(root)
    # The release commit gets this moment as its time; the site is built once, with that time, and is
    # exactly what a rebuild of the commit gives (SOURCE_DATE_EPOCH = the commit time, as in the CI).
    epoch = int(time.time())
    day = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()
    dist = os.path.join(root, "dist", version)
    shutil.rmtree(dist, ignore_errors=True)
    os.makedirs(dist)
    site_dir = os.path.join(dist, "site")
    log(f"Baue die Seite ({previous or 'erste Version'} → {version}, SOURCE_DATE_EPOCH={epoch}) …")
    if build_site(root, site_dir, epoch, day) != 0:
        raise ReleaseError("Der Bau der Seite ist fehlgeschlagen (siehe oben).")
    urls = site_urls(site_dir)
    if previous:
        old = git(root, "show", f"{previous}:releases/{previous[1:]}/urls.txt", check=False).split()
        missing = sorted(set(old) - set(urls))
        if missing:
            shutil.rmtree(dist, ignore_errors=True)
            raise ReleaseError(f"Diese Adressen von {previous} führen jetzt ins Leere:\n  " + "\n  ".join(missing)
                               + "\nTrage für jede eine Weiterleitung in redirects.yml ein.")

    content = load_content(root, today=day)
    editions = content.editions.visible(day)
    os.makedirs(os.path.join(root, "releases", version), exist_ok=True)
    with open(os.path.join(root, "releases", version, "urls.txt"), "w", encoding="utf-8") as handle:
        handle.write("".join(url + "\n" for url in urls))
    write_changelog(root, version, changelog_entry(root, version, previous, day, content.redirects, editions))
    git(root, "add", "CHANGELOG.md", f"releases/{version}/urls.txt")
    stamp = f"{epoch} +0000"
    subprocess.run(["git", "-C", root, "commit", "-q", "-m", f"Version {version}: Änderungsliste und veröffentlichte "
                    "Adressen", "--", "CHANGELOG.md", f"releases/{version}/urls.txt"], check=True,
                   env=dict(os.environ, GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp))
    if commit_epoch(root) != epoch:
        raise ReleaseError("Der Commit hat nicht die Zeit des Baus bekommen; bitte melde das als Fehler.")

    dist, names = package(root, version, log, prebuilt=site_dir)
    git(root, "tag", "-a", tag, "-m", f"Kleinstadtgeschichten {version}")
    log(f"Fertig: Version {version} in {os.path.relpath(dist, root)}/ ({', '.join(names)}, SHA256SUMS), Tag {tag}.\n"
        f"Veröffentlichen: git push origin HEAD {tag}  (GitHub baut dann die Seite und hängt die Dateien an.)")
    return dist


def package(root: str, version: str, log=print, expected_urls: list[str] | None = None,
            prebuilt: str | None = None) -> tuple[str, list[str]]:
    """Build the committed state reproducibly and pack dist/<version>/: tarball, PDFs, SHA256SUMS.

    The CI runs this alone on the tag (`--package`): the same commit gives the same files. `prebuilt`
    is a site already built with the commit's time (by `release`), which is then packed as it is."""
    from kleinstadt.content import load_content
    from print_edition import print_edition

    root = os.path.abspath(root)
    if not os.environ.get("SITE_URL"):
        log("Hinweis: SITE_URL ist nicht gesetzt; die Seite im Paket verweist auf die Vorgabe aus mkdocs.yml. "
            "Für die Veröffentlichung: SITE_URL=https://… make release VERSION=…")
    epoch = commit_epoch(root)
    day = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()
    dist = os.path.join(root, "dist", version)
    site_dir = os.path.join(dist, "site")
    if prebuilt is None or os.path.abspath(prebuilt) != site_dir:
        shutil.rmtree(dist, ignore_errors=True)
        os.makedirs(dist)
        log(f"Baue die Seite reproduzierbar (SOURCE_DATE_EPOCH={epoch}, Stichtag {day.isoformat()}) …")
        if build_site(root, site_dir, epoch, day) != 0:
            raise ReleaseError("Der Bau der Seite ist fehlgeschlagen (siehe oben).")
    if expected_urls is not None and site_urls(site_dir) != expected_urls:
        differences = sorted(set(site_urls(site_dir)) ^ set(expected_urls))
        raise ReleaseError("Dieser Bau hat andere Adressen als die in releases/<Version>/urls.txt festgehaltenen:\n  "
                           + "\n  ".join(differences[:20]))
    names = [f"{NAME}-{version}.tar.gz"]
    pack(site_dir, os.path.join(dist, names[0]), f"{NAME}-{version}", epoch)
    content = load_content(root, today=day)
    for edition in content.editions.visible(day):
        name = f"{NAME}-ausgabe-{edition.slug}.pdf"
        log(f"Setze die Druckausgabe {edition.title} …")
        print_edition(content, edition, os.path.join(dist, name), epoch=epoch)
        names.append(name)
    write_checksums(dist, names)
    shutil.rmtree(site_dir)
    return dist, names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Veröffentlicht eine Version der Kleinstadtgeschichten.")
    parser.add_argument("version", help="Jahr und laufende Nummer, zum Beispiel 2026.1")
    parser.add_argument("--root", default=REPO, help="Oberster Ordner des Projekts (ein Git-Repository).")
    parser.add_argument("--package", action="store_true",
                        help="Nur bauen und packen (für die CI am Tag): kein Commit, kein Tag.")
    parser.add_argument("--notes", action="store_true", help="Den CHANGELOG-Eintrag der Version ausgeben.")
    args = parser.parse_args(argv)
    try:
        if args.notes:
            print(changelog_section(args.root, args.version))
        elif args.package:
            recorded = os.path.join(args.root, "releases", args.version, "urls.txt")
            expected = open(recorded, encoding="utf-8").read().split() if os.path.exists(recorded) else None
            dist, names = package(args.root, args.version, expected_urls=expected)
            print(f"Gepackt: {os.path.relpath(dist)}/ ({', '.join(names)}, SHA256SUMS).")
        else:
            release(args.root, args.version)
    except ReleaseError as error:
        print(f"Keine Version veröffentlicht: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
