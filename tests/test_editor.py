"""The web editor (/redaktion/, issue 16) without a browser: the committed configuration is current and
valid against the JSON Schema that Sveltia CMS ships; the copied bundle names no CDN; the page is left out
of search, sitemap and feeds and carries noindex and its own policy. The browser side: test_editor_browser.py."""

from __future__ import annotations

import json
import os
import re

import jsonschema
import pytest
import yaml

import corpus
from kleinstadt import editor_config, editor_page
from kleinstadt.sources import SOURCE_KEYS
from kleinstadt.story import IMAGE_KEYS, PEOPLE_KEYS, STORY_KEYS
from kleinstadt.town import TOWN_KEYS

REPO = corpus.REPO
CMS = os.path.join(REPO, "node_modules", "@sveltia", "cms")
needs_npm = pytest.mark.skipif(not os.path.isdir(CMS), reason="node_modules fehlt: `make install` (npm ci)")


def schema_validator():
    with open(os.path.join(CMS, "schema", "sveltia-cms.json"), encoding="utf-8") as handle:
        return jsonschema.Draft7Validator(json.load(handle))


def test_committed_configuration_is_current():
    with open(os.path.join(REPO, editor_config.CONFIG_FILE), encoding="utf-8") as handle:
        committed = handle.read()
    assert committed == editor_config.render(REPO), "editor/config.yml ist veraltet: `make cms-config` ausführen"


@needs_npm
def test_configuration_validates_against_the_shipped_schema():
    validator = schema_validator()
    config = yaml.safe_load(editor_config.render(REPO))
    errors = [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(config)]
    assert not errors, errors
    broken = yaml.safe_load(editor_config.render(REPO))
    broken["collections"][0]["fields"][0]["lable"] = "Tippfehler"  # the schema is strict: it notices
    assert list(validator.iter_errors(broken))


def _fields(config: dict, collection: str) -> dict:
    return {field["name"]: field for field in next(c for c in config["collections"] if c["name"] == collection)["fields"]}


def test_every_front_matter_field_has_a_german_widget():
    config = yaml.safe_load(editor_config.render(REPO))
    stories, towns = _fields(config, "stories"), _fields(config, "towns")
    assert set(stories) - {"body"} == STORY_KEYS and set(towns) - {"body"} == TOWN_KEYS
    assert {f["name"] for f in stories["image"]["fields"]} == IMAGE_KEYS
    # the consent switches sit in an optional group: shown, and stored, only once „Erkennbare Personen“ is added
    people = next(f for f in stories["image"]["fields"] if f["name"] == "people")
    assert (people["widget"], people["required"]) == ("object", False)
    assert {f["name"] for f in people["fields"]} == PEOPLE_KEYS
    assert all(f["widget"] == "boolean" for f in people["fields"])
    assert {f["name"] for f in stories["sources"]["fields"]} == SOURCE_KEYS
    for field in list(stories.values()) + list(towns.values()) + stories["image"]["fields"] + people["fields"]:
        assert field.get("label") and field.get("hint"), field["name"]
    assert stories["description"]["maxlength"] == 200
    assert (stories["pillars"]["min"], stories["pillars"]["max"]) == (1, 2)
    assert [o["value"] for o in stories["status"]["options"]] == ["draft", "review"]
    assert {o["value"] for o in stories["towns"]["options"]} == {
        name[:-3] for name in os.listdir(os.path.join(REPO, "towns")) if name.endswith(".md")}
    assert config["publish_mode"] == "editorial_workflow"
    assert config["media_libraries"] == {"stock_assets": False}  # no stock photos from other hosts
    assert config["collections"][0]["path"] == "{{fields.towns.0}}/{{year}}-{{month}}-{{day}}-{{slug}}/index"
    assert config["backend"]["auth_methods"] == ["token"] or config["backend"].get("base_url")


@needs_npm
def test_rewritten_bundle_names_no_cdn_and_fonts_match_the_pinned_versions():
    with open(os.path.join(CMS, editor_page.BUNDLE), encoding="utf-8") as handle:
        original = handle.read()
    rewritten = editor_page.rewrite_bundle(original)  # raises when an upgrade moved an address
    for needle in ("cdn.jsdelivr.net", "${iP}@${rP}/locales", "fetch(NSe)", "checkStatus:kye", "maximum-scale"):
        assert needle not in rewritten.replace("return;try{let e=await fetch(NSe)", "")
    for url, (package, version, file) in editor_page.FONTS.items():
        assert f"@{version}/" in url
        assert editor_page.package_version(REPO, package) == version
        assert os.path.exists(os.path.join(editor_page.package_dir(REPO, package), file))
    assert editor_page.package_version(REPO, editor_page.PACKAGE) == editor_page.VERSION
    with pytest.raises(editor_page.EditorError):
        editor_page.rewrite_bundle(original.replace("USe=`${iP}@${rP}/locales`", "USe=`${iP}@${rP}/l10n`"))


@needs_npm
def test_built_editor_page(site):
    result = site.build()
    assert result.returncode == 0, result.stderr[-2000:]
    folder = os.path.join(site.root, "site", "redaktion")
    with open(os.path.join(folder, "index.html"), encoding="utf-8") as handle:
        html = handle.read()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert editor_page.EDITOR_POLICY in html and "ksg-editor-policy" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "kein Inline-Skript auf der Editor-Seite"
    for name in ("sveltia-cms.js", "editor.js", "config.yml", "locales/de.json", "fonts/source-sans-3-latin-wght-normal.woff2"):
        assert os.path.exists(os.path.join(folder, name)), name
    for name in ("sitemap.xml",):
        with open(os.path.join(site.root, "site", name), encoding="utf-8") as handle:
            assert "/redaktion/" not in handle.read()
    for dirpath, _, names in os.walk(os.path.join(site.root, "site")):
        for name in names:
            if name.endswith((".xml", ".json")) and "redaktion" not in dirpath and "pagefind" not in dirpath:
                with open(os.path.join(dirpath, name), encoding="utf-8", errors="replace") as handle:
                    assert "/redaktion/" not in handle.read(), name
    pagefind = os.path.join(site.root, "site", "pagefind")
    assert os.path.isdir(pagefind) and not any("redaktion" in n for _, _, ns in os.walk(pagefind) for n in ns)
    _assert_icon_font_has_every_icon_the_bundle_names(folder)


def _assert_icon_font_has_every_icon_the_bundle_names(folder: str):
    from fontTools.ttLib import TTFont
    from kleinstadt import symbol_font

    package, _, file = next(font for font in editor_page.FONTS.values() if font[0] == editor_page.SYMBOLS)
    whole = symbol_font.icon_names(TTFont(os.path.join(editor_page.package_dir(corpus.REPO, package), file)))
    with open(os.path.join(folder, "sveltia-cms.js"), encoding="utf-8") as handle:
        named = symbol_font.named_icons(whole, handle.read())
    cut = os.path.join(folder, "fonts", os.path.basename(file))
    assert len(named) > 100 and named <= set(symbol_font.icon_names(TTFont(cut)))
    assert os.path.getsize(cut) < 100_000  # the whole font is 754 KB


def test_symbol_font_keeps_the_icons_that_are_named_and_no_others(tmp_path):
    from fontTools.ttLib import TTFont
    from kleinstadt import symbol_font

    package, _, file = next(font for font in editor_page.FONTS.values() if font[0] == editor_page.SYMBOLS)
    source = os.path.join(editor_page.package_dir(corpus.REPO, package), file)
    bundle = 'x=["close"],y=`<span class="material-symbols-outlined">favorite</span>`,z="not_an_icon_name"'
    cache = tmp_path / "cache"
    data = symbol_font.cut_font(source, str(cache), bundle, "icon: 'search'\n")
    (tmp_path / "cut.woff2").write_bytes(data)
    kept = set(symbol_font.icon_names(TTFont(tmp_path / "cut.woff2")))
    assert {"close", "favorite", "search"} <= kept
    assert "arrow_back" not in kept and len(kept) < 10  # aliases of the three (such as "clear") may stay
    assert len(data) < 20_000
    assert len(os.listdir(cache)) == 1  # cached: the second build reads it instead of cutting again
    assert symbol_font.cut_font(source, str(cache), bundle, "icon: 'search'\n") == data


def test_round_trip_fixture_uses_every_front_matter_key(tmp_path):
    """The web editor's round trip (test_editor_browser.py) runs on the published fixture site: its stories
    together must use every key of the content model, both kinds of cost, and images with and without people,
    or a field the editor loses would go unnoticed."""
    from conftest import FIXTURE, FixtureSite
    from kleinstadt.frontmatter import parse
    from kleinstadt.practice import CONTACT_KEYS, COST_KEYS, PRACTICE_KEYS, SUITS_KEYS
    from published_site import write_stories

    root = corpus.prepare_site(str(tmp_path / "repo"), source=FIXTURE)
    write_stories(FixtureSite(root))
    used: dict[str, set] = {}

    def collect(name: str, value):
        if isinstance(value, dict):
            used.setdefault(name, set()).update(value)
            for key, item in value.items():
                collect(f"{name}.{key}", item)
        elif isinstance(value, list):
            for item in value:
                collect(name + "[]", item)

    images, costs = [], []
    for dirpath, _, names in os.walk(os.path.join(root, "stories")):
        if "index.md" in names:
            with open(os.path.join(dirpath, "index.md"), encoding="utf-8") as handle:
                data = parse(handle.read()).data
            collect("", data)
            if "image" in data:
                images.append("people" in data["image"])
            costs.append(data.get("practice", {}).get("cost"))
    assert used[""] == STORY_KEYS
    assert used[".image"] == IMAGE_KEYS and used[".image.people"] == PEOPLE_KEYS
    assert used[".sources[]"] == SOURCE_KEYS
    assert used[".practice"] == PRACTICE_KEYS and used[".practice.suits"] == SUITS_KEYS
    assert used[".practice.contact"] == CONTACT_KEYS and used[".practice.cost"] == COST_KEYS
    assert {"unknown": True} in costs and {"min": 500, "max": 2000} in costs
    with open(os.path.join(root, "towns", "seestadt.md"), encoding="utf-8") as handle:
        assert "hospitation" in parse(handle.read()).data  # the town profiles' optional block
    assert True in images and False in images
