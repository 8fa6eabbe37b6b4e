"""What the parsers share: a publisher's CSV read whole with its real line numbers, numbers, sums per cell."""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from partnerhub.facts.sources.base import FileRejected, SourceRow

YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Record:
    line: int  # the line of the file the record starts on (a quoted cell may span lines)
    cells: list[str]

    def cell(self, index: int) -> str:
        return self.cells[index].strip() if index < len(self.cells) else ""

    @property
    def is_blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass(frozen=True)
class CsvTable:
    name: str  # the file's name, for messages
    header: list[str]
    records: list[Record]

    def column(self, name: str) -> int:
        return self.header.index(name)

    def require(self, columns: Iterable[str], expected: str) -> None:
        """FileRejected naming the missing columns and the layout the SOURCE expects."""
        missing = [column for column in columns if column not in self.header]
        if missing:
            raise FileRejected(
                f"{self.name}: column {', '.join(repr(column) for column in missing)} missing; expected {expected}"
            )


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise FileRejected(f"{path.name}: cannot be read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise FileRejected(f"{path.name}, line {line}: not UTF-8 text") from error


def read_records(path: Path, *, delimiter: str = ",") -> list[Record]:
    """Every record of the file (blank lines included), UTF-8 with or without a byte-order mark."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""), delimiter=delimiter)
    records: list[Record] = []
    end_of_previous = 0
    try:
        for cells in reader:
            records.append(Record(end_of_previous + 1, cells))
            end_of_previous = reader.line_num
    except csv.Error as error:
        raise FileRejected(f"{path.name}, line {end_of_previous + 1}: not readable as CSV ({error})") from error
    return records


def read_table(path: Path, *, delimiter: str = ",") -> CsvTable:
    """The first record is the header; blank records after it are dropped."""
    records = read_records(path, delimiter=delimiter)
    if not records:
        raise FileRejected(f"{path.name}: the file is empty")
    header = [cell.strip() for cell in records[0].cells]
    return CsvTable(path.name, header, [record for record in records[1:] if not record.is_blank])


def decimal_or_none(text: str) -> Decimal | None:
    """The number written in plain notation ("1234.5", "-3", "1e6"), None when it is none (or NaN, infinite)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def year_columns(header: Sequence[str], first: int) -> dict[int, str]:
    """Column index → year for the year columns of a wide table, from ``first`` on."""
    return {index: name for index, name in enumerate(header) if index >= first and YEAR.match(name)}


class Totals:
    """Figures summed per indicator, country, destination and period, keeping the first line they came from."""

    def __init__(self) -> None:
        self._sums: dict[tuple[str, str, str, str], tuple[int, Decimal]] = {}

    def add(self, line: int, indicator: str, country: str, period: str, value: Decimal, destination: str = "") -> None:
        key = (indicator, country, destination, period)
        first_line, total = self._sums.get(key, (line, Decimal(0)))
        self._sums[key] = (first_line, total + value)

    def rows(self, units: dict[str, str]) -> list[SourceRow]:
        """The non-zero sums as observations, in the order of the file."""
        found = [
            SourceRow(line, indicator, country, period, total, units[indicator], destination)
            for (indicator, country, destination, period), (line, total) in self._sums.items()
            if total
        ]
        return sorted(found, key=lambda row: row.line)
