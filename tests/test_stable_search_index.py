"""Pagefind's filter index in a stable order: two builds that differ only in hash-map order become identical."""

from __future__ import annotations

import gzip
import json
import os

import cbor2
import pytest

import stable_search_index as stable

MAGIC = b"pagefind_dcd"


def write(path, data) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(gzip.compress(MAGIC + cbor2.dumps(data)))


def read(path):
    with open(path, "rb") as handle:
        return cbor2.loads(gzip.decompress(handle.read())[len(MAGIC):])


def fake_index(root, order: int) -> str:
    """A Pagefind 1.5 index as Pagefind writes it, with filters and values in the given order."""
    folder = os.path.join(root, "pagefind")
    values = [["altdorf", [0, 2]], ["seestadt", [1]]]
    filters = [["town", f"de_{order}aaaaaa"], ["pillar", f"de_{order}bbbbbb"]]
    if order:
        values.reverse()
        filters.reverse()
    write(os.path.join(folder, "filter", f"de_{order}aaaaaa.pf_filter"), ["town", values])
    write(os.path.join(folder, "filter", f"de_{order}bbbbbb.pf_filter"), ["pillar", [["jugend", [0, 1, 2]]]])
    write(os.path.join(folder, f"pagefind.de_{order}000000000.pf_meta"), ["1.5.2", [], [], filters, [], []])
    with open(os.path.join(folder, "pagefind-entry.json"), "w", encoding="utf-8") as handle:
        json.dump({"version": "1.5.2", "languages": {"de": {"hash": f"de_{order}000000000", "wasm": "de",
                                                           "page_count": 3}}}, handle)
    return root


def tree(root) -> dict[str, bytes]:
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                found[os.path.relpath(os.path.join(folder, name), root)] = handle.read()
    return found


def test_two_orders_give_the_same_files(tmp_path):
    one, two = fake_index(str(tmp_path / "eins"), 0), fake_index(str(tmp_path / "zwei"), 1)
    assert tree(one) != tree(two)
    assert stable.stabilize(one) and stable.stabilize(two)
    assert tree(one) == tree(two)
    folder = os.path.join(one, "pagefind")
    with open(os.path.join(folder, "pagefind-entry.json"), encoding="utf-8") as handle:
        entry = json.load(handle)
    meta = read(os.path.join(folder, f"pagefind.{entry['languages']['de']['hash']}.pf_meta"))
    assert [name for name, _ in meta[3]] == ["pillar", "town"]
    town = read(os.path.join(folder, "filter", f"{dict(meta[3])['town']}.pf_filter"))
    assert town == ["town", [["altdorf", [0, 2]], ["seestadt", [1]]]]  # same data, sorted
    assert len(os.listdir(os.path.join(folder, "filter"))) == 2  # the old names are gone


def test_site_without_search_and_unknown_version(tmp_path):
    assert stable.stabilize(str(tmp_path)) is False
    root = fake_index(str(tmp_path / "alt"), 0)
    entry = os.path.join(root, "pagefind", "pagefind-entry.json")
    with open(entry, "w", encoding="utf-8") as handle:
        json.dump({"version": "2.0.0", "languages": {}}, handle)
    with pytest.raises(stable.IndexFormatError, match="unbekannt"):
        stable.stabilize(root)


@pytest.mark.browser
def test_search_still_finds_and_filters_after_stabilizing(site, tmp_path):
    """The real thing: Pagefind's own script loads the rewritten index, its filters and results."""
    import asyncio
    import datetime as dt
    import functools
    import http.server
    import threading

    import release
    from playwright.async_api import async_playwright

    site.story("jugendhaus", date=dt.date(2026, 3, 1), title="Ein Jugendhaus für Altdorf")
    site.story("jugendrat", date=dt.date(2026, 4, 1), towns=("seestadt",), title="Der Jugendrat von Seestadt")
    site_dir = str(tmp_path / "site")
    assert release.build_site(site.root, site_dir, 1767225600) == 0  # stabilizes the index
    if not os.path.exists(os.path.join(site_dir, "pagefind", "pagefind-entry.json")):
        pytest.skip("Diese Seite hat (noch) keine Pagefind-Suche.")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=site_dir)
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    async def search() -> dict:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run"])
            page = await browser.new_page()
            await page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
            found = await page.evaluate("""async () => {
                const pagefind = await import('/pagefind/pagefind.js');
                await pagefind.options({});
                const filters = await pagefind.filters();
                const all = await pagefind.search('Jugendrat');
                const town = await pagefind.search(null, {filters: {town: 'seestadt'}});
                const urls = await Promise.all(town.results.map(async r => (await r.data()).url));
                return {towns: Object.keys(filters.town || {}).sort(), all: all.results.length, urls};
            }""")
            await browser.close()
            return found

    try:
        found = asyncio.run(search())
    finally:
        server.shutdown()
    assert {"altdorf", "seestadt"} <= set(found["towns"])
    assert found["all"] >= 1
    assert "/geschichten/jugendrat/" in found["urls"] and "/geschichten/jugendhaus/" not in found["urls"]
