"""``partnerhub backup`` and ``partnerhub restore`` give back every row of every table, history included,
on the database the tests run on (SQLite, or PostgreSQL with DATABASE_URL)."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from partnerhub.access.models import Organisation
from partnerhub.core.confidential import registered
from partnerhub.core.models import DataVersion, Event, ObjectChange
from partnerhub.registry.models import Engagement
from tests.support.personas import build_cast

# The restore moves the data version on purpose, so that figures cached before it are dropped.
MOVED_BY_RESTORE = {DataVersion._meta.db_table}


def every_table() -> dict[str, list[tuple]]:
    """Every row of every table in the database, the search index and the cache included, sorted."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            # SQLite's planner statistics (sqlite_stat1, …) are gathered again as connections open.
            if table in MOVED_BY_RESTORE or table.startswith("sqlite_"):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the schema
            tables[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return tables


def build_records_of_every_kind() -> None:
    """One record of every confidential kind, each changed once through its service (so with history)."""
    cast = build_cast()
    built = [(entry, entry.build(cast, secret=f"kept by the backup: {entry.label}")) for entry in registered()]
    for entry, record in built:
        try:
            entry.change(cast, record)
        except ValidationError:
            # Some factories share one record (a figure and its dispute): once disputed, it is not proposed.
            continue


def alter_everything() -> None:
    Engagement.objects.unrestricted("test").update(title="Overwritten after the backup")
    ObjectChange.objects.filter(pk__in=ObjectChange.objects.values("pk")[:5]).delete()
    Event.objects.all().delete()
    Organisation.objects.create(name="Created after the backup", kind="ngo")


@pytest.fixture
def records(reference_data_again_after, transactional_db):
    """Real commits: a backup reads what is committed, and a restore replaces it."""
    build_records_of_every_kind()


def differences(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return [
        f"{table}: {len(before.get(table, []))} rows before, {len(after.get(table, []))} after"
        for table in sorted(set(before) | set(after))
        if before.get(table) != after.get(table)
    ]


def test_restore_gives_back_every_row_of_every_table(records, tmp_path):
    before = every_table()
    updates = ObjectChange.objects.filter(action=ObjectChange.Action.UPDATE)
    assert updates.values("content_type").distinct().count() > 10, "records of many kinds, changed, with history"
    assert Event.objects.exists()
    assert sum(1 for rows in before.values() if rows) > 40
    backup_file = tmp_path / "hub.backup"

    call_command("backup", str(backup_file))
    alter_everything()
    assert differences(before, every_table())
    call_command("restore", str(backup_file), replace_everything=True)

    assert differences(before, every_table()) == []


def test_restore_refuses_to_replace_records_without_the_confirmation(records, tmp_path):
    backup_file = tmp_path / "hub.backup"
    call_command("backup", str(backup_file))
    alter_everything()
    altered = every_table()

    with pytest.raises(CommandError, match="--replace-everything") as refusal:
        call_command("restore", str(backup_file))

    assert "Nothing was changed" in str(refusal.value)
    assert differences(altered, every_table()) == []


def test_backup_refuses_to_overwrite_a_file_without_force(records, tmp_path):
    existing = tmp_path / "hub.backup"
    existing.write_bytes(b"an earlier backup")

    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(existing))
    assert existing.read_bytes() == b"an earlier backup"

    call_command("backup", str(existing), force=True)
    assert existing.read_bytes() != b"an earlier backup"
    assert list(tmp_path.iterdir()) == [existing], "no partial file is left beside it"


def broken_files(good: Path, folder: Path) -> dict[str, tuple[Path, str]]:
    """Files a restore must refuse, each with the words that name its problem."""
    text = folder / "notes.txt"
    text.write_text("engagements,title\n1,Border management\n")
    truncated = folder / "truncated.backup"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    other_kind = folder / "other.backup"
    foreign_header = b"PGDMP" if connection.vendor == "sqlite" else b"SQLite format 3\x00"
    other_kind.write_bytes(foreign_header + b"\x00" * 4096)
    truncated_problem = "is damaged" if connection.vendor == "sqlite" else "pg_restore failed"
    return {
        "text": (text, "is not a backup made by partnerhub backup"),
        "truncated": (truncated, truncated_problem),
        "other kind": (other_kind, "database; this hub runs on"),
        "missing": (folder / "nowhere.backup", "does not exist"),
    }


def test_a_bad_file_is_named_with_its_problem_and_nothing_changes(records, tmp_path):
    good = tmp_path / "hub.backup"
    call_command("backup", str(good))
    before = every_table()

    for name, (path, problem) in broken_files(good, tmp_path).items():
        with pytest.raises(CommandError) as refusal:
            call_command("restore", str(path), replace_everything=True)
        assert problem in str(refusal.value), name
        assert str(path) in str(refusal.value), name

    assert differences(before, every_table()) == []
