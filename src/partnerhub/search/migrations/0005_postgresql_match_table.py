"""PostgreSQL: what matching reads, in a narrow table of its own (``search_match``).

A word found in most entries made the search read most of the entries' table, whose rows carry the long
texts and their stems. ``search_match`` holds, per entry, only what the statement reads of a match —
kind, record, date, audience — and the title's and body's tsvectors: at 110,000 entries about half the
blocks of the entries' table freshly written (and a quarter of it as it grows between vacuums), and
``covid``'s matching 134 → 58 ms. Triggers keep it in step with ``search_searchentry`` (as SQLite's
``search_fts`` is kept), so every way an entry is written reaches it. The tsvector columns of 0002 on the
entries' table are dropped with their indexes (the title words' stay: the suggestions read them). SQLite:
nothing to do.
"""

from django.db import migrations

COLUMNS = "entry_id, kind, object_id, date, sharing_level, owner_id, title_tsv, body_tsv"
VALUES_OF = (
    "{row}.id, {row}.kind, {row}.object_id, {row}.date, {row}.sharing_level, {row}.owner_id,"
    " to_tsvector('simple', {row}.title_stems), to_tsvector('simple', {row}.body_stems)"
)

POSTGRES_CREATE = [
    """CREATE TABLE search_match (
        entry_id bigint PRIMARY KEY,
        kind varchar(30) NOT NULL,
        object_id bigint NOT NULL,
        date date NULL,
        sharing_level varchar(12) NULL,
        owner_id bigint NULL,
        title_tsv tsvector NOT NULL,
        body_tsv tsvector NOT NULL
    )""",
    f"INSERT INTO search_match ({COLUMNS}) SELECT {VALUES_OF.format(row='e')} FROM search_searchentry AS e",  # noqa: S608 (constant)
    "CREATE INDEX search_match_title_tsv ON search_match USING GIN (title_tsv)",
    "CREATE INDEX search_match_body_tsv ON search_match USING GIN (body_tsv)",
    f"""CREATE FUNCTION search_match_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM search_match WHERE entry_id = OLD.id;
            RETURN NULL;
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.id <> NEW.id THEN
            DELETE FROM search_match WHERE entry_id = OLD.id;
        END IF;
        INSERT INTO search_match ({COLUMNS}) VALUES ({VALUES_OF.format(row="NEW")})
        ON CONFLICT (entry_id) DO UPDATE SET
            kind = EXCLUDED.kind, object_id = EXCLUDED.object_id, date = EXCLUDED.date,
            sharing_level = EXCLUDED.sharing_level, owner_id = EXCLUDED.owner_id,
            title_tsv = EXCLUDED.title_tsv, body_tsv = EXCLUDED.body_tsv;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION search_match_empty() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE search_match;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER search_match_write AFTER INSERT OR UPDATE OR DELETE ON search_searchentry
        FOR EACH ROW EXECUTE FUNCTION search_match_write()""",
    """CREATE TRIGGER search_match_empty AFTER TRUNCATE ON search_searchentry
        FOR EACH STATEMENT EXECUTE FUNCTION search_match_empty()""",
    "ALTER TABLE search_searchentry DROP COLUMN title_tsv, DROP COLUMN body_tsv",
    "ANALYZE search_match",
]
POSTGRES_DROP = [
    """ALTER TABLE search_searchentry
        ADD COLUMN title_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', title_stems)) STORED,
        ADD COLUMN body_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body_stems)) STORED""",
    "CREATE INDEX search_entry_title_tsv ON search_searchentry USING GIN (title_tsv)",
    "CREATE INDEX search_entry_body_tsv ON search_searchentry USING GIN (body_tsv)",
    "DROP TRIGGER IF EXISTS search_match_empty ON search_searchentry",
    "DROP TRIGGER IF EXISTS search_match_write ON search_searchentry",
    "DROP FUNCTION IF EXISTS search_match_empty()",
    "DROP FUNCTION IF EXISTS search_match_write()",
    "DROP TABLE IF EXISTS search_match",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0004_entry_audience")]

    operations = [migrations.RunPython(_run(POSTGRES_CREATE), _run(POSTGRES_DROP))]
