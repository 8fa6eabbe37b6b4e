"""UNHCR's zeros: a 0 is a filler ("none here") and loads as no figure — except where the same source
already holds a figure for the same indicator, country (destination) and period: then a later release's
0 is that figure revised to zero, and must not be missed.

The files are small extracts of the real UNHCR files in ../shared/data/stats, written by the test with
the csv module: loaded once, then a copy where one named cell is 0."""

import csv
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.core.history import history_of
from partnerhub.facts.loading import load_reading
from partnerhub.facts.models import ObservationStatus
from partnerhub.facts.services import agree_observation, propose_observation
from partnerhub.facts.sources.base import Reading, ZeroCells
from tests.facts.factories import REMITTANCES, WDI, figures, reading
from tests.facts.factories import row as figure_row
from tests.facts.sources.stats_files import UNHCR, needs

pytestmark = pytest.mark.django_db

POPULATION = UNHCR / "unhcr_population_2010plus.csv"
APPLICATIONS = UNHCR / "unhcr_asylum_applications_2015plus.csv"
POPULATION_COLUMNS = ("refugees", "asylum_seekers", "returned_refugees", "idps", "returned_idps", "stateless", "ooc")
SYRIANS_IN_GERMANY_2021 = {"year": "2021", "coo_iso": "SYR", "coa_iso": "DEU"}
SYRIANS_IN_SYRIA_2021 = {"year": "2021", "coo_iso": "SYR", "coa_iso": "SYR"}


def extract(source: Path, target: Path, keep) -> list[dict[str, str]]:
    """The rows of the real file that ``keep`` accepts, written to ``target`` as the publisher wrote them."""
    with source.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = [row for row in reader if keep(row)]
    write(target, header, rows)
    return rows


def write(target: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return target


def with_zero(source: Path, target: Path, match: dict[str, str], column: str) -> Path:
    """A copy of ``source`` where ``column`` is 0 in every row matching ``match``."""
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames or []), list(reader)
    matched = [row for row in rows if all(row[name] == value for name, value in match.items())]
    assert matched and all(row[column] not in ("", "0") for row in matched), (match, column)
    for row in matched:
        row[column] = "0"
    return write(target, header, rows)


def load(source: str, path: Path) -> dict:
    out = StringIO()
    call_command("load-facts", source, str(path), "--json", stdout=out)
    return json.loads(out.getvalue().splitlines()[-1])


def syrians_2021_and_2022(row: dict[str, str]) -> bool:
    return row["coo_iso"] == "SYR" and row["year"] in ("2021", "2022")


def figures_given(rows: list[dict[str, str]]) -> int:
    """The non-zero cells of the rows: all in ISO countries (the origin is Syria)."""
    return sum(1 for row in rows for column in POPULATION_COLUMNS + ("oip", "hst") if row[column] not in ("", "0"))


@pytest.fixture
def syrians(tmp_path) -> tuple[Path, list[dict[str, str]]]:
    path = tmp_path / "unhcr_population_syrians.csv"
    return path, extract(POPULATION, path, syrians_2021_and_2022)


def asylum_seekers_in_germany():
    return figures().get(indicator__code="asylum-seekers", country__iso3="SYR", destination__iso3="DEU", period="2021")


@needs(POPULATION)
def test_a_figure_revised_to_zero_in_a_later_release_is_revised_not_missed(cast, syrians, tmp_path):
    path, rows = syrians
    [germany] = [row for row in rows if all(row[k] == v for k, v in SYRIANS_IN_GERMANY_2021.items())]
    first = load("unhcr-population", path)
    assert first["loaded"] == figures_given(rows) == figures().count()
    assert asylum_seekers_in_germany().value == Decimal(germany["asylum_seekers"])

    revised = load(
        "unhcr-population", with_zero(path, tmp_path / "revised.csv", SYRIANS_IN_GERMANY_2021, "asylum_seekers")
    )

    assert (revised["loaded"], revised["revised"], revised["unchanged"]) == (0, 1, first["loaded"] - 1)
    assert revised["observations_read"] == first["observations_read"]  # the zero is read as the figure it revises
    figure = asylum_seekers_in_germany()
    assert (figure.value, figure.status) == (Decimal(0), ObservationStatus.IMPORTED)
    [change] = [entry for entry in history_of(figure) if "value" in entry.changes]
    assert Decimal(change.changes["value"][0]) == Decimal(germany["asylum_seekers"])
    assert figures().count() == first["loaded"]


@needs(POPULATION)
def test_the_other_zeros_of_the_file_stay_no_figure(cast, syrians, tmp_path):
    path, rows = syrians
    zeros = sum(1 for row in rows for column in POPULATION_COLUMNS if row[column] == "0")
    load("unhcr-population", path)
    load("unhcr-population", with_zero(path, tmp_path / "revised.csv", SYRIANS_IN_GERMANY_2021, "asylum_seekers"))

    assert zeros > 500
    assert figures().filter(value=0).count() == 1
    assert figures().count() == figures_given(rows)


@needs(POPULATION)
def test_loading_the_release_with_the_zero_again_changes_nothing(cast, syrians, tmp_path):
    path, rows = syrians
    load("unhcr-population", path)
    revised_file = with_zero(path, tmp_path / "revised.csv", SYRIANS_IN_GERMANY_2021, "asylum_seekers")
    load("unhcr-population", revised_file)

    again = load("unhcr-population", revised_file)

    assert (again["loaded"], again["revised"], again["unchanged"]) == (0, 0, figures_given(rows))
    assert asylum_seekers_in_germany().value == 0


@needs(POPULATION)
def test_a_zero_revises_a_figure_of_the_country_itself_too(cast, syrians, tmp_path):
    path, rows = syrians
    [syria] = [row for row in rows if all(row[k] == v for k, v in SYRIANS_IN_SYRIA_2021.items())]
    load("unhcr-population", path)

    revised = load("unhcr-population", with_zero(path, tmp_path / "revised.csv", SYRIANS_IN_SYRIA_2021, "idps"))

    idps = figures().get(indicator__code="idps", country__iso3="SYR", destination=None, period="2021")
    assert Decimal(syria["idps"]) > 6_000_000
    assert (revised["revised"], idps.value) == (1, Decimal(0))


@needs(POPULATION)
def test_an_agreed_figure_revised_to_zero_reopens_the_agreement(cast, syrians, tmp_path):
    path, _rows = syrians
    load("unhcr-population", path)
    agreed = agree_observation(
        propose_observation(
            asylum_seekers_in_germany(), note="UNHCR's end-year figure", acting_user=cast.german_ministry_editor
        ),
        acting_user=cast.coordinator,
    )

    revised = load(
        "unhcr-population", with_zero(path, tmp_path / "revised.csv", SYRIANS_IN_GERMANY_2021, "asylum_seekers")
    )

    assert (revised["revised"], revised["reopened"]) == (1, 1)
    revision = figures().get(revises=agreed)
    assert (revision.value, revision.status) == (Decimal(0), ObservationStatus.PROPOSED)
    agreed.refresh_from_db()
    assert agreed.status == ObservationStatus.AGREED and agreed.value > 0


@needs(APPLICATIONS)
def test_applications_summed_over_rows_are_zero_only_when_every_row_is(cast, tmp_path):
    path = tmp_path / "unhcr_applications_syrians.csv"
    rows = extract(APPLICATIONS, path, syrians_2021_and_2022)
    in_germany = [row for row in rows if all(row[k] == v for k, v in SYRIANS_IN_GERMANY_2021.items())]
    row_columns = ("procedure_type", "app_type", "dec_level", "app_pc")
    first_of_them = {**SYRIANS_IN_GERMANY_2021, **{column: in_germany[0][column] for column in row_columns}}
    load("unhcr-asylum-applications", path)

    def applications():
        return figures().get(
            indicator__code="asylum-applications", country__iso3="SYR", destination__iso3="DEU", period="2021"
        )

    assert len(in_germany) > 1
    assert len([row for row in in_germany if all(row[k] == v for k, v in first_of_them.items())]) == 1
    assert applications().value == sum(Decimal(row["applied"]) for row in in_germany)

    one_row = load("unhcr-asylum-applications", with_zero(path, tmp_path / "one.csv", first_of_them, "applied"))
    assert (one_row["revised"], applications().value) == (1, sum(Decimal(row["applied"]) for row in in_germany[1:]))

    every_row = load(
        "unhcr-asylum-applications", with_zero(path, tmp_path / "every.csv", SYRIANS_IN_GERMANY_2021, "applied")
    )
    assert (every_row["revised"], every_row["observations_read"]) == (1, one_row["observations_read"])
    assert applications().value == 0


# -- the rule, for any figures held and any zeros and figures in a new release ----------------------

KEYS = [("MA", "2020"), ("MA", "2021"), ("TN", "2021"), ("DZ", "2021"), ("EG", "2022")]
some_keys = st.sets(st.sampled_from(KEYS))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(held=some_keys, zeros=some_keys, given_figures=some_keys)
def test_a_zero_loads_exactly_where_the_source_holds_a_figure_and_the_release_gives_no_other(
    held, zeros, given_figures
):
    with transaction.atomic():
        load_reading(reading(*(figure_row(country, period, "100") for country, period in held)), loaded_by=None)
        release = Reading(
            source=WDI,
            indicators=[REMITTANCES],
            rows=[figure_row(country, period, "50") for country, period in given_figures],
            zeros=[
                ZeroCells(line, (REMITTANCES.code,), country, period) for line, (country, period) in enumerate(zeros)
            ],
        )

        report = load_reading(release, loaded_by=None)

        to_zero = (held & zeros) - given_figures
        assert {(figure.country.iso2, figure.period) for figure in figures().filter(value=0)} == to_zero
        assert (report.loaded, report.revised) == (len(given_figures - held), len(held & given_figures) + len(to_zero))
        assert figures().count() == len(held | given_figures)
        transaction.set_rollback(True)
