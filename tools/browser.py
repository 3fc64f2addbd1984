"""Debian's Chromium driven by Playwright, for browser tests and benchmarks. Never downloads a browser."""

from __future__ import annotations

import contextlib

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@contextlib.contextmanager
def chromium():
    """Yields a Playwright Browser; each test or measurement opens its own context (no shared cache)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Traffic:
    """Bytes a page fetches over the network, as Playwright's network events report them."""

    def __init__(self, page):
        self.requests = []  # finished requests, in order; sizes are asked for later, not in the event
        page.on("requestfinished", lambda request: self.requests.append(request))

    def mark(self) -> int:
        return len(self.requests)

    def since(self, mark: int) -> list[tuple[str, int]]:
        """(url, bytes transferred: response headers plus the body as sent, compressed or not)."""
        result = []
        for request in self.requests[mark:]:
            sizes = request.sizes()
            result.append((request.url, sizes["responseBodySize"] + sizes["responseHeadersSize"]))
        return result

    def bytes_since(self, mark: int) -> int:
        return sum(size for _, size in self.since(mark))
