"""Dates as German readers expect them: 14. März 2026."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel.dates import format_date


@lru_cache(maxsize=4096)
def german_date(date: dt.date) -> str:
    return format_date(date, format="long", locale="de_DE")


def german_month(date: dt.date) -> str:
    return format_date(date, format="MMMM y", locale="de_DE")
