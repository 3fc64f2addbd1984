"""Pages that the search index does not read, built after Pagefind has started instead of before it.

At 10,000 stories the parent process renders about 4,000 pages of listings (the later pages of every town,
pillar, region, theme and challenge, and of all stories). Pagefind reads none of them (kleinstadt/search.py,
PAGES), yet MkDocs writes them before on_post_build, where Pagefind starts. So on_nav takes them out of
MkDocs' own loop (excluded, as render_pool.py does with the story pages), and on_post_build hands them to a
worker once Pagefind has read its pages and builds the index on one core (render_pool.start_late). Before that they count as pages of
the site again, and MkDocs' sitemap.xml, built without them, is built anew, so that it lists them as before;
the pages are byte for byte the same as when MkDocs' loop builds them.
"""

from __future__ import annotations

import logging

from mkdocs.commands.build import _build_theme_template
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.pages import Page

from render_pool import HideExclusionNotes


class LatePages:
    def __init__(self):
        self.files: list = []
        self.inclusion: dict = {}  # file -> its inclusion before it was deferred

    def defer(self, files: list) -> None:
        """Leave `files` out of MkDocs' loop (call in on_nav, before MkDocs reads the pages)."""
        self.files = list(files)
        self.inclusion = {file: file.inclusion for file in self.files}
        for file in self.files:
            file.inclusion = InclusionLevel.EXCLUDED
        # Links to them still resolve; MkDocs only notes (INFO) that they point to an excluded page.
        logging.getLogger("mkdocs.structure.pages").addFilter(HideExclusionNotes({f.src_uri for f in self.files}))

    def release(self, config, files, nav, env) -> list:
        """Make the deferred pages pages of the site again and write sitemap.xml with them; returns them, to
        be read, rendered and written (render_pool.start_late)."""
        deferred = self.files
        for file, inclusion in self.inclusion.items():
            file.inclusion = inclusion
            if file.page is None:
                Page(None, file, config)  # the sitemap needs only its address
        if deferred and "sitemap.xml" in config.theme.static_templates:
            _build_theme_template("sitemap.xml", env, files, config, nav)
        self.files, self.inclusion = [], {}
        return deferred


late_pages = LatePages()
