"""Safety of a story's Markdown body: no raw HTML or scripts, no paths out of its folder, no contact data."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

FENCE = re.compile(r"^\s{0,3}(```|~~~)")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
COMMENT = re.compile(r"<!--.*?-->")
# The start of an HTML tag: its name, then a space, "/", ">" or the end of the line. A tag may go on over
# the next lines (`<a` here, `onclick=...>` there): the start alone is raw HTML, wherever its ">" is.
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>]|$)[^>]*")
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "style", "form", "frame", "frameset", "base", "meta", "link",
                  "svg", "math"}
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
TOP_HEADING = re.compile(r"^\s{0,3}#(?:\s|$)")  # "# Titel": the page has its h1 already, the story's title
BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data)\s*:", re.IGNORECASE)
# [text](target "title") and ![alt](target); reference definitions: [id]: target
INLINE_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# Contact data written so that a filter misses it: "mia.k (at) schule.de", "0171 2345678", "@jugendclub".
EMAIL_SPELLED = re.compile(r"[\w.+-]+\s*[(\[]\s*(?:at|ät|et)\s*[)\]]\s*[\w-]+"
                           r"(?:\.|\s*[(\[]\s*(?:dot|punkt)\s*[)\]]\s*)[a-z]{2,}", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w,.(])\(?(?:\+49|0049|0)\s?\(?\d{2,5}\)?(?:[\s/-]?\d){4,10}(?![\d,.]\d)")
HANDLE = re.compile(r"(?<![\w.@/])@[A-Za-z0-9_][A-Za-z0-9_.]{2,}")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# HTML in a plain-text field (a title, an alt text, ...): a comment, a doctype or CDATA, or a tag's name right
# after "<" or "</", closed by ">" or "/>", or going on with attributes (`<img src=x onerror=...`,
# `<svg/onload=...`), or at the very end. A "<" before a space or a digit is text: „Kinder <3 Kino“,
# "a < b", "5 <10".
HTML_IN_TEXT = re.compile(r"<!--|<![a-zA-Z\[]|<\?[a-zA-Z]"
                          r"|</?[a-zA-Z][a-zA-Z0-9-]*(?:/?>|[\s/][^<>]*?[>=]|/?$)")


@dataclass(frozen=True)
class Link:
    line: int
    target: str
    is_image: bool
    text: str


@dataclass(frozen=True)
class Finding:
    line: int
    message: str
    hint: str


def scan(body: str, first_line: int) -> tuple[list[Finding], list[Link]]:
    """Return the unsafe things in a Markdown body and every link and image it contains."""
    findings: list[Finding] = []
    links: list[Link] = []
    in_fence = None
    for offset, raw in enumerate(body.split("\n")):
        line_no = first_line + offset
        fence = FENCE.match(raw)
        if fence:
            marker = fence.group(1)
            in_fence = None if in_fence == marker else (in_fence or marker)
            continue
        if in_fence:
            continue
        # Most lines are plain prose: each pattern runs only where its first character occurs, which
        # made checking 10,000 stories several seconds faster.
        line = raw
        if "#" in line[:4] and TOP_HEADING.match(line):
            findings.append(Finding(line_no, "Eine Überschrift mit einer Raute (# …) hat auf der Seite nur der Titel.",
                                    "Zwischentitel beginnen mit zwei Rauten: ## Zwischentitel"))
        if "`" in line:
            line = CODE_SPAN.sub("", line)
        if "<!--" in line:
            line = COMMENT.sub("", line)
        if "<" in line:
            for match in TAG.finditer(line):
                if match.group(1):
                    continue  # a closing tag: the opening one is reported already
                name = match.group(2).lower()
                if name in DANGEROUS_TAGS:
                    findings.append(Finding(line_no, f"Der HTML-Baustein <{name}> ist in Geschichten verboten.",
                                            "Schreibe nur Markdown. Videos, Karten und Formulare bindet die Redaktion ein."))
                elif EVENT_HANDLER.search(match.group(0)):
                    findings.append(Finding(line_no, "HTML mit Ereignis-Attribut (wie onclick=) ist verboten.",
                                            "Entferne das HTML und schreibe den Text in Markdown."))
                else:
                    findings.append(Finding(line_no, f"Rohes HTML (<{name}>) ist in Geschichten nicht erlaubt.",
                                            "Nutze Markdown: **fett**, *kursiv*, [Linktext](https://...), ## Zwischentitel."))
        if "[" in line:
            for match in INLINE_LINK.finditer(line):
                links.append(Link(line_no, match.group(3), match.group(1) == "!", match.group(2)))
            reference = REFERENCE.match(line)
            if reference and not line.lstrip().startswith("[^"):  # "[^1]: ..." is a footnote, not a link
                links.append(Link(line_no, reference.group(1), False, ""))
        if ":" in line and "javascript:" in line.lower() and not any(l.line == line_no for l in links):
            findings.append(Finding(line_no, "Ein „javascript:“-Link ist verboten.",
                                    "Verlinke nur Webadressen, die mit https:// beginnen."))
        if "@" in line:
            for email in EMAIL.findall(line):
                findings.append(Finding(line_no, f"Die E-Mail-Adresse „{email}“ ist Kontaktdaten.",
                                        "Zum Schutz aller Beteiligten stehen keine Kontaktdaten in Geschichten. Lösche sie."))
            for handle in HANDLE.findall(EMAIL.sub("", line)):
                findings.append(Finding(line_no, f"„{handle}“ sieht nach einem Profil in sozialen Medien aus.",
                                        "Profile sind Kontaktdaten: Nenne den Verein oder die Gruppe mit Namen, ohne @."))
        if "(" in line or "[" in line:
            for email in EMAIL_SPELLED.findall(line):
                findings.append(Finding(line_no, f"„{email}“ ist eine E-Mail-Adresse, nur anders geschrieben.",
                                        "Zum Schutz aller Beteiligten stehen keine Kontaktdaten in Geschichten. Lösche sie."))
        if "0" in line or "+" in line:
            for phone in PHONE.findall(line):
                findings.append(Finding(line_no, f"„{phone.strip()}“ sieht nach einer Telefonnummer aus.",
                                        "Telefonnummern sind Kontaktdaten und stehen nicht in Geschichten. Lösche sie."))
    for link in links:
        if BAD_SCHEME.match(link.target):
            findings.append(Finding(link.line, f"Der Link „{link.target[:40]}“ nutzt ein verbotenes Schema.",
                                    "Verlinke nur Webadressen, die mit https:// beginnen."))
        elif link.target.lower().startswith(("mailto:", "tel:")):
            findings.append(Finding(link.line, "Links auf E-Mail-Adressen oder Telefonnummern sind nicht erlaubt.",
                                    "Zum Schutz aller Beteiligten stehen keine Kontaktdaten in Geschichten."))
        elif link.is_image and not link.text.strip():
            findings.append(Finding(link.line, f"Das Bild „{link.target}“ hat keinen Alternativtext.",
                                    "Beschreibe in den eckigen Klammern, was auf dem Bild zu sehen ist: ![Beschreibung](bild.jpg)"))
    return findings, links


def html_in_text(text: str) -> str | None:
    """The first thing in a plain-text value that looks like HTML (at most 40 characters), or None."""
    match = HTML_IN_TEXT.search(text)
    if not match:
        return None
    end = text.find(">", match.start())
    found = text[match.start() : end + 1] if end != -1 else text[match.start() :]
    return found if len(found) <= 40 else found[:39] + "…"


def local_target(target: str) -> str | None:
    """The file part of a link that points into the repository; None for web links and anchors."""
    if not target or target.startswith("#") or SCHEME.match(target) or target.startswith("//"):
        return None
    return unquote(target.split("#", 1)[0].split("?", 1)[0])  # "mein%20foto.jpg" is the file "mein foto.jpg"


def leaves_folder(target: str) -> bool:
    """True when a relative path climbs out of the story's folder (or is an absolute file path)."""
    if target.startswith("/"):
        return False  # a site URL such as /orte/malchin/, checked against the known pages instead
    normal = posixpath.normpath(target)
    return normal == ".." or normal.startswith("../")


def report_unsafe(problems, path: str, body: str, first_line: int) -> bool:
    """For bodies without a story's further link checks (a town's portrait, an edition's editorial): adds
    every unsafe thing as a problem; True when there was none."""
    findings, _ = scan(body, first_line)
    for finding in findings:
        problems.add(path, finding.line, None, finding.message, finding.hint)
    return not findings
