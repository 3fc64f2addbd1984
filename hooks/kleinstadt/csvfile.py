"""Every CSV file the project writes, safe to open in a spreadsheet.

Excel and LibreOffice run a cell that starts with `=`, `+`, `-` or `@` as a formula (CSV injection), and
some also after a leading tab or carriage return. As OWASP recommends, such a cell gets a single quote in
front, and every cell is quoted, so that a `,` or `;` in the text cannot start a new cell either. A CSV
reader then sees the text with the quote in front; nothing else changes.
https://owasp.org/www-community/attacks/CSV_Injection

Write CSV only through `csv_text` (a test checks that no other module uses csv.writer or csv.DictWriter).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(cell: str) -> str:
    """The cell as text a spreadsheet shows and never runs: a single quote before a formula-like start."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    """RFC 4180 CSV with a header line: comma-separated, CRLF, every cell quoted and neutralised."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([neutralise_formula(column) for column in columns])
    for row in rows:
        writer.writerow([neutralise_formula(row[column]) for column in columns])
    return out.getvalue()
