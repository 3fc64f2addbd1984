"""Makes Pagefind's index byte-identical from build to build, for reproducible releases.

Pagefind 1.5 writes the values of each filter (filter/*.pf_filter) and the list of filters in its meta
file (pagefind.*.pf_meta) in hash-map order, which changes from run to run; the file names are hashes
of the contents, so they change too (upstream: Pagefind issue #638, "other files will still change").
This module sorts both lists and renames the files by a hash of the sorted contents. Pagefind's
script fetches these files by the names listed in the meta file and entry JSON and checks no hash,
and the order of filter values carries no meaning, so the search works exactly as before.

The format is checked before anything is rewritten: an unknown Pagefind version stops the release
with a German message instead of writing a broken index.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os

import cbor2

MAGIC = b"pagefind_dcd"
KNOWN_VERSIONS = ("1.5.",)
META_FILTERS = 3  # position of [[filter name, file hash], ...] in the meta file of Pagefind 1.5


class IndexFormatError(Exception):
    pass


def _load(path: str):
    raw = gzip.decompress(_read(path))
    if not raw.startswith(MAGIC):
        raise IndexFormatError(f"{path} hat nicht das erwartete Pagefind-Format.")
    return cbor2.loads(raw[len(MAGIC):])


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def _dump(data) -> bytes:
    return MAGIC + cbor2.dumps(data)


def _write(path: str, payload: bytes) -> None:
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        out.write(payload)


def _name(language: str, payload: bytes, length: int) -> str:
    return f"{language}_{hashlib.sha256(payload).hexdigest()[:length]}"


def stabilize(site_dir: str) -> bool:
    """Rewrite <site>/pagefind/ in a stable order; False when the site has no Pagefind index."""
    folder = os.path.join(site_dir, "pagefind")
    entry_path = os.path.join(folder, "pagefind-entry.json")
    if not os.path.exists(entry_path):
        return False
    try:
        with open(entry_path, encoding="utf-8") as handle:
            entry = json.load(handle)
    except ValueError as error:
        # Seen under load: the Pagefind service was stopped before it had written all its files.
        raise IndexFormatError(f"{entry_path} ist unvollständig ({error}); Pagefind hat den Index nicht fertig "
                               "geschrieben. Baue noch einmal.") from error
    if not str(entry.get("version", "")).startswith(KNOWN_VERSIONS):
        raise IndexFormatError(f"Pagefind {entry.get('version')} ist unbekannt; tools/stable_search_index.py "
                               f"kennt nur {', '.join(KNOWN_VERSIONS)}x. Prüfe das Format und passe das Modul an.")
    for language, info in sorted(entry["languages"].items()):
        meta_path = os.path.join(folder, f"pagefind.{info['hash']}.pf_meta")
        meta = _load(meta_path)
        filters = meta[META_FILTERS] if len(meta) > META_FILTERS else None
        if not isinstance(filters, list) or not all(isinstance(f, list) and len(f) == 2 for f in filters):
            raise IndexFormatError(f"{meta_path}: die Liste der Filter steht nicht an der erwarteten Stelle.")
        renamed = []
        for name, old in filters:
            path = os.path.join(folder, "filter", f"{old}.pf_filter")
            chunk = _load(path)
            if not (isinstance(chunk, list) and len(chunk) == 2 and chunk[0] == name and isinstance(chunk[1], list)):
                raise IndexFormatError(f"{path}: unerwarteter Aufbau eines Filters.")
            chunk[1] = sorted(chunk[1], key=lambda value: str(value[0]))
            payload = _dump(chunk)
            new = _name(language, payload, len(old) - len(language) - 1)
            os.remove(path)
            _write(os.path.join(folder, "filter", f"{new}.pf_filter"), payload)
            renamed.append([name, new])
        meta[META_FILTERS] = sorted(renamed)
        payload = _dump(meta)
        new_meta = _name(language, payload, len(info["hash"]) - len(language) - 1)
        os.remove(meta_path)
        _write(os.path.join(folder, f"pagefind.{new_meta}.pf_meta"), payload)
        info["hash"] = new_meta
    with open(entry_path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return True
