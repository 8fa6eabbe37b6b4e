"""UN DESA International Migrant Stock: the origin × destination matrix (``undesa-stock``).

A row per year and destination (a country or an aggregate: WORLD, regions, SDG regions, development and
income groups), a ``Total`` column and a column per country of origin, by name. Names become ISO codes
through the ISO alpha-3 list UN DESA's tables come with (``…country_codes_alpha_3.csv``, ``code;name``)
when it lies beside the file, else through pycountry and the M49 names below. ``..`` means not available.
"""

import csv
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from partnerhub.facts.sources.base import IndicatorInfo, Reading, SkippedRow, SourceInfo, SourceRow
from partnerhub.facts.sources.countries import iso2_from_iso3, iso2_from_name
from partnerhub.facts.sources.files import YEAR, Record, decimal_or_none, read_table

NOT_AVAILABLE = ".."
KEY_COLUMNS = ("Year", "Destination", "Total")
LAYOUT = "the UN DESA migrant stock matrix: Year, Destination, Total, then one column per country of origin"
CODE_FILES = ("*country_codes_alpha_3.csv",)
# UN DESA announced International Migrant Stock 2019 on 17 September 2019 (UN DESA Population Division,
# "International Migrant Stock 2019", press release and data booklet); PROVENANCE.md names the revision.
IMS_2019_RELEASE = date(2019, 9, 17)

# UN M49 names (UN Statistics Division, "Standard country or area codes for statistical use") that
# pycountry does not know, with the ISO alpha-2 of the alpha-3 code UN DESA's own code list gives them.
M49_NAMES = {
    "bolivia (plurinational state of)": "BO",
    "china, hong kong sar": "HK",
    "china, macao sar": "MO",
    "dem. people's republic of korea": "KP",
    "democratic republic of the congo": "CD",
    "holy see": "VA",
    "iran (islamic republic of)": "IR",
    "micronesia (fed. states of)": "FM",
    "republic of korea": "KR",
    "saint helena": "SH",
    "state of palestine": "PS",
    "united states virgin islands": "VI",
    "venezuela (bolivarian republic of)": "VE",
    "wallis and futuna islands": "WF",
}
# The aggregate rows and columns of International Migrant Stock 2019 (its "Annex" of regions and groups).
AGGREGATES = {
    name.casefold()
    for name in (
        "WORLD", "UN development groups", "More developed regions", "Less developed regions",
        "Least developed countries", "Less developed regions, excluding least developed countries",
        "Less developed regions, excluding China", "Land-locked Developing Countries (LLDC)",
        "Small island developing States (SIDS)", "World Bank income groups", "High-income countries",
        "Middle-income countries", "Upper-middle-income countries", "Lower-middle-income countries",
        "Low-income countries", "No income group available", "Geographic regions", "Africa", "Asia", "Europe",
        "Latin America and the Caribbean", "Northern America", "Oceania",
        "Sustainable Development Goal (SDG) regions", "SUB-SAHARAN AFRICA", "Eastern Africa", "Middle Africa",
        "Southern Africa", "Western Africa", "NORTHERN AFRICA AND WESTERN ASIA", "Northern Africa",
        "Western Asia", "CENTRAL AND SOUTHERN ASIA", "Central Asia", "Southern Asia",
        "EASTERN AND SOUTH-EASTERN ASIA", "Eastern Asia", "South-Eastern Asia", "Caribbean", "Central America",
        "South America", "Australia / New Zealand", "Melanesia", "Micronesia", "Polynesia",
        "EUROPE AND NORTHERN AMERICA", "Eastern Europe", "Northern Europe", "Southern Europe", "Western Europe",
        "Other South", "Other North",
    )
}  # fmt: skip

MIGRANT_STOCK_DEFINITION = (
    "International migrants are people living in a country other than the one they were born in (or, where "
    "the place of birth is not recorded, of which they are not citizens), refugees included, counted at mid-"
    "year from population censuses, registers and surveys and estimated by UN DESA where none exist."
)
MIGRANT_STOCK = IndicatorInfo(
    code="international-migrant-stock",
    name="International migrant stock, by origin and destination",
    unit="persons",
    definition=f"{MIGRANT_STOCK_DEFINITION} Here: the people born in (or citizens of) the country of origin who "
    "live in the country of destination.",
    themes=("DEV-DIASPORA",),
    pair=True,
)
MIGRANT_STOCK_TOTAL = IndicatorInfo(
    code="international-migrant-stock-total",
    name="International migrant stock in the country",
    unit="persons",
    definition=f"{MIGRANT_STOCK_DEFINITION} Here: all international migrants living in the country, whatever "
    "their origin.",
    themes=("DEV-DIASPORA",),
)


def undesa_source() -> SourceInfo:
    return SourceInfo(
        publisher="UN DESA Population Division",
        dataset="International Migrant Stock 2019",
        release_date=IMS_2019_RELEASE,
        address="https://www.un.org/development/desa/pd/content/international-migrant-stock",
        update_every_days=1826,  # revisions of 2015, 2017, 2019, 2020 and 2024: about every five years at most
    )


class _Places:
    """A name of the matrix → ISO alpha-2, or the skip reason for an aggregate or a place that is no country."""

    def __init__(self, codes: dict[str, str]) -> None:
        self.codes = codes

    def country(self, name: str) -> tuple[str, str]:
        if name.strip().casefold() in AGGREGATES:
            return "", "aggregate"
        found = iso2_from_iso3(self.codes.get(name.strip(), "")) or iso2_from_name(name, M49_NAMES)
        return (found, "") if found else ("", "unknown-country")


def parse_undesa_stock(path: Path) -> Reading:
    table = read_table(path)
    table.require(KEY_COLUMNS, LAYOUT)
    places = _Places(_alpha3_codes(path.parent))
    first_origin = table.column("Total") + 1
    origins = {index: (name, *places.country(name)) for index, name in enumerate(table.header) if index >= first_origin}
    reading = Reading(source=undesa_source(), indicators=[MIGRANT_STOCK, MIGRANT_STOCK_TOTAL])
    year, destination, total = (table.column(name) for name in KEY_COLUMNS)
    for record in table.records:
        period, name = record.cell(year), record.cell(destination)
        if not YEAR.match(period):
            reading.skipped.append(SkippedRow(record.line, "bad-period", f"Year {period!r}"))
            continue
        country, reason = places.country(name)
        if reason:
            reading.skipped.append(SkippedRow(record.line, reason, f"Destination {name!r}"))
            continue
        _add(record, (total, "Total"), MIGRANT_STOCK_TOTAL, (country, ""), period, reading)
        _read_origins(record, origins, country, period, reading)
    return reading


def _alpha3_codes(folder: Path) -> dict[str, str]:
    for pattern in CODE_FILES:
        for path in sorted(folder.glob(pattern)):
            with path.open(encoding="utf-8-sig", newline="") as handle:
                return {row["name"].strip(): row["code"].strip() for row in csv.DictReader(handle, delimiter=";")}
    return {}


def _read_origins(
    record: Record, origins: dict[int, tuple[str, str, str]], destination: str, period: str, reading: Reading
) -> None:
    left_out: dict[str, list[str]] = {"aggregate": [], "unknown-country": []}
    for index, (name, origin, reason) in origins.items():
        if reason and record.cell(index) not in ("", NOT_AVAILABLE):
            left_out[reason].append(name)
        elif not reason:
            _add(record, (index, name), MIGRANT_STOCK, (origin, destination), period, reading)
    for reason, names in left_out.items():
        if names:
            reading.skipped.append(SkippedRow(record.line, reason, f"origin {', '.join(map(repr, names))}"))


def _add(
    record: Record,
    cell: tuple[int, str],
    indicator: IndicatorInfo,
    place: tuple[str, str],
    period: str,
    reading: Reading,
) -> None:
    """The figure of one cell (its column index and name) for ``place``, an (origin, destination) pair."""
    index, column = cell
    text = record.cell(index)
    if text in ("", NOT_AVAILABLE):
        reading.empty_cells += 1
        return
    value = decimal_or_none(text)
    if value is None:
        reading.skipped.append(SkippedRow(record.line, "non-numeric", f"{column}: {text!r}"))
        return
    # Whole people: the CSV conversion left float noise on a few cells (37593.00000000001).
    persons = value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    origin, destination = place
    reading.rows.append(SourceRow(record.line, indicator.code, origin, period, persons, indicator.unit, destination))
