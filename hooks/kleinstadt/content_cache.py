"""The story cache (.cache/geschichten/): each story as `load_story` found it, with its problems.

At 10,000 stories, reading and checking every index.md took 4 seconds of every build, although between
two builds hardly a story changes. A story's result depends on nothing but its file, its folder (the
images and files it names), the taxonomy, the known towns and the checking code (with the libraries it
calls). The key is a hash of all of them, so an entry can never be stale, only unused: whatever changed,
the key changes with it and the story is checked anew. Errors and warnings are kept with the story and
reported again on every load; checks across stories (unique addresses, links, editions) always run.

`KSG_CONTENT_CACHE=0` checks every story anew (as `KSG_FRAGMENT_CACHE=0` renders every page anew).
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import importlib.metadata
import os
import pickle
import sys
import threading

import cmarkgfm.cmark
import markdown
import PIL
import slugify
import yaml

from . import story as story_module
from .imagecache import beside_images
from .imagecache import digest as _digest
from .problems import Problem, Problems
from .story import Story, load_story
from .taxonomy import TAXONOMY_FILE

ENVIRONMENT = "KSG_CONTENT_CACHE"
FOLDER = "geschichten"
FORMAT = "1"  # raise when the layout of an entry changes
SUFFIX = ".pickle"


def enabled() -> bool:
    return os.environ.get(ENVIRONMENT, "1") != "0"


def cache_folder(root: str) -> str:
    """Beside the image cache, as the Praxisblätter (praxisblatt.cache_folder). CI needs not keep it: `make
    check` fills it, and `make build` after it in the same job reads it."""
    return beside_images(root, FOLDER)


def _modules_of(start: str) -> list[str]:
    """The source files of `start` and of every module of this package it imports, directly or not:
    a change to any of them may change what a story's check finds."""
    package = os.path.dirname(start)
    seen, todo = set(), [start]
    while todo:
        path = todo.pop()
        if path in seen or not os.path.isfile(path):
            continue
        seen.add(path)
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
        for node in ast.walk(tree):  # also imports inside functions
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                names = [node.module] if node.module else [alias.name for alias in node.names]
                todo.extend(os.path.join(package, name.split(".")[0] + ".py") for name in names)
    return sorted(seen)


def _code_version() -> str:
    """The checking code as it is imported now: read at import, so a process that runs for long (`make serve`)
    never writes entries of its old code under the key of code edited since."""
    parts: list = [sys.version, FORMAT]
    for path in _modules_of(story_module.__file__) + [os.path.abspath(__file__)]:
        with open(path, "rb") as handle:
            parts += [os.path.basename(path), handle.read()]
    # The libraries whose results end up in a story or its messages: YAML (and libyaml), images, Markdown.
    parts += [yaml.__version__, yaml.__with_libyaml__, PIL.__version__, cmarkgfm.cmark.CMARK_VERSION,
              _version("cmarkgfm"), slugify.__version__, markdown.__version__]
    return _digest(*parts)


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except Exception:  # noqa: BLE001 - installed without metadata: its C library's version still counts
        return None


CODE_VERSION = _code_version()


def _folder_state(folder: str) -> list | None:
    """Every name in the story's folder and below (links and the title image are looked up there, ignoring
    case), with size, times and inode of each file (images are checked by their content). None when the
    folder has a symbolic link, whose target could change unseen: such a story is not cached."""
    state, todo = [], [""]
    while todo:
        relative = todo.pop()
        with os.scandir(os.path.join(folder, relative) if relative else folder) as entries:
            for entry in entries:
                if entry.is_symlink():
                    return None
                name = relative + entry.name
                if entry.is_dir():
                    state.append((name, "/"))
                    todo.append(name + "/")
                elif name != "index.md":  # known by its bytes
                    stat = entry.stat()
                    state.append((name, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino))
    state.sort()
    return state


def body_of(raw: bytes, body_line: int) -> str:
    """The body as read_text and frontmatter.split cut it from the file: everything after its first
    `body_line - 1` line breaks. Counted in the bytes and only the body decoded, which took a third of
    the time of a warm load when the whole file was decoded and split into lines."""
    start = 0
    for _ in range(body_line - 1):
        start = raw.find(b"\n", start) + 1
        if start == 0:  # the file ends with the closing `---`
            return ""
    body = raw[start:].decode("utf-8")
    return body.replace("\r\n", "\n") if "\r" in body else body


class StoryCache:
    """One file per story, named by a hash of its path, holding the key it was made under.

    Measured at 10,000 stories (entries of about 1.5 KB): opening and reading the 10,000 files took 0.12 s,
    unpickling 0.26 s; one file for all (12 MB) took 0.40 s to read and unpickle, about the same, but
    0.2 to 0.5 s to write again whenever one story changed, and a preview of one story would read all of
    it. Files per story also let the processes of a cold load write their own. Named by path, not by key,
    an entry is replaced when its story changes, so the cache holds one entry per story (and worktree)
    and never grows beyond. The body is left out (it would make 150 MB): it is read anyway for the key."""

    def __init__(self, folder: str, root: str, stories_root: str, town_slugs):
        self.folder = folder
        self.stories_root = stories_root
        try:
            with open(os.path.join(root, TAXONOMY_FILE), "rb") as handle:
                taxonomy = handle.read()
        except OSError:
            taxonomy = None
        self.context = _digest(FORMAT, CODE_VERSION, os.path.abspath(root), os.path.abspath(stories_root),
                               taxonomy, sorted(town_slugs))
        self.reused = 0  # stories taken from the cache in this load
        self.checked = 0  # stories read and checked anew

    @classmethod
    def for_content(cls, root: str, stories_root: str, town_slugs) -> StoryCache | None:
        """The cache for this load, or None when switched off."""
        return cls(cache_folder(root), root, stories_root, town_slugs) if enabled() else None

    def _entry(self, path: str) -> str:
        name = _digest(path)  # absolute already (glob of the absolute stories/, or load_preview)
        return f"{self.folder}{os.sep}{name[:2]}{os.sep}{name}{SUFFIX}"  # os.path.join costs more

    def key(self, path: str) -> tuple[str, bytes] | None:
        """The story's key and its file's bytes; None when it cannot be cached (left to `load_story`)."""
        # Only a file where a story belongs: load_story refuses any other without reading it, and the
        # folder of a stray stories/notiz.md would be the whole stories/ tree.
        parts = path[len(self.stories_root) + 1:].split(os.sep) if path.startswith(self.stories_root + os.sep) else ()
        if len(parts) != 3 or parts[2] != "index.md":
            return None
        try:
            with open(path, "rb") as handle:
                raw = handle.read()
            folder = _folder_state(os.path.dirname(path))
        except OSError:
            return None
        if folder is None:
            return None
        return _digest(self.context, path, hashlib.sha256(raw).digest(), folder), raw

    def lookup(self, path: str) -> tuple[tuple[Story | None, list[Problem]] | None, str | None | bool]:
        """(the cached result or None, the key: None when the story cannot be cached). An entry that is
        missing, unreadable, of another key or broken counts as missing and is made anew. Without an entry
        the key is not made here (False): the processes of a cold load make it, so the first build does not
        read every file twice in a row. The key alone goes to them, not the bytes it was made of."""
        try:
            with open(self._entry(path), "rb") as handle:
                data = handle.read()
        except OSError:
            return None, False
        made = self.key(path)
        if made is None:
            return None, None
        key, raw = made
        try:
            head = key.encode("ascii") + b"\n"
            if not data.startswith(head):
                return None, key
            story, items = pickle.loads(data[len(head):])
            if not (story is None or isinstance(story, Story)) or not all(isinstance(p, Problem) for p in items):
                return None, key
            if story is not None:
                story.body = body_of(raw, story.body_line)
        except Exception:  # noqa: BLE001 - a cache that cannot be read is no cache, never a failed build
            return None, key
        return (story, list(items)), key

    _made: set[str] = set()  # folders this process has made or found

    def store(self, path: str, key: str, story: Story | None, items: list[Problem]) -> None:
        kept = dataclasses.replace(story, body="") if story is not None else None
        data = key.encode("ascii") + b"\n" + pickle.dumps((kept, items), protocol=pickle.HIGHEST_PROTOCOL)
        entry = self._entry(path)
        folder = os.path.dirname(entry)
        # A name of this process and thread: nobody else writes it, and no random name is needed.
        temporary = f"{entry}.{os.getpid()}-{threading.get_ident()}.neu"
        try:
            if folder not in self._made:
                os.makedirs(folder, exist_ok=True)
                self._made.add(folder)
            with open(temporary, "wb") as handle:
                handle.write(data)
            os.replace(temporary, entry)  # whole or not at all, whatever runs beside it
        except OSError:  # a read-only checkout: the next load checks again, nothing worse
            self._made.discard(folder)  # perhaps deleted meanwhile
            try:
                os.unlink(temporary)
            except OSError:
                pass


def summary(cache: StoryCache | None, seconds: float) -> str:
    """The build log's line on loading the content."""
    if cache is None:
        return f"Inhalte geladen in {seconds:.2f} s, jede Geschichte geprüft ({ENVIRONMENT}=0)."
    stories = "Geschichte" if cache.checked == 1 else "Geschichten"
    return (f"Inhalte geladen in {seconds:.2f} s: {cache.checked} {stories} geprüft, {cache.reused} aus dem "
            f"Zwischenspeicher ({cache.folder}).")


def load_checked(cache: StoryCache | None, path: str, key: str | None | bool, stories_root: str,
                 taxonomy, town_slugs, root: str) -> tuple[Story | None, list[Problem]]:
    """`load_story` with the problems of this story alone, stored when there is a cache; `key` as
    `StoryCache.lookup` gave it (False: still to be made)."""
    problems = Problems(root)
    if cache is not None and key is False:
        made = cache.key(path)
        key = made[0] if made else None
    story = load_story(path, stories_root, taxonomy, town_slugs, problems)
    if cache is not None and key:
        cache.store(path, key, story, problems.items)
    return story, problems.items
