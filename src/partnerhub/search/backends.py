"""The full-text conditions on the index, for SQLite (FTS5) and PostgreSQL (tsvector).

Both are given our own stems only, quoted by us: nothing a user types reaches either as query
syntax. A condition asks one thing of one entry (does its title hold this phrase?), never
anything about the other entries, so no hidden record can change how a visible one ranks.
"""

from django.db import connection, models
from django.db.models.expressions import RawSQL

from partnerhub.search.query import Term

TABLE = '"search_searchentry"'
FTS_COLUMNS = {"title": "title_stems", "body": "body_stems", "words": "title_words"}
TSV_COLUMNS = {"title": "title_tsv", "body": "body_tsv", "words": "words_tsv"}


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _phrases(term: Term) -> list[str]:
    return list(dict.fromkeys([" ".join(term.english), " ".join(term.french)]))


def matches(term: Term, column: str) -> RawSQL:
    """True where the entry's ``column`` ("title" or "body") holds ``term`` in either language."""
    phrases = _phrases(term)
    if _is_postgresql():
        sql = " OR ".join(f"{TABLE}.{TSV_COLUMNS[column]} @@ phraseto_tsquery('simple', %s)" for _ in phrases)
        return RawSQL(f"({sql})", phrases, output_field=models.BooleanField())  # noqa: S611 (constant SQL, values as parameters)
    expression = " OR ".join(f'{FTS_COLUMNS[column]} : "{phrase}"' for phrase in phrases)
    return _fts(expression)


def title_has_word_starting(prefix: str) -> RawSQL:
    """True where a word of the entry's title starts with ``prefix`` (a folded word of ours)."""
    if _is_postgresql():
        return RawSQL(  # noqa: S611 (constant SQL, the value as a parameter)
            f"{TABLE}.{TSV_COLUMNS['words']} @@ to_tsquery('simple', %s)",
            [f"{prefix}:*"],
            output_field=models.BooleanField(),
        )
    return _fts(f'{FTS_COLUMNS["words"]} : "{prefix}" *')


def _fts(expression: str) -> RawSQL:
    return RawSQL(  # noqa: S611 (constant SQL, the expression as a parameter)
        f"{TABLE}.id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s)",  # noqa: S608 (constant)
        [expression],
        output_field=models.BooleanField(),
    )
