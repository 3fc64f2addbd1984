"""The faster page check, link hardening and JSON escaping (kleinstadt/security.py, escaping.py) against the
straightforward versions they replaced: the same verdicts, the same output, on hostile and ordinary pages."""

from __future__ import annotations

import glob
import json
import os
import re
from urllib.parse import urlsplit

import pytest
from selectolax.lexbor import LexborHTMLParser

from hostile_site import hostile  # noqa: F401  (the fixture)
from kleinstadt import escaping, security
from published_site import published  # noqa: F401  (the fixture)
from kleinstadt.security import (URL_ATTRIBUTES, Violation, _REFRESH_TO_CODE, _URL_NOISE, _CODE_SCHEMES, _runs,
                                 _short, script_hash)


def reference_check_page(html: str, allowed: frozenset[str]):
    """check_page as it was before it classified attribute names once (commit 7b8c39b)."""
    violations, present = [], []
    for node in LexborHTMLParser(html).root.traverse(include_text=False):
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
            name = name.lower()
            if name.startswith("on"):
                violations.append(Violation(f"Ereignis-Attribut {name}= in <{tag}>", _short(f"{name}={value}"),
                                            (value or "").strip()[:40]))
            elif name == "srcdoc":
                violations.append(Violation(f"Eingebettetes Dokument (srcdoc) in <{tag}>", _short(value or ""),
                                            (value or "").strip()[:40]))
            elif value and name in URL_ATTRIBUTES and _URL_NOISE.sub("", value).lower().startswith(_CODE_SCHEMES):
                violations.append(Violation(f"javascript:-Adresse in {name}= von <{tag}>", _short(value), value.strip()[:40]))
            elif value and tag == "meta" and name == "content" and _REFRESH_TO_CODE.search(value):
                violations.append(Violation("Weiterleitung auf javascript:", _short(value), value.strip()[:40]))
    return violations, present


def reference_add_noopener(html: str, site_url: str | None = None) -> str:
    site_host = urlsplit(site_url or "").netloc.lower()

    def fix(match):
        tag = match.group(0)
        href = security._HREF.search(tag)
        if not href or ":" not in href.group("url") or not security.is_external(href.group("url"), site_host):
            return tag
        rel = security._REL.search(tag)
        if rel is None:
            return tag[:-1].rstrip("/").rstrip() + ' rel="noopener">'
        values = rel.group("rel").split()
        if "noopener" in values:
            return tag
        start, end = rel.span("rel")
        return tag[:start] + " ".join(values + ["noopener"]) + tag[end:]

    return security._ANCHOR.sub(fix, html)


THEME = "__md_scope=new URL(\"..\",location)"
ALLOWED = frozenset({script_hash(THEME)})

HOSTILE = [
    "<img/onerror=alert(1) src=x>",
    '<img src=x/onerror=alert(1)>',
    '<a href="x"onclick="alert(1)">x</a>',
    "<a href='x'onclick=alert(1)>x</a>",
    "<A HREF=x ONCLICK=alert(1)>x</A>",
    "<p OnMoUsEoVeR=alert(1)>x</p>",
    "<div on=1 onx ON-y>x</div>",
    '<svg><circle onload="alert(1)"/><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>',
    '<svg><animate onbegin=alert(1) attributeName=x dur=1s></animate></svg>',
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    '<math href="javascript:alert(1)"><mi>x</mi></math>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">x</a>',
    '<a href="\n\tjavascript:alert(1)">x</a>',
    '<a href="  VBScript:msgbox(1)">x</a>',
    '<a href="javascript&#58;alert(1)">x</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe SRCDOC=x></iframe>',
    '<meta http-equiv="refresh" content="0;URL=\'javascript:alert(1)\'">',
    '<meta http-equiv=refresh content="0; url = javascript:alert(1)">',
    "<script>alert(1)</script>",
    '<script type="text/javascript ">alert(1)</script>',
    '<script type="application/ld+json">{}</script><script type=module>alert(1)</script>',
    f"<script>{THEME}</script><script>{THEME} </script>",
    '<object data="javascript:alert(1)"></object>',
    '<video poster="javascript:alert(1)"></video>',
    '<form><button formaction="javascript:alert(1)">x</button></form>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<template><img src=x onerror=alert(1)></template>',
    '<noscript><img src=x onerror=alert(1)></noscript>',
    '<textarea><img src=x onerror=alert(1)></textarea>',
    '<p title="<img onerror=alert(1)>">ok</p>',
    "<p>onclick=alert(1) and javascript:alert(1) as text</p>",
    '<a href="https://example.org/javascript:x" title="javascript:x">x</a>',
    '<meta property="og:description" content="JavaScript: url=javascript:">',
    '<a data-href="javascript:alert(1)" href="">x</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
]


def page(body: str) -> str:
    return f"<!doctype html><html><head><script>{THEME}</script></head><body>{body}</body></html>"


@pytest.mark.parametrize("body", HOSTILE)
def test_check_page_gives_the_verdicts_of_the_straightforward_walk(body):
    assert security.check_page(page(body), ALLOWED) == reference_check_page(page(body), ALLOWED)


def test_the_hostile_snippets_are_mostly_refused():
    # Guards the comparison above: a reference that found nothing would agree with a check that finds nothing.
    refused = [body for body in HOSTILE if security.check_page(page(body), ALLOWED)[0]]
    assert len(refused) >= 29  # the rest are text, inert (template, textarea) or harmless


def test_the_name_cache_does_not_grow_without_bound():
    many = "".join(f'<p data-x{i}="1" onx{i}=1>' for i in range(6000))
    violations, _ = security.check_page(page(many), ALLOWED)
    assert len(violations) == 6000 and len(security._NAME_KINDS) <= 4096


LINKS = [
    '<a href="../x/">x</a><a href="https://example.org/">e</a><a href="https://kleinstadt.example/a">s</a>',
    '<a title="a:b" href="../x/">x</a><a rel="nofollow" href="http://example.org">e</a>',
    '<a href="mailto:a@b.de">m</a><a rel="noopener" href="https://example.org/">e</a><a\nhref=\'https://x.org\'/>y',
    '<a class="x">no href</a><a title="<a href=\'https://e.org\'" href="x">n</a><a name=x href="HTTPS://E.ORG/">u</a>',
]


@pytest.mark.parametrize("html", LINKS)
def test_add_noopener_writes_what_the_straightforward_version_wrote(html):
    expected = reference_add_noopener(html, "https://kleinstadt.example/")
    assert security.add_noopener(html, "https://kleinstadt.example/") == expected


def test_add_noopener_still_marks_external_links():
    assert 'rel="noopener"' in security.add_noopener(LINKS[0], "https://kleinstadt.example/")


@pytest.mark.parametrize("value", ["</script><script>alert(1)</script>", "a & b <!-- c -->", "ä \\u003c \u2028", ""])
def test_json_text_escapes_as_translate_did(value):
    text = json.dumps({"name": value, "list": [value, "&&<<>>"]}, ensure_ascii=False)
    expected = text.translate(str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}))
    assert escaping.json_text(text) == expected and json.loads(escaping.json_text(text)) == json.loads(text)
    assert "<" not in escaping.json_text(text) and "&" not in escaping.json_text(text)


def _built_pages(site) -> list[str]:
    return sorted(glob.glob(os.path.join(site.root, "site", "**", "*.html"), recursive=True))


def test_built_pages_get_the_same_verdicts(hostile, published):
    """Every page of two built fixture sites (one with a hostile payload in each field, escaped by the
    templates) through both versions: the same violations (none), hashes and links."""
    pages = _built_pages(hostile) + _built_pages(published)
    assert len(pages) > 50
    for path in pages:
        with open(path, encoding="utf-8") as handle:
            html = handle.read()
        hashes = frozenset(re.findall(r"'sha256-[^']+'", html))
        assert security.check_page(html, hashes) == reference_check_page(html, hashes), path
        assert (security.add_noopener(html, "https://kleinstadtgeschichten.example.org/")
                == reference_add_noopener(html, "https://kleinstadtgeschichten.example.org/")), path
