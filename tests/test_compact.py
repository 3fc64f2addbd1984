"""Whitespace compaction: a run of whitespace with a line break becomes one line break, nothing else changes."""

import random
import re

from kleinstadt.compact import collapse

# The rule, written as the obvious (slower) regular expression: the reference for the faster code.
_RUN = re.compile(r"[ \t\r\f]*\n[ \t\r\n\f]*")
_RAW = re.compile(r"<(pre|textarea|script|style)\b.*?</\1\s*>", re.S | re.I)


def reference(html: str) -> str:
    out, last = [], 0
    for match in _RAW.finditer(html):
        out += [_RUN.sub("\n", html[last:match.start()]), match.group(0)]
        last = match.end()
    return "".join(out + [_RUN.sub("\n", html[last:])])


def test_runs_with_a_line_break_become_one_line_break():
    assert collapse("<p>\n    <a>x</a>  \n\n\t </p>") == "<p>\n<a>x</a>\n</p>"
    assert collapse("\n\n  <html>") == "\n<html>"
    assert collapse("end  \n") == "end\n"


def test_spaces_without_a_line_break_stay():
    assert collapse("<p>zwei  Wörter\tund Tab</p>") == "<p>zwei  Wörter\tund Tab</p>"


def test_pre_textarea_script_and_style_keep_their_whitespace():
    html = "<div>\n  <PRE>a\n\n   b</PRE>\n  <textarea>\n x</textarea>\n<script>if (a)\n    b()</script>\n</div>"
    assert collapse(html) == "<div>\n<PRE>a\n\n   b</PRE>\n<textarea>\n x</textarea>\n<script>if (a)\n    b()</script>\n</div>"


def test_same_result_as_the_rule_on_random_text():
    rnd = random.Random(18)
    pieces = [" ", "\t", "\r", "\n", "\f", "a", "ü", "<p>", "<pre>", "</pre>", "<script>", "</script>"]
    for _ in range(5000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 30)))
        assert collapse(text) == reference(text), repr(text)
