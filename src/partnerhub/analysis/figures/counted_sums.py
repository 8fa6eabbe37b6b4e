"""The counted rows added up per country, owner and audience, for the pages over every partner country.

A page over sixty partner countries would otherwise add up close to a million rows for each reader.
Readers differ only in the audiences they may read (``counted_audience``), so the rows are added up once
per (country, owner, audience) — and per kind of money, and theme — into a few thousand sums
(``SummedShares``, ``SummedMoney``, ``SummedThemes``); a reader adds the sums of the audiences they may
read (``counted_scope``). A change to the rows of a country only marks the country (``SumsOutdated``, in
the transaction that changes the rows), so an edit does not pay for the sums: the next page that reads
them adds that country up again first.
"""

from collections.abc import Iterable

from django.db import connection, transaction

from partnerhub.analysis.models import (
    CountedMoney,
    CountedShare,
    CountedTheme,
    SummedMoney,
    SummedShares,
    SummedThemes,
    SumsOutdated,
)

COUNTRIES_AT_ONCE = 20


def mark_countries(country_ids: Iterable[int]) -> None:
    SumsOutdated.objects.bulk_create(
        [SumsOutdated(country_id=country_id) for country_id in sorted(set(country_ids))], ignore_conflicts=True
    )


def refresh_sums() -> int:
    """Adds up again every marked country; returns how many. Safe to run from several processes."""
    if not SumsOutdated.objects.exists():
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext('partnerhub.counted_sums'))")
        countries = sorted(SumsOutdated.objects.values_list("country_id", flat=True))
        for start in range(0, len(countries), COUNTRIES_AT_ONCE):
            _add_up(countries[start : start + COUNTRIES_AT_ONCE])
    return len(countries)


# Each sum: its table, the rows it adds up, their columns kept as they are, and the sums' columns.
_SUMS = (
    (SummedShares, CountedShare, "", (), {"engagements": "COUNT(*)"}),
    (
        SummedMoney,
        CountedMoney,
        "year IS NULL",
        ("kind",),
        {
            "reported": "SUM(reported)",
            "counted": "SUM(counted)",
            "with_money": "SUM(CASE WHEN has_money THEN 1 ELSE 0 END)",
        },
    ),
    (
        SummedThemes,
        CountedTheme,
        "",
        ("kind", "theme_id"),
        {"weight": "SUM(weight)", "counted": "SUM(counted)", "lines": "COUNT(*)"},
    ),
)
_KEYS = ("country_id", "audience_id", "owner_id")


def _add_up(country_ids: list[int]) -> None:
    """One statement per table to take the countries' sums out, one to add them up again from the rows."""
    listed = ", ".join(["%s"] * len(country_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SumsOutdated._meta.db_table} WHERE country_id IN ({listed})", country_ids)  # noqa: S608 (the model's name)
        for summed, rows, condition, kept, sums in _SUMS:
            grouped = ", ".join((*_KEYS, *kept))
            where = f"country_id IN ({listed})" + (f" AND {condition}" if condition else "")
            cursor.execute(f"DELETE FROM {summed._meta.db_table} WHERE country_id IN ({listed})", country_ids)  # noqa: S608 (names are the models')
            cursor.execute(
                f"INSERT INTO {summed._meta.db_table} ({grouped}, {', '.join(sums)})"  # noqa: S608 (names are the models')
                f" SELECT {grouped}, {', '.join(sums.values())} FROM {rows._meta.db_table}"
                f" WHERE {where} GROUP BY {grouped}",
                country_ids,
            )
