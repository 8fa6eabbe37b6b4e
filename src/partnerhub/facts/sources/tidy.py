"""A generic tidy CSV (``tidy``): one figure per row, for what no publisher's file brings.

Columns ``indicator, country, period, value, unit, source`` are required (any order, any case);
``destination``, ``publisher``, ``dataset``, ``release_date``, ``address``, ``definition`` and ``name``
are optional. A file holds the figures of one source: ``publisher`` and ``dataset`` default to ``source``.
Countries are ISO alpha-2, alpha-3 or English names; periods a year, quarter or month in the usual forms
(2022, 2022-Q3, Q3 2022, 2022-07, 2022/7); numbers with a decimal point or comma and thousands separated
by commas, spaces or (with a decimal comma) points.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.utils.text import slugify

from partnerhub.facts.sources.base import FileRejected, IndicatorInfo, Reading, SkippedRow, SourceInfo, SourceRow
from partnerhub.facts.sources.countries import iso2_from_code_or_name
from partnerhub.facts.sources.files import CsvTable, Record, decimal_or_none, read_table

REQUIRED = ("indicator", "country", "period", "value", "unit", "source")
OPTIONAL = ("destination", "publisher", "dataset", "release_date", "address", "definition", "name")
SOURCE_COLUMNS = ("source", "publisher", "dataset", "release_date", "address")
LAYOUT = f"a tidy CSV with the columns {', '.join(REQUIRED)} (optional: {', '.join(OPTIONAL)})"

YEAR_FORM = re.compile(r"^(\d{4})$")
QUARTER_FORMS = (re.compile(r"^(\d{4})\s*[-/ ]?\s*Q([1-4])$", re.I), re.compile(r"^Q([1-4])\s*[-/ ]?\s*(\d{4})$", re.I))
MONTH_FORM = re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$")
# Thousands grouped by spaces (also no-break and narrow no-break) or an apostrophe: 1 234 567, 1'234.
SPACE_GROUPS = re.compile(r"(?<=\d)[\s\u00a0\u202f'](?=\d{3}(?:\D|$))")
COMMA_GROUPS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")
POINT_GROUPS = re.compile(r"^[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?$")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# Indicator.code is a slug of at most 80 characters.
CODE_LENGTH = 80


def normalised_period(text: str) -> str | None:
    """ "2022", "2022-Q3" or "2022-07" from the forms people write, None when it is none of them."""
    text = text.strip()
    if YEAR_FORM.match(text):
        return text
    if match := QUARTER_FORMS[0].match(text):
        return f"{match[1]}-Q{match[2]}"
    if match := QUARTER_FORMS[1].match(text):
        return f"{match[2]}-Q{match[1]}"
    if (match := MONTH_FORM.match(text)) and 1 <= int(match[2]) <= 12:
        return f"{match[1]}-{int(match[2]):02d}"
    return None


def parsed_number(text: str) -> Decimal | None:
    """1234.5, 1,234.5, 1 234,5, 1.234,5, -12, 1e6; None when it is no number.

    A lone comma followed by three digits (1,234) groups thousands, as in English; any other lone comma
    is a decimal comma (12,5)."""
    text = SPACE_GROUPS.sub("", text.strip())
    if COMMA_GROUPS.match(text):  # 1,234 and 1,234,567.5
        text = text.replace(",", "")
    elif POINT_GROUPS.match(text) and ("," in text or text.count(".") > 1):  # 1.234,5 and 1.234.567
        text = text.replace(".", "").replace(",", ".")
    elif text.count(",") == 1 and "." not in text:  # 12,5
        text = text.replace(",", ".")
    return decimal_or_none(text) if PLAIN_NUMBER.fullmatch(text) else None


@dataclass
class _Columns:
    table: CsvTable

    def __post_init__(self) -> None:
        self.index = {name.casefold(): position for position, name in enumerate(self.table.header)}

    def get(self, record: Record, name: str) -> str:
        position = self.index.get(name)
        return record.cell(position) if position is not None else ""


def parse_tidy(path: Path) -> Reading:
    table = read_table(path)
    columns = _Columns(table)
    missing = [name for name in REQUIRED if name not in columns.index]
    if missing:
        raise FileRejected(f"{path.name}: column {', '.join(map(repr, missing))} missing; expected {LAYOUT}")
    if not table.records:
        raise FileRejected(f"{path.name}: no figures below the header; expected {LAYOUT}")
    reading = Reading(source=_source(table, columns), indicators=[])
    indicators: dict[str, tuple[int, IndicatorInfo]] = {}
    for record in table.records:
        row = _row(record, columns, reading)
        if row is not None:
            _check_indicator(path.name, record, columns, row, indicators)
            reading.rows.append(row)
    reading.indicators = [indicator for _, indicator in indicators.values()]
    return reading


def _source(table: CsvTable, columns: _Columns) -> SourceInfo:
    """The one source the file's figures come from; a second source on any line rejects the file."""
    first = table.records[0]
    named = {name: columns.get(first, name) for name in SOURCE_COLUMNS}
    for record in table.records[1:]:
        for name, value in named.items():
            if columns.get(record, name) != value:
                raise FileRejected(
                    f"{table.name}, line {record.line}: {name} {columns.get(record, name)!r} differs from "
                    f"{value!r} on line {first.line}; a tidy file holds the figures of one source"
                )
    if not named["source"]:
        raise FileRejected(f"{table.name}, line {first.line}: column 'source' is empty")
    return SourceInfo(
        publisher=named["publisher"] or named["source"],
        dataset=named["dataset"] or named["source"],
        release_date=_release_date(table.name, first.line, named["release_date"]),
        address=named["address"],
    )


def _release_date(file_name: str, line: int, text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise FileRejected(f"{file_name}, line {line}: release_date {text!r} is not a date (2024-03-31)") from error


def _row(record: Record, columns: _Columns, reading: Reading) -> SourceRow | None:
    def skip(reason: str, detail: str) -> None:
        reading.skipped.append(SkippedRow(record.line, reason, detail))

    code = slugify(columns.get(record, "indicator"))
    period = normalised_period(text := columns.get(record, "period"))
    country = iso2_from_code_or_name(columns.get(record, "country"))
    destination_text = columns.get(record, "destination")
    destination = iso2_from_code_or_name(destination_text) if destination_text else ""
    value_text = columns.get(record, "value")
    value = parsed_number(value_text)
    if not code or len(code) > CODE_LENGTH:
        skip("unknown-indicator", f"indicator {columns.get(record, 'indicator')!r} is not a code of 1 to 80 letters")
    elif period is None:
        skip("bad-period", f"period {text!r}")
    elif country is None or destination is None:
        place = columns.get(record, "country") if country is None else destination_text
        skip("unknown-country", f"country {place!r}")
    elif not value_text or not columns.get(record, "unit"):
        skip("missing-value", "value is empty" if not value_text else "unit is empty")
    elif value is None:
        skip("non-numeric", f"value {value_text!r}")
    else:
        return SourceRow(record.line, code, country, period, value, columns.get(record, "unit"), destination or "")
    return None


def _check_indicator(
    file_name: str,
    record: Record,
    columns: _Columns,
    row: SourceRow,
    indicators: dict[str, tuple[int, IndicatorInfo]],
) -> None:
    """Register the row's indicator from its first row; a later row with another unit, or a pair where the
    first had none (or the reverse), rejects the file: the figures would not be comparable."""
    if row.indicator not in indicators:
        name = columns.get(record, "name") or columns.get(record, "indicator")
        definition = columns.get(record, "definition")
        indicator = IndicatorInfo(row.indicator, name, row.unit, definition, pair=bool(row.destination))
        indicators[row.indicator] = (record.line, indicator)
        return
    first_line, indicator = indicators[row.indicator]
    if row.unit != indicator.unit:
        raise FileRejected(
            f"{file_name}, line {record.line}: unit {row.unit!r} for {row.indicator!r} differs from "
            f"{indicator.unit!r} on line {first_line}"
        )
    if bool(row.destination) != indicator.pair:
        raise FileRejected(
            f"{file_name}, line {record.line}: {row.indicator!r} "
            f"{'has a destination here but not' if row.destination else 'has no destination here but has one'} "
            f"on line {first_line}"
        )
