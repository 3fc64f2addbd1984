"""The MkDocs adapter: turns the content model and its views into pages.

The only module that knows MkDocs. It validates all content before anything is written (a problem
aborts the build with every message listed), adds stories, towns and generated index pages as
virtual files, picks their templates and hands the templates their data.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import time

import jinja2
import mkdocs_redirects.plugin
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.toc import get_toc

from kleinstadt import content as content_module
from kleinstadt import content_cache
from kleinstadt.preview import load_for_build
from kleinstadt.dates import german_date
from kleinstadt import editor_page, feeds, opendata, praxisblatt, sitemap
from kleinstadt.linked_data import LinkedData
from kleinstadt.redirects import REDIRECT_PAGE, redirect_maps
from kleinstadt import search
from kleinstadt import compact, escaping, security, story_markdown
from kleinstadt.imagecache import beside_images
from kleinstadt.map import Maps
from kleinstadt.media import Media, MediaError, is_image
from kleinstadt.views import Listing, ListingPage, Views, build_views
from late_pages import late_pages
from render_pool import pool
from url_filter import url_filter

log = logging.getLogger("mkdocs.hooks.kleinstadt")
SITE_LINK = re.compile(r'((?:href|src)=")/(?!/)')


class FragmentCache(dict):
    """Template fragments that are the same on many pages, rendered once (see overrides/main.html)."""

    enabled = os.environ.get("KSG_FRAGMENT_CACHE", "1") != "0"
    TITLE = "\x00ksg-title\x00"  # where a page's title goes into a fragment rendered once (no text holds it)

    def remember(self, key: str, html: str) -> str:
        self[key] = html
        return html

    @staticmethod
    def card_key(slug: str, heading: str, card_class: str, base_url: str) -> str:
        return f"card:{slug}:{heading}:{card_class}:{base_url}"

    def card(self, slug: str, heading: str, card_class: str, base_url: str):
        """A story's card if partials/ksg-card.html has rendered it for this variant and depth, else None: a
        loop of cards then skips the include, which copies the whole template context (8 us a card)."""
        return self.get(self.card_key(slug, heading, card_class, base_url)) if self.enabled else None


class _State:
    command: str = "build"
    views: Views | None = None
    editions: list = []  # the editions this build shows, newest first
    pages: dict = {}  # src_uri -> (kind, data)
    media: Media | None = None  # photo variants, illustrations, social cards
    feed_entries: set = set()  # slugs of the stories in some feed, whose HTML on_page_content keeps
    scripts = None  # security.TemplateScripts: the inline scripts the theme writes
    template_scripts: dict = {}  # template name -> the hashes of its theme scripts (404.html, ...)
    site_url: str | None = None
    files = None  # MkDocs' files, navigation and Jinja environment, for the pages built after Pagefind started
    nav = None
    env = None
    defer_search: bool = False  # `make serve` (tools/serve.py) builds the search index in the background
    # The address printed on a Praxisblatt: the published one, also in `make serve` (tools/serve.py), whose
    # pages use the serve address. So serve takes the sheets a build set from .cache/praxisblatt/ instead of
    # setting each anew (at 10,000 stories 3,334 sheets, 120 s before the first page), and a sheet printed
    # from the preview shows an address a reader can open.
    sheet_url: str | None = None


state = _State()


def include_drafts() -> bool:
    """Drafts and stories in review show in `make serve` and previews, never in `make build`."""
    return state.command == "serve" or os.environ.get("KSG_DRAFTS") == "1"


def on_startup(command, dirty):
    state.command = command


def on_config(config):
    state.site_url = config.site_url
    root = os.path.dirname(os.path.abspath(config.config_file_path))
    started = time.perf_counter()
    content = load_for_build(root)  # everything, or in `make preview` only the changed stories
    log.info(content_cache.summary(content_module.last_story_cache, time.perf_counter() - started))
    if content.partial:  # pages left out of a preview are no reason to stop it
        config.validation.links.not_found = logging.INFO
    for problem in content.problems.warnings:  # shown, but no reason to stop (and not a warning for --strict)
        log.info(problem.format())
    if content.problems:  # errors only
        for problem in content.problems.errors:
            log.error(problem.format())
        raise PluginError(f"{len(content.problems)} Problem(e) in den Inhalten: Die Seite wird nicht gebaut. "
                          "Führe `make check` aus, um alle Hinweise zu sehen.")
    state.views = build_views(content, include_drafts())
    state.feed_entries = feeds.entry_slugs(state.views)
    if "redirects" in config.plugins:  # mkdocs-redirects writes the pages for moved stories (redirects.yml)
        config.plugins["redirects"].config["redirect_maps"].update(redirect_maps(content.redirects))
        mkdocs_redirects.plugin.HTML_TEMPLATE = REDIRECT_PAGE
    return config


def _front(**meta) -> str:
    # JSON strings are valid YAML, so every value is quoted safely.
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n"


@event_priority(50)  # before plugins such as mkdocs-redirects, so that they see the generated pages
def on_files(files: Files, config):
    views = state.views
    content = views.content
    pages: dict = {}

    def add(src_uri: str, text: str, kind: str, data) -> None:
        files.append(File.generated(config, src_uri, content=text))
        pages[src_uri] = (kind, data)

    for story in views.stories:
        base = f"geschichten/{story.slug}/"
        add(base + "index.md", _front(title=story.title, description=story.description, template="story.html")
            + story.body, "story", story)
        for name in sorted(os.listdir(story.folder)):
            path = os.path.join(story.folder, name)
            if name != "index.md" and os.path.isfile(path) and not name.startswith(".") and not is_image(name):
                files.append(File.generated(config, base + name, abs_src_path=path))
    # Images never go out as they are: processed variants replace them (kleinstadt/media.py).
    state.media = Media(views, description=config.site_description)
    try:
        for src_uri, path in state.media.prepare():
            files.append(File.generated(config, src_uri, abs_src_path=path))
    except MediaError as error:
        raise PluginError(str(error)) from None

    town_pages = {}
    for listing in views.listings():
        for page in listing.pages():
            src_uri = page.url + "index.md"
            if listing.kind == "ort" and page.number == 1:
                town = content.towns[listing.key]
                town_pages[town.slug] = page
                add(src_uri, _front(title=town.name, description=town.description or None, template="town.html")
                    + town.body, "town", (town, page))
                continue
            intro = ""
            if page.number == 1 and listing.kind == "pfeiler":
                intro = content.pillar_texts.get(listing.key, "")
            title = listing.title if page.number == 1 else f"{listing.title} – Seite {page.number}"
            add(src_uri, _front(title=title, description=listing.description, template="listing.html") + intro,
                "listing", page)

    for kind, title, description in (
        ("pfeiler", "Die fünf Pfeiler", "Die fünf Pfeiler der Resilienz von Kleinstädten und ihre Geschichten."),
        ("regionen", "Regionen", "Die fünf ostdeutschen Länder mit ihren Kleinstädten, der Zahl ihrer Geschichten "
                                 "und der zuletzt erschienenen."),
        ("orte", "Orte", "Die Kleinstädte der Studie von A bis Z, mit Land, Landkreis und Karte."),
        ("themen", "Themenfelder", "Die Themenfelder der Studie und ihre Geschichten."),
        ("herausforderungen", "Herausforderungen", "Die zehn Herausforderungen kleiner Städte aus der Studie, "
                                                   "mit Geschichten und Praxis zum Nachmachen."),
    ):
        add(f"{kind}/index.md", _front(title=title, description=description, template="overview.html"),
            "overview", kind)
    # Editions: one page each at a URL fixed by its number, and the overview of all of them.
    state.editions = content.editions.visible(content.today, include_drafts())
    for edition in state.editions:
        description = edition.description or (f"{edition.title} vom {german_date(edition.date)} mit "
                                               f"{len(edition.visible_stories(views.stories))} Geschichten.")
        add(edition.url + "index.md", _front(title=edition.title, description=description, template="edition.html")
            + edition.body, "edition", edition)
    add("ausgaben/index.md", _front(title="Ausgaben", description="Alle Ausgaben der Kleinstadtgeschichten, "
                                    "die neueste zuerst.", template="edition.html"), "editions", state.editions)
    state.pages = pages
    return files


def _render_story(page, config, files) -> None:
    """Page.render for a story: its body through cmark-gfm, as on GitHub (kleinstadt/story_markdown.py)."""
    result = story_markdown.render(page.markdown)
    # A link to a page of the site, written as on the site (/orte/luebz/), must also work when the site lives
    # below a sub-path (GitHub Pages: /<repository>/): it goes up to the site root from where the story is.
    page.content = SITE_LINK.sub(lambda m: m.group(1) + "../" * page.url.count("/"), result.html)
    page.toc = get_toc(result.toc_tokens)
    page._title_from_render = None  # the title comes from the front matter
    page.present_anchor_ids = result.anchor_ids
    page.links_to_anchors = {page.file: result.same_page_anchors}  # MkDocs checks them after the build


def on_pre_page(page, config, files):
    entry = state.pages.get(page.file.src_uri)
    if entry and entry[0] == "story":
        page.render = functools.partial(_render_story, page)
    return page


def on_page_markdown(markdown, page, config, files):
    entry = state.pages.get(page.file.src_uri)
    if entry and entry[0] == "story":
        story = entry[1]
        if story.status != "published" or not story.is_public(state.views.content.today):
            page.meta["robots"] = "noindex"
    return markdown


def compiled_templates(root: str) -> jinja2.FileSystemBytecodeCache:
    """Compiled templates kept for the next build, beside the image cache (.cache/templates/): every process
    that renders pages (the parent and each worker) compiled the ~30 templates of a page first, 0.2 s each.
    Jinja takes compiled code only for the same template file with the same source (it stores a hash)."""
    folder = beside_images(root, "templates")
    os.makedirs(folder, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(folder)


def on_env(env, config, files):
    env.bytecode_cache = compiled_templates(state.views.content.root)
    # Escape by default in the project's templates; trusted HTML is marked with `| trusted(kind)`.
    env.autoescape = escaping.autoescape_for(config.theme.custom_dir)
    env.filters["trusted"] = escaping.trusted
    env.filters["datum"] = german_date
    env.filters["url"] = url_filter  # MkDocs' filter with the same results, cheaper (url_filter.py)
    env.globals["ksg"] = state.views
    env.globals["ksg_fragments"] = FragmentCache()
    env.globals["ksg_maps"] = Maps(state.views.content.towns, state.views.content.taxonomy.regions)
    env.globals["ksg_csp"] = security.POLICY_MARK  # replaced by the policy in on_post_page
    wrapper = env.from_string('{% import "partials/language.html" as lang with context %}{% include name %}')
    state.scripts = security.TemplateScripts(lambda name, context: wrapper.render(dict(context, name=name)))
    env.globals["ksg_editions"] = state.editions
    env.globals["ksg_images"] = state.media  # <picture> and social cards: kleinstadt/media.py
    env.globals["ksg_feeds"] = feeds.FeedLinks(state.views)  # feed autodiscovery: kleinstadt/feeds.py
    env.globals["ksg_linked_data"] = LinkedData(state.views.content, config, getattr(state, "media", None))  # JSON-LD
    state.env = env
    return env


def on_page_content(html, page, config, files):
    """Keep the rendered body of stories that appear in a feed (in a worker, pool.collected travels back)."""
    entry = state.pages.get(page.file.src_uri)
    if entry and entry[0] == "story" and entry[1].slug in state.feed_entries and html.strip():
        pool.collected.setdefault("story_html", {})[entry[1].slug] = html
    return html


def on_page_context(context, page, config, nav):
    page.ksg_scripts = state.scripts.hashes(context)  # the inline scripts the theme writes on this page
    # The folder whose pages share the fragments of once() in overrides/main.html: pages outside the nav
    # below the top level (stories, later index pages); none for the others.
    folder = page.url.rstrip("/").rpartition("/")[0]
    context["ksg_fragment_folder"] = folder if folder and FragmentCache.enabled and page not in nav.pages else None
    entry = state.pages.get(page.file.src_uri)
    if entry:
        kind, data = entry
        context["ksg_kind"] = kind
        if kind == "story":
            context["story"] = data
        elif kind == "town":
            context["town"], context["listing_page"] = data
        elif kind == "listing":
            context["listing_page"] = data
        elif kind == "overview":
            context["overview"] = data
        elif kind == "edition":
            context["edition"] = data
    elif page.is_homepage:
        context["ksg_kind"] = "home"
    return context


# Material's skip link: written outside every template block, only on pages with a table of contents,
# and pointing at the first h2. overrides/main.html writes one on every page, to the start of the content.
_MATERIAL_SKIP = re.compile(r'(<div data-md-component="skip">)\s*<a href="[^"]*" class="md-skip">.*?</a>\s*(</div>)', re.S)


def one_skip_link(html: str) -> str:
    """Drops Material's skip link, so that the page keeps only the one of overrides/main.html."""
    return _MATERIAL_SKIP.sub(r"\1\2", html, count=1)


def _harden(html: str, allowed: frozenset, where: str, story=None) -> str:
    """rel="noopener", the check that the page runs no code the templates did not write, the policy."""
    try:
        return security.harden(html, allowed, state.site_url)
    except security.UnsafePage as unsafe:
        sources = [story.path] if story is not None else _content_files_with(v.needle for v in unsafe.violations)
        behind = ", ".join(os.path.relpath(path, state.views.content.root) for path in sources) or "nicht gefunden"
        lines = "\n".join(f"  - {violation}" for violation in unsafe.violations)
        raise PluginError(
            f"Die Seite {where} enthält Code, den keine Vorlage schreibt; die Seite wird nicht gebaut.\n{lines}\n"
            f"Er stammt aus: {behind}. Ein Feld dort enthält HTML oder ein Skript, das als Text hätte erscheinen "
            "müssen; bitte melde das der Redaktion (es ist ein Fehler im Bau, nicht in deinem Text), und schreibe "
            "bis dahin das Feld ohne spitze Klammern.") from None


def _content_files_with(needles) -> list[str]:
    """The content files in which a piece of a violation occurs (only read when a page fails the check)."""
    needles = [needle for needle in needles if needle]
    root = state.views.content.root
    found = []
    for folder, _, names in os.walk(root):
        relative = os.path.relpath(folder, root)
        if relative.split(os.sep)[0] in ("site", ".git", ".venv", "node_modules", ".cache") or "/." in folder:
            continue
        for name in sorted(names):
            if name.endswith((".md", ".yml", ".yaml")):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    text = handle.read()
                if any(needle in text for needle in needles):
                    found.append(path)
    return sorted(found)


def on_post_page(output, page, config):
    entry = state.pages.get(page.file.src_uri)
    story = entry[1] if entry and entry[0] == "story" else None
    return compact.collapse(_harden(one_skip_link(output), page.ksg_scripts,
                                    page.file.src_uri.removesuffix("index.md") or "/", story))


def on_template_context(context, template_name, config):
    state.template_scripts[template_name] = state.scripts.hashes(context)
    return context


def on_post_template(output, template_name, config):
    if not template_name.endswith(".html"):
        return output
    return compact.collapse(_harden(output, state.template_scripts[template_name], template_name))


def on_nav(nav, config, files):
    # Story pages are built by worker processes on all cores (render_pool.py), listing pages that Pagefind
    # does not read after it has started (late_pages.py); not in `serve`, which builds pages its own way.
    state.files, state.nav = files, nav
    if state.command != "serve":
        stories = [file for file in files.documentation_pages() if state.pages.get(file.src_uri, ("",))[0] == "story"]
        pool.start(stories, config, files, nav)
        in_nav = {page.file.src_uri for page in nav.pages}
        late_pages.defer([file for file in files.documentation_pages()
                          if state.pages.get(file.src_uri, ("",))[0] == "listing" and file.src_uri not in in_nav
                          and not search.reads(file.dest_uri)])
    return nav


def on_post_build(config):
    """Steps after MkDocs' pages run here, in order (feeds, open data, ...); the search index beside them."""
    timings = {}

    def step(name, function, *args):
        started = time.perf_counter()
        result = function(*args)
        timings[name] = time.perf_counter() - started
        return result

    step("Geschichten", pool.finish)  # first: every story page must be written before the steps below read the HTML
    site_dir = config.site_dir
    views = state.views
    # Each feature adds one line below and keeps its logic in a module of its own.
    log.info(step("Bilder", state.media.write, site_dir))  # hard links to .cache/images; logs both counts: kleinstadt/media.py
    # Pagefind (kleinstadt/search.py) starts now that every page it reads is written, and indexes while
    # the steps below write the rest of the site; the build waits for it at the end.
    running = None if state.defer_search else search.start_search_index(site_dir, log)
    try:
        late = late_pages.release(config, state.files, state.nav, state.env)  # late_pages.py
        publisher = config.site_author or config.site_name
        step("Feeds", feeds.write_feeds, site_dir, views, config.site_url, pool.collected.get("story_html", {}), publisher,
             getattr(state, "media", None))  # kleinstadt/feeds.py; media: the photo variants, if made
        log.info(step("Praxisblätter", praxisblatt.write_sheets, site_dir, views, state.sheet_url or config.site_url))  # kleinstadt/praxisblatt.py
        step("Offene Daten", opendata.write_open_data, site_dir, views, config.site_url, publisher)  # kleinstadt/opendata.py
        step("Sitemap", sitemap.write_sitemap_and_robots, site_dir, views, config.site_url)  # kleinstadt/sitemap.py
        # After feeds and sitemap, so that neither lists it (nor does Pagefind, which reads only PAGES): kleinstadt/editor_page.py
        step("Redaktion", editor_page.write_editor, site_dir, views.content.root, os.path.dirname(os.path.dirname(__file__)))
        # The held-back listing pages start when Pagefind builds its index on one core: right beside its
        # reading (on both cores) they slowed Pagefind by 4-7 s, even at a lower priority.
        if running is not None:
            step("Warten auf Pagefinds Lesen", running.wait_until_building)
        step("Übersichtsseiten", pool.start_late, late, config, state.files, state.nav)
        step("Warten auf Übersichtsseiten", pool.finish)
        if running is not None:
            index = step("Warten auf Suche", running.wait)
            timings["Suche"] = index.seconds if index else 0.0  # Pagefind's own time, most of it beside the steps above
    except BaseException:
        if running is not None:
            running.stop()  # no Pagefind left writing into a site whose build failed
        raise
    # One line for operators and `make bench`: where the time after the pages went.
    log.info("Zeiten: Bilder vorbereiten %.2f s; " % state.media.summary.wall
             + "; ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items()))
