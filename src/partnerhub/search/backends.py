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


# PostgreSQL: the GIN indexes of the narrow table ``search_match`` (migration 0005: what a match needs of
# its entry and the tsvectors, kept by triggers) find the entries; the score tests each title.

MATCH_TABLE = "search_match"


def _postgresql_tables(query: Query) -> tuple[str, list[Any]]:
    score_sql, score_params = _score(query)
    holds_sql, holds_params = _holds(query)
    columns = f"m.entry_id AS id, m.kind, m.object_id, m.date, m.sharing_level, m.owner_id, {score_sql} AS score"
    sql = f"matched AS MATERIALIZED (SELECT {columns} FROM {MATCH_TABLE} AS m WHERE {holds_sql})"  # noqa: S608 (our names)
    return sql, score_params + holds_params


def _tsv_matches(term: Term, column: str) -> tuple[str, list[str]]:
    phrases = _phrases(term)
    sql = " OR ".join(f"m.{TSV_COLUMNS[column]} @@ phraseto_tsquery('simple', %s)" for _ in phrases)
    return f"({sql})", phrases


def _holds(query: Query) -> tuple[str, list[Any]]:
    conditions, params = [], []
    for group in query.groups:
        either = []
        for term in group:
            for column in ("title", "body"):
                sql, phrases = _tsv_matches(term, column)
                either.append(sql)
                params += phrases
        conditions.append(f"({' OR '.join(either)})")
    for term in query.excluded:
        for column in ("title", "body"):
            sql, phrases = _tsv_matches(term, column)
            conditions.append(f"NOT {sql}")
            params += phrases
    return " AND ".join(conditions) or "TRUE", params


def _score(query: Query) -> tuple[str, list[Any]]:
    points, params = [], []
    required = _required_terms(query)
    for term in query.terms:
        # Every match holds a term that is a group of its own: only whether its title does is left to ask,
        # and the title's tsvector is short, where testing the body's reads (and decompresses) a long one.
        title_sql, title_params = _tsv_matches(term, "title")
        elsewhere_params: list[str] = []
        if term in required:
            elsewhere = f"{BODY_WEIGHT}"
        else:
            body_sql, elsewhere_params = _tsv_matches(term, "body")
            elsewhere = f"CASE WHEN {body_sql} THEN {BODY_WEIGHT} ELSE 0 END"
        points.append(f"CASE WHEN {title_sql} THEN {TITLE_WEIGHT} ELSE {elsewhere} END")
        params += title_params + elsewhere_params
    return " + ".join(points) or "0", params


def _required_terms(query: Query) -> set[Term]:
    """The terms every match holds: those that are a group of their own."""
    return {term for group in query.groups if len(group) == 1 for term in group}
