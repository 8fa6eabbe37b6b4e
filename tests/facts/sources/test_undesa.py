"""UN DESA's International Migrant Stock 2019 matrix, read by ``undesa-stock`` and checked against a plain csv
reading of the same file and of UN DESA's ISO alpha-3 list beside it."""

import shutil
from collections import Counter
from decimal import Decimal

import pytest

from partnerhub.facts.sources import PARSERS
from partnerhub.facts.sources.base import FileRejected
from tests.facts.sources.stats_files import UNDESA, dict_rows, needs

MATRIX = UNDESA / "undesa_ims2019_migrants_by_origin_and_destination_total.csv"
CODES = UNDESA / "undesa_ims2019_country_codes_alpha_3.csv"
NOT_AVAILABLE = ("", "..")


def figure(reading, indicator: str, country: str, period: str, destination: str = ""):
    key = (indicator, country, period, destination)
    [row] = [r for r in reading.rows if (r.indicator, r.country, r.period, r.destination) == key]
    return row


@pytest.fixture(scope="module")
def matrix():
    return dict_rows(MATRIX)


@pytest.fixture(scope="module")
def country_names():
    return {row["name"] for _, row in dict_rows(CODES, delimiter=";")}


@pytest.fixture(scope="module")
def stock():
    return PARSERS["undesa-stock"](MATRIX)


@needs(MATRIX, CODES)
def test_moroccans_in_france_in_2019_are_the_cell_of_the_matrix(matrix, stock):
    [(line, france)] = [(line, row) for line, row in matrix if (row["Year"], row["Destination"]) == ("2019", "France")]

    found = figure(stock, "international-migrant-stock", "MA", "2019", destination="FR")
    total = figure(stock, "international-migrant-stock-total", "FR", "2019")

    assert (found.value, found.unit, found.line) == (Decimal(france["Morocco"]), "persons", line)
    assert (total.value, total.line) == (Decimal(france["Total"]), line)


@needs(MATRIX, CODES)
def test_aggregate_destinations_and_origins_are_kept_apart(matrix, country_names, stock):
    aggregate_rows = [line for line, row in matrix if row["Destination"] not in country_names | {"Channel Islands"}]
    other_origins = [
        line
        for line, row in matrix
        if row["Destination"] in country_names
        and (row["Other South"] not in NOT_AVAILABLE or row["Other North"] not in NOT_AVAILABLE)
    ]

    skipped = Counter(s.reason for s in stock.skipped)

    assert len(aggregate_rows) == 7 * 51  # WORLD, regions, SDG regions, development and income groups, each year
    assert skipped["aggregate"] == len(aggregate_rows) + len(other_origins)
    assert "WORLD" not in {row.country for row in stock.rows}
    assert {s.detail for s in stock.skipped if s.line == matrix[0][0]} == {"Destination 'WORLD'"}


@needs(MATRIX, CODES)
def test_channel_islands_and_dashes_are_reported(matrix, country_names, stock):
    channel_origin = [
        line
        for line, row in matrix
        if row["Destination"] in country_names and row["Channel Islands"] not in NOT_AVAILABLE
    ]
    channel_destination = [line for line, row in matrix if row["Destination"] == "Channel Islands"]
    dashes = [(line, row["Destination"]) for line, row in matrix for value in row.values() if value == "-"]

    skipped = Counter(s.reason for s in stock.skipped)

    assert skipped["unknown-country"] == len(channel_origin) + len(channel_destination)
    assert [(s.line, s.reason) for s in stock.skipped if s.reason == "non-numeric"] == [
        (line, "non-numeric") for line, _ in dashes
    ]
    assert {name for _, name in dashes} == {"Montenegro"}


@needs(MATRIX, CODES)
def test_every_country_cell_is_a_figure_or_not_available(matrix, country_names, stock):
    origins = [name for name in matrix[0][1] if name in country_names]
    countries = [row for _, row in matrix if row["Destination"] in country_names]
    figures = sum(1 for row in countries for name in ["Total", *origins] if row[name] not in (*NOT_AVAILABLE, "-"))

    assert len(stock.rows) == figures
    assert len(origins) == len(matrix[0][1]) - 6  # Year, Destination, Total, Other South, Other North, Channel Islands


@needs(MATRIX)
def test_float_noise_of_the_conversion_is_rounded_to_whole_people(matrix, stock):
    andorra = [
        (row["Year"], Decimal(row["Total"]))
        for line, row in matrix
        if row["Destination"] == "Andorra" and row["Total"].endswith(("00000000001", "99999999999"))
    ]

    assert [year for year, _ in andorra] == ["1990", "2015", "2019"]
    for year, total in andorra:
        assert figure(stock, "international-migrant-stock-total", "AD", year).value == round(total)
    assert all(row.value == row.value.to_integral_value() for row in stock.rows)


@needs(MATRIX, CODES)
def test_without_the_code_list_the_m49_names_give_the_same_figures(tmp_path, stock):
    shutil.copy(MATRIX, tmp_path / MATRIX.name)

    alone = PARSERS["undesa-stock"](tmp_path / MATRIX.name)

    assert alone.rows == stock.rows
    assert Counter(s.reason for s in alone.skipped) == Counter(s.reason for s in stock.skipped)


@needs(MATRIX)
def test_a_matrix_without_its_total_column_is_rejected_naming_it(tmp_path):
    text = MATRIX.read_text(encoding="utf-8").replace("Year,Destination,Total,", "Year,Destination,All,", 1)
    path = tmp_path / MATRIX.name
    path.write_text(text, encoding="utf-8")

    with pytest.raises(FileRejected, match=r"column 'Total' missing; expected the UN DESA migrant stock matrix"):
        PARSERS["undesa-stock"](path)
