"""The full-text part of a search, for SQLite (FTS5) and PostgreSQL (tsvector).

Both are given our own stems only, quoted by us: nothing a user types reaches either as query
syntax. A condition asks one thing of one entry (does its title hold this phrase?), never
anything about the other entries, so no hidden record can change how a visible one ranks.

``matched_tables(query)`` writes the common table expressions that end in ``matched``: the entries
holding the query, with their kind, record, date, audience (sharing level and owner) and score (10 for
each term in the title, else 1 for each term in the body).
"""

from typing import Any

from django.db import connection, models
from django.db.models import Case, Q, Value, When
from django.db.models.expressions import RawSQL

from partnerhub.search.query import Query, Term

TABLE = '"search_searchentry"'
FTS_COLUMNS = {"title": "title_stems", "body": "body_stems", "words": "title_words"}
TSV_COLUMNS = {"title": "title_tsv", "body": "body_tsv", "words": "words_tsv"}
TITLE_WEIGHT = 10
BODY_WEIGHT = 1
# The narrow index holding what a match needs of its entry, so that reading tens of thousands of
# matches does not walk the rows' long texts (see the migration adding it).
LISTING_INDEX = "search_entry_listing"


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def matched_tables(query: Query) -> tuple[str, list[Any]]:
    """``name AS MATERIALIZED (...)`` definitions, comma-separated, the last one ``matched``."""
    return _postgresql_tables(query) if is_postgresql() else _sqlite_tables(query)


def title_has_word_starting(prefix: str) -> RawSQL:
    """True where a word of the entry's title starts with ``prefix`` (a folded word of ours)."""
    if is_postgresql():
        return RawSQL(  # noqa: S611 (constant SQL, the value as a parameter)
            f"{TABLE}.{TSV_COLUMNS['words']} @@ to_tsquery('simple', %s)",
            [f"{prefix}:*"],
            output_field=models.BooleanField(),
        )
    return RawSQL(  # noqa: S611 (constant SQL, the expression as a parameter)
        f"{TABLE}.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",  # noqa: S608 (constant)
        [f'{FTS_COLUMNS["words"]} : "{prefix}" *'],
        output_field=models.BooleanField(),
    )


def _phrases(term: Term) -> list[str]:
    return list(dict.fromkeys([" ".join(term.english), " ".join(term.french)]))


# SQLite: each term's entries read once from FTS5 — those holding it anywhere, and those holding it
# in the title — then the matches looked up in the narrow index by entry id.


def _sqlite_tables(query: Query) -> tuple[str, list[Any]]:
    tables, params = [], []

    def table(name: str, columns: str, term: Term) -> str:
        expression = " OR ".join(f'{columns} : "{phrase}"' for phrase in _phrases(term))
        tables.append(f"{name} AS MATERIALIZED (SELECT rowid AS id FROM search_fts WHERE search_fts MATCH %s)")  # noqa: S608 (our names)
        params.append(expression)
        return name

    anywhere = "{" + f"{FTS_COLUMNS['title']} {FTS_COLUMNS['body']}" + "}"
    score, conditions = [], []
    terms = {term: n for n, term in enumerate(dict.fromkeys(query.terms))}
    for term, n in terms.items():
        table(f"term_{n}_title", FTS_COLUMNS["title"], term)
        table(f"term_{n}_any", anywhere, term)
    required = _required_terms(query)
    for term in query.terms:
        n = terms[term]
        # Every match holds a term that is a group of its own: only where is left to ask.
        elsewhere = (
            f"{BODY_WEIGHT}" if term in required else f"CASE WHEN e.id IN term_{n}_any THEN {BODY_WEIGHT} ELSE 0 END"
        )
        score.append(f"CASE WHEN e.id IN term_{n}_title THEN {TITLE_WEIGHT} ELSE {elsewhere} END")
    for group in query.groups:
        either = " UNION ".join(f"SELECT id FROM term_{terms[term]}_any" for term in group)  # noqa: S608 (our names)
        conditions.append(f"e.id IN ({either})")
    for n, term in enumerate(query.excluded):
        conditions.append(f"e.id NOT IN {table(f'excluded_{n}', anywhere, term)}")
    columns = f"e.id, e.kind, e.object_id, e.date, e.sharing_level, e.owner_id, {' + '.join(score)} AS score"
    source = f"search_searchentry AS e INDEXED BY {LISTING_INDEX}"
    tables.append(f"matched AS NOT MATERIALIZED (SELECT {columns} FROM {source} WHERE {' AND '.join(conditions)})")  # noqa: S608 (our names)
    return ",\n".join(tables), params


# PostgreSQL: the GIN indexes on the tsvector columns find the entries; the score tests each.


def _postgresql_tables(query: Query) -> tuple[str, list[Any]]:
    from partnerhub.search.models import SearchEntry

    matched = SearchEntry.objects.filter(_holds(query)).annotate(score=_score(query)).order_by()
    columns = ("id", "kind", "object_id", "date", "sharing_level", "owner_id", "score")
    sql, params = matched.values(*columns).query.sql_with_params()
    return f"matched AS MATERIALIZED ({sql})", list(params)


def _tsv_matches(term: Term, column: str) -> RawSQL:
    phrases = _phrases(term)
    sql = " OR ".join(f"{TABLE}.{TSV_COLUMNS[column]} @@ phraseto_tsquery('simple', %s)" for _ in phrases)
    return RawSQL(f"({sql})", phrases, output_field=models.BooleanField())  # noqa: S611 (constant SQL, values as parameters)


def _holds(query: Query) -> Q:
    condition = Q()
    for group in query.groups:
        either = Q(pk__in=[])
        for term in group:
            either |= Q(_tsv_matches(term, "title")) | Q(_tsv_matches(term, "body"))
        condition &= either
    for term in query.excluded:
        condition &= ~Q(_tsv_matches(term, "title")) & ~Q(_tsv_matches(term, "body"))
    return condition


def _score(query: Query) -> Any:
    points: Any = Value(0)
    required = _required_terms(query)
    for term in query.terms:
        # Every match holds a term that is a group of its own: only whether its title does is left to ask,
        # and the title's tsvector is short, where testing the body's reads (and decompresses) a long one.
        elsewhere = (
            Value(BODY_WEIGHT)
            if term in required
            else Case(When(_tsv_matches(term, "body"), then=Value(BODY_WEIGHT)), default=Value(0))
        )
        points = points + Case(When(_tsv_matches(term, "title"), then=Value(TITLE_WEIGHT)), default=elsewhere)
    return models.ExpressionWrapper(points, output_field=models.IntegerField())


def _required_terms(query: Query) -> set[Term]:
    """The terms every match holds: those that are a group of their own."""
    return {term for group in query.groups if len(group) == 1 for term in group}
