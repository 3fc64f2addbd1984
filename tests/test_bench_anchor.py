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


def test_ratio_is_the_median_of_alternating_rounds(monkeypatch):
    """`make bench` alternates our warm build with Hugo + Pagefind and reports the median ratio: one pair on a
    shared machine can be 20 % off."""
    import bench

    calls = []
    ours = iter([(50.0, {"CPU": 80.0}), (44.0, {"CPU": 70.0})])

    def fake_build(root, env):
        calls.append("ours")
        return next(ours)

    anchors = iter([40.0, 32.0, 36.0])

    def fake_anchor(root):
        calls.append("hugo")
        seconds = next(anchors)
        return {"seconds": seconds, "cpu_seconds": seconds * 1.5}

    monkeypatch.setattr(bench, "build", fake_build)
    monkeypatch.setattr(bench_hugo, "run", fake_anchor)
    rows = bench.anchor_rounds("/korpus", {}, 3, (48.0, 72.0))
    assert calls == ["hugo", "ours", "hugo", "ours", "hugo"]  # the first of ours is the warm build already made
    assert [row["seconds"] for row in rows] == [48.0, 50.0, 44.0]
    summary = bench.anchor_summary(rows)
    assert summary["ratios"] == [1.2, 1.56, 1.22]
    assert summary["ratio"] == 1.22
    assert summary["cpu_ratio"] == 1.3  # 72/60, 80/48, 70/54: 1.2, 1.67, 1.3
