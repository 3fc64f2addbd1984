"""The image cache (.cache/images/): processed photos, illustrations and social cards by content key.

A key is a hash of everything that decides the output (the source's bytes, the settings, the
drawing code's version), so an unchanged image is never processed twice and a changed one always is.
Each entry is a folder that is complete once its `done.json` exists: it is written last, atomically,
so a build that was interrupted halfway leaves no entry that looks finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time

DONE = "done.json"


def digest(*parts) -> str:
    """A stable key of strings, numbers and bytes."""
    sha = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else repr(part).encode("utf-8")
        sha.update(len(data).to_bytes(8, "big") + data)
    return sha.hexdigest()[:40]


def beside_images(root: str, name: str) -> str:
    """The folder of another cache (.cache/<name>/) beside the image cache, so that a workflow or a benchmark
    that keeps or moves KSG_IMAGE_CACHE keeps all of them together."""
    images = os.environ.get("KSG_IMAGE_CACHE")
    return os.path.join(os.path.dirname(os.path.abspath(images)) if images else os.path.join(root, ".cache"), name)


class ImageCache:
    def __init__(self, folder: str):
        self.folder = folder
        self._hashes_path = os.path.join(folder, "hashes.json")
        self._hashes: dict[str, list] = {}
        self._hashes_changed = False
        try:
            with open(self._hashes_path, encoding="utf-8") as handle:
                self._hashes = json.load(handle)
        except (OSError, ValueError):
            self._hashes = {}

    def file_hash(self, path: str) -> str:
        """The SHA-256 of a file's bytes; remembered by path, size and modification time, so a warm
        build does not read megabytes of unchanged photos again."""
        stat = os.stat(path)
        stamp = [stat.st_size, stat.st_mtime_ns]
        known = self._hashes.get(path)
        if known and known[:2] == stamp:
            return known[2]
        sha = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
        value = sha.hexdigest()
        self._hashes[path] = stamp + [value]
        self._hashes_changed = True
        return value

    def entry(self, kind: str, key: str) -> str:
        return f"{self.folder}{os.sep}{kind}{os.sep}{key[:2]}{os.sep}{key}"  # os.path.join, 20,000 times faster

    # A long-running process (`make serve`, hooks/serve_engine.py) sets a dict here: complete entries never
    # change, so their facts are read from disk once, not 20,000 times per edit at 10,000 stories.
    memory: dict | None = None

    def lookup(self, kind: str, key: str) -> dict | None:
        """The entry's recorded facts when it is complete, else None. Counts nothing."""
        memory = ImageCache.memory
        if memory is not None and (self.folder, kind, key) in memory:
            return memory[(self.folder, kind, key)]
        try:
            with open(os.path.join(self.entry(kind, key), DONE), encoding="utf-8") as handle:
                facts = json.load(handle)
        except (OSError, ValueError):
            return None
        if memory is not None:
            memory[(self.folder, kind, key)] = facts
        return facts

    def staging(self, kind: str) -> str:
        """A fresh folder to write a new entry into; `commit` moves it into place."""
        parent = os.path.join(self.folder, kind)
        os.makedirs(parent, exist_ok=True)
        return tempfile.mkdtemp(prefix=".neu-", dir=parent)

    def commit(self, kind: str, key: str, staging: str, facts: dict) -> str:
        # Read-only: the site gets hard links to these files, and a step that changed a picture in the
        # site in place would otherwise change the cache too.
        for name in os.listdir(staging):
            os.chmod(os.path.join(staging, name), 0o444)
        with open(os.path.join(staging, DONE), "w", encoding="utf-8") as handle:
            json.dump(facts, handle, ensure_ascii=False)
        target = self.entry(kind, key)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.exists(os.path.join(target, DONE)):  # another build made the same picture meanwhile
            shutil.rmtree(staging, ignore_errors=True)
            return target
        if os.path.exists(target):  # an incomplete entry of an earlier, interrupted build
            shutil.rmtree(target, ignore_errors=True)
        try:
            os.replace(staging, target)
        except OSError:  # lost a race against another build: its entry is as good as ours
            shutil.rmtree(staging, ignore_errors=True)
        return target

    def prune(self, used: set[tuple[str, str]], max_age_days: float = 30, every_hours: float = 24) -> int:
        """Removes entries this build did not use and that are older than `max_age_days` (a story's old
        title, a replaced photo), so the cache does not grow for ever. Runs at most every `every_hours`;
        entries of other branches and previews younger than that age stay. Returns how many went."""
        marker = os.path.join(self.folder, "aufgeraeumt")
        now = time.time()
        try:
            if now - os.path.getmtime(marker) < every_hours * 3600:
                return 0
        except OSError:
            pass
        removed = 0
        for kind in os.listdir(self.folder) if os.path.isdir(self.folder) else ():
            base = os.path.join(self.folder, kind)
            if not os.path.isdir(base):
                continue
            for prefix in os.scandir(base):
                if prefix.name.startswith(".neu-"):  # left behind by an interrupted build
                    if prefix.is_dir() and now - prefix.stat().st_mtime > 86400:
                        shutil.rmtree(prefix.path, ignore_errors=True)
                    continue
                if not prefix.is_dir():
                    continue
                for entry in os.scandir(prefix.path):
                    if (kind, entry.name) in used or not entry.is_dir():
                        continue
                    try:
                        age = now - entry.stat().st_mtime
                    except OSError:
                        continue
                    if age > max_age_days * 86400:
                        shutil.rmtree(entry.path, ignore_errors=True)
                        removed += 1
        os.makedirs(self.folder, exist_ok=True)
        with open(marker, "w", encoding="utf-8") as handle:
            handle.write(f"{removed}\n")
        return removed

    def save(self) -> None:
        if not self._hashes_changed:
            return
        os.makedirs(self.folder, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".hashes-", dir=self.folder)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self._hashes, handle)
        os.replace(temporary, self._hashes_path)
        self._hashes_changed = False
