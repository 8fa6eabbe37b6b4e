"""Reference data for Talent Partnerships, read from plain files: the ISCO-08 structure, the WHO health workforce
support and safeguards lists with their countries, and ESCO occupations.

Standard library and pycountry only, no Django: a loader turns these records into rows. Every reader checks its
whole file and raises ValueError naming the file, the line and the column of the first bad row.
"""

import csv
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, NamedTuple

import pycountry

FIXTURES = Path(__file__).parent / "fixtures"
ISCO_FILE = FIXTURES / "isco08.csv"
SAFEGUARD_LISTS_FILE = FIXTURES / "safeguard_lists.csv"
SAFEGUARD_COUNTRIES_FILE = FIXTURES / "health_safeguards.csv"

ISCO_LEVELS = {1: "major group", 2: "sub-major group", 3: "minor group", 4: "unit group"}
WHO_REGIONS = frozenset({"AFRO", "AMRO", "SEARO", "EURO", "EMRO", "WPRO"})
CONFIDENCE_LEVELS = frozenset({"confirmed", "confirmed-secondary", "inferred"})
ESCO_OCCUPATION_PREFIX = "http://data.europa.eu/esco/occupation/"
_DIGITS = re.compile(r"[0-9]+")
_ISO3 = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class IscoGroup:
    code: str  # "2", "22", "222", "2221"; armed forces "0", "01", "011", "0110"
    level: int  # 1 major, 2 sub-major, 3 minor, 4 unit group
    title: str
    parent_code: str  # "" for a major group


@dataclass(frozen=True)
class SafeguardList:
    name: str
    published: date
    in_force_from: date
    in_force_until: date | None  # None: the current list
    covers_isco: tuple[str, ...]
    source_url: str
    note: str

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)

    def covers(self, isco_code: str) -> bool:
        """Whether an occupation at any level falls under one of the covered groups (2221 under 222)."""
        return any(isco_code.startswith(code) for code in self.covers_isco)


@dataclass(frozen=True)
class SafeguardCountry:
    list_name: str
    iso3: str
    who_region: str
    basis: str
    confidence: str


class EscoOccupation(NamedTuple):
    concept_uri: str
    preferred_label: str
    isco_unit_group_code: str


class _Rows:
    """The data rows of a CSV file as dicts, skipping blank lines and, unless ``comments`` is off, '#' comment lines.

    ``line`` is the file's own line number (comment lines counted) of the last line of the row just read, so that
    a message points at what an editor shows even after cells that span several lines.
    """

    def __init__(self, path: Path, handle: IO[str], columns: tuple[str, ...], *, comments: bool = True) -> None:
        self.path = path
        self.line = 0
        self._comments = comments
        self._reader = csv.reader(self._lines(handle))
        header = next(self._reader, None)
        if header is None:
            raise ValueError(f"{path.name}: the file is empty, expected the columns {', '.join(columns)}")
        missing = [column for column in columns if column not in header]
        if missing:
            raise self.error(f"the header lacks the column(s) {', '.join(missing)}")
        self.header = header

    def _lines(self, handle: IO[str]) -> Iterator[str]:
        for line in handle:
            self.line += 1
            if self._comments and (line.startswith("#") or not line.strip()):
                continue
            yield line

    def error(self, message: str) -> ValueError:
        return ValueError(f"{self.path.name}, line {self.line}: {message}")

    def __iter__(self) -> Iterator[dict[str, str]]:
        for cells in self._reader:
            if not cells:  # a blank line outside any cell
                continue
            if len(cells) != len(self.header):
                raise self.error(f"{len(cells)} cells where the header has {len(self.header)}")
            yield dict(zip(self.header, cells, strict=True))


def _required(rows: _Rows, row: dict[str, str], column: str) -> str:
    value = row[column].strip()
    if not value:
        raise rows.error(f"column '{column}' is empty")
    return value


def _date(rows: _Rows, row: dict[str, str], column: str) -> date:
    value = _required(rows, row, column)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise rows.error(f"column '{column}' is {value!r}, expected a date as YYYY-MM-DD") from None


def _optional_date(rows: _Rows, row: dict[str, str], column: str) -> date | None:
    return _date(rows, row, column) if row[column].strip() else None


# ISCO-08 -------------------------------------------------------------------------------------------------------


def read_isco(path: Path = ISCO_FILE) -> list[IscoGroup]:
    """Every group of the ISCO-08 structure in file order; each group's parent is its code less the last digit."""
    groups: dict[str, IscoGroup] = {}
    lines: dict[str, int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = _Rows(path, handle, ("code", "level", "title"))
        for row in rows:
            group = _isco_group(rows, row)
            if group.code in groups:
                raise rows.error(f"code {group.code} is already on line {lines[group.code]}")
            groups[group.code] = group
            lines[group.code] = rows.line
    for group in groups.values():
        if group.parent_code and group.parent_code not in groups:
            raise ValueError(
                f"{path.name}, line {lines[group.code]}: the parent {group.parent_code} of {group.code} is missing"
            )
    return list(groups.values())


def _isco_group(rows: _Rows, row: dict[str, str]) -> IscoGroup:
    code = _required(rows, row, "code")
    if not _DIGITS.fullmatch(code):
        raise rows.error(f"column 'code' is {code!r}, expected digits only")
    level_text = _required(rows, row, "level")
    if level_text not in {"1", "2", "3", "4"}:
        raise rows.error(f"column 'level' is {level_text!r}, expected 1, 2, 3 or 4")
    level = int(level_text)
    if len(code) != level:
        raise rows.error(f"code {code} has {len(code)} digit(s) but level {level} ({ISCO_LEVELS[level]}) has {level}")
    return IscoGroup(code=code, level=level, title=_required(rows, row, "title"), parent_code=code[:-1])


# WHO health workforce support and safeguards lists -------------------------------------------------------------------


def read_safeguard_lists(
    path: Path = SAFEGUARD_LISTS_FILE, *, isco_codes: Collection[str] | None = None
) -> list[SafeguardList]:
    """The safeguards lists, with at most one in force on any day. The covered ISCO codes are checked against
    ``isco_codes`` (by default the ISCO-08 fixture)."""
    known = set(isco_codes) if isco_codes is not None else {group.code for group in read_isco()}
    lists: list[SafeguardList] = []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = _Rows(
            path, handle, ("list", "published", "in_force_from", "in_force_until", "covers_isco", "source_url")
        )
        for row in rows:
            entry = _safeguard_list(rows, row, known)
            for other in lists:
                if other.name == entry.name:
                    raise rows.error(f"the list {entry.name!r} appears twice")
                if _overlap(other, entry):
                    raise rows.error(f"{entry.name!r} is in force on days when {other.name!r} is too")
            lists.append(entry)
    return lists


def _safeguard_list(rows: _Rows, row: dict[str, str], known_isco: set[str]) -> SafeguardList:
    name = _required(rows, row, "list")
    published = _date(rows, row, "published")
    in_force_from = _date(rows, row, "in_force_from")
    in_force_until = _optional_date(rows, row, "in_force_until")
    if in_force_until is not None and in_force_until < in_force_from:
        raise rows.error(f"column 'in_force_until' ({in_force_until}) is before 'in_force_from' ({in_force_from})")
    covers = tuple(_required(rows, row, "covers_isco").split())
    unknown = [code for code in covers if code not in known_isco]
    if unknown:
        raise rows.error(f"column 'covers_isco' names unknown ISCO-08 code(s) {', '.join(unknown)}")
    source_url = _required(rows, row, "source_url")
    if not source_url.startswith(("https://", "http://")):
        raise rows.error(f"column 'source_url' is {source_url!r}, expected a web address")
    return SafeguardList(
        name=name,
        published=published,
        in_force_from=in_force_from,
        in_force_until=in_force_until,
        covers_isco=covers,
        source_url=source_url,
        note=row.get("note", "").strip(),
    )


def _overlap(a: SafeguardList, b: SafeguardList) -> bool:
    a_until = a.in_force_until or date.max
    b_until = b.in_force_until or date.max
    return a.in_force_from <= b_until and b.in_force_from <= a_until


def list_in_force(lists: Iterable[SafeguardList], day: date) -> SafeguardList | None:
    """The list in force on ``day``, or None before the first one."""
    return next((entry for entry in lists if entry.in_force_on(day)), None)


def read_safeguard_countries(
    path: Path = SAFEGUARD_COUNTRIES_FILE, *, list_names: Collection[str] | None = None
) -> list[SafeguardCountry]:
    """The countries of every list, each checked against ISO 3166-1 (pycountry) and the lists of
    ``list_names`` (by default those of the safeguard lists fixture)."""
    names = set(list_names) if list_names is not None else {entry.name for entry in read_safeguard_lists()}
    countries: list[SafeguardCountry] = []
    seen: dict[tuple[str, str], int] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = _Rows(path, handle, ("list", "iso3", "who_region", "basis", "confidence"))
        for row in rows:
            country = _safeguard_country(rows, row, names)
            key = (country.list_name, country.iso3)
            if key in seen:
                raise rows.error(f"{country.iso3} is already on {country.list_name!r} on line {seen[key]}")
            seen[key] = rows.line
            countries.append(country)
    return countries


def _safeguard_country(rows: _Rows, row: dict[str, str], list_names: set[str]) -> SafeguardCountry:
    list_name = _required(rows, row, "list")
    if list_name not in list_names:
        raise rows.error(f"column 'list' is {list_name!r}, not one of the lists ({', '.join(sorted(list_names))})")
    iso3 = _required(rows, row, "iso3")
    # pycountry matches codes in any case; the file must hold them as ISO writes them.
    if not _ISO3.fullmatch(iso3) or pycountry.countries.get(alpha_3=iso3) is None:
        raise rows.error(f"column 'iso3' is {iso3!r}, not an ISO 3166-1 alpha-3 country code")
    who_region = _required(rows, row, "who_region")
    if who_region not in WHO_REGIONS:
        raise rows.error(f"column 'who_region' is {who_region!r}, expected one of {', '.join(sorted(WHO_REGIONS))}")
    confidence = _required(rows, row, "confidence")
    if confidence not in CONFIDENCE_LEVELS:
        raise rows.error(
            f"column 'confidence' is {confidence!r}, expected one of {', '.join(sorted(CONFIDENCE_LEVELS))}"
        )
    return SafeguardCountry(
        list_name=list_name,
        iso3=iso3,
        who_region=who_region,
        basis=_required(rows, row, "basis"),
        confidence=confidence,
    )


# ESCO ------------------------------------------------------------------------------------------------------------


def read_esco_occupations(path: Path, *, isco_codes: Collection[str] | None = None) -> Iterator[EscoOccupation]:
    """Stream the occupations of an ESCO CSV export with the columns concept_uri, preferred_label and isco_group
    (cells may span several lines, as the alternative labels do).

    ISCO codes stored as numbers lose their leading zero (the armed forces' 0110 arrives as "110"): they are padded
    back to four digits. With ``isco_codes``, a code outside it is an error.
    """
    with path.open(encoding="utf-8", newline="") as handle:
        rows = _Rows(path, handle, ("concept_uri", "preferred_label", "isco_group"), comments=False)
        for row in rows:
            uri = _required(rows, row, "concept_uri")
            if not uri.startswith(ESCO_OCCUPATION_PREFIX):
                raise rows.error(f"column 'concept_uri' is {uri!r}, expected an address under {ESCO_OCCUPATION_PREFIX}")
            raw_code = _required(rows, row, "isco_group")
            if not _DIGITS.fullmatch(raw_code) or len(raw_code) > 4:
                raise rows.error(f"column 'isco_group' is {raw_code!r}, expected a 4-digit ISCO-08 unit group")
            code = raw_code.zfill(4)
            if isco_codes is not None and code not in isco_codes:
                raise rows.error(f"column 'isco_group' is {raw_code!r}: no ISCO-08 unit group {code}")
            yield EscoOccupation(uri, _required(rows, row, "preferred_label"), code)
