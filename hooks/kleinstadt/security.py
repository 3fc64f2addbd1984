"""What keeps a reader's visit private and the page hard to abuse: the Content-Security-Policy, the check that
no finished page runs code the templates did not write, and `rel="noopener"` on links that leave the site.

The policy lives in a meta tag (a static host sets no headers). It allows no inline script except the few
the theme writes into every page (Material's local-storage helpers, whose text depends on the page's depth).
Those are known before any content is read: `TemplateScripts` renders the theme's script partials and
hashes what they write. No hash is ever computed from a finished page, so a script that content smuggles in
is never allowed; and `check_page` fails the build when a page holds one, or an event-handler attribute
(`onerror=`), a `javascript:` address or an `srcdoc` document, naming the page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

# ksg-security.html writes content="<POLICY_MARK>"; the finished page gets the policy with its script hashes.
POLICY_MARK = "ksg-policy"
SCRIPT_HASHES = "'ksg-inline-scripts'"

POLICY = "; ".join([
    "default-src 'self'",
    # 'wasm-unsafe-eval': Pagefind's search runs as WebAssembly; it allows compiling wasm, not eval().
    f"script-src 'self' {SCRIPT_HASHES} 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])

# The theme's partials that write inline scripts (Material 9.8.1, partials/javascripts/). When updating
# Material, compare this list with the <script> elements its templates write without a src.
THEME_SCRIPT_TEMPLATES = (
    "partials/javascripts/base.html",
    "partials/javascripts/palette.html",
    "partials/javascripts/content.html",
    "partials/javascripts/announce.html",
    "partials/javascripts/outdated.html",
    "partials/javascripts/consent.html",
)
# Script types that browsers treat as data, never run.
DATA_TYPES = {"application/json", "application/ld+json"}
# Attributes that hold an address a browser may follow or load.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite",
                  "ping", "codebase", "manifest", "longdesc", "usemap", "lowsrc", "dynsrc"}
# Browsers drop tabs, line breaks and leading control characters and spaces from an address.
_URL_NOISE = re.compile(r"[\x00-\x20]")
_CODE_SCHEMES = ("javascript:", "vbscript:")
_REFRESH_TO_CODE = re.compile(r"url\s*=\s*['\"]?\s*(javascript|vbscript):", re.I)
_ANCHOR = re.compile(r"<a\s[^>]*>", re.I)
_HREF = re.compile(r"""\shref\s*=\s*(["'])(?P<url>.*?)\1""", re.I | re.S)
_REL = re.compile(r"""\srel\s*=\s*(["'])(?P<rel>.*?)\1""", re.I | re.S)
_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)


def script_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"


def _runs(script_type: str | None) -> bool:
    return (script_type or "").strip().lower() not in DATA_TYPES


class TemplateScripts:
    """The inline scripts the theme writes, by the page's way up to the site root (`base_url`).

    `render(template_name, context)` renders one template with a page's context: the adapter passes Jinja.
    """

    def __init__(self, render):
        self._render = render
        self._known: dict[str, frozenset[str]] = {}

    def hashes(self, context: dict) -> frozenset[str]:
        base_url = str(context.get("base_url", ""))
        if base_url not in self._known:
            found = set()
            for name in THEME_SCRIPT_TEMPLATES:
                for match in _SCRIPT.finditer(self._render(name, context)):
                    kind = _TYPE.search(match.group("attrs"))
                    if "src=" not in match.group("attrs") and _runs(kind.group(1) if kind else None):
                        found.add(script_hash(match.group("body")))
            self._known[base_url] = frozenset(found)
        return self._known[base_url]


@dataclass(frozen=True)
class Violation:
    what: str  # in German, for the build's error message
    code: str  # the offending piece, shortened
    needle: str = ""  # a piece of it to look for in the content files

    def __str__(self) -> str:
        return f"{self.what}: {self.code}"


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_code_url(value: str) -> bool:
    # Without a colon there is no scheme (the noise removed below holds none): most addresses are relative.
    return ":" in value and _URL_NOISE.sub("", value).lower().startswith(_CODE_SCHEMES)


# What check_page looks at in an attribute, by its name as lexbor gives it; a page repeats a few dozen names,
# so each is classified once (the cache is bounded: hostile content may invent any number of names).
_EVENT, _SRCDOC, _URL, _CONTENT = 1, 2, 3, 4
_NAME_KINDS: dict[str, int] = {}


def _name_kind(name: str) -> int:
    kind = _NAME_KINDS.get(name)
    if kind is None:
        lower = name.lower()
        kind = (_EVENT if lower.startswith("on") else _SRCDOC if lower == "srcdoc"
                else _URL if lower in URL_ATTRIBUTES else _CONTENT if lower == "content" else 0)
        if len(_NAME_KINDS) < 4096:
            _NAME_KINDS[name] = kind
    return kind


def check_page(html: str, allowed: frozenset[str]) -> tuple[list[Violation], list[str]]:
    """What in a finished page could run code the templates did not write, and the hashes of the inline
    scripts it holds (all of them allowed, if there is no violation). Parsed as a browser would (lexbor)."""
    violations: list[Violation] = []
    present: list[str] = []
    tree = LexborHTMLParser(html)
    kinds = _NAME_KINDS
    for node in tree.root.traverse(include_text=False):
        attributes = node.attributes
        tag = node.tag
        if tag == "script" and "src" not in attributes and _runs(attributes.get("type")):
            body = node.text(deep=True)
            digest = script_hash(body)
            if digest in allowed:
                if digest not in present:
                    present.append(digest)
            else:
                violations.append(Violation("Inline-Skript, das keine Vorlage schreibt", _short(body), body.strip()[:40]))
        for name, value in attributes.items():
            kind = kinds.get(name)  # most attributes (class, id, aria-*, data-*) fall under no rule
            if kind is None:
                kind = _name_kind(name)
            if not kind:
                continue
            name = name.lower()
            if kind == _EVENT:
                violations.append(Violation(f"Ereignis-Attribut {name}= in <{tag}>", _short(f"{name}={value}"), (value or "").strip()[:40]))
            elif kind == _SRCDOC:
                violations.append(Violation(f"Eingebettetes Dokument (srcdoc) in <{tag}>", _short(value or ""),
                                            (value or "").strip()[:40]))
            elif kind == _URL:
                if value and _is_code_url(value):
                    violations.append(Violation(f"javascript:-Adresse in {name}= von <{tag}>", _short(value), value.strip()[:40]))
            elif value and tag == "meta" and _REFRESH_TO_CODE.search(value):
                violations.append(Violation("Weiterleitung auf javascript:", _short(value), value.strip()[:40]))
    return violations, present


class UnsafePage(Exception):
    def __init__(self, violations: list[Violation]):
        super().__init__("; ".join(map(str, violations)))
        self.violations = violations


def apply_policy(html: str, hashes: list[str]) -> str:
    """Writes the policy, with the hashes of the page's template scripts, where the template left the mark."""
    policy = POLICY.replace(SCRIPT_HASHES, " ".join(hashes)).replace("  ", " ")
    return html.replace(f'content="{POLICY_MARK}"', f'content="{policy}"', 1)


def harden(html: str, allowed: frozenset[str], site_url: str | None = None) -> str:
    """For the adapter's on_post_page: rel="noopener", the check (raises UnsafePage), the policy."""
    html = add_noopener(html, site_url)
    violations, present = check_page(html, allowed)
    if violations:
        raise UnsafePage(violations)
    return apply_policy(html, present)


def is_external(url: str, site_host: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc.lower() != site_host


def add_noopener(html: str, site_url: str | None = None) -> str:
    """Every link to another host gets rel="noopener" (kept with what rel already says)."""
    site_host = urlsplit(site_url or "").netloc.lower()

    def fix(match: re.Match) -> str:
        tag = match.group(0)
        if ":" not in tag:  # no href with a scheme in it: most links are relative
            return tag
        href = _HREF.search(tag)
        # An address without a colon has no scheme, so it stays on this site: no need to parse it.
        if not href or ":" not in href.group("url") or not is_external(href.group("url"), site_host):
            return tag
        rel = _REL.search(tag)
        if rel is None:
            return tag[:-1].rstrip("/").rstrip() + ' rel="noopener">'
        values = rel.group("rel").split()
        if "noopener" in values:
            return tag
        start, end = rel.span("rel")
        return tag[:start] + " ".join(values + ["noopener"]) + tag[end:]

    return _ANCHOR.sub(fix, html)
