"""Story bodies are rendered with cmark-gfm (kleinstadt/story_markdown.py): as GitHub shows them in a pull
request, heading ids included, with a table of contents for MkDocs."""

import re

import markdown

from kleinstadt import story_markdown

BODY = """Einleitung mit [Sprung](#wie-es-weiterging) und [Netz](https://example.org/).

## Über Brücken & Wege

Text.

### Die „Werkstatt“: Teil 1

## Wie es weiterging

## Wie es weiterging
"""


def test_heading_ids_are_githubs_and_the_toc_is_nested_as_python_markdown_nests_it():
    ours = story_markdown.render(BODY)
    ids = re.findall(r'<h\d id="([^"]+)"', ours.html)
    assert ids == ["über-brücken--wege", "die-werkstatt-teil-1", "wie-es-weiterging", "wie-es-weiterging-1"]

    def shape(tokens):
        return [(t["level"], t["id"], t["name"], shape(t["children"])) for t in tokens]

    assert shape(ours.toc_tokens)[0] == (2, "über-brücken--wege", "Über Brücken &amp; Wege",
                                          [(3, "die-werkstatt-teil-1", "Die „Werkstatt“: Teil 1", [])])
    md = markdown.Markdown(extensions=["toc"])
    md.convert(BODY)
    assert [len(t["children"]) for t in ours.toc_tokens] == [len(t["children"]) for t in md.toc_tokens]


def test_anchors_and_links_to_them_are_collected_for_mkdocs_to_check():
    result = story_markdown.render(BODY + '\n<span id="marke">x</span>\n\n[kaputt](#gibt-es-nicht) [gut](#über-brücken--wege)\n')
    assert {"über-brücken--wege", "wie-es-weiterging", "wie-es-weiterging-1", "marke"} <= result.anchor_ids
    assert result.same_page_anchors == {"wie-es-weiterging": "#wie-es-weiterging", "gibt-es-nicht": "#gibt-es-nicht",
                                        "über-brücken--wege": "#über-brücken--wege"}  # decoded, as browsers match them


def test_footnotes_work_as_on_github_and_speak_german():
    html = story_markdown.render("Ein Satz.[^1]\n\n[^1]: Die Quelle dazu.\n").html
    assert '<a href="#fn-1" id="fnref-1"' in html and '<li id="fn-1">' in html
    assert "Back to" not in html and 'aria-label="Zurück zur Stelle im Text, Fußnote 1"' in html
    assert '<h2 class="ksg-visually-hidden">Fußnoten</h2>' in html  # for screen readers, not in the contents
    assert story_markdown.render("Ein Satz.[^1]\n\n[^1]: Quelle.\n").toc_tokens == []


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


def test_github_alerts_become_boxes_with_a_german_title():
    html = story_markdown.render("> [!TIP]\n> Am Samstag ist der Markt offen.\n>\n> Auch mit Rad.\n\n"
                                 "> [!WARNING]\n>\n> Nur mit Anmeldung.\n\n> Ein Zitat bleibt ein Zitat.\n").html
    assert ('<div class="admonition tip">\n<p class="admonition-title">Tipp</p>\n'
            "<p>Am Samstag ist der Markt offen.</p>\n<p>Auch mit Rad.</p>\n</div>") in html
    assert '<div class="admonition warning">\n<p class="admonition-title">Achtung</p>\n<p>Nur mit Anmeldung.</p>' in html
    assert "<blockquote>\n<p>Ein Zitat bleibt ein Zitat.</p>\n</blockquote>" in html
    assert "[!" not in html
