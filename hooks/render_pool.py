"""Build pages in forked worker processes: the story pages, and later the listing pages Pagefind does not read.

MkDocs renders Markdown and templates page by page on one core; at 10,000 stories that is most of the
build. After the navigation exists (on_nav), the parent forks workers that each read, render and write a
share of the story pages, while the parent builds everything else. The parent marks the story pages as
excluded, so it neither reads nor renders them again: links to them still resolve (MkDocs only notes the
exclusion, and that note is hidden here), and kleinstadt/sitemap.py lists the stories itself. Warnings of
the workers are logged again in the parent, so `strict` still fails the build; on_post_build waits for
the workers before Pagefind reads the HTML. Then one more worker builds the pages late_pages.py held back,
beside Pagefind (start_late), and on_post_build waits for it too.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import traceback

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.pages import Page

log = logging.getLogger("mkdocs.hooks.kleinstadt")
MIN_PAGES = int(os.environ.get("KSG_PARALLEL_MIN", "300"))


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record):
        self.records.append((record.name, record.levelno, record.getMessage()))


class HideExclusionNotes(logging.Filter):
    """Hide MkDocs' note that a page links to a story page the parent left to the workers."""

    def __init__(self, uris: set[str]):
        super().__init__()
        self.uris = uris

    def filter(self, record):
        message = record.getMessage()
        return not (message.endswith("which is excluded from the built site.")
                    and message.rsplit("'", 2)[-2] in self.uris)


class RenderPool:
    def __init__(self):
        self.children: list[tuple[int, int]] = []
        self.collected: dict = {}  # hooks running in workers may put picklable results here

    @staticmethod
    def workers() -> int:
        return max(1, int(os.environ.get("KSG_WORKERS", os.cpu_count() or 1)))

    def start(self, story_files: list, config, files, nav) -> bool:
        """Fork the workers; returns False when the build is too small to be worth it."""
        self.children, self.collected = [], {}
        workers = self.workers()
        if workers < 2 or len(story_files) < MIN_PAGES or not hasattr(os, "fork"):
            return False
        # The workers share the parent's memory until they write to it, and the garbage collector writes to
        # every object it visits: frozen objects are never visited, so a worker copies only what it changes.
        gc.freeze()
        for index in range(workers):
            self._fork(story_files[index::workers], config, files, nav)
        for file in story_files:  # the workers build these pages; the parent skips them from now on
            file.inclusion = InclusionLevel.EXCLUDED
        logging.getLogger("mkdocs.structure.pages").addFilter(HideExclusionNotes({f.src_uri for f in story_files}))
        return True

    def start_late(self, page_files: list, config, files, nav) -> None:
        """Build pages in one more worker, beside Pagefind building its index (late_pages.py). With one core
        (or no fork) they are built here."""
        if not page_files:
            return
        if self.workers() < 2 or not hasattr(os, "fork"):
            self._build(page_files, config, files, nav)
            return
        gc.freeze()
        self._fork(page_files, config, files, nav)

    def _fork(self, share: list, config, files, nav) -> None:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            os.close(read_end)
            result = self._work(share, config, files, nav)
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(result, out)
            os._exit(0)
        os.close(write_end)
        self.children.append((pid, read_end))

    def _work(self, share: list, config, files, nav) -> dict:
        collect = _Collect()
        logging.getLogger("mkdocs").addHandler(collect)
        try:
            self._build(share, config, files, nav)
            return {"warnings": collect.records, "collected": self.collected}
        except BaseException:  # reported by the parent, which fails the build
            return {"warnings": collect.records, "error": traceback.format_exc(), "collected": {}}

    @staticmethod
    def _build(share: list, config, files, nav) -> None:
        """Read, render and write the pages of `share` as MkDocs' own loop would, and check their links."""
        env = config.theme.get_env()
        env = config.plugins.on_env(env, config=config, files=files)
        doc_files = files.documentation_pages()
        for file in share:
            if file.page is None:
                Page(None, file, config)
            _populate_page(file.page, config, files)
        level = config.validation.links.anchors
        for file in share:
            _build_page(file.page, config, doc_files, nav, env)
            file.page.validate_anchor_links(files=files, log_level=level)
        _validate_links_into(set(share), files, level)

    def finish(self) -> None:
        """Wait for every worker; re-log their warnings; fail the build if one of them failed."""
        errors = []
        for pid, read_end in self.children:
            with os.fdopen(read_end, "rb") as handle:
                data = handle.read()
            _, status = os.waitpid(pid, 0)
            if not data:
                errors.append(f"Ein Arbeitsprozess ist abgestürzt (Status {status}).")
                continue
            self._merge(pickle.loads(data), errors)
        self.children = []
        gc.unfreeze()
        if errors:
            raise PluginError("Fehler beim Bauen der Seiten:\n" + "\n".join(errors))

    def _merge(self, result: dict, errors: list) -> None:
        """Re-log a worker's warnings and take what its hooks collected."""
        for name, level, message in result["warnings"]:
            logging.getLogger(name).log(level, message)
        for key, value in result["collected"].items():
            if isinstance(value, dict):
                self.collected.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                self.collected.setdefault(key, []).extend(value)
            else:
                self.collected[key] = value
        if "error" in result:
            errors.append(result["error"])


def _validate_links_into(share: set, files, level: int) -> None:
    """Check links with an anchor from pages built elsewhere (already read in this process) to the pages
    of `share`: MkDocs checked them while these pages were not built yet, and skipped them."""
    for file in files.documentation_pages():
        page = file.page
        if file in share or page is None or not page.links_to_anchors:
            continue
        links = page.links_to_anchors
        into = {target: found for target, found in links.items() if target in share}
        if not into:
            continue
        page.links_to_anchors = into
        try:
            page.validate_anchor_links(files=files, log_level=level)
        finally:
            page.links_to_anchors = links


pool = RenderPool()
