"""UNHCR's population, asylum and solutions files, read by the ``unhcr-*`` parsers and checked against a
plain csv reading of the same files."""

import time
from collections import Counter
from datetime import date
from decimal import Decimal

import pycountry
import pytest

from partnerhub.facts.sources import PARSERS
from partnerhub.facts.sources.base import FileRejected
from tests.facts.sources.stats_files import UNHCR, dict_rows, needs

pytestmark = pytest.mark.slow  # the population file has 83,000 rows, read by the parser and by the tests

POPULATION = UNHCR / "unhcr_population_2010plus.csv"
APPLICATIONS = UNHCR / "unhcr_asylum_applications_2015plus.csv"
DECISIONS = UNHCR / "unhcr_asylum_decisions_2015plus.csv"
SOLUTIONS = UNHCR / "unhcr_solutions.csv"
ISO3 = {country.alpha_3 for country in pycountry.countries}
# The population columns about the people of one country, counted where they live (the country of asylum).
PLACE_COLUMNS = {"idps", "returned_idps", "stateless", "hst"}
POPULATION_COLUMNS = ("refugees", "asylum_seekers", "returned_refugees", "idps", "returned_idps", "stateless", "ooc")


def figure(reading, indicator: str, origin: str, period: str, destination: str = ""):
    key = (indicator, origin, period, destination)
    [row] = [r for r in reading.rows if (r.indicator, r.country, r.period, r.destination) == key]
    return row


@pytest.fixture(scope="module")
def population_rows():
    return dict_rows(POPULATION)


@pytest.fixture(scope="module")
def population():
    return PARSERS["unhcr-population"](POPULATION)


@needs(POPULATION)
def test_syrian_refugees_in_turkiye_in_2020_are_the_cell_of_the_file(population_rows, population):
    [(line, row)] = [
        (line, row)
        for line, row in population_rows
        if (row["year"], row["coo_iso"], row["coa_iso"]) == ("2020", "SYR", "TUR")
    ]

    found = figure(population, "refugees", "SY", "2020", destination="TR")

    assert (found.value, found.unit, found.line) == (Decimal(row["refugees"]), "persons", line)
    assert found.value > 3_000_000


@needs(POPULATION)
def test_the_world_total_of_refugees_in_2020_is_the_sum_over_known_countries(population_rows, population):
    expected = sum(
        int(row["refugees"])
        for _, row in population_rows
        if row["year"] == "2020" and row["coo_iso"] in ISO3 and row["coa_iso"] in ISO3
    )

    loaded = sum(r.value for r in population.rows if (r.indicator, r.period) == ("refugees", "2020"))

    assert loaded == expected


@needs(POPULATION)
def test_idps_and_stateless_people_are_counted_in_the_country_where_they_live(population_rows, population):
    [(_, ukraine)] = [
        (line, row)
        for line, row in population_rows
        if (row["year"], row["coo_iso"], row["coa_iso"]) == ("2022", "UKR", "UKR")
    ]
    stateless_in_thailand = [
        row
        for _, row in population_rows
        if (row["year"], row["coa_iso"]) == ("2021", "THA") and row["stateless"] != "0"
    ]

    assert figure(population, "idps", "UA", "2022").value == Decimal(ukraine["idps"])
    assert [row["coo_iso"] for row in stateless_in_thailand] == ["XXA"]
    assert figure(population, "stateless", "TH", "2021").value == Decimal(stateless_in_thailand[0]["stateless"])
    pairs = {i.code: i.pair for i in population.indicators}
    assert (pairs["refugees"], pairs["idps"], pairs["stateless"], pairs["host-community"]) == (
        True,
        False,
        False,
        False,
    )


@needs(POPULATION)
def test_unknown_stateless_and_tibetan_origins_are_reported_as_unknown_countries(population_rows, population):
    def left_out(row):
        return [
            column
            for column in POPULATION_COLUMNS + ("oip", "hst")
            if row[column] not in ("", "0")
            and (row["coa_iso"] not in ISO3 or (column not in PLACE_COLUMNS and row["coo_iso"] not in ISO3))
        ]

    expected = [line for line, row in population_rows if left_out(row)]

    assert Counter(s.reason for s in population.skipped) == {"unknown-country": len(expected)}
    assert [s.line for s in population.skipped] == expected
    details = {s.detail.split(" (")[0] for s in population.skipped}
    assert details == {"'Unknown'", "'Stateless'", "'Tibetan'"}


@needs(POPULATION)
def test_every_cell_is_a_figure_a_zero_filler_or_reported(population_rows, population):
    columns = POPULATION_COLUMNS + ("oip", "hst")
    fillers = sum(1 for _, row in population_rows for column in columns if row[column] in ("", "0"))

    left_out = sum(len(s.detail.split("not loaded: ")[1].split(", ")) for s in population.skipped)

    assert population.empty_cells == fillers
    assert len(population.rows) + fillers + left_out == len(population_rows) * len(columns)
    assert population.source.release_date == date(2025, 12, 1)


@needs(POPULATION)
def test_the_population_file_is_read_in_a_few_seconds():
    started = time.perf_counter()
    PARSERS["unhcr-population"](POPULATION)
    # About 2 s on the development machine; the bound leaves room for a busy shared one.
    assert time.perf_counter() - started < 20


@needs(APPLICATIONS)
def test_asylum_applications_are_summed_over_procedures_types_and_levels():
    rows = [
        row
        for _, row in dict_rows(APPLICATIONS)
        if (row["year"], row["coo_iso"], row["coa_iso"]) == ("2016", "SYR", "DEU")
    ]

    reading = PARSERS["unhcr-asylum-applications"](APPLICATIONS)

    assert len(rows) > 1
    assert figure(reading, "asylum-applications", "SY", "2016", "DE").value == sum(Decimal(r["applied"]) for r in rows)


@needs(APPLICATIONS)
def test_asylum_applications_of_unknown_origin_are_reported_row_by_row():
    rows = dict_rows(APPLICATIONS)
    unknown = [line for line, row in rows if row["coo_iso"] not in ISO3 or row["coa_iso"] not in ISO3]
    groups = {
        (row["year"], row["coo_iso"], row["coa_iso"])
        for _, row in rows
        if row["coo_iso"] in ISO3 and row["coa_iso"] in ISO3 and row["applied"] != "0"
    }

    reading = PARSERS["unhcr-asylum-applications"](APPLICATIONS)

    assert [s.line for s in reading.skipped] == unknown
    assert len(reading.rows) == len(groups)


@needs(DECISIONS)
def test_asylum_decisions_of_afghans_in_germany_in_2017():
    rows = [
        row
        for _, row in dict_rows(DECISIONS)
        if (row["year"], row["coo_iso"], row["coa_iso"]) == ("2017", "AFG", "DEU")
    ]

    reading = PARSERS["unhcr-asylum-decisions"](DECISIONS)

    for column, code in [("dec_recognized", "recognised"), ("dec_rejected", "rejected"), ("dec_total", "total")]:
        expected = sum(Decimal(row[column]) for row in rows)
        assert figure(reading, f"asylum-decisions-{code}", "AF", "2017", "DE").value == expected


@needs(SOLUTIONS)
def test_resettlement_and_returns_of_the_solutions_file():
    rows = dict_rows(SOLUTIONS)
    [(line, resettled)] = [
        (line, row) for line, row in rows if (row["year"], row["coo_iso"], row["coa_iso"]) == ("2016", "SYR", "CAN")
    ]
    [returned] = [row for _, row in rows if (row["year"], row["coo_iso"], row["coa_iso"]) == ("2023", "UKR", "UKR")]

    reading = PARSERS["unhcr-solutions"](SOLUTIONS)

    found = figure(reading, "resettlement", "SY", "2016", "CA")
    assert (found.value, found.line) == (Decimal(resettled["resettlement"]), line)
    assert figure(reading, "returned-idps", "UA", "2023").value == Decimal(returned["returned_idps"])
    assert min(row.period for row in reading.rows) == min(row["year"] for _, row in rows)


@needs(POPULATION, SOLUTIONS)
def test_population_and_solutions_give_returned_refugees_the_same_indicator(population):
    solutions = PARSERS["unhcr-solutions"](SOLUTIONS)

    shared = {i.code for i in population.indicators} & {i.code for i in solutions.indicators}

    assert shared == {"returned-refugees", "returned-idps"}
    assert population.source.dataset != solutions.source.dataset


@needs(POPULATION)
def test_a_population_file_without_its_asylum_column_is_rejected_naming_it(tmp_path):
    lines = POPULATION.read_text(encoding="utf-8").splitlines(keepends=True)[:50]
    lines[0] = lines[0].replace("coa_iso", "asylum_iso")
    path = tmp_path / POPULATION.name
    path.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(FileRejected, match=r"unhcr_population_2010plus\.csv: column 'coa_iso' missing; expected"):
        PARSERS["unhcr-population"](path)


@needs(DECISIONS)
def test_a_decisions_file_given_as_applications_is_rejected_naming_what_was_expected():
    with pytest.raises(FileRejected, match=r"column 'applied' missing; expected the UNHCR asylum applications layout"):
        PARSERS["unhcr-asylum-applications"](DECISIONS)


@needs(POPULATION)
def test_a_bad_year_and_a_non_numeric_figure_are_reported_with_their_line(tmp_path):
    lines = POPULATION.read_text(encoding="utf-8").splitlines(keepends=True)[:6]
    lines[2] = lines[2].replace("2010,", "20X0,", 1)
    cells = lines[4].split(",")
    cells[7] = "many"
    lines[4] = ",".join(cells)
    path = tmp_path / "population.csv"
    path.write_text("\ufeff" + "".join(lines), encoding="utf-8")

    reading = PARSERS["unhcr-population"](path)

    assert [(s.line, s.reason, s.detail) for s in reading.skipped] == [
        (3, "bad-period", "year '20X0'"),
        (5, "non-numeric", "refugees: 'many'"),
    ]
