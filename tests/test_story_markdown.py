"""Story bodies are rendered with cmark-gfm (kleinstadt/story_markdown.py): as GitHub shows them in a pull
request, with heading ids and a table of contents as Python-Markdown's toc extension made them."""

import markdown

from kleinstadt import story_markdown

BODY = """Einleitung mit [Sprung](#wie-es-weiterging) und [Netz](https://example.org/).

## Über Brücken & Wege

Text.

### Die „Werkstatt“: Teil 1

## Wie es weiterging

## Wie es weiterging
"""


def test_heading_ids_and_toc_are_those_of_python_markdown():
    ours = story_markdown.render(BODY)
    md = markdown.Markdown(extensions=["toc"])
    theirs = md.convert(BODY)
    ids = lambda text: __import__("re").findall(r'<h\d id="([^"]+)"', text)
    assert ids(ours.html) == ids(theirs) == ["uber-brucken-wege", "die-werkstatt-teil-1", "wie-es-weiterging",
                                               "wie-es-weiterging_1"]

    def shape(tokens):
        return [(t["level"], t["id"], t["name"], shape(t["children"])) for t in tokens]

    assert shape(ours.toc_tokens) == shape(md.toc_tokens)
    assert shape(ours.toc_tokens)[0] == (2, "uber-brucken-wege", "Über Brücken &amp; Wege",
                                          [(3, "die-werkstatt-teil-1", "Die „Werkstatt“: Teil 1", [])])


def test_anchors_and_links_to_them_are_collected_for_mkdocs_to_check():
    result = story_markdown.render(BODY + '\n<span id="marke">x</span>\n\n[kaputt](#gibt-es-nicht)\n')
    assert {"uber-brucken-wege", "wie-es-weiterging", "wie-es-weiterging_1", "marke"} <= result.anchor_ids
    assert result.same_page_anchors == {"wie-es-weiterging": "#wie-es-weiterging", "gibt-es-nicht": "#gibt-es-nicht"}


def test_markdown_works_as_in_a_github_preview():
    html = story_markdown.render("Was wir brauchen:\n- Holz\n- Farbe\n\n| Jahr | Gäste |\n|---|---|\n| 2025 | 300 |\n\n"
                                 "~~alt~~ neu, mehr unter https://example.org/seite\n").html
    assert "<ul>\n<li>Holz</li>" in html  # a list right after a line, without a blank line before it
    assert "<table>" in html and "<td>300</td>" in html
    assert "<del>alt</del>" in html
    assert '<a href="https://example.org/seite">https://example.org/seite</a>' in html


def test_harmless_inline_html_stays_and_dangerous_tags_are_disarmed():
    html = story_markdown.render("H<sub>2</sub>O und <script>alert(1)</script>\n").html
    assert "H<sub>2</sub>O" in html
    assert "<script>" not in html and "&lt;script>" in html
