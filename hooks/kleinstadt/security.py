"""What keeps a reader's visit private and the page hard to abuse: the Content-Security-Policy and
`rel="noopener"` on links that leave the site.

The policy lives in a meta tag (a static host sets no headers). Material writes a few small inline
scripts into every page (its local-storage helpers, whose text depends on the page's depth); rather
than allow every inline script, the finished page is read back and the SHA-256 of each inline script
it really contains goes into the policy. A script anyone adds later is thus allowed only if it is in
the page at build time, never one injected afterwards.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

# Written by overrides/partials/ksg-security.html, replaced by the hashes of the page's inline scripts.
HASHES_MARK = "'ksg-inline-scripts'"

POLICY = "; ".join([
    "default-src 'self'",
    # 'wasm-unsafe-eval': Pagefind's search runs as WebAssembly; it allows compiling wasm, not eval().
    f"script-src 'self' {HASHES_MARK} 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_ANCHOR = re.compile(r"<a\s[^>]*>", re.I)
_HREF = re.compile(r"""\shref\s*=\s*(["'])(?P<url>.*?)\1""", re.I | re.S)
_REL = re.compile(r"""\srel\s*=\s*(["'])(?P<rel>.*?)\1""", re.I | re.S)
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}


def script_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"


def inline_script_hashes(html: str) -> list[str]:
    """Hashes of the scripts a browser would run from the page's own text (JSON and JSON-LD are data)."""
    hashes = []
    for match in _SCRIPT.finditer(html):
        attrs = match.group("attrs")
        if re.search(r"\ssrc\s*=", attrs, re.I):
            continue
        kind = _TYPE.search(attrs)
        if (kind.group(1).lower() if kind else "") not in EXECUTABLE_TYPES:
            continue
        digest = script_hash(match.group("body"))
        if digest not in hashes:
            hashes.append(digest)
    return hashes


def apply_policy(html: str) -> str:
    """Puts the hashes of this page's inline scripts where the template left the mark."""
    if HASHES_MARK not in html:
        return html
    hashes = "".join(" " + digest for digest in inline_script_hashes(html))
    return html.replace(" " + HASHES_MARK, hashes, 1)


def harden(html: str, site_url: str | None = None) -> str:
    """Both steps, for the adapter's on_post_page."""
    return apply_policy(add_noopener(html, site_url))


def is_external(url: str, site_host: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc.lower() != site_host


def add_noopener(html: str, site_url: str | None = None) -> str:
    """Every link to another host gets rel="noopener" (kept with what rel already says)."""
    site_host = urlsplit(site_url or "").netloc.lower()

    def fix(match: re.Match) -> str:
        tag = match.group(0)
        href = _HREF.search(tag)
        if not href or not is_external(href.group("url"), site_host):
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
