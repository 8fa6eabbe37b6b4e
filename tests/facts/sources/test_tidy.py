"""The generic tidy CSV a coordinator fills for the figures no publisher's file brings."""

import re
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.facts.sources import PARSERS
from partnerhub.facts.sources.base import FileRejected
from partnerhub.facts.sources.tidy import normalised_period, parsed_number

HEADER = "indicator,country,period,value,unit,source"


def tidy_file(tmp_path, text: str, *, bom: bool = False):
    path = tmp_path / "crossings.csv"
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


def test_a_coordinators_figures_are_read_with_their_source(tmp_path):
    path = tidy_file(
        tmp_path,
        "Indicator,Country,Period,Value,Unit,Source,Destination,Publisher,Dataset,Release_date,Address,Definition\n"
        'Irregular border crossings,Morocco,2023-Q1,"1 234",persons,Frontex,ES,Frontex,Monitoring of irregular '
        "border crossings,2024-01-15,https://www.frontex.europa.eu/,Detections of irregular crossings at the EU's "
        "external borders\n"
        'Irregular border crossings,MAR,Q2 2023,"1,234.5",persons,Frontex,Spain,Frontex,Monitoring of irregular '
        "border crossings,2024-01-15,https://www.frontex.europa.eu/,\n",
        bom=True,
    )

    reading = PARSERS["tidy"](path)

    assert reading.source.publisher == "Frontex"
    assert reading.source.dataset == "Monitoring of irregular border crossings"
    assert reading.source.release_date == date(2024, 1, 15)
    [indicator] = reading.indicators
    assert (indicator.code, indicator.name, indicator.unit, indicator.pair) == (
        "irregular-border-crossings",
        "Irregular border crossings",
        "persons",
        True,
    )
    assert indicator.definition == "Detections of irregular crossings at the EU's external borders"
    assert [(r.line, r.country, r.destination, r.period, r.value) for r in reading.rows] == [
        (2, "MA", "ES", "2023-Q1", Decimal(1234)),
        (3, "MA", "ES", "2023-Q2", Decimal("1234.5")),
    ]


def test_countries_as_iso2_iso3_english_names_and_kosovo(tmp_path):
    path = tidy_file(
        tmp_path,
        f"{HEADER}\nreturns,tn,2022,10,persons,Member States\nreturns,NER,2022,11,persons,Member States\n"
        "returns,Côte d'Ivoire,2022,12,persons,Member States\nreturns,Kosovo,2022,13,persons,Member States\n"
        "returns,XKX,2023,14,persons,Member States\n",
    )

    reading = PARSERS["tidy"](path)

    assert [row.country for row in reading.rows] == ["TN", "NE", "CI", "XK", "XK"]
    assert reading.source.publisher == reading.source.dataset == "Member States"


def test_bad_rows_are_reported_with_their_line_and_reason(tmp_path):
    path = tidy_file(
        tmp_path,
        f"{HEADER},definition\n"
        'returns,Tunisia,2022,10,persons,Member States,"Returns ordered and carried out,\nover two lines"\n'
        "returns,Atlantis,2022,10,persons,Member States,\n"
        "returns,Tunisia,2022-13,10,persons,Member States,\n"
        "returns,Tunisia,last year,10,persons,Member States,\n"
        "returns,Tunisia,2021,ten,persons,Member States,\n"
        "returns,Tunisia,2020,,persons,Member States,\n"
        "***,Tunisia,2020,4,persons,Member States,\n",
    )

    reading = PARSERS["tidy"](path)

    assert [row.line for row in reading.rows] == [2]
    assert [(s.line, s.reason) for s in reading.skipped] == [
        (4, "unknown-country"),
        (5, "bad-period"),
        (6, "bad-period"),
        (7, "non-numeric"),
        (8, "missing-value"),
        (9, "unknown-indicator"),
    ]
    assert reading.skipped[1].detail == "period '2022-13'"


@pytest.mark.parametrize("column", ["indicator", "country", "period", "value", "unit", "source"])
def test_a_missing_required_column_rejects_the_file_naming_it(tmp_path, column):
    header = ",".join(name for name in HEADER.split(",") if name != column)
    path = tidy_file(tmp_path, f"{header}\n" + ",".join(["x"] * 5) + "\n")

    with pytest.raises(FileRejected, match=rf"crossings\.csv: column '{column}' missing"):
        PARSERS["tidy"](path)


def test_a_second_source_a_second_unit_or_a_mixed_pair_rejects_the_file_naming_the_line(tmp_path):
    first = "returns,Tunisia,2022,10,persons,Member States"
    cases = {
        "returns,Tunisia,2023,10,persons,Frontex": r"line 3: source 'Frontex' differs from 'Member States' on line 2",
        "returns,Tunisia,2023,10,people,Member States": r"line 3: unit 'people' for 'returns' differs",
    }
    for second, message in cases.items():
        with pytest.raises(FileRejected, match=message):
            PARSERS["tidy"](tidy_file(tmp_path, f"{HEADER}\n{first}\n{second}\n"))

    mixed = f"{HEADER},destination\n{first},\nreturns,Tunisia,2023,10,persons,Member States,IT\n"
    with pytest.raises(FileRejected, match=r"line 3: 'returns' has a destination here but not on line 2"):
        PARSERS["tidy"](tidy_file(tmp_path, mixed))


def test_a_file_that_is_not_utf8_is_rejected_naming_the_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\nreturns,Tunisia,2022,10,persons,Member States\nreturns,Réunion".encode("latin-1"))

    with pytest.raises(FileRejected, match=r"latin1\.csv, line 3: not UTF-8 text"):
        PARSERS["tidy"](path)


years = st.integers(min_value=1900, max_value=2100)


@given(
    year=years,
    quarter=st.integers(1, 4),
    form=st.sampled_from(["{y}-Q{q}", "{y}Q{q}", "{y} q{q}", "Q{q} {y}", "Q{q}-{y}"]),
)
def test_every_usual_form_of_a_quarter_is_read(year, quarter, form):
    assert normalised_period(form.format(y=year, q=quarter)) == f"{year}-Q{quarter}"


@given(year=years, month=st.integers(1, 12), form=st.sampled_from(["{y}-{m:02d}", "{y}-{m}", "{y}/{m}", "{y}.{m:02d}"]))
def test_every_usual_form_of_a_month_is_read(year, month, form):
    assert normalised_period(form.format(y=year, m=month)) == f"{year}-{month:02d}"


@given(year=years, month=st.integers(13, 99))
def test_a_month_beyond_twelve_is_no_period(year, month):
    assert normalised_period(f"{year}-{month}") is None


@given(st.text(alphabet="0123456789-QqM/ ", max_size=9))
def test_a_period_read_is_always_one_of_the_three_forms(text):
    period = normalised_period(text)
    assert period is None or re.fullmatch(r"\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?", period)


amounts = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


def grouped(value: Decimal, thousands: str, decimal_mark: str) -> str:
    whole, _, fraction = f"{abs(value):.2f}".partition(".")
    groups = f"{int(whole):,}".replace(",", thousands)
    return f"{'-' if value < 0 else ''}{groups}{decimal_mark}{fraction}"


@given(value=amounts, style=st.sampled_from([(",", "."), (" ", ","), (".", ","), ("\u202f", ","), ("", ".")]))
def test_numbers_with_thousands_separators_and_decimal_marks_are_read(value, style):
    assert parsed_number(grouped(value, *style)) == value


@given(value=st.integers(min_value=1000, max_value=10**15))
def test_a_lone_comma_before_three_digits_groups_thousands(value):
    assert parsed_number(f"{value:,}") == value


@given(st.text(alphabet="abcxyz%$€", min_size=1, max_size=6))
def test_words_are_no_numbers(text):
    assert parsed_number(text) is None


quarters = st.builds(lambda y, q: (f"Q{q} {y}", f"{y}-Q{q}"), years, st.integers(1, 4))
months = st.builds(lambda y, m: (f"{y}/{m}", f"{y}-{m:02d}"), years, st.integers(1, 12))
plain_years = st.builds(lambda y: (str(y), str(y)), years)


@given(
    figures=st.lists(
        st.tuples(st.one_of(quarters, months, plain_years), amounts, st.sampled_from([(",", "."), (" ", ",")])),
        min_size=1,
        max_size=8,
    )
)
def test_a_whole_file_of_figures_in_mixed_forms_reads_back_exactly(figures):
    lines = [
        f'returns,Tunisia,"{written}","{grouped(value, *style)}",persons,Member States'
        for (written, _), value, style in figures
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "returns.csv"
        path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        reading = PARSERS["tidy"](path)

    assert reading.skipped == []
    assert [(row.line, row.period, row.value) for row in reading.rows] == [
        (line, period, value) for line, ((_, period), value, _style) in enumerate(figures, start=2)
    ]
