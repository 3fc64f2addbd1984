"""The incremental build behind `make serve` (tools/serve.py): one full build, then per edit only the pages
whose content changed.

It runs MkDocs' own build steps (mkdocs/commands/build.py) in this process and keeps what they made: the
loaded content, the files, the navigation and the Jinja environment. After an edit to story texts only,
`update()` reads just those stories again (kleinstadt/incremental.py), rebuilds the views, the files and the
navigation, and renders a page only when its signature changed: the story itself, the stories whose
"Ähnliche Geschichten" or "Mehr aus …" show it, the pages of every index it is or was on (town, pillars,
region, themes, all stories, ...), and always the home page, the overviews, the editions and the
hand-written pages. Feeds, open data, sitemap and pictures are written again (cheap). Pages that no longer
exist (a deleted or renamed story, an index page fewer) are removed. Anything else (taxonomy.yml, a town,
a pillar text, a page, an edition, a template, a picture) rebuilds everything, as does an error in a story
(then the previous pages stay and the errors are logged).

The search index is not part of it: tools/serve.py builds it once in the background.
"""

from __future__ import annotations

import logging
import gc
import glob
import os
import threading
import time
from urllib.parse import urlsplit

from mkdocs.commands.build import _build_page, _build_theme_template, _populate_page, get_navigation
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files, get_files, set_exclusions
from mkdocs.structure.pages import Page

from kleinstadt import feeds, incremental, opendata, praxisblatt, sitemap
from kleinstadt.imagecache import ImageCache
from kleinstadt.views import build_views

log = logging.getLogger("mkdocs.hooks.kleinstadt.serve")


class ContentProblems(PluginError):
    """An edited story has errors (logged in German): nothing was changed."""


class Engine:
    """`full()` once (and on every change that needs it), `update(paths)` for edits to story texts."""

    def __init__(self, config):
        self.config = config
        ImageCache.memory = {} if ImageCache.memory is None else ImageCache.memory
        self.hooks = next(module for module in config.hooks.values() if hasattr(module, "state"))
        self.files = None
        self._base_files = None  # pages/ and the theme, as found by the last full build
        self.nav = None
        self.env = None
        self.signatures: dict = {}
        self.outputs: set[str] = set()  # site-relative paths of the pages written
        self.story_html: dict[str, str] = {}  # slug -> rendered body, for the feeds
        self.last: dict = {}  # what the last run did, for the log and the benchmark
        self._broken = False  # an update failed half-way: the next change rebuilds everything
        self._finish_lock = threading.Lock()
        self._pending = None  # what finish() writes next
        self._generation = 0  # counts full builds

    @property
    def state(self):
        return self.hooks.state

    # --- the whole site -----------------------------------------------------------------------

    def full(self) -> None:
        """MkDocs' build (mkdocs/commands/build.py) step by step, keeping its objects; no search index."""
        started = time.perf_counter()
        config = self.config
        self.state.defer_search = True
        config.plugins.on_config(config)
        config.plugins.on_pre_build(config=config)
        self._structure()
        for file in self.files.documentation_pages():
            if file.page is None:
                Page(None, file, config)
            _populate_page(file.page, config, self.files)
        self.env = config.plugins.on_env(config.theme.get_env(), config=config, files=self.files)
        self.files.copy_static_files()
        for template in config.theme.static_templates:
            _build_theme_template(template, self.env, self.files, config, self.nav)
        pages = self.files.documentation_pages()
        for file in pages:
            self._render(file, pages)
        for file in pages:
            file.page.validate_anchor_links(files=self.files, log_level=config.validation.links.anchors)
        with self._finish_lock:  # an update's late feeds must not overwrite these
            self._generation += 1
            self._pending = None
            config.plugins.on_post_build(config=config)
            self._remember_outputs(set())
            self._prune_media(self.state.media)
            self._placed = {address for address, _ in self.state.media._outputs}
        # A full build leaves millions of objects; without this, the garbage collector walks all of them
        # again during the next edit (seconds at 10,000 stories). They live as long as the preview.
        gc.collect()
        gc.freeze()
        self.signatures = self._signatures()
        self.last = {"kind": "full", "rendered": len(pages), "removed": 0, "seconds": time.perf_counter() - started}

    # --- an edit ------------------------------------------------------------------------------

    def update(self, paths: set[str], finish: bool = True) -> dict:
        """Rebuild after changes to `paths`; a change beyond story texts rebuilds everything. With
        `finish=False` the pages are written, and feeds, open data, sitemap and pictures wait for `finish()`
        (tools/serve.py lets the browser reload in between)."""
        root = self.state.views.content.root
        if self._broken or incremental.classify(root, paths) == "full":
            self._broken = True  # until a full build succeeds
            self.full()
            self._broken = False
            return self.last
        try:
            return self._update(paths, finish)
        except ContentProblems:
            raise  # the state before the edit is still whole
        except Exception:
            self._broken = True  # half an update: the next one builds everything
            raise

    def _update(self, paths: set[str], finish: bool) -> dict:
        started = time.perf_counter()
        config, state = self.config, self.state
        content = incremental.reload_stories(state.views.content, paths)
        for problem in content.problems.warnings:
            log.info(problem.format())
        if content.problems:
            for problem in content.problems.errors:
                log.error(problem.format())
            raise ContentProblems(f"{len(content.problems)} Problem(e) in den Inhalten: Die Vorschau zeigt weiter "
                                  "den letzten fehlerfreien Stand.")
        old_feed_entries = set(state.feed_entries)
        old_views = state.views
        state.views = build_views(content, self.hooks.include_drafts())
        # the changed stories before and after, and every story whose page may show one of them
        files, folders = incremental.story_files(paths)

        def touched(story) -> bool:
            return story.path in files or story.path.startswith(tuple(folders))

        changed = incremental.neighbours(old_views, [s for s in old_views.stories if touched(s)])
        changed |= incremental.neighbours(state.views, [s for s in state.views.stories if touched(s)])
        state.feed_entries = feeds.entry_slugs(state.views)
        self._structure(reuse=True)
        self.env = config.plugins.on_env(self.env, config=config, files=self.files)
        signatures = incremental.signatures(state.views, state.pages, state.editions, self.signatures, changed)
        new_in_feeds = state.feed_entries - old_feed_entries
        chosen = []
        doc_files = self.files.documentation_pages()
        for file in doc_files:
            entry = state.pages.get(file.src_uri)
            signature = signatures.get(file.src_uri)
            if (entry is None or signature is None or file.src_uri not in self.signatures
                    or self.signatures[file.src_uri] != signature
                    or (entry[0] == "story" and entry[1].slug in new_in_feeds)):
                chosen.append(file)
        for file in chosen:
            if file.page is None:
                Page(None, file, config)
            _populate_page(file.page, config, self.files)
        for file in chosen:
            self._render(file, doc_files)
            file.page.validate_anchor_links(files=self.files, log_level=config.validation.links.anchors)
        rendered_at = time.perf_counter()
        removed = self._remember_outputs({file.dest_uri for file in doc_files})
        self.signatures = signatures
        self.last = {"kind": "stories", "rendered": len(chosen), "removed": removed,
                     "pages_seconds": rendered_at - started, "seconds": time.perf_counter() - started}
        # What feeds, open data, sitemap and pictures need, fixed now: finish() may run in another thread
        # while the next edit is being built (tools/serve.py).
        with self._finish_lock:
            self._pending = (self._generation, state.views, state.media, self.files, self.nav,
                             dict(self.hooks.pool.collected.get("story_html", {})))
        if finish:
            self.finish()
        return self.last

    def finish(self) -> float:
        """Feeds, open data, sitemap and pictures of the latest `update(..., finish=False)`; returns the
        seconds (0 when there was nothing to do). Safe to call from a second thread."""
        with self._finish_lock:
            pending, self._pending = self._pending, None
            if pending is None or pending[0] != self._generation:  # a full build came after it
                return 0.0
            started = time.perf_counter()
            self._after_pages(*pending[1:])
            seconds = time.perf_counter() - started
        self.last["finish_seconds"] = seconds
        return seconds

    # --- steps --------------------------------------------------------------------------------

    def _structure(self, reuse: bool = False) -> None:
        """Files (the adapter's on_files adds stories, indexes and pictures), exclusions and navigation.

        With `reuse` (an edit to stories), the files of pages/ and the theme are the ones found before, and
        every file whose source is unchanged keeps its object and its Page: MkDocs would otherwise make
        13,000 Page objects again at 10,000 stories."""
        config = self.config
        if reuse and self._base_files is not None:
            files = Files(list(self._base_files))
        else:
            files = get_files(config)
            files.add_files_from_theme(config.theme.get_env(), config)
            self._base_files = list(files)
        old = self.files
        files = config.plugins.on_files(files, config=config)
        if reuse and old is not None:
            kept = []
            for file in files:
                before = old.get_file_from_path(file.src_uri)
                kept.append(before if before is not None and _same_source(before, file) else file)
            files = Files(kept)
        set_exclusions(files, config)
        nav = get_navigation(files, config)
        self.nav = config.plugins.on_nav(nav, config=config, files=files)
        self.files = files

    def _render(self, file, doc_files) -> None:
        _build_page(file.page, self.config, doc_files, self.nav, self.env)

    def _signatures(self) -> dict:
        return incremental.signatures(self.state.views, self.state.pages, self.state.editions)

    def _remember_outputs(self, current: set[str]) -> int:
        """Remove pages written before that the site no longer has; remember the current ones."""
        if not current:
            current = {file.dest_uri for file in self.files.documentation_pages()}
        site_dir = self.config.site_dir
        removed = 0
        for gone in sorted(self.outputs - current):
            removed += self._remove(gone)
        self.outputs = current
        return removed

    def _remove(self, address: str) -> int:
        """Remove one file of the site and the folders it leaves empty."""
        site_dir = self.config.site_dir
        path = os.path.join(site_dir, address)
        try:
            os.remove(path)
        except FileNotFoundError:
            return 0
        folder = os.path.dirname(path)
        try:  # the finishing thread may empty the same folder (a deleted story's page and card)
            while folder.startswith(site_dir + os.sep) and not os.listdir(folder):
                os.rmdir(folder)
                folder = os.path.dirname(folder)
        except OSError:
            pass
        return 1

    def _after_pages(self, views, media, files, nav, story_html) -> None:
        """What on_post_build writes after the pages, without the search index; stale pictures go."""
        config = self.config
        site_dir = config.site_dir
        self._prune_media(media)
        self._place_media(site_dir, media._outputs)
        for template in ("sitemap.xml",):
            if template in config.theme.static_templates:
                _build_theme_template(template, self.env, files, config, nav)
        publisher = config.site_author or config.site_name
        feeds.write_feeds(site_dir, views, config.site_url, story_html, publisher, media)
        opendata.write_open_data(site_dir, views, config.site_url, publisher)
        sitemap.write_sitemap_and_robots(site_dir, views, config.site_url)
        praxisblatt.write_sheets(site_dir, views, self.state.sheet_url or config.site_url)  # from its cache, unless a practice changed
        wanted = {story.url + praxisblatt.FILE_NAME for story in views.stories if story.practice is not None}
        for path in glob.glob(os.path.join(site_dir, "geschichten", "*", praxisblatt.FILE_NAME)):
            address = os.path.relpath(path, site_dir).replace(os.sep, "/")
            if address not in wanted:  # a story deleted, renamed or without its practice now
                self._remove(address)

    def _prune_media(self, media) -> None:
        """Remove pictures placed before that the site no longer uses (a deleted story's card)."""
        wanted = {address for address, _ in media._outputs}
        for address in sorted(getattr(self, "_placed", set()) - wanted):
            self._remove(address)

    def _place_media(self, site_dir: str, outputs) -> None:
        """Hard links as Media.write makes them, but only where the site does not have that file already."""
        for address, source in outputs:
            target = os.path.join(site_dir, address)
            try:
                if os.path.samefile(source, target):
                    continue
                os.unlink(target)
            except FileNotFoundError:
                os.makedirs(os.path.dirname(target), exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                import shutil
                shutil.copyfile(source, target)
        self._placed = {address for address, _ in outputs}


def _same_source(before, after) -> bool:
    """The same generated text or the same source file, so that the old File (and its Page) can stay."""
    if before.src_uri != after.src_uri or before.generated_by != after.generated_by:
        return False
    if after.generated_by is None:  # a file of pages/ or the theme
        return before.abs_src_path == after.abs_src_path
    content = after.__dict__.get("_content")
    if content is not None:
        return before.__dict__.get("_content") == content
    return before.abs_src_path == after.abs_src_path


def serve_url(config) -> str:
    """The address MkDocs' serve gives the site: http://host:port/ plus the path of site_url."""
    host, port = config.dev_addr
    path = urlsplit(config.site_url or "/").path or "/"
    return f"http://{host}:{port}{path if path.endswith('/') else path + '/'}"
