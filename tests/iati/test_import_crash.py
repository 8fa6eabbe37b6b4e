"""``partnerhub import-iati`` killed (SIGKILL) half-way through a large import, then run again.

The import runs in its own process on a database of its own (a SQLite file, or a PostgreSQL
database beside the test database), on the fourteen real d-portal pages of
../shared/data/iati-activities/dportal-covid19-2021 (1,400 activities, 14 MB). It is killed as
soon as another connection sees its first activities. Then:

- no activity is partial: every one the hub holds has all its recipient countries, sectors and
  transactions, as a plain lxml reading of the files (here, independent of the importer) states them;
- the same command run again completes;
- the totals (engagements, their rows, organisations, history, money in euros) equal those of a
  clean import into a fresh database.
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from lxml import etree

from tests.iati.documents import SHARED_ACTIVITIES

PAGES = SHARED_ACTIVITIES / "dportal-covid19-2021"
ACTIVITIES_IN_PAGES = 1400
# IATI transaction types the hub keeps as money lines: incoming funds, commitment, disbursement, expenditure.
MONEY_TRANSACTION_TYPES = {"1", "2", "3", "4"}
PARTNERHUB = [sys.executable, "-c", "from partnerhub.cli import main; main()"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PAGES.is_dir(), reason=f"the real IATI files are not at {PAGES} (../shared/data is absent)"),
]


# -- a database of the import's own -----------------------------------------


@dataclass
class Scratch:
    """A database the subprocesses write to and the test reads with plain SQL."""

    url: str
    sqlite_path: Path | None = None
    postgres: dict | None = None

    def rows(self, sql: str) -> list[tuple]:
        if self.sqlite_path is not None:
            with closing(sqlite3.connect(self.sqlite_path)) as reader:
                return reader.execute(sql).fetchall()
        with psycopg.connect(**(self.postgres or {}), autocommit=True) as reader:
            return reader.execute(sql).fetchall()  # type: ignore[arg-type]

    def partnerhub(self, *arguments: str) -> subprocess.Popen:
        environment = {**os.environ, "DATABASE_URL": self.url, "DJANGO_SETTINGS_MODULE": "partnerhub.settings"}
        return subprocess.Popen(  # noqa: S603 (the hub's own command)
            [*PARTNERHUB, *arguments], env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def run(self, *arguments: str) -> str:
        process = self.partnerhub(*arguments)
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err[-3000:]
        return out


class ScratchServer:
    """Makes scratch databases on the test database's engine: one migrated with the reference data,
    then copies of it (a file copy for SQLite, ``CREATE DATABASE … TEMPLATE`` for PostgreSQL)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.made: list[str] = []
        settings = connection.settings_dict
        self.postgres = connection.vendor == "postgresql"
        self.server = {
            "host": settings["HOST"],
            "port": settings["PORT"] or 5432,
            "user": settings["USER"],
            "password": settings["PASSWORD"],
        }
        self.prefix = f"{settings['NAME']}_crash{os.getpid()}"
        self.template = self._new("template")
        self.template.run("migrate", "--verbosity", "0")
        self.template.run("load-reference", "--verbosity", "0")

    def copy(self, name: str) -> Scratch:
        return self._new(name, from_template=True)

    def _new(self, name: str, *, from_template: bool = False) -> Scratch:
        if not self.postgres:
            path = self.folder / f"{name}.sqlite3"
            if from_template:
                assert self.template.sqlite_path is not None
                shutil.copyfile(self.template.sqlite_path, path)
            return Scratch(f"sqlite:///{path}", sqlite_path=path)
        database = f"{self.prefix}_{name}"
        self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        template = f' TEMPLATE "{self.prefix}_template"' if from_template else ""
        self._admin(f'CREATE DATABASE "{database}"{template}')
        self.made.append(database)
        url = "postgres://{user}:{password}@{host}:{port}/{database}".format(
            database=database, **{key: value or "" for key, value in self.server.items()}
        )
        return Scratch(url, postgres={**self.server, "dbname": database})

    def _admin(self, statement: str) -> None:
        with psycopg.connect(**self.server, dbname="postgres", autocommit=True) as admin:
            admin.execute(statement)  # type: ignore[arg-type]

    def drop_all(self) -> None:
        for database in reversed(self.made):
            self._admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def scratch(tmp_path, django_db_blocker) -> Iterator[ScratchServer]:
    with django_db_blocker.unblock():
        server = ScratchServer(tmp_path)
    yield server
    if server.postgres:
        server.drop_all()


# -- what the files say, read with lxml -------------------------------------


@dataclass(frozen=True)
class Expected:
    countries: frozenset[str]
    sectors: frozenset[str]
    transactions: int


def read_pages(known_countries: set[str]) -> dict[str, Expected]:
    expected = {}
    for path in sorted(PAGES.glob("*.xml")):
        for activity in etree.parse(str(path)).getroot().iter("iati-activity"):
            identifier = (activity.findtext("iati-identifier") or "").strip()
            expected[identifier] = Expected(
                _countries(activity, known_countries), _sector_codes(activity), _money_transactions(activity)
            )
    assert len(expected) == ACTIVITIES_IN_PAGES
    return expected


def _codes(elements) -> set[str]:
    return {(element.get("code") or "").strip().upper() for element in elements}


def _countries(activity, known: set[str]) -> frozenset[str]:
    """The activity's recipient countries, or its transactions' when it states none itself."""
    stated = _codes(activity.findall("recipient-country")) & known
    return frozenset(stated or _codes(activity.iterfind("transaction/recipient-country")) & known)


def _sector_codes(activity) -> frozenset[str]:
    return frozenset((sector.get("code") or "").strip() for sector in activity.iter("sector") if sector.get("code"))


def _money_transactions(activity) -> int:
    """Transactions of a money type with a non-zero value (a zero moves no money and is left out)."""
    count = 0
    for transaction in activity.iter("transaction"):
        kind, value = transaction.find("transaction-type"), transaction.find("value")
        if kind is not None and kind.get("code") in MONEY_TRANSACTION_TYPES and value is not None:
            count += _non_zero(value.text)
    return count


def _non_zero(text: str | None) -> bool:
    try:
        return Decimal((text or "").strip()) != 0
    except InvalidOperation:
        return False


# -- what the hub holds ------------------------------------------------------


def held(database: Scratch) -> dict[str, Expected]:
    countries: dict[str, set[str]] = {}
    for identifier, iso2 in database.rows(
        "SELECT e.iati_identifier, c.iso2 FROM registry_engagement e "
        "JOIN registry_engagementcountry ec ON ec.engagement_id = e.id JOIN geo_country c ON c.id = ec.country_id"
    ):
        countries.setdefault(identifier, set()).add(iso2)
    sectors: dict[str, set[str]] = {}
    for identifier, code in database.rows(
        "SELECT e.iati_identifier, s.code FROM registry_engagement e "
        "JOIN registry_engagementsector s ON s.engagement_id = e.id"
    ):
        sectors.setdefault(identifier, set()).add(code)
    transactions = Counter(
        dict(
            database.rows(
                "SELECT e.iati_identifier, COUNT(*) FROM registry_engagement e "
                "JOIN registry_moneyline m ON m.engagement_id = e.id WHERE m.kind <> 'budget' "
                "GROUP BY e.iati_identifier"
            )
        )
    )
    return {
        identifier: Expected(
            frozenset(countries.get(identifier, ())), frozenset(sectors.get(identifier, ())), transactions[identifier]
        )
        for (identifier,) in database.rows("SELECT iati_identifier FROM registry_engagement")
    }


TOTALS = {
    "engagements": "SELECT COUNT(*) FROM registry_engagement",
    "countries": "SELECT COUNT(*) FROM registry_engagementcountry",
    "regions": "SELECT COUNT(*) FROM registry_engagementregion",
    "sectors": "SELECT COUNT(*) FROM registry_engagementsector",
    "participations": "SELECT COUNT(*) FROM registry_participation",
    "money_lines": "SELECT COUNT(*) FROM registry_moneyline",
    "themes": "SELECT COUNT(*) FROM registry_engagementtheme",
    "links": "SELECT COUNT(*) FROM registry_engagementlink",
    "organisations": "SELECT COUNT(*) FROM access_organisation",
    "sources": "SELECT COUNT(*) FROM registry_datasource",
    "history": "SELECT COUNT(*) FROM core_objectchange",
    "euros": "SELECT SUM(amount_eur) FROM registry_moneyline",
}


def totals(database: Scratch) -> dict[str, object]:
    return {name: database.rows(sql)[0][0] for name, sql in TOTALS.items()}


def engagements_in(database: Scratch) -> int:
    return database.rows("SELECT COUNT(*) FROM registry_engagement")[0][0]


# -- the crash ---------------------------------------------------------------


def import_killed_once_activities_are_written(database: Scratch) -> int:
    """Starts the import, kills it as soon as a reader sees engagements; how many it saw."""
    process = database.partnerhub("import-iati", "--all", "--json", str(PAGES))
    deadline = time.monotonic() + 300
    seen = 0
    try:
        while not seen:
            assert process.poll() is None, "the import ended before any activity was seen: " + process.stderr.read()
            assert time.monotonic() < deadline, "no activity was written within five minutes"
            time.sleep(0.05)
            seen = engagements_in(database)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    return seen


def assert_no_activity_is_partial(database: Scratch, expected: dict[str, Expected]) -> None:
    holding = held(database)
    partial = {identifier: found for identifier, found in holding.items() if found != expected[identifier]}
    assert not partial, f"{len(partial)} activities are partial, e.g. {next(iter(partial.items()))}"


def test_an_import_killed_half_way_leaves_whole_activities_and_completes_when_run_again(scratch):
    crashed, clean = scratch.copy("crashed"), scratch.copy("clean")
    expected = read_pages({iso2 for (iso2,) in crashed.rows("SELECT iso2 FROM geo_country")})

    import_killed_once_activities_are_written(crashed)

    left_by_the_crash = engagements_in(crashed)
    assert 0 < left_by_the_crash < ACTIVITIES_IN_PAGES, "the kill came after the import had finished"
    assert_no_activity_is_partial(crashed, expected)

    second = json.loads(crashed.run("import-iati", "--all", "--json", str(PAGES)).splitlines()[-1])
    assert second["failed_files"] == 0
    assert (second["created"], second["unchanged"]) == (ACTIVITIES_IN_PAGES - left_by_the_crash, left_by_the_crash)
    assert_no_activity_is_partial(crashed, expected)
    assert set(held(crashed)) == set(expected)

    clean.run("import-iati", "--all", "--json", str(PAGES))
    assert totals(crashed) == totals(clean)
