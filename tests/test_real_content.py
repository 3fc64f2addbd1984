"""The real content stays valid: `make check` passes and the strict build succeeds.

These tests read the repository's own stories and towns on purpose (issue: the first 30 stories);
every other test uses the fixture site.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys

import pytest

from conftest import REPO

STUDY = os.path.join(REPO, "..", "shared", "seed", "000_0a8dabf6f8912365.txt")


def test_make_check_passes_on_the_real_content():
    result = subprocess.run([sys.executable, "-m", "kleinstadt.cli", "check", "--root", REPO],
                            capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=os.path.join(REPO, "hooks")))
    assert result.returncode == 0, result.stdout + result.stderr


def test_strict_build_of_the_real_site(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(REPO, "hooks"), os.path.join(REPO, "tools")]))
    result = subprocess.run([sys.executable, os.path.join(REPO, "tools", "build.py"), "--config",
                             os.path.join(REPO, "mkdocs.yml"), "--site-dir", str(tmp_path / "site")],
                            capture_output=True, text=True, env=env, cwd=REPO)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert os.path.exists(tmp_path / "site" / "index.html")


def _words(text: str) -> list[str]:
    text = text.replace("\ufffd", "")
    text = re.sub(r"-\n\s*", "", text)  # words hyphenated across lines in the study's PDF text
    return re.findall(r"[a-zäöüß]+", text.lower())


@pytest.mark.skipif(not os.path.exists(STUDY), reason="Die Studie liegt nur im Arbeitsbereich der Entwickler (../shared).")
def test_no_sentence_of_the_study_is_copied():
    with open(STUDY, encoding="utf-8") as handle:
        study = _words(handle.read())
    size = 8  # eight words in a row: longer than any set phrase or name, shorter than a sentence
    shingles = {tuple(study[i : i + size]) for i in range(len(study) - size)}
    copied = []
    for path in glob.glob(os.path.join(REPO, "stories", "**", "*.md"), recursive=True) + \
            glob.glob(os.path.join(REPO, "towns", "*.md")) + glob.glob(os.path.join(REPO, "pillars", "*.md")) + \
            glob.glob(os.path.join(REPO, "pages", "*.md")):
        words = _words(open(path, encoding="utf-8").read())
        for i in range(len(words) - size):
            if tuple(words[i : i + size]) in shingles:
                copied.append(f"{os.path.relpath(path, REPO)}: {' '.join(words[i:i + size])}")
                break
    assert not copied, "\n".join(copied)


def test_town_fact_sources_are_plain_source_names():
    """The town page prints them in brackets: no brackets inside, no notes from the research."""
    from kleinstadt.content import load_content

    towns = load_content(REPO).towns.values()
    assert towns
    for town in towns:
        for source in (town.population_source, town.area_source):
            if source:
                assert "(" not in source and "Kopie" not in source and "nennt" not in source, (town.slug, source)


# --- Page citations and quotations hold (issue 15) ---------------------------------------------------------

def _content_files() -> list[str]:
    return sorted(glob.glob(os.path.join(REPO, "stories", "**", "index.md"), recursive=True)
                  + glob.glob(os.path.join(REPO, "towns", "*.md")) + glob.glob(os.path.join(REPO, "pillars", "*.md")))


def _front_matter_and_body(path: str) -> tuple[dict, str]:
    import yaml

    text = open(path, encoding="utf-8").read()
    if text.startswith("---\n"):
        head, _, body = text[4:].partition("\n---\n")
        return yaml.safe_load(head) or {}, body
    return {}, text


def _study_pages(study: str) -> range:
    """The printed page numbers, read from the running heads the PDF extraction kept ("4 Zusammenfassung",
    "15Selbstgestaltungskräfte aktivieren …", "26 Impressum …"): a number, then a title, no sentence
    punctuation. The study's text starts on page 4 (cover and title pages carry no text) and ends on 26."""
    numbers = [int(match.group(1)) for match in
               re.finditer(r"^ ?(\d{1,2}) ?[A-ZÄÖÜ][^.,;!?\n]*$", study, flags=re.M)]
    assert len(numbers) >= 5, "running heads of the study not found"
    return range(min(numbers), max(numbers) + 1)


# "S. 8", "S. 6–8", "S. 4, 6–8, 20 und 25", "S. 16 f." (in the text and in the footer note) and the
# `page:` field of a source ("14-15, 25")
CITATION = re.compile(r"\bS\.\s?(\d+(?:\s?[–-]\s?\d+)?(?:\s?ff?\.)?(?:(?:,\s?|\s(?:und|bis)\s)\d+(?:\s?[–-]\s?\d+)?"
                      r"(?:\s?ff?\.)?)*)")


def _cited_pages(text: str) -> list[tuple[str, int]]:
    found = []
    for match in CITATION.finditer(text):
        group = match.group(1)
        for first, last, follows in re.findall(r"(\d+)(?:\s?[–-]\s?(\d+))?(\s?ff?\.)?", group):
            pages = [int(first)] + ([int(last)] if last else []) + ([int(last or first) + 1] if follows else [])
            if last and int(last) <= int(first):
                pages.append(-1)  # "S. 8–6" is no range
            found += [(match.group(0), page) for page in pages]
    return found


@pytest.mark.skipif(not os.path.exists(STUDY), reason="Die Studie liegt nur im Arbeitsbereich der Entwickler (../shared).")
def test_page_citations_point_into_the_study():
    pages = _study_pages(open(STUDY, encoding="utf-8").read())
    wrong, count = [], 0
    for path in _content_files():
        meta, body = _front_matter_and_body(path)
        texts = [body] + [f"S. {source['page']}" for source in meta.get("sources") or []
                          if source.get("title") == "Resiliente Kleinstädte" and source.get("page")]
        for text in texts:
            for citation, page in _cited_pages(text):
                count += 1
                if page not in pages:
                    wrong.append(f"{os.path.relpath(path, REPO)}: {citation!r} (die Studie hat Text auf S. "
                                 f"{pages.start}–{pages.stop - 1})")
    assert count > 100  # the pattern still finds the citations
    assert not wrong, "\n".join(wrong)


def test_citation_pattern_reads_lists_ranges_and_following_pages():
    assert [page for _, page in _cited_pages("(S. 4, 6–8, 20 und 25)")] == [4, 6, 8, 20, 25]
    assert [page for _, page in _cited_pages("(S. 16 f.) und S. 9")] == [16, 17, 9]
    assert -1 in [page for _, page in _cited_pages("S. 8–6")]


# Words in German quotation marks that nobody said and that the study does not print, but which are
# names, not quotations. Each needs its reason; everything else in „…“ must be found in the study.
NOT_QUOTATIONS = {
    "Wasserstadt": "amtlicher Beiname von Fürstenberg/Havel seit 2013 (Wikipedia, towns.md)",
    "Hochschulstadt": "amtlicher Beiname von Schmalkalden seit 2004 (Wikipedia, towns.md)",
    "Heilbad": "Namenszusatz von Heiligenstadt seit 1950 (Wikipedia, towns.md)",
    "Kleinstadtgeschichten": "der Name dieser Publikation",
}
STUDY_MENTIONED = re.compile(r"\(S\. \d|Studie|Thünen|Autor:innen")


def _letters(text: str) -> str:
    """Only letters and digits, lower case: line breaks, hyphenation at line ends, spaces and punctuation
    drop out. The PDF extraction lost the ligatures fi, fl and ff (a replacement character, sometimes
    followed by a space), so both sides write every ligature as "#"."""
    text = re.sub(r"ffi|ffl|ff|fi|fl", "#", text.lower().replace("\ufffd", "#"))
    return re.sub(r"[^a-z0-9äöüß#]", "", text)


def _quotations(path: str) -> list[str]:
    """The „…“ passages of a story or profile that claim to be someone's words from the study.

    A passage is checked when its paragraph refers to the study (a page citation, "Studie", "Thünen",
    "Autor:innen") or when the page has no source that could have said it (only the study and reference
    works such as Wikipedia). Titles of the page's own sources and the names in NOT_QUOTATIONS are names,
    not quotations. A story with its own interview may quote it in a paragraph that does not cite the study."""
    meta, body = _front_matter_and_body(path)
    sources = meta.get("sources") or []
    titles = {str(source.get("title")) for source in sources}
    only_study = all(source.get("title") == "Resiliente Kleinstädte" or source.get("publisher") == "Wikipedia"
                     for source in sources)
    paragraphs = [str(meta.get(key) or "") for key in ("title", "description")] + re.split(r"\n\s*\n", body)
    found = []
    for paragraph in paragraphs:
        for passage in re.findall(r"„([^“]*)“", paragraph):
            if passage in titles or passage in NOT_QUOTATIONS:
                continue
            if only_study or STUDY_MENTIONED.search(paragraph):
                found.append(passage)
    return found


@pytest.mark.skipif(not os.path.exists(STUDY), reason="Die Studie liegt nur im Arbeitsbereich der Entwickler (../shared).")
def test_quotations_occur_in_the_study():
    study = _letters(open(STUDY, encoding="utf-8").read())
    missing = []
    for path in _content_files():
        for passage in _quotations(path):
            parts = [part for part in re.split(r"\s*(?:\[…\]|…|\.\.\.)\s*", passage) if _letters(part)]
            position = 0
            for part in parts:  # an ellipsis leaves words out; the rest must follow in order
                position = study.find(_letters(part), position)
                if position < 0:
                    missing.append(f"{os.path.relpath(path, REPO)}: „{passage}“")
                    break
    assert not missing, "Diese Zitate stehen nicht in der Studie:\n" + "\n".join(missing)


def test_allowed_names_are_few_and_explained():
    assert len(NOT_QUOTATIONS) <= 8 and all(len(reason) > 15 for reason in NOT_QUOTATIONS.values())


def test_site_links_in_town_profiles_name_existing_pages():
    """`make check` checks the links of stories; the town profiles link to stories too (issue 15)."""
    from kleinstadt.content import load_content

    content = load_content(REPO)
    known = {"geschichten": {story.slug for story in content.stories}, "orte": set(content.towns)}
    broken, count = [], 0
    for path in glob.glob(os.path.join(REPO, "towns", "*.md")):
        _, body = _front_matter_and_body(path)
        for target in re.findall(r"\]\((/[^)\s#]*)", body):
            parts = [part for part in target.split("/") if part]
            if len(parts) == 2 and parts[0] in known:
                count += 1
                if parts[1] not in known[parts[0]]:
                    broken.append(f"{os.path.relpath(path, REPO)}: {target}")
    assert count >= 1
    assert not broken, "\n".join(broken)


def test_practices_only_where_the_study_reports_a_local_account():
    """Issue 17: a practice box only where the study's account supports one; none for the four towns of which
    the study reports no local project, and every contact is a town office named in ../shared/data/towns.md."""
    from kleinstadt.content import load_content

    content = load_content(REPO)
    with_practice = {story.slug: story for story in content.stories if story.practice}
    assert with_practice, "no practice at all"
    for story in with_practice.values():
        assert not {"luebz", "storkow", "glashuette", "heilbad-heiligenstadt"} & set(story.towns), story.slug
        if story.practice.contact:
            assert story.practice.contact.url in {content.towns[slug].website for slug in story.towns}, story.slug
    assert not any(town.hospitation for town in content.towns.values())  # the study names no offer of visits
