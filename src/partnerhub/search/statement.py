"""The one SQL statement behind a search: full-text matches first, then visibility, then the page,
the total and the facet counts, all over the same visible matches.

Written as common table expressions so that both databases take the same order, whatever their
statistics say: ``matched`` reads the full-text index alone (the entries holding the query, with their
score: ``backends.matched_tables``); ``hits`` keeps those the user may see — decided once per
match on the audience the entry keeps with ``visibility_q``, or on its record's ``visible_to(user)`` —
and marks which filters each passes; the last part reads ``hits`` only. A facet counts the hits passing
every filter but its own; the total and the page, those passing all.
"""

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, router, transaction
from django.db.models.expressions import RawSQL

from partnerhub.core.visibility import circle_of, visibility_q
from partnerhub.search import backends
from partnerhub.search.models import SearchEntry
from partnerhub.search.query import Query
from partnerhub.search.sources import Source, sources

Row = tuple[str, Any, int]

# ``hits``: one pass over the matches, each checked on the audience its entry keeps, or by primary key in
# its own type's records (a branch per type would read every match once per type: eleven scans of tens of
# thousands of rows).
_HITS = """
    SELECT matched.id, matched.kind, matched.date, matched.score,
           {kind_passes} AS kind_passes, {country_passes} AS country_passes,
           {theme_passes} AS theme_passes, {date_passes} AS date_passes
    FROM matched
    WHERE {visible}"""

# The facets read the hits first and their countries and themes by entry (CROSS JOIN keeps SQLite
# from scanning a side table whole to find a handful of hits in it; PostgreSQL plans it as a join).
# ``{passes_all}`` and the like are the conditions of the filters that are set ("1 = 1" where none
# is): a condition on a filter that is not set would only blur PostgreSQL's estimate of the hits.
_STATEMENT = """
WITH {matched},
hits AS MATERIALIZED ({hits})
SELECT 'page', CAST(id AS TEXT), ROW_NUMBER() OVER (ORDER BY score DESC, date IS NULL, date DESC, id)
FROM (
    SELECT id, score, date FROM hits
    WHERE {passes_all}
    ORDER BY score DESC, date IS NULL, date DESC, id
    LIMIT %s OFFSET %s
) AS page
UNION ALL
SELECT 'total', CAST(NULL AS TEXT), COUNT(*) FROM hits
WHERE {passes_all}
UNION ALL
SELECT 'kind', kind, COUNT(*) FROM hits
WHERE {passes_but_kind}
GROUP BY kind
UNION ALL
SELECT 'country', CAST(place.country_id AS TEXT), COUNT(*)
FROM hits CROSS JOIN search_searchentrycountry AS place
WHERE place.entry_id = hits.id AND {passes_but_country}
GROUP BY place.country_id
UNION ALL
SELECT 'theme', CAST(topic.theme_id AS TEXT), COUNT(*)
FROM hits CROSS JOIN search_searchentrytheme AS topic
WHERE topic.entry_id = hits.id AND {passes_but_theme}
GROUP BY topic.theme_id
"""
_FILTERS = ("kind_passes", "country_passes", "theme_passes", "date_passes")

# PostgreSQL, for this statement only. A word found in most entries makes a sequential scan of the match
# table look cheapest, but testing a body's tsvector there reads and decompresses it, 80,000 times for a
# common word; the GIN indexes give the same entries without reading a body. The facets: joining tens of
# thousands of hits to a side table of 150,000 rows by hashing the side table took 55-70 ms a facet for
# ``covid``; merging the hits, sorted by entry, with the side table's index (entry, country) takes 22 ms
# — without hash joins, a rare word's few hits are still joined row by row. The statement's estimated cost
# is past the server's default threshold for compiling it (JIT): seconds of compiling for a statement that
# runs in a fraction of one. And sorting the hits for the page and the merges needs more than the default
# 4 MB of working memory for a common word.
_POSTGRESQL_SETTINGS = {"enable_seqscan": "off", "enable_hashjoin": "off", "jit": "off", "work_mem": "32MB"}


def run(user: Any, query: Query, filters: Any, *, offset: int, limit: int) -> list[Row]:
    """("page", entry id, position), ("total", None, n), ("kind" | "country" | "theme", value, n) rows.

    ``filters`` are the search's filters (kinds, country, theme, date_from, date_to)."""
    composed = compose(user, query, filters, offset=offset, limit=limit)
    if composed is None:
        return []
    statement, params = composed
    # The database the router reads the index from: a replica for a page's search (core.replicas).
    alias = router.db_for_read(SearchEntry) or DEFAULT_DB_ALIAS
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        restore = settings_for_statement(cursor, connections[alias].vendor)
        cursor.execute(statement, params)
        rows = cursor.fetchall()
        restore()
    return [(section, _value(section, value), int(count)) for section, value, count in rows]


def settings_for_statement(cursor: Any, vendor: str) -> Any:
    """Sets the planner settings of the search for the current transaction; returns what puts them back
    (within a transaction the page goes on with, the rest of it keeps its own)."""
    if vendor != "postgresql":
        return lambda: None
    names = list(_POSTGRESQL_SETTINGS)
    cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
    before = dict(zip(names, cursor.fetchone(), strict=True))

    def apply(values: dict[str, str]) -> None:
        pairs = [value for name in names for value in (name, values[name])]
        cursor.execute("SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(names)), pairs)

    apply(_POSTGRESQL_SETTINGS)
    return lambda: apply(before)


def compose(user: Any, query: Query, filters: Any, *, offset: int, limit: int) -> tuple[str, list[Any]] | None:
    """The statement ``run`` executes and its parameters; None where the user may see no record at all."""
    visible = _visibility_sql(user)
    if visible is None:
        return None
    matched_sql, params = backends.matched_tables(query)
    passes = _filter_passes(filters)
    pass_sql = {name: sql for name, (sql, _params) in passes.items()}
    params += [param for _sql_text, pass_params in passes.values() for param in pass_params]
    hits = _HITS.format(visible=_estimable(visible.sql), **pass_sql)
    params += visible.params
    conditions = {
        "passes_all": _passing(passes, _FILTERS),
        **{
            f"passes_but_{name}": _passing(passes, [f for f in _FILTERS if f != f"{name}_passes"])
            for name in ("kind", "country", "theme")
        },
    }
    params += [limit, offset]
    return _STATEMENT.format(matched=matched_sql, hits=hits, **conditions), params


def _estimable(condition: str) -> str:
    """PostgreSQL keeps no statistics on a common table expression's columns: it took the OR of the
    audience's conditions for a fraction of a percent of the matches (302 hits where there were 64,625)
    and joined the facets row by row. Wrapped in a CASE, a condition is taken for half the matches — right
    within a factor of two — and the facets are merged (see ``_POSTGRESQL_SETTINGS``). SQLite does not
    estimate, and evaluates a CASE of subqueries at about half the speed: left as it is there."""
    return f"CASE WHEN {condition} THEN true ELSE false END" if backends.is_postgresql() else condition


def _passing(passes: dict[str, tuple[str, list[Any]]], names: Any) -> str:
    """The condition that a hit passes the filters ``names`` that are set."""
    return " AND ".join(f"{name} = 1" for name in names if passes[name][0] != "1") or "1 = 1"


@dataclass(frozen=True)
class _Visibility:
    """The condition that the current match is one the reader may see, with its parameters."""

    sql: str
    params: list[Any]


# Building the visibility condition of every searchable type costs more than running it on a
# selective query, so its SQL is kept per reader, with the circle it was built for: a change of
# memberships (a new circle) builds it again. Per process, the most recent readers only.
_VISIBLE_SQL_KEPT = 256
_visible_sql_of: "OrderedDict[tuple[Any, ...], _Visibility | None]" = OrderedDict()


def _visibility_sql(user: Any) -> _Visibility | None:
    """The reader's condition on a match (None where they may see no record of any type)."""
    authenticated = bool(user is not None and user.is_authenticated)
    key = (connection.alias, user.pk if authenticated else None, circle_of(user))
    if key in _visible_sql_of:
        _visible_sql_of.move_to_end(key)
        return _visible_sql_of[key]
    kept = _visible_sql_of[key] = _build_visibility(user)
    while len(_visible_sql_of) > _VISIBLE_SQL_KEPT:
        _visible_sql_of.popitem(last=False)
    return kept


def _build_visibility(user: Any) -> _Visibility | None:
    """An entry keeping its record's audience is decided on it (one condition for every such type); any
    other entry by its record, in its model's ``visible_to`` (a condition per type)."""
    by_record: list[tuple[str, str, list[Any]]] = []
    audience_kinds: list[str] = []
    for source in sources():
        try:
            record_sql, record_params = _sql(_visible_record(source, user))
        except EmptyResultSet:  # the user may see no record of this type (none(): no SQL at all)
            continue
        by_record.append((source.kind, f"EXISTS ({record_sql})", record_params))
        if source.has_audience:
            audience_kinds.append(source.kind)
    if not by_record:
        return None
    record_sql = " ".join(f"WHEN %s THEN {sql}" for _kind, sql, _params in by_record)
    record_params = [param for kind, _sql_text, params in by_record for param in (kind, *params)]
    if not audience_kinds:
        return _Visibility(f"CASE matched.kind {record_sql} ELSE 0 = 1 END", record_params)
    audience_sql, audience_params = _audience_sql(user)
    marks = ", ".join(["%s"] * len(audience_kinds))
    # An entry written before entries kept their audience (no sharing level) asks its record. Written
    # with AND and OR, not CASE: SQLite evaluates a CASE of subqueries at about half the speed.
    return _Visibility(
        f"(matched.sharing_level IS NOT NULL AND matched.kind IN ({marks}) AND ({audience_sql}))"
        f" OR (matched.sharing_level IS NULL AND CASE matched.kind {record_sql} ELSE 0 = 1 END)",
        [*audience_kinds, *audience_params, *record_params],
    )


def _audience_sql(user: Any) -> tuple[str, list[Any]]:
    """``visibility_q`` of the user's circle, decided on the current match's entry: on the audience the
    indexer keeps with it (``search.models``), the same rule as on its record, without reading the record."""
    entries = SearchEntry.objects.filter(visibility_q(circle_of(user), cast("Any", SearchEntry)))
    query = entries.query
    on_match = query.where.relabeled_clone({SearchEntry._meta.db_table: "matched"})
    sql, params = on_match.as_sql(query.get_compiler(connection=connection), connection)
    return sql, list(params)


def _visible_record(source: Source, user: Any) -> "models.QuerySet[Any]":
    """The record of the current match (correlated to ``matched``) if it is one the user may see."""
    this_record = RawSQL('"matched"."object_id"', [], output_field=models.BigIntegerField())  # noqa: S611 (constant SQL)
    return source.visible_to(user).filter(pk=this_record).order_by().values("pk")


def _filter_passes(filters: Any) -> dict[str, tuple[str, list[Any]]]:
    """For each filter, SQL worth 1 where the match passes it (1 where the filter is not set)."""
    passes: dict[str, tuple[str, list[Any]]] = {}
    if filters.kinds:
        marks = ", ".join(["%s"] * len(filters.kinds))
        passes["kind_passes"] = (f"CASE WHEN matched.kind IN ({marks}) THEN 1 ELSE 0 END", list(filters.kinds))
    if filters.country is not None:
        passes["country_passes"] = (
            "CASE WHEN EXISTS (SELECT 1 FROM search_searchentrycountry AS c "
            "WHERE c.entry_id = matched.id AND c.country_id = %s) THEN 1 ELSE 0 END",
            [filters.country.pk],
        )
    if filters.theme is not None:
        passes["theme_passes"] = (
            "CASE WHEN EXISTS (SELECT 1 FROM search_searchentrytheme AS t "
            "WHERE t.entry_id = matched.id AND t.theme_id = %s) THEN 1 ELSE 0 END",
            [filters.theme.pk],
        )
    dates, date_params = [], []
    if filters.date_from is not None:
        dates.append("matched.date >= %s")
        date_params.append(connection.ops.adapt_datefield_value(filters.date_from))
    if filters.date_to is not None:
        dates.append("matched.date <= %s")
        date_params.append(connection.ops.adapt_datefield_value(filters.date_to))
    if dates:
        passes["date_passes"] = (f"CASE WHEN {' AND '.join(dates)} THEN 1 ELSE 0 END", date_params)
    # The statement names the four in this order; an unset filter passes every match.
    return {
        name: passes.get(name, ("1", [])) for name in ("kind_passes", "country_passes", "theme_passes", "date_passes")
    }


def _sql(queryset: "models.QuerySet[Any]") -> tuple[str, list[Any]]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _value(section: str, value: str | None) -> Any:
    if section in ("page", "country", "theme"):
        return int(value) if value is not None else None
    return value
