"""German dates (kleinstadt/dates.py): the written-out format is Babel's long German date, day by day."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from kleinstadt.dates import german_date


def test_every_day_of_two_centuries_as_babel_writes_it():
    day, end = dt.date(1950, 1, 1), dt.date(2150, 1, 1)
    while day < end:
        assert german_date(day) == format_date(day, format="long", locale="de_DE"), day
        day += dt.timedelta(days=1)


def test_first_days_and_umlauts():
    assert german_date(dt.date(2026, 3, 1)) == "1. März 2026"
    assert german_date(dt.date(2026, 12, 24)) == "24. Dezember 2026"
