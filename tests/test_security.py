"""The page check and the Content-Security-Policy (kleinstadt/security.py) and the escaping rules
(kleinstadt/escaping.py), without a build."""

from __future__ import annotations

import base64
import hashlib

import pytest
from jinja2 import DictLoader, Environment
from markupsafe import Markup

from kleinstadt import escaping, security


def digest(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


THEME_SCRIPT = "__md_scope=new URL(\"..\",location)"
ALLOWED = frozenset({digest(THEME_SCRIPT)})


def page(body: str) -> str:
    return (f'<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="{security.POLICY_MARK}">'
            f"<script>{THEME_SCRIPT}</script></head><body>{body}</body></html>")


def test_template_scripts_pass_and_go_into_the_policy():
    html = page('<script type="application/json">{"a": "</b>"}</script><script type="application/ld+json">{}</script>'
                '<script src="../assets/x.js"></script><a href="https://example.org/">x</a>')
    result = security.harden(html, ALLOWED, "https://kleinstadt.example/")
    assert f"script-src 'self' {digest(THEME_SCRIPT)} 'wasm-unsafe-eval'" in result
    assert "unsafe-inline" not in result and security.POLICY_MARK not in result
    assert 'rel="noopener"' in result


@pytest.mark.parametrize("body, what", [
    ("<script>alert(1)</script>", "Inline-Skript"),
    ('<script type="text/javascript">alert(1)</script>', "Inline-Skript"),
    ('<script type="module">alert(1)</script>', "Inline-Skript"),
    ('<script type="importmap">{"imports": {}}</script>', "Inline-Skript"),
    ('<img src=x onerror=alert(2)>', "onerror="),
    ('<img/src="x"/onerror=alert(2)>', "onerror="),
    ('<svg><a ONCLICK="alert(3)"><text>x</text></a></svg>', "onclick="),
    ('<p title="a" onmouseover=\'alert(4)\'>x</p>', "onmouseover="),
    ('<a href="javascript:alert(5)">x</a>', "javascript:-Adresse"),
    ('<a href=" JaVaScRiPt:alert(5)">x</a>', "javascript:-Adresse"),
    ('<a href="jav&#x09;ascript:alert(5)">x</a>', "javascript:-Adresse"),
    ('<a href="&#106;avascript:alert(5)">x</a>', "javascript:-Adresse"),
    ('<form action="javascript:alert(6)"><button>x</button></form>', "javascript:-Adresse"),
    ('<iframe srcdoc="&lt;script&gt;alert(7)&lt;/script&gt;"></iframe>', "srcdoc"),
    ('<meta http-equiv="refresh" content="0; url=javascript:alert(8)">', "Weiterleitung"),
])
def test_code_the_templates_did_not_write_is_refused(body, what):
    violations, _ = security.check_page(page(body), ALLOWED)
    assert violations and what in str(violations[0])
    with pytest.raises(security.UnsafePage):
        security.harden(page(body), ALLOWED)


@pytest.mark.parametrize("body", [
    "<p>Kinder &lt;3 Kino, und onerror=alert(1) als Text</p>",
    '<p title="javascript: eine Sprache">JavaScript: ein Kurs</p>',
    '<a href="https://example.org/javascript:x">x</a>',
    '<meta property="og:description" content="Wir lernen JavaScript: ein Kurs">',
    "<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></pre>",
])
def test_text_that_only_looks_like_code_passes(body):
    violations, present = security.check_page(page(body), ALLOWED)
    assert violations == [] and present == [digest(THEME_SCRIPT)]


def test_the_policy_never_hashes_a_script_it_was_not_told_about():
    html = page("<script>alert(1)</script>")
    with pytest.raises(security.UnsafePage) as failure:
        security.harden(html, ALLOWED)
    assert "alert(1)" in str(failure.value)
    assert digest("alert(1)") not in security.apply_policy(html, [digest(THEME_SCRIPT)])


def test_template_scripts_are_rendered_from_the_templates_per_depth():
    env = Environment(loader=DictLoader({
        name: "" for name in security.THEME_SCRIPT_TEMPLATES} | {
        "partials/javascripts/base.html": '<script>__md_scope=new URL("{{ base_url }}",location)</script>',
        "partials/javascripts/content.html": '<script type="application/json">{}</script><script src="a.js"></script>',
    }))
    scripts = security.TemplateScripts(lambda name, context: env.get_template(name).render(context))
    assert scripts.hashes({"base_url": ".."}) == {digest('__md_scope=new URL("..",location)')}
    assert scripts.hashes({"base_url": "../.."}) == {digest('__md_scope=new URL("../..",location)')}


def test_project_templates_escape_and_trusted_html_is_named(tmp_path):
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "card.html").write_text("{{ title }}|{{ body | trusted('markdown') }}")
    env = Environment(loader=DictLoader({"partials/card.html": "{{ title }}|{{ body | trusted('markdown') }}",
                                         "base.html": "{{ title }}"}),
                      autoescape=escaping.autoescape_for(str(tmp_path)))
    env.filters["trusted"] = escaping.trusted
    hostile = '<script>alert(1)</script> "Titel" & <b>'
    assert env.get_template("partials/card.html").render(title=hostile, body="<p>Text</p>") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &#34;Titel&#34; &amp; &lt;b&gt;|<p>Text</p>")
    assert env.get_template("base.html").render(title="<i>") == "<i>"  # a theme template of Material: unchanged
    with pytest.raises(ValueError):
        escaping.trusted("<p>", "story-title")
    assert isinstance(escaping.trusted("<p>", "svg-map"), Markup)


def test_every_trusted_fragment_in_the_templates_is_of_a_known_kind():
    import os
    import re

    import corpus

    overrides = os.path.join(corpus.REPO, "overrides")
    kinds = []
    for folder, _, names in os.walk(overrides):
        for name in (name for name in names if name.endswith(".html")):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                text = handle.read()
            assert "| safe" not in text and "|safe" not in text, name  # trust only through `trusted`
            kinds += re.findall(r"trusted\(\"([^\"]+)\"\)", text)
    assert kinds and set(kinds) <= set(escaping.TRUSTED)


def test_town_portrait_and_editorial_refuse_raw_html(site):
    """Towns and editions are rendered by Python-Markdown, which passes raw HTML through: make check stops it."""
    site.edit("towns/altdorf.md", "Altdorf ist eine erfundene Stadt",
              'Altdorf <img src="x" onerror="alert(1)"> ist eine erfundene Stadt')
    site.story("eins", date=__import__("datetime").date(2026, 3, 1))
    site.write("editions/2026-1.md", '---\nnumber: "2026/1"\ntitle: "Ausgabe 2026/1"\ndate: 2026-04-15\n'
               'stories:\n  - eins\n---\n\nDas Vorwort.\n\n<script>alert(2)</script>\n')
    problems = {(p.file, p.line): p.message for p in site.check().problems.sorted()}
    assert any(file == "towns/altdorf.md" and "Ereignis-Attribut" in message
               for (file, _), message in problems.items()), problems
    assert ("editions/2026-1.md", 11) in problems and "<script>" in problems[("editions/2026-1.md", 11)]
