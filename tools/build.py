"""`make build`: build the site elsewhere and swap it in only when the build succeeded.

A failed build (bad content, broken link in strict mode, a crash) leaves the previous site/ untouched.

    python tools/build.py [--config mkdocs.yml] [--site-dir site]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time


def build(config: str = "mkdocs.yml", site_dir: str = "site", extra_env: dict | None = None,
          quiet: bool = False) -> int:
    """Build into a fresh folder beside `site_dir`, then swap. `quiet` shows only warnings and errors
    (`make preview`: a youth editor needs MkDocs' progress notes no more than its notice about MkDocs 2)."""
    config = os.path.abspath(config)
    site_dir = os.path.abspath(site_dir)
    parent = os.path.dirname(site_dir)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".site-neu-", dir=parent)
    env = dict(os.environ, **(extra_env or {}))
    if quiet:
        env.setdefault("NO_MKDOCS_2_WARNING", "1")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", config,
                             "--site-dir", staging] + (["--quiet"] if quiet else []), env=env)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        print("\nDer Bau ist fehlgeschlagen. Die bisherige Seite in "
              f"{os.path.relpath(site_dir)}/ bleibt unverändert.", file=sys.stderr)
        return result.returncode
    old = None
    if os.path.exists(site_dir):
        old = tempfile.mkdtemp(prefix=".site-alt-", dir=parent)
        os.rename(site_dir, os.path.join(old, "site"))
    os.rename(staging, site_dir)
    os.chmod(site_dir, 0o755)
    if old:
        shutil.rmtree(old, ignore_errors=True)
    print(f"Fertig: Seite in {os.path.relpath(site_dir)}/ gebaut ({time.perf_counter() - started:.1f} s).")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description="Baut die Seite sicher (erst fertig bauen, dann austauschen).")
    parser.add_argument("--config", default="mkdocs.yml")
    parser.add_argument("--site-dir", default="site")
    args = parser.parse_args()
    return build(args.config, args.site_dir)


if __name__ == "__main__":
    sys.exit(main())
