"""Periods as the sources write them: a year ("2022"), a quarter ("2022-Q3") or a month ("2022-07")."""

import re
from datetime import date

PERIOD = re.compile(r"^(?P<year>\d{4})(?:-Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))?$")


def period_start(period: str) -> date:
    """The first day of ``period``; ValueError naming it when it is none of the three forms."""
    match = PERIOD.match(period)
    if match is None:
        raise ValueError(f"{period!r} is not a year, quarter or month (2022, 2022-Q3, 2022-07)")
    year = int(match["year"])
    if match["quarter"]:
        return date(year, 3 * int(match["quarter"]) - 2, 1)
    return date(year, int(match["month"] or 1), 1)
