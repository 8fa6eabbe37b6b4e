"""The counted rows added up per country, owner and audience, for the pages over every partner country.

A page over sixty partner countries would otherwise add up close to a million rows for each reader.
Readers differ only in the audiences they may read (``counted_audience``), so the rows are added up once
per (country, owner, audience) — and per kind of money, and theme — into sums (``SummedShares``,
``SummedMoney``, ``SummedThemes``); and once more per sharing level, for the levels a reader reads whole
(public for everyone; partner and EU for the EU side), where the audiences of partner-level records, one
per combination of partner countries, would otherwise be read one by one. A reader adds the per-level
sums of the levels they read whole and the per-audience sums of the other audiences they may read
(``counted_scope``). The per-level themes are Team Europe's only, every owner together: a change to an
organisation's place in Team Europe recomputes its engagements' rows, which marks their countries.

A change to the rows of a country only marks the country (``SumsOutdated``, in the transaction that
changes the rows), so an edit does not pay for the sums: the next page that reads them adds that country
up again first."""

from collections.abc import Iterable

from django.db import connection, transaction

from partnerhub.analysis.figures.actors import team_europe_organisation_ids
from partnerhub.analysis.models import (
    CountedAudience,
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
        "counted_rows.year IS NULL",
        ("kind",),
        {
            "reported": "SUM(counted_rows.reported)",
            "counted": "SUM(counted_rows.counted)",
            "with_money": "SUM(CASE WHEN counted_rows.has_money THEN 1 ELSE 0 END)",
        },
    ),
    (
        SummedThemes,
        CountedTheme,
        "",
        ("kind", "theme_id", "pillar_id"),
        {
            "weight": "SUM(counted_rows.weight)",
            "counted": "SUM(counted_rows.counted)",
            "lines": "COUNT(*)",
            "on_pillar": "SUM(CASE WHEN counted_rows.first_on_pillar AND counted_rows.has_money THEN 1 ELSE 0 END)",
        },
    ),
)


def _add_up(country_ids: list[int]) -> None:
    """Per table, one statement takes the countries' sums out and two add them up again from the rows:
    per audience, and per sharing level (the per-level themes of Team Europe's owners only)."""
    listed = ", ".join(["%s"] * len(country_ids))
    team_europe = team_europe_organisation_ids()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SumsOutdated._meta.db_table} WHERE country_id IN ({listed})", country_ids)  # noqa: S608 (the model's name)
        for summed, rows, condition, kept, sums in _SUMS:
            cursor.execute(f"DELETE FROM {summed._meta.db_table} WHERE country_id IN ({listed})", country_ids)  # noqa: S608 (names are the models')
            conditions = [f"counted_rows.country_id IN ({listed})", *([condition] if condition else [])]
            add = _Insert(cursor, summed, rows, kept, sums)
            add(("counted_rows.audience_id", "counted_rows.owner_id"), conditions, country_ids)
            if summed is SummedThemes:
                in_team_europe = (
                    f"counted_rows.owner_id IN ({', '.join(['%s'] * len(team_europe))})" if team_europe else "1 = 0"
                )
                add(("NULL", "NULL"), [*conditions, in_team_europe], [*country_ids, *team_europe])
            else:
                add(("NULL", "counted_rows.owner_id"), conditions, country_ids)


class _Insert:
    """INSERT … SELECT of one table's sums: grouped by country, sharing level, the kept columns, and the
    audience and owner where they are columns (not NULL)."""

    def __init__(self, cursor, summed, rows, kept: tuple[str, ...], sums: dict[str, str]):
        self.cursor, self.summed, self.rows, self.kept, self.sums = cursor, summed, rows, kept, sums

    def __call__(self, audience_and_owner: tuple[str, str], conditions: list[str], params: list[int]) -> None:
        kept = [f"counted_rows.{column}" for column in self.kept]
        selected = ["counted_rows.country_id", "audiences.sharing_level", *audience_and_owner, *kept]
        grouped = [column for column in selected if column != "NULL"]
        columns = ["country_id", "sharing_level", "audience_id", "owner_id", *self.kept, *self.sums]
        self.cursor.execute(
            f"INSERT INTO {self.summed._meta.db_table} ({', '.join(columns)})"  # noqa: S608 (names are the models')
            f" SELECT {', '.join([*selected, *self.sums.values()])}"
            f" FROM {self.rows._meta.db_table} counted_rows"
            f" JOIN {CountedAudience._meta.db_table} audiences ON audiences.id = counted_rows.audience_id"
            f" WHERE {' AND '.join(conditions)} GROUP BY {', '.join(grouped)}",
            params,
        )
