"""The Git workflow for young authors: CONTRIBUTING.md, the pull-request checklist, the issue forms and
CODEOWNERS (generated from taxonomy.yml, so it never drifts from the registered teams)."""

from __future__ import annotations

import glob
import os
import re

import pytest
import yaml

import codeowners
from kleinstadt.problems import Problems
from kleinstadt.taxonomy import load_taxonomy

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GITHUB = os.path.join(REPO, ".github")
FORM_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}


def read(*parts: str) -> str:
    with open(os.path.join(REPO, *parts), encoding="utf-8") as handle:
        return handle.read()


def test_codeowners_is_generated_from_the_teams():
    assert read(".github", "CODEOWNERS") == codeowners.render(REPO), \
        "CODEOWNERS ist veraltet: make codeowners"


def test_each_town_folder_belongs_to_its_newsroom_and_the_editors(site):
    text = codeowners.render(site.root)
    rules = dict(line.split(None, 1) for line in text.splitlines() if line and not line.startswith("#"))
    assert rules["*"] == "@kleinstadtgeschichten/redaktion"
    # fixture taxonomy: the Malchin example team works in seestadt, the Schmalkalden one in altdorf
    assert rules["/stories/seestadt/"] == "@kleinstadtgeschichten/redaktion @kleinstadtgeschichten/jugendredaktion-malchin"
    assert rules["/stories/altdorf/"] == ("@kleinstadtgeschichten/redaktion "
                                          "@kleinstadtgeschichten/jugendredaktion-schmalkalden")
    assert rules["/stories/neudorf/"] == "@kleinstadtgeschichten/redaktion"
    assert rules["/taxonomy.yml"] == "@kleinstadtgeschichten/redaktion"


def test_contributing_walks_through_every_step_in_plain_german():
    text = read("CONTRIBUTING.md")
    headings = re.findall(r"^## (\d)\. (.+)$", text, flags=re.M)
    assert [number for number, _ in headings] == [str(n) for n in range(1, 10)]
    flat = " ".join(text.split())  # phrases may wrap across lines
    for words in ("Fork", "Zweig", "make story", "make check", "make preview", "Pull Request", "Re-request review",
                  "Merge", "status: review", "make review"):
        assert words in flat, words
    # the organisation must create the teams that CODEOWNERS names
    assert "muss die GitHub-Organisation `kleinstadtgeschichten` diese Teams anlegen" in flat
    for handle in set(re.findall(r"@kleinstadtgeschichten/[\w-]+", read(".github", "CODEOWNERS"))):
        assert handle in text, f"{handle} fehlt in CONTRIBUTING.md"


def test_pull_request_template_has_the_checklist():
    text = read(".github", "PULL_REQUEST_TEMPLATE.md")
    boxes = re.findall(r"^- \[ \] (.+)$", text, flags=re.M)
    assert len(boxes) >= 10
    joined = "\n".join(boxes)
    for topic in ("Quelle", "Lizenz", "zugestimmt", "Eltern", "Alternativtext", "vollen Namen", "Adressen",
                  "make check", "make preview"):
        assert topic in joined, topic


@pytest.mark.parametrize("name", ["geschichte-idee.yml", "korrektur.yml"])
def test_issue_forms_are_valid(name):
    form = yaml.safe_load(read(".github", "ISSUE_TEMPLATE", name))
    assert {"name", "description", "body"} <= set(form)
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert len(ids) == len(set(ids))
    for item in form["body"]:
        assert item["type"] in FORM_TYPES
        if item["type"] != "markdown":
            assert item["attributes"]["label"] and re.fullmatch(r"[a-z0-9_-]+", item["id"])
        if item["type"] == "dropdown":
            assert item["attributes"]["options"]
    privacy = next(item for item in form["body"] if item.get("id") == "datenschutz")
    assert privacy["attributes"]["options"][0]["required"] is True


def test_idea_form_offers_the_pillars_of_taxonomy_yml():
    form = yaml.safe_load(read(".github", "ISSUE_TEMPLATE", "geschichte-idee.yml"))
    dropdown = next(item for item in form["body"] if item.get("id") == "pfeiler")
    taxonomy = load_taxonomy(REPO, Problems(REPO))
    titles = [pillar.title for pillar in taxonomy.pillars.values()]
    assert dropdown["attributes"]["options"] == titles + ["Weiß ich noch nicht"]


def test_only_these_github_files_are_expected():
    found = {os.path.relpath(path, GITHUB) for path in glob.glob(os.path.join(GITHUB, "**", "*"), recursive=True)
             if os.path.isfile(path)}
    assert {"CODEOWNERS", "PULL_REQUEST_TEMPLATE.md", "ISSUE_TEMPLATE/geschichte-idee.yml",
            "ISSUE_TEMPLATE/korrektur.yml", "workflows/pr.yml", "workflows/deploy.yml"} <= found
