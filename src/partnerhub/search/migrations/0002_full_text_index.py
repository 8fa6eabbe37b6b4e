"""The full-text index over the entries' stems, for the database in use only.

SQLite: an FTS5 table with the entries as its external content, kept in step by triggers.
PostgreSQL: tsvector columns generated from the stems, with GIN indexes. Both index our own stems
('simple' configuration, no stemming of their own), so both find the same entries.
"""

from django.db import migrations

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE search_fts USING fts5(
        title_stems, body_stems, title_words,
        content='search_searchentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER search_fts_insert AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, title_stems, body_stems, title_words)
        VALUES (new.id, new.title_stems, new.body_stems, new.title_words);
    END""",
    """CREATE TRIGGER search_fts_delete AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_stems, body_stems, title_words)
        VALUES ('delete', old.id, old.title_stems, old.body_stems, old.title_words);
    END""",
    """CREATE TRIGGER search_fts_update AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, title_stems, body_stems, title_words)
        VALUES ('delete', old.id, old.title_stems, old.body_stems, old.title_words);
        INSERT INTO search_fts(rowid, title_stems, body_stems, title_words)
        VALUES (new.id, new.title_stems, new.body_stems, new.title_words);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_fts_update",
    "DROP TRIGGER IF EXISTS search_fts_delete",
    "DROP TRIGGER IF EXISTS search_fts_insert",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_CREATE = [
    """ALTER TABLE search_searchentry
        ADD COLUMN title_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', title_stems)) STORED,
        ADD COLUMN body_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body_stems)) STORED,
        ADD COLUMN words_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', title_words)) STORED""",
    "CREATE INDEX search_entry_title_tsv ON search_searchentry USING GIN (title_tsv)",
    "CREATE INDEX search_entry_body_tsv ON search_searchentry USING GIN (body_tsv)",
    "CREATE INDEX search_entry_words_tsv ON search_searchentry USING GIN (words_tsv)",
]
POSTGRES_DROP = [
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS title_tsv, DROP COLUMN IF EXISTS body_tsv, "
    "DROP COLUMN IF EXISTS words_tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
