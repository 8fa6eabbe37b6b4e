"""The real statistics files of ../shared/data/stats, and plain readings of them for the expectations.

The tests compute what they expect from the files with the csv module, independently of the parsers."""

import csv
from pathlib import Path

import pytest

STATS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "stats"
WORLDBANK = STATS / "worldbank"
UNHCR = STATS / "unhcr"
UNDESA = STATS / "undesa"


def needs(*paths: Path) -> pytest.MarkDecorator:
    absent = [path for path in paths if not path.is_file()]
    return pytest.mark.skipif(
        bool(absent), reason=f"the real statistics file {absent[0] if absent else ''} is absent (../shared/data)"
    )


def dict_rows(path: Path, delimiter: str = ",") -> list[tuple[int, dict[str, str]]]:
    """(line, row) for every data row, the line being the one the row starts on in the file."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        rows, end = [], 1
        for row in reader:
            rows.append((end + 1, row))
            end = reader.line_num
        return rows


def plain_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))
