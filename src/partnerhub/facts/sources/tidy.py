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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.facts.sources.base import FileRejected, IndicatorInfo, Reading, SkippedRow, SourceInfo, SourceRow
from partnerhub.facts.sources.countries import iso2_from_code_or_name
from partnerhub.facts.sources.files import CsvTable, Record, decimal_or_none, missing_columns, read_table

REQUIRED = ("indicator", "country", "period", "value", "unit", "source")
OPTIONAL = ("destination", "publisher", "dataset", "release_date", "address", "definition", "name")
SOURCE_COLUMNS = ("source", "publisher", "dataset", "release_date", "address")
LAYOUT = gettext_lazy("a tidy CSV with the columns %(required)s (optional: %(optional)s)")

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
        raise missing_columns(path.name, missing, _layout())
    if not table.records:
        raise FileRejected(
            _("%(file)s: no figures below the header; expected %(layout)s") % {"file": path.name, "layout": _layout()}
        )
    reading = Reading(source=_source(table, columns), indicators=[])
    indicators: dict[str, tuple[int, IndicatorInfo]] = {}
    for record in table.records:
        row = _row(record, columns, reading)
        if row is not None:
            _check_indicator(path.name, record, columns, row, indicators)
            reading.rows.append(row)
    reading.indicators = [indicator for _line, indicator in indicators.values()]
    return reading


def _layout() -> str:
    return str(LAYOUT) % {"required": ", ".join(REQUIRED), "optional": ", ".join(OPTIONAL)}


def _source(table: CsvTable, columns: _Columns) -> SourceInfo:
    """The one source the file's figures come from; a second source on any line rejects the file."""
    first = table.records[0]
    named = {name: columns.get(first, name) for name in SOURCE_COLUMNS}
    for record in table.records[1:]:
        for name, value in named.items():
            if columns.get(record, name) != value:
                raise FileRejected(
                    _(
                        "%(file)s, line %(line)s: %(column)s %(value)r differs from %(first)r on line "
                        "%(first_line)s; a tidy file holds the figures of one source"
                    )
                    % {
                        "file": table.name,
                        "line": record.line,
                        "column": name,
                        "value": columns.get(record, name),
                        "first": value,
                        "first_line": first.line,
                    }
                )
    if not named["source"]:
        raise FileRejected(
            _("%(file)s, line %(line)s: column 'source' is empty") % {"file": table.name, "line": first.line}
        )
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
        raise FileRejected(
            _("%(file)s, line %(line)s: release_date %(value)r is not a date (2024-03-31)")
            % {"file": file_name, "line": line, "value": text}
        ) from error


def _row(record: Record, columns: _Columns, reading: Reading) -> SourceRow | None:
    """The row's figure, or None after noting why it is skipped."""
    cell = {name: columns.get(record, name) for name in (*REQUIRED, "destination")}
    code, period, value = slugify(cell["indicator"]), normalised_period(cell["period"]), parsed_number(cell["value"])
    country = iso2_from_code_or_name(cell["country"])
    destination = iso2_from_code_or_name(cell["destination"]) if cell["destination"] else ""
    problem = _problem(cell, code, country, destination)
    if problem is None and period is None:
        problem = ("bad-period", f"period {cell['period']!r}")
    elif problem is None and value is None:
        problem = ("non-numeric", f"value {cell['value']!r}")
    if problem is not None:
        reading.skipped.append(SkippedRow(record.line, *problem))
        return None
    assert period is not None and value is not None and country is not None and destination is not None
    return SourceRow(record.line, code, country, period, value, cell["unit"], destination)


def _problem(cell: dict[str, str], code: str, country: str | None, destination: str | None) -> tuple[str, str] | None:
    """Why the row cannot be read before its period and value are looked at: (skip reason, detail)."""
    if not code or len(code) > CODE_LENGTH:
        return "unknown-indicator", _("%(value)r gives no code of 1 to 80 letters, digits or hyphens") % {
            "value": cell["indicator"]
        }
    if not cell["country"] or country is None:
        return "unknown-country", f"country {cell['country']!r}"
    if destination is None:
        return "unknown-country", f"destination {cell['destination']!r}"
    for column in ("value", "unit"):
        if not cell[column]:
            return "missing-value", _("%(column)s is empty") % {"column": column}
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
            _("%(file)s, line %(line)s: unit %(unit)r for %(indicator)r differs from %(first)r on line %(first_line)s")
            % {
                "file": file_name,
                "line": record.line,
                "unit": row.unit,
                "indicator": row.indicator,
                "first": indicator.unit,
                "first_line": first_line,
            }
        )
    if bool(row.destination) != indicator.pair:
        message = (
            _("%(file)s, line %(line)s: %(indicator)r has a destination here but not on line %(first_line)s")
            if row.destination
            else _("%(file)s, line %(line)s: %(indicator)r has no destination here but has one on line %(first_line)s")
        )
        raise FileRejected(
            message % {"file": file_name, "line": record.line, "indicator": row.indicator, "first_line": first_line}
        )
