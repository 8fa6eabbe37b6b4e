"""The World Bank's WDI and KNOMAD remittance files, read by ``wdi`` and ``knomad`` and checked against a
plain csv reading of the same files."""

import shutil
from collections import Counter
from datetime import date
from decimal import Decimal

import pycountry
import pytest

from partnerhub.facts.sources import PARSERS
from partnerhub.facts.sources.base import FileRejected
from tests.facts.sources.stats_files import WORLDBANK, dict_rows, needs, plain_rows

RECEIVED = WORLDBANK / "wdi_BX.TRF.PWKR.CD.DT.csv"
PAID = WORLDBANK / "wdi_BM.TRF.PWKR.CD.DT.csv"
SHARE = WORLDBANK / "wdi_BX.TRF.PWKR.DT.GD.ZS.csv"
METADATA = WORLDBANK / "wdi_country_metadata.csv"
INFLOWS = WORLDBANK / "knomad_remittance_inflows_usd_million.csv"
OUTFLOWS = WORLDBANK / "knomad_remittance_outflows_usd_million.csv"
ISO3 = {country.alpha_3 for country in pycountry.countries}
YEARS = [str(year) for year in range(1960, 2023)]


def figure(reading, indicator: str, country: str, period: str):
    [row] = [r for r in reading.rows if (r.indicator, r.country, r.period) == (indicator, country, period)]
    return row


def wdi_cell(path, code: str, year: str) -> tuple[int, str]:
    [(line, row)] = [(line, row) for line, row in dict_rows(path) if row["Country Code"] == code]
    return line, row[year]


@needs(RECEIVED, METADATA)
def test_morocco_2021_remittances_received_are_the_cell_of_the_file():
    line, cell = wdi_cell(RECEIVED, "MAR", "2021")

    row = figure(PARSERS["wdi"](RECEIVED), "remittances-received-usd", "MA", "2021")

    assert (row.value, row.unit, row.line, row.destination) == (Decimal(cell), "USD", line, "")
    assert row.value > 10_000_000_000


@needs(PAID, SHARE, METADATA)
@pytest.mark.parametrize(
    ("path", "indicator", "unit"),
    [(PAID, "remittances-paid-usd", "USD"), (SHARE, "remittances-received-pct-gdp", "% of GDP")],
)
def test_the_indicator_follows_from_the_indicator_code_column(path, indicator, unit):
    reading = PARSERS["wdi"](path)

    assert [i.code for i in reading.indicators] == [indicator]
    assert {row.unit for row in reading.rows} == {unit}
    assert figure(reading, indicator, "TN", "2020").value == Decimal(wdi_cell(path, "TUN", "2020")[1])


@needs(RECEIVED, METADATA)
def test_kosovo_is_read_as_xk_and_aggregates_and_channel_islands_are_set_apart():
    metadata = {row["Country Code"]: row["Region"] for _, row in dict_rows(METADATA)}
    rows = dict_rows(RECEIVED)
    aggregates = {row["Country Code"] for _, row in rows if metadata.get(row["Country Code"], "x") == ""}
    not_iso = {row["Country Code"] for _, row in rows} - ISO3 - aggregates - {"XKX"}

    reading = PARSERS["wdi"](RECEIVED)

    assert {"EUU", "SSF", "LMY", "WLD"} <= aggregates
    assert not_iso == {"CHI", "INX"}  # the Channel Islands, and "Not classified"
    skipped = Counter(s.reason for s in reading.skipped)
    assert skipped == {"aggregate": len(aggregates), "unknown-country": 2}
    assert any("Channel Islands" in s.detail for s in reading.skipped if s.reason == "unknown-country")
    kosovo = wdi_cell(RECEIVED, "XKX", "2022")[1]
    assert figure(reading, "remittances-received-usd", "XK", "2022").value == Decimal(kosovo)
    assert not {row.country for row in reading.rows} & {"EU", "ZZ"}


@needs(RECEIVED, METADATA)
def test_every_figure_of_a_country_is_read_and_every_empty_cell_counted():
    metadata = {row["Country Code"]: row["Region"] for _, row in dict_rows(METADATA)}
    economies = [row for _, row in dict_rows(RECEIVED) if metadata.get(row["Country Code"])]
    countries = [row for row in economies if row["Country Code"] != "CHI"]
    figures = sum(1 for row in countries for year in YEARS if row[year])
    empty = sum(1 for row in countries for year in YEARS if not row[year])

    reading = PARSERS["wdi"](RECEIVED)

    assert (len(reading.rows), reading.empty_cells) == (figures, empty)
    assert reading.source.release_date == date(2023, 5, 10)
    assert reading.source.publisher == "World Bank"


@needs(RECEIVED)
def test_without_the_country_metadata_codes_outside_iso_are_aggregates(tmp_path):
    shutil.copy(RECEIVED, tmp_path / RECEIVED.name)

    reading = PARSERS["wdi"](tmp_path / RECEIVED.name)

    details = {s.detail.split()[2]: s.reason for s in reading.skipped}
    assert details["CHI"] == "unknown-country"
    assert details["WLD"] == details["EUU"] == details["INX"] == "aggregate"
    assert "XK" in {row.country for row in reading.rows}


def test_a_wdi_download_states_its_release_above_the_header(tmp_path):
    path = tmp_path / "API_BX.TRF.PWKR.CD.DT.csv"
    path.write_text(
        '"Data Source","World Development Indicators",\n\n"Last Updated Date","2024-06-28",\n\n'
        '"Country Name","Country Code","Indicator Name","Indicator Code","2022","2023",\n'
        '"Morocco","MAR","Personal remittances, received (current US$)","BX.TRF.PWKR.CD.DT","11","12",\n',
        encoding="utf-8-sig",
    )

    reading = PARSERS["wdi"](path)

    assert reading.source.release_date == date(2024, 6, 28)
    assert [(r.line, r.country, r.period, r.value) for r in reading.rows] == [
        (6, "MA", "2022", Decimal(11)),
        (6, "MA", "2023", Decimal(12)),
    ]


@needs(RECEIVED)
def test_an_unknown_indicator_code_and_a_non_numeric_cell_are_reported_with_their_line(tmp_path):
    lines = RECEIVED.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    aruba = lines[1].split(",")
    lines[1] = ",".join([*aruba[:3], "SM.POP.TOTL", *aruba[4:]])
    lines[-1] = lines[-1].replace(lines[-1].rstrip("\n").split(",")[-1], "n/a")
    path = tmp_path / RECEIVED.name
    path.write_text("".join(lines), encoding="utf-8")

    reading = PARSERS["wdi"](path)

    assert (reading.skipped[0].line, reading.skipped[0].reason) == (2, "unknown-indicator")
    [bad] = [s for s in reading.skipped if s.reason == "non-numeric"]
    assert (bad.line, bad.detail) == (len(lines), "2022: 'n/a'")


@needs(RECEIVED)
def test_a_malformed_wdi_file_is_rejected_naming_the_column(tmp_path):
    text = RECEIVED.read_text(encoding="utf-8-sig").replace(",1999,", ",Year 1999,", 1)
    path = tmp_path / RECEIVED.name
    path.write_text(text, encoding="utf-8")

    with pytest.raises(FileRejected, match=r"wdi_BX\.TRF\.PWKR\.CD\.DT\.csv: column 'Year 1999' is not a year"):
        PARSERS["wdi"](path)


@needs(INFLOWS)
def test_a_knomad_file_given_to_wdi_is_rejected_naming_the_file_and_the_layout():
    with pytest.raises(FileRejected, match=r"knomad_remittance_inflows_usd_million\.csv: not a WDI file; expected"):
        PARSERS["wdi"](INFLOWS)


def has_figures(row: list[str]) -> bool:
    return any(cell.strip() for cell in row[1:])


def knomad_cells(path) -> dict[str, tuple[int, list[str]]]:
    return {row[0]: (line, row) for line, row in enumerate(plain_rows(path)[1:], start=2)}


@needs(INFLOWS)
def test_knomad_morocco_2021_inflows_are_the_cell_in_us_dollars():
    header = plain_rows(INFLOWS)[0]
    line, row = knomad_cells(INFLOWS)["Morocco"]

    found = figure(PARSERS["knomad"](INFLOWS), "remittances-received-usd", "MA", "2021")

    assert (found.value, found.unit, found.line) == (Decimal(row[header.index("2021")]) * 1_000_000, "USD", line)


@needs(INFLOWS)
def test_knomad_footnotes_aggregates_and_names_are_handled():
    rows = plain_rows(INFLOWS)
    last_figure_line = max(line for line, row in enumerate(rows, start=1) if has_figures(row))
    footnotes = [row[0] for row in rows[last_figure_line:] if row[0]]

    reading = PARSERS["knomad"](INFLOWS)

    assert Counter(s.reason for s in reading.skipped) == {
        "footnote": len(footnotes),
        "aggregate": 2,
        "unknown-country": 1,
    }
    assert footnotes[-2:] == ["Date: June 2023", "When using the data, please cite: World Bank-KNOMAD, June 2023"]
    aggregates = {s.detail for s in reading.skipped if s.reason == "aggregate"}
    assert aggregates == {"World", "Low-and Middle-Income Countries"}
    assert reading.source.release_date == date(2023, 6, 1)
    # Every named economy with figures but the Channel Islands is a country: Kosovo, Türkiye, the Congos…
    # (St. Martin's only cell is a blank: no figure.)
    with_figures = {row[0] for row in rows[1:last_figure_line] if has_figures(row)}
    assert len({row.country for row in reading.rows}) == len(with_figures) - 2
    kosovo = knomad_cells(INFLOWS)["Kosovo"][1]
    assert figure(reading, "remittances-received-usd", "XK", "2022").value == Decimal(kosovo[-1]) * 1_000_000
    assert {"TR", "CD", "CG", "KR", "PS", "XK"} <= {row.country for row in reading.rows}


@needs(OUTFLOWS)
def test_knomad_outflows_and_their_share_of_gdp_in_2022():
    header = plain_rows(OUTFLOWS)[0]
    row = knomad_cells(OUTFLOWS)["Türkiye, Rep. of"][1]

    reading = PARSERS["knomad"](OUTFLOWS)

    assert [i.code for i in reading.indicators] == ["remittances-paid-usd", "remittances-paid-pct-gdp"]
    assert figure(reading, "remittances-paid-usd", "TR", "2022").value == Decimal(row[header.index("2022")]) * 10**6
    share = figure(reading, "remittances-paid-pct-gdp", "TR", "2022")
    assert (share.value, share.unit) == (Decimal(row[header.index("% of GDP in 2022")]), "% of GDP")


@needs(RECEIVED, INFLOWS, METADATA)
def test_wdi_and_knomad_figures_are_comparable_for_the_same_country_and_year():
    wdi = figure(PARSERS["wdi"](RECEIVED), "remittances-received-usd", "MA", "2021")
    knomad = figure(PARSERS["knomad"](INFLOWS), "remittances-received-usd", "MA", "2021")

    assert wdi.unit == knomad.unit == "USD"
    assert abs(wdi.value - knomad.value) / wdi.value < Decimal("0.05")


@needs(OUTFLOWS)
def test_a_knomad_file_with_a_stray_column_is_rejected_naming_it(tmp_path):
    text = OUTFLOWS.read_text(encoding="utf-8").replace("% of GDP in 2022", "Notes", 1)
    path = tmp_path / OUTFLOWS.name
    path.write_text(text, encoding="utf-8")

    with pytest.raises(FileRejected, match=r"column 'Notes' is not a year"):
        PARSERS["knomad"](path)
