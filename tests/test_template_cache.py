"""Compiled templates kept between builds (hooks/site.py, compiled_templates): beside the image cache, and
never used for a template whose source changed."""

from __future__ import annotations

import importlib.util
import os

import jinja2

HOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "hooks")


def load_adapter():
    spec = importlib.util.spec_from_file_location("ksg_site_adapter", os.path.join(HOOKS, "site.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cache_lives_beside_the_image_cache(tmp_path, monkeypatch):
    adapter = load_adapter()
    monkeypatch.setenv("KSG_IMAGE_CACHE", str(tmp_path / "elsewhere" / "images"))
    assert adapter.compiled_templates(str(tmp_path)).directory == str(tmp_path / "elsewhere" / "templates")
    monkeypatch.delenv("KSG_IMAGE_CACHE")
    assert adapter.compiled_templates(str(tmp_path)).directory == str(tmp_path / ".cache" / "templates")


def test_a_changed_template_is_compiled_anew(tmp_path, monkeypatch):
    monkeypatch.delenv("KSG_IMAGE_CACHE", raising=False)
    adapter = load_adapter()
    (tmp_path / "t").mkdir()
    source = tmp_path / "t" / "page.html"

    def render():  # a fresh environment, as each build and each worker makes one
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "t")), auto_reload=False)
        env.bytecode_cache = adapter.compiled_templates(str(tmp_path))
        return env.get_template("page.html").render(x=1)

    source.write_text("eins {{ x }}")
    assert render() == "eins 1"
    assert os.listdir(tmp_path / ".cache" / "templates")  # kept for the next build
    assert render() == "eins 1"
    source.write_text("zwei {{ x }}")
    assert render() == "zwei 1"
