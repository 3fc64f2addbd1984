"""The benchmark's anchor (tools/bench_hugo.py): Hugo must build the same taxonomies and search filters as we do,
or the ratio in `make bench` compares unequal work."""

import datetime as dt
import os
import subprocess

import bench_hugo


def test_hugo_site_has_every_taxonomy_and_search_filter_of_ours(site, tmp_path):
    site.story("brunnen", date=dt.date(2026, 2, 1), themes=["beteiligung"], extra="challenges: [demografie]")
    target = str(tmp_path / "hugo")
    assert bench_hugo.write_site(site.root, target) >= 1
    public = os.path.join(target, "public")
    result = subprocess.run([bench_hugo.hugo_executable(), "--quiet", "--source", target, "--destination", public],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for listing in ("pfeiler/jugend", "orte/altdorf", "themen/beteiligung", "herausforderungen/demografie"):
        assert os.path.isfile(os.path.join(public, listing, "index.html")), listing
    with open(os.path.join(public, "geschichten", "brunnen", "index.html"), encoding="utf-8") as handle:
        story = handle.read()
    # every filter our story template writes (overrides/story.html) has its twin in Hugo's
    for name in ("pillar:jugend", "town:altdorf", "theme:beteiligung", "challenge:demografie", "year:2026"):
        assert f'data-pagefind-filter="{name}"' in story, name
