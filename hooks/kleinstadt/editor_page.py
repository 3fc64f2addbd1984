"""The web editor at /redaktion/: Sveltia CMS from node_modules, served entirely from the site itself.

Sveltia CMS 0.221.1 as shipped loads its German UI strings from unpkg.com and its fonts from jsDelivr.
The authors are minors, so the editor page makes no request to another host before someone logs in
(after login it talks to api.github.com). The build copies the bundle from node_modules (pinned in
package-lock.json) and rewrites exactly the pinned addresses below to files beside it: the locale from the
package's own locales/, the fonts from the npm @fontsource packages of the same version. Each rewrite
must match exactly as often as listed; an upgrade that moves an address fails the build (and
tests/test_editor.py) instead of quietly phoning home.

The page itself (editor/index.html) is a static file, not a MkDocs page: it carries its own
Content-Security-Policy (EDITOR_POLICY), `noindex`, and no inline script (its bootstrap is editor/editor.js).
It is written after the search index, sitemap and feeds, so none of them lists it.
"""

from __future__ import annotations

import json
import os
import shutil

from . import editor_config, symbol_font

PACKAGE = "@sveltia/cms"
VERSION = "0.221.1"
FOLDER = "redaktion"  # the editor's address: /redaktion/
BUNDLE = "dist/sveltia-cms.js"
LOCALE = "de"

# Font files of the bundle: the address it loads them from -> (npm package, version, file in the package).
FONTS = {
    "https://cdn.jsdelivr.net/fontsource/fonts/source-sans-3:vf@5.3.0/latin-wght-normal.woff2":
        ("@fontsource-variable/source-sans-3", "5.3.0", "files/source-sans-3-latin-wght-normal.woff2"),
    "https://cdn.jsdelivr.net/fontsource/fonts/noto-mono@5.3.0/latin-400-normal.woff2":
        ("@fontsource/noto-mono", "5.3.0", "files/noto-mono-latin-400-normal.woff2"),
    "https://cdn.jsdelivr.net/fontsource/fonts/material-symbols-outlined:vf@5.3.7/latin-wght-normal.woff2":
        ("@fontsource-variable/material-symbols-outlined", "5.3.7",
         "files/material-symbols-outlined-latin-wght-normal.woff2"),
}
SYMBOLS = "@fontsource-variable/material-symbols-outlined"  # the icon font, cut down when copied
# (text in the bundle, replacement, how often it must occur). The locale base: `${unpkg}@${version}/locales`
# becomes the folder beside the page; the UI language is German whatever the browser's language (the
# package's own choice follows the browser, and its config has no `locale` key).
REWRITES = [
    ("USe=`${iP}@${rP}/locales`", "USe=`./locales`", 1),
    ("MQ=()=>{let e=pne();return e&&jQ.includes(e)?e:AQ}", f"MQ=()=>`{LOCALE}`", 1),
    # The check for a newer version asks unpkg.com for package.json every hour: off (the version is pinned).
    ("LSe=async()=>{try{let e=await fetch(NSe);", "LSe=async()=>{return;try{let e=await fetch(NSe);", 1),
    # The GitHub backend asks www.githubstatus.com for incidents, even on the sign-in page: off.
    ("statusDashboardURL:Dye,checkStatus:kye,", "statusDashboardURL:Dye,checkStatus:void 0,", 1),
    # The viewport tag the bundle adds forbids zooming (maximum-scale=1; axe: meta-viewport, WCAG 1.4.4):
    # people who need large text must be able to zoom the form.
    ("`initial-scale=1`,`maximum-scale=1`,", "`initial-scale=1`,", 1),
] + [(url, f"./fonts/{os.path.basename(file)}", 1) for url, (_, _, file) in FONTS.items()]
# Hosts the rewritten bundle may still name: only for features the configuration does not use (code
# highlighting, maps, stock photos, ...), and the page's policy blocks them anyway.
SOURCE_MAP = "//# sourceMappingURL=sveltia-cms.js.map"

# The editor page's own policy: its scripts and fonts from the site; inline styles, which Svelte writes
# for its components; images as blob:/data: (previews of uploads); after login the GitHub API and the
# avatars GitHub serves. No other host.
EDITOR_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https://avatars.githubusercontent.com",
    "media-src 'self' blob:",
    "font-src 'self'",
    "connect-src 'self' data: https://api.github.com",  # data: the built-in logo, read with fetch()
    "worker-src 'self' blob:",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])


class EditorError(Exception):
    """The editor cannot be built as the project requires (missing package, moved address)."""


def package_dir(code_root: str, package: str) -> str:
    return os.path.join(code_root, "node_modules", *package.split("/"))


def package_version(code_root: str, package: str) -> str | None:
    path = os.path.join(package_dir(code_root, package), "package.json")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle).get("version")


def rewrite_bundle(text: str) -> str:
    """The bundle with its locale and font addresses pointing at the site itself (EditorError otherwise)."""
    for old, new, count in REWRITES:
        found = text.count(old)
        if found != count:
            raise EditorError(f"Im Editor-Paket {PACKAGE} steht „{old[:70]}“ {found}-mal statt {count}-mal. "
                              "Nach einem Update müssen die Adressen in hooks/kleinstadt/editor_page.py angepasst "
                              "werden, sonst lädt der Editor Schriften oder Texte von fremden Servern.")
        text = text.replace(old, new)
    if "cdn.jsdelivr.net" in text:
        raise EditorError(f"Das Editor-Paket {PACKAGE} nennt eine weitere Adresse bei cdn.jsdelivr.net; "
                          "ergänze sie in FONTS (hooks/kleinstadt/editor_page.py).")
    return text.replace(SOURCE_MAP, "")


def page_html(code_root: str) -> str:
    with open(os.path.join(code_root, "editor", "index.html"), encoding="utf-8") as handle:
        html = handle.read()
    if "ksg-editor-policy" not in html:
        raise EditorError("editor/index.html enthält keine Markierung ksg-editor-policy für die Sicherheitsrichtlinie.")
    return html.replace('content="ksg-editor-policy"', f'content="{EDITOR_POLICY}"', 1)


def check_packages(code_root: str) -> None:
    wanted = {PACKAGE: VERSION, **{package: version for package, version, _ in FONTS.values()}}
    for package, version in wanted.items():
        found = package_version(code_root, package)
        if found != version:
            raise EditorError(f"Für den Editor fehlt das npm-Paket {package}@{version} (gefunden: {found or 'keins'}). "
                              "`make install` (npm ci) installiert es.")


def write_editor(site_dir: str, content_root: str, code_root: str) -> str:
    """Writes /redaktion/ into the built site; returns the folder. The configuration is generated from the
    content being built (editor_config), so the editor always offers this site's towns and taxonomy."""
    check_packages(code_root)
    target = os.path.join(site_dir, FOLDER)
    if os.path.isdir(target):
        shutil.rmtree(target)
    os.makedirs(os.path.join(target, "locales"))
    os.makedirs(os.path.join(target, "fonts"))
    cms = package_dir(code_root, PACKAGE)
    with open(os.path.join(cms, BUNDLE), encoding="utf-8") as handle:
        bundle = rewrite_bundle(handle.read())
    with open(os.path.join(target, "sveltia-cms.js"), "w", encoding="utf-8") as handle:
        handle.write(bundle)
    shutil.copyfile(os.path.join(cms, "locales", f"{LOCALE}.json"), os.path.join(target, "locales", f"{LOCALE}.json"))
    config = editor_config.render(content_root, settings_root=code_root)
    for package, _, file in FONTS.values():
        source = os.path.join(package_dir(code_root, package), file)
        copy = os.path.join(target, "fonts", os.path.basename(file))
        if package == SYMBOLS:  # only the icons Sveltia names: 37 instead of 754 KB (kleinstadt/symbol_font.py)
            with open(copy, "wb") as handle:
                handle.write(symbol_font.cut_font(source, os.path.join(code_root, ".cache", "editor"), bundle, config))
        else:
            shutil.copyfile(source, copy)
    for name in ("editor.js", "editor.css"):
        source = os.path.join(code_root, "editor", name)
        if os.path.exists(source):
            shutil.copyfile(source, os.path.join(target, name))
    with open(os.path.join(target, "index.html"), "w", encoding="utf-8") as handle:
        handle.write(page_html(code_root))
    with open(os.path.join(target, "config.yml"), "w", encoding="utf-8") as handle:
        handle.write(config)
    return target
