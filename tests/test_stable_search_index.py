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
