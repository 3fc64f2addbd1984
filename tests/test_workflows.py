"""The GitHub workflows: actionlint finds nothing in any of them, every action is pinned to a version, and
the pull-request and deploy workflows do what CONTRIBUTING.md promises."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKFLOWS = sorted(glob.glob(os.path.join(REPO, ".github", "workflows", "*.yml")))
# A version tag (v7.0.1) or a full commit SHA followed by its version as a comment (abc... # v7.0.1).
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40}\s+#\s*v\d+\.\d+\.\d+)\s*$")


def actionlint() -> str:
    """The binary of the pinned PyPI wrapper in the virtual environment, else one on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), "actionlint")
    found = beside if os.path.exists(beside) else shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint fehlt: `make install` installiert es aus requirements.txt.")
    return found


def load(name: str) -> dict:
    with open(os.path.join(REPO, ".github", "workflows", name), encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def test_there_are_workflows():
    names = {os.path.basename(path) for path in WORKFLOWS}
    assert {"pr.yml", "deploy.yml"} <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=os.path.basename)
def test_actionlint_finds_nothing(path):
    result = subprocess.run([actionlint(), "-no-color", "-oneline", path], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_mistakes(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: pull_request\njobs:\n  check:\n    runs-on: ubuntu-24.04\n    steps:\n"
                      "      - run: echo \"${{ github.event.pull_request.title }}\"\n"
                      "      - run: echo ${{ steps.missing.outputs.x }\n", encoding="utf-8")
    result = subprocess.run([actionlint(), "-no-color", "-oneline", str(broken)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "potentially untrusted" in result.stdout


@pytest.mark.parametrize("path", WORKFLOWS, ids=os.path.basename)
def test_every_action_is_pinned_to_a_version(path):
    with open(path, encoding="utf-8") as handle:
        lines = [line.split("uses:", 1)[1].strip() for line in handle if re.match(r"^\s*(-\s+)?uses:", line)]
    assert lines
    for reference in lines:
        assert PINNED.match(reference), f"nicht auf eine Version festgelegt: {reference}"


def test_pull_request_workflow_checks_builds_uploads_and_summarises():
    workflow = load("pr.yml")
    assert "pull_request" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    all_steps = steps(workflow)
    uses = [step.get("uses", "") for step in all_steps]
    runs = "\n".join(step.get("run", "") for step in all_steps)
    setup = next(step for step in all_steps if step.get("uses", "").startswith("actions/setup-python@"))
    assert setup["with"]["python-version"] == "3.11"
    checkout = next(step for step in all_steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the summary compares with main
    assert "make check" in runs and "make build" in runs
    assert runs.index("make check") < runs.index("make build")
    artifact = next(step for step in all_steps if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert artifact["with"]["path"] == "site/"
    assert "GITHUB_STEP_SUMMARY" in runs and "tools/review.py" in runs and "--format markdown" in runs
    assert any(u.startswith("actions/checkout@") for u in uses)


def test_deploy_workflow_publishes_main_on_github_pages():
    workflow = load("deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    uses = [step.get("uses", "").split("@")[0] for step in steps(workflow)]
    for action in ("actions/configure-pages", "actions/upload-pages-artifact", "actions/deploy-pages"):
        assert action in uses
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert "make build" in "\n".join(step.get("run", "") for step in steps(workflow))


def test_workflows_skip_debian_packages_they_do_not_need():
    # The Makefile's `system` step would ask for root on the runner: the workflows set KSG_SKIP_SYSTEM.
    dry = subprocess.run(["make", "-n", "-s", "system"], cwd=REPO, env=dict(os.environ, KSG_SKIP_SYSTEM="1"),
                         capture_output=True, text=True)
    assert "install-system.sh" not in dry.stdout
    for name in ("pr.yml", "deploy.yml"):
        jobs = load(name)["jobs"]
        assert jobs[next(iter(jobs))]["env"]["KSG_SKIP_SYSTEM"] == "1"


def test_only_deploy_workflow_deploys_pages():
    """One workflow deploys GitHub Pages (issue 16): deploy.yml on main; release.yml only attaches files."""
    for name in ("release.yml", "pr.yml"):
        text = open(os.path.join(REPO, ".github", "workflows", name), encoding="utf-8").read()
        assert "deploy-pages" not in text and "upload-pages-artifact" not in text, name
