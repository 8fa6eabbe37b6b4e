"""UNHCR Refugee Population Statistics: populations, asylum applications, asylum decisions, durable solutions.

Each file has a row per year × country of origin (``coo``) × country of asylum (``coa``), in UNHCR's own
codes and in ISO alpha-3 (``coo_iso``, ``coa_iso``). Pair figures go origin → asylum country (the
observation's ``destination``); figures about the people of one country (internally displaced, stateless,
host communities) go to the country of asylum, where UNHCR counts them.

UNHCR writes 0 in every category of a row that has figures in another category: a zero says "none here"
and is not loaded (it is counted among the empty cells), so the 83,000 population rows give the figures
people quote, not 750,000 mostly nil ones. Rows for the same key are summed (applications and decisions
are split by procedure, application type and decision level: see ``parse_unhcr_asylum_applications``).
"""

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from partnerhub.facts.sources.base import IndicatorInfo, Reading, SkippedRow, SourceInfo
from partnerhub.facts.sources.countries import iso2_from_iso3
from partnerhub.facts.sources.files import YEAR, CsvTable, Record, Totals, decimal_or_none, read_table

# The ``refugees`` R package's version 2025.12.1 (PROVENANCE.md) is the release of December 2025: year.month.
UNHCR_RELEASE = date(2025, 12, 1)
UNHCR_COUNTRY_CODES = "unhcr_countries.csv"
KEY_COLUMNS = ("year", "coo_name", "coo", "coo_iso", "coa_name", "coa", "coa_iso")
PERSONS = "persons"


def unhcr_source(dataset: str) -> SourceInfo:
    return SourceInfo(
        publisher="UNHCR",
        dataset=f"Refugee Population Statistics Database: {dataset}",
        release_date=UNHCR_RELEASE,
        address="https://www.unhcr.org/refugee-statistics/",
        update_every_days=182,  # Global Trends in June, Mid-Year Trends in the autumn
    )


def _persons(code: str, name: str, definition: str, themes: tuple[str, ...], pair: bool = True) -> IndicatorInfo:
    return IndicatorInfo(code, name, PERSONS, definition, themes=themes, pair=pair)


REFUGEES = _persons(
    "refugees",
    "Refugees under UNHCR's mandate",
    "People recognised as refugees under the 1951 Convention, its 1967 Protocol or the 1969 OAU Convention, "
    "those granted complementary protection and those in refugee-like situations, by country of origin and "
    "country of asylum, at the end of the year (Palestine refugees under UNRWA's mandate are not included).",
    ("PROT-DISPLACEMENT",),
)
ASYLUM_SEEKERS = _persons(
    "asylum-seekers",
    "Asylum-seekers",
    "People who have applied for international protection and whose claim has not yet been decided, at the "
    "end of the year, by country of origin and country of asylum.",
    ("PROT-ASYLUM",),
)
RETURNED_REFUGEES = _persons(
    "returned-refugees",
    "Returned refugees",
    "Former refugees who returned to their country of origin during the year, by country of origin and the "
    "country of asylum they returned from.",
    ("PROT-DISPLACEMENT", "RETURN-REINTEGRATION"),
)
IDPS = _persons(
    "idps",
    "Internally displaced people (UNHCR)",
    "People displaced within their own country by conflict or violence to whom UNHCR extends protection or "
    "assistance, at the end of the year.",
    ("PROT-DISPLACEMENT",),
    pair=False,
)
RETURNED_IDPS = _persons(
    "returned-idps",
    "Returned internally displaced people",
    "Internally displaced people protected or assisted by UNHCR who returned to their place of origin during the year.",
    ("PROT-DISPLACEMENT", "RETURN-REINTEGRATION"),
    pair=False,
)
STATELESS = _persons(
    "stateless",
    "Stateless people",
    "People not considered nationals by any State under its law, counted in the country where they live, at "
    "the end of the year.",
    ("PROT-DISPLACEMENT",),
    pair=False,
)
OTHERS_OF_CONCERN = _persons(
    "others-of-concern",
    "Others of concern to UNHCR",
    "People who do not fall under the other groups but to whom UNHCR extends protection or assistance, by "
    "country of origin and country of asylum.",
    ("PROT-DISPLACEMENT",),
)
OTHER_PROTECTION_NEEDS = _persons(
    "other-international-protection",
    "Other people in need of international protection",
    "People outside their country who were forcibly displaced across borders and need international "
    "protection but are not reported as refugees or asylum-seekers (for example many Venezuelans abroad), "
    "by country of origin and country of asylum.",
    ("PROT-DISPLACEMENT",),
)
HOST_COMMUNITY = _persons(
    "host-community",
    "Host community members supported by UNHCR",
    "Members of the communities hosting displaced people who benefit from UNHCR's protection or assistance "
    "programmes, counted in the host country.",
    ("PROT-HOST",),
    pair=False,
)
ASYLUM_APPLICATIONS = _persons(
    "asylum-applications",
    "Asylum applications",
    "Applications for international protection lodged during the year, by country of origin and country of "
    "asylum: new and repeat applications and appeals, at every decision level and in every procedure "
    "(government, UNHCR or joint), summed as UNHCR's totals are; the few countries that count cases rather "
    "than persons count one per case.",
    ("PROT-ASYLUM",),
)
RESETTLEMENT = _persons(
    "resettlement",
    "Refugees resettled",
    "Refugees who arrived in a third country for resettlement during the year, by country of origin and "
    "country of resettlement.",
    ("PROT-RESETTLE",),
)
NATURALISATION = _persons(
    "naturalisation",
    "Refugees naturalised",
    "Refugees who acquired the nationality of their country of asylum during the year, by country of origin "
    "and country of asylum.",
    ("PROT-DISPLACEMENT",),
)


def _decisions(code: str, name: str, what: str) -> IndicatorInfo:
    return _persons(
        f"asylum-decisions-{code}",
        f"Asylum decisions: {name}",
        f"Decisions on applications for international protection taken during the year: {what}; by country "
        "of origin and country of asylum, summed over decision levels and procedures.",
        ("PROT-ASYLUM",),
    )


DECISIONS = {
    "dec_recognized": _decisions("recognised", "recognised", "refugee status granted"),
    "dec_other": _decisions("other", "complementary protection", "complementary or other forms of protection"),
    "dec_rejected": _decisions("rejected", "rejected", "claims rejected on their merits"),
    "dec_closed": _decisions("closed", "otherwise closed", "cases closed without a decision on the merits"),
    "dec_total": _decisions("total", "total", "all decisions, substantive or not"),
}
POPULATION = {
    "refugees": REFUGEES,
    "asylum_seekers": ASYLUM_SEEKERS,
    "returned_refugees": RETURNED_REFUGEES,
    "idps": IDPS,
    "returned_idps": RETURNED_IDPS,
    "stateless": STATELESS,
    "ooc": OTHERS_OF_CONCERN,
    "oip": OTHER_PROTECTION_NEEDS,
    "hst": HOST_COMMUNITY,
}
SOLUTIONS = {
    "returned_refugees": RETURNED_REFUGEES,
    "resettlement": RESETTLEMENT,
    "naturalisation": NATURALISATION,
    "returned_idps": RETURNED_IDPS,
}
# Columns a file has only as an optional extra (``oip`` came with UNHCR's 2022 statistics).
OPTIONAL = {"oip"}


@dataclass(frozen=True)
class Layout:
    """What one UNHCR table holds: its value columns, each an indicator, and what it is called."""

    dataset: str
    values: dict[str, IndicatorInfo]

    def expected(self) -> str:
        return f"the UNHCR {self.dataset} layout: {', '.join((*KEY_COLUMNS, *self.values))}"


POPULATION_LAYOUT = Layout("population figures", POPULATION)
APPLICATIONS_LAYOUT = Layout("asylum applications", {"applied": ASYLUM_APPLICATIONS})
DECISIONS_LAYOUT = Layout("asylum decisions", DECISIONS)
SOLUTIONS_LAYOUT = Layout("durable solutions", SOLUTIONS)


def parse_unhcr_population(path: Path) -> Reading:
    return _parse(path, POPULATION_LAYOUT)


def parse_unhcr_asylum_applications(path: Path) -> Reading:
    """Applications summed per year, origin and asylum country over procedure type (government, UNHCR,
    joint), application type (new, repeat, appeal…) and decision level, as UNHCR's own totals are."""
    return _parse(path, APPLICATIONS_LAYOUT)


def parse_unhcr_asylum_decisions(path: Path) -> Reading:
    return _parse(path, DECISIONS_LAYOUT)


def parse_unhcr_solutions(path: Path) -> Reading:
    return _parse(path, SOLUTIONS_LAYOUT)


def _parse(path: Path, layout: Layout) -> Reading:
    table = read_table(path)
    table.require((*KEY_COLUMNS, *(c for c in layout.values if c not in OPTIONAL)), layout.expected())
    present = [(name, indicator) for name, indicator in layout.values.items() if name in table.header]
    columns = [(table.column(name), name, indicator) for name, indicator in present]
    reader = _RowReader(table, _unhcr_codes(path.parent / UNHCR_COUNTRY_CODES))
    totals = Totals()
    reading = Reading(source=unhcr_source(layout.dataset), indicators=list(dict.fromkeys(i for *_, i in columns)))
    for record in table.records:
        reader.read(record, columns, totals, reading)
    reading.rows = totals.rows({indicator.code: indicator.unit for indicator in reading.indicators})
    return reading


def _unhcr_codes(path: Path) -> dict[str, str]:
    """UNHCR code → ISO alpha-3 from the package's country table, when it lies beside the file."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {row["unhcr_code"]: row["iso_code"] for row in csv.DictReader(handle) if row.get("iso_code")}


class _RowReader:
    def __init__(self, table: CsvTable, unhcr_codes: dict[str, str]) -> None:
        self.unhcr_codes = unhcr_codes
        self.key = {name: table.column(name) for name in KEY_COLUMNS}

    def read(
        self, record: Record, columns: Sequence[tuple[int, str, IndicatorInfo]], totals: Totals, reading: Reading
    ) -> None:
        year = record.cell(self.key["year"])
        if not YEAR.match(year):
            reading.skipped.append(SkippedRow(record.line, "bad-period", f"year {year!r}"))
            return
        origin, asylum = self.country(record, "coo"), self.country(record, "coa")
        left_out: list[str] = []
        for index, column, indicator in columns:
            value = decimal_or_none(text := record.cell(index))
            if not text or value == 0:
                reading.empty_cells += 1
            elif value is None:
                reading.skipped.append(SkippedRow(record.line, "non-numeric", f"{column}: {text!r}"))
            elif indicator.pair and origin and asylum:
                totals.add(record.line, indicator.code, origin, year, value, destination=asylum)
            elif not indicator.pair and asylum:
                totals.add(record.line, indicator.code, asylum, year, value)
            else:
                left_out.append(column)
        if left_out:
            reading.skipped.append(SkippedRow(record.line, "unknown-country", self.unknown(record, left_out)))

    def country(self, record: Record, side: str) -> str | None:
        iso3 = record.cell(self.key[f"{side}_iso"])
        return iso2_from_iso3(iso3) or iso2_from_iso3(self.unhcr_codes.get(record.cell(self.key[side]), ""))

    def unknown(self, record: Record, columns: list[str]) -> str:
        sides = [side for side in ("coo", "coa") if self.country(record, side) is None]
        names = " and ".join(self.described(record, side) for side in sides)
        return f"{names} is not a country we know; not loaded: {', '.join(columns)}"

    def described(self, record: Record, side: str) -> str:
        return f"{record.cell(self.key[f'{side}_name'])!r} (UNHCR code {record.cell(self.key[side])})"
