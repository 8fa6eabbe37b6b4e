"""World Bank remittance figures: WDI wide CSV (``wdi``) and the World Bank–KNOMAD tables (``knomad``).

Both publish the same balance-of-payments series, so both readings use the same indicator codes and the
same unit (US dollars): KNOMAD's US$ million are multiplied by 10⁶, exactly, and a WDI figure and a
KNOMAD figure for one country and year can be compared (and their disagreement flagged).
"""

import re
from datetime import date
from pathlib import Path

from partnerhub.facts.sources.base import FileRejected, IndicatorInfo, Reading, SkippedRow, SourceInfo, SourceRow
from partnerhub.facts.sources.countries import iso2_from_iso3, iso2_from_name
from partnerhub.facts.sources.files import CsvTable, Record, decimal_or_none, read_records, read_table, year_columns

REMITTANCES_DEFINITION = (
    "Personal remittances are the sum of two balance-of-payments items: personal transfers — all current "
    "transfers in cash or in kind between resident and non-resident households, whatever the sender's "
    "income or relation to the receiver — and compensation of employees — the income of border, seasonal "
    "and other short-term workers employed in an economy where they are not resident, and of residents "
    "employed by non-resident entities. Data follow the IMF Balance of Payments Manual (6th edition)."
)
REMITTANCES_RECEIVED = IndicatorInfo(
    code="remittances-received-usd",
    name="Personal remittances, received (current US$)",
    unit="USD",
    definition=f"{REMITTANCES_DEFINITION} Received: what the country's residents receive from abroad, in "
    "current US dollars.",
    themes=("DEV-REMIT",),
)
REMITTANCES_PAID = IndicatorInfo(
    code="remittances-paid-usd",
    name="Personal remittances, paid (current US$)",
    unit="USD",
    definition=f"{REMITTANCES_DEFINITION} Paid: what the country's residents, migrants among them, send "
    "abroad, in current US dollars.",
    themes=("DEV-REMIT",),
)
REMITTANCES_RECEIVED_SHARE = IndicatorInfo(
    code="remittances-received-pct-gdp",
    name="Personal remittances, received (% of GDP)",
    unit="% of GDP",
    definition=f"{REMITTANCES_DEFINITION} Received, as a percentage of the receiving country's gross domestic product.",
    themes=("DEV-REMIT",),
)
REMITTANCES_PAID_SHARE = IndicatorInfo(
    code="remittances-paid-pct-gdp",
    name="Remittance outflows (% of GDP)",
    unit="% of GDP",
    definition=f"{REMITTANCES_DEFINITION} Paid, as a percentage of the paying country's gross domestic product "
    "(GDP from the IMF World Economic Outlook, as KNOMAD's notes state).",
    themes=("DEV-REMIT",),
)
WDI_INDICATORS = {
    "BX.TRF.PWKR.CD.DT": REMITTANCES_RECEIVED,
    "BM.TRF.PWKR.CD.DT": REMITTANCES_PAID,
    "BX.TRF.PWKR.DT.GD.ZS": REMITTANCES_RECEIVED_SHARE,
}

WDI_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
WDI_LAYOUT = "the World Bank WDI wide layout: Country Name, Country Code, Indicator Name, Indicator Code, 1960, …"
# The date WDI states in its own CSV downloads ("Last Updated Date","2023-05-10") above the header; the
# converted files of shared/data lost that preamble, and PROVENANCE.md names the date from the .xls instead.
WDI_LAST_UPDATED = date(2023, 5, 10)
WDI_METADATA_FILES = ("wdi_country_metadata.csv", "Metadata_Country_*.csv")
# World Bank economies without an ISO 3166-1 code (WDI country metadata gives them a region): no hub country.
WDI_ECONOMIES_WITHOUT_ISO_CODE = {"CHI": "Channel Islands"}


def wdi_source(release_date: date | None) -> SourceInfo:
    return SourceInfo(
        publisher="World Bank",
        dataset="World Development Indicators",
        release_date=release_date,
        address="https://databank.worldbank.org/source/world-development-indicators",
        update_every_days=91,  # WDI is refreshed quarterly (World Bank data release calendar)
    )


def parse_wdi(path: Path) -> Reading:
    records = read_records(path)
    release_date, header_at = _wdi_preamble(records)
    if header_at is None:
        raise FileRejected(f"{path.name}: not a WDI file; expected {WDI_LAYOUT}")
    table = CsvTable(path.name, [c.strip() for c in records[header_at].cells], _data(records[header_at + 1 :]))
    years = year_columns(table.header, first=len(WDI_COLUMNS))
    _reject_stray_columns(table, years)
    kinds = _wdi_country_kinds(path)
    reading = Reading(source=wdi_source(release_date or WDI_LAST_UPDATED), indicators=[])
    for record in table.records:
        _read_wdi_record(record, years, kinds, reading)
    return reading


def _data(records: list[Record]) -> list[Record]:
    return [record for record in records if not record.is_blank]


def _wdi_preamble(records: list[Record]) -> tuple[date | None, int | None]:
    """The release date a WDI download states above its header, and where the header is."""
    release_date = None
    for index, record in enumerate(records[:8]):
        if [cell.strip() for cell in record.cells[:4]] == list(WDI_COLUMNS):
            return release_date, index
        if record.cell(0) == "Last Updated Date":
            try:
                release_date = date.fromisoformat(record.cell(1))
            except ValueError:
                release_date = None
    return release_date, None


def _reject_stray_columns(table: CsvTable, years: dict[int, str]) -> None:
    for index, name in enumerate(table.header[len(WDI_COLUMNS) :], start=len(WDI_COLUMNS)):
        if index not in years and name:
            raise FileRejected(f"{table.name}: column {name!r} is not a year; expected {WDI_LAYOUT}")
    if not years:
        raise FileRejected(f"{table.name}: no year columns; expected {WDI_LAYOUT}")


def _wdi_country_kinds(path: Path) -> dict[str, bool] | None:
    """Country Code → True for an economy, False for an aggregate, from the country metadata beside the file.

    WDI's metadata gives every economy its region and income group; aggregates have neither."""
    for pattern in WDI_METADATA_FILES:
        for metadata in sorted(path.parent.glob(pattern)):
            table = read_table(metadata)
            table.require(("Country Code", "Region"), "the WDI country metadata: Country Code, Region, IncomeGroup")
            code, region = table.column("Country Code"), table.column("Region")
            return {record.cell(code): bool(record.cell(region)) for record in table.records}
    return None


def _read_wdi_record(record: Record, years: dict[int, str], kinds: dict[str, bool] | None, reading: Reading) -> None:
    name, code, indicator_code = record.cell(0), record.cell(1), record.cell(3)
    indicator = WDI_INDICATORS.get(indicator_code)
    if indicator is None:
        reading.skipped.append(SkippedRow(record.line, "unknown-indicator", f"Indicator Code {indicator_code!r}"))
        return
    country, skip = _wdi_economy(code, name, kinds)
    if skip:
        reading.skipped.append(SkippedRow(record.line, skip, f"Country Code {code} {name!r}"))
        return
    if indicator not in reading.indicators:
        reading.indicators.append(indicator)
    for index, year in years.items():
        _add_figure(record, index, year, country, indicator, reading)


def _wdi_economy(code: str, name: str, kinds: dict[str, bool] | None) -> tuple[str, str]:
    """(ISO alpha-2, "") for a country; ("", skip reason) for an aggregate or an economy the hub cannot place."""
    is_economy = kinds.get(code) if kinds is not None else None
    if is_economy is False:
        return "", "aggregate"
    country = iso2_from_iso3(code)
    if country:
        return country, ""
    if is_economy or code in WDI_ECONOMIES_WITHOUT_ISO_CODE or kinds is not None:
        return "", "unknown-country"
    return "", "aggregate"  # no metadata: a World Bank code outside ISO 3166-1 is one of its aggregates


def _add_figure(
    record: Record, index: int, period: str, country: str, indicator: IndicatorInfo, reading: Reading, scale: int = 0
) -> None:
    text = record.cell(index)
    if not text:
        reading.empty_cells += 1
        return
    value = decimal_or_none(text)
    if value is None:
        reading.skipped.append(SkippedRow(record.line, "non-numeric", f"{period}: {text!r}"))
        return
    reading.rows.append(SourceRow(record.line, indicator.code, country, period, value.scaleb(scale), indicator.unit))


# --- World Bank–KNOMAD -------------------------------------------------------------------------------------

KNOMAD_TITLES = {
    "remittance inflows (us$ million)": REMITTANCES_RECEIVED,
    "remittance outflows (us$ million)": REMITTANCES_PAID,
}
KNOMAD_LAYOUT = (
    "the World Bank–KNOMAD layout: 'Remittance inflows (US$ million)' or 'Remittance outflows (US$ million)', "
    "then one column per year"
)
SHARE_OF_GDP = re.compile(r"^% of GDP in (\d{4})$")
RELEASE_NOTE = re.compile(r"^Date:\s*([A-Za-z]+)\s+(\d{4})\s*$")
MONTHS = ("january february march april may june july august september october november december").split()
# The release KNOMAD's footnote states ("Date: June 2023", the first of that month); PROVENANCE.md agrees.
KNOMAD_RELEASE = date(2023, 6, 1)
MILLION = 6

# KNOMAD's names pycountry does not know → ISO alpha-2. Each is the World Bank's name for the economy whose
# WDI Country Code (wdi_country_metadata.csv, TableName) is the ISO alpha-3 shown, unless noted.
KNOMAD_NAMES = {
    "bahamas, the": "BS",  # BHS
    "congo, dem. rep.": "CD",  # COD
    "congo, rep.": "CG",  # COG
    "cote d'ivoire": "CI",  # CIV
    "curacao": "CW",  # CUW
    "egypt, arab rep.": "EG",  # EGY
    "faeroe islands": "FO",  # FRO; WDI writes "Faroe Islands", KNOMAD keeps the older spelling
    "gambia, the": "GM",  # GMB
    "hong kong sar, china": "HK",  # HKG
    "iran, islamic rep.": "IR",  # IRN
    "korea, dem. rep.": "KP",  # PRK; WDI writes "Korea, Dem. People's Rep."
    "korea, rep.": "KR",  # KOR
    "kosovo": "XK",  # XKX, the user-assigned code (countries.py)
    "lao pdr": "LA",  # LAO
    "macao sar, china": "MO",  # MAC
    "micronesia, fed. sts.": "FM",  # FSM
    "st. kitts and nevis": "KN",  # KNA
    "st. lucia": "LC",  # LCA
    "st. martin (french part)": "MF",  # MAF
    "st. vincent and the grenadines": "VC",  # VCT
    "türkiye, rep. of": "TR",  # TUR; the IMF's name (KNOMAD's balance-of-payments source), WDI "Turkiye"
    "venezuela, rb": "VE",  # VEN
    "virgin islands (u.s.)": "VI",  # VIR
    "west bank and gaza": "PS",  # PSE
    "yemen, rep.": "YE",  # YEM
}
# The World Bank's regions and groups as KNOMAD names them (its "Classification" sheet and table totals).
KNOMAD_AGGREGATE = re.compile(
    r"\bincome\b|^world$|^(east asia|europe|latin america|middle east|north america|south asia|sub-saharan)"
    r"|\b(countries|region|regions|area|union|small states)$|^(ida|ibrd|fragile|heavily indebted)",
    re.IGNORECASE,
)


def knomad_source(release_date: date) -> SourceInfo:
    return SourceInfo(
        publisher="World Bank–KNOMAD",
        dataset="Migration and Remittances Data",
        release_date=release_date,
        address="https://www.knomad.org/data/remittances",
        update_every_days=182,  # released twice a year (KNOMAD's remittance briefs, spring and autumn)
    )


def parse_knomad(path: Path) -> Reading:
    table = read_table(path)
    indicator = KNOMAD_TITLES.get(table.header[0].casefold()) if table.header else None
    if indicator is None:
        first = table.header[0] if table.header else ""
        raise FileRejected(f"{path.name}: first column is {first!r}; expected {KNOMAD_LAYOUT}")
    years = year_columns(table.header, first=1)
    shares = {index: match[1] for index, name in enumerate(table.header) if (match := SHARE_OF_GDP.match(name))}
    _reject_knomad_stray_columns(table, years, shares)
    reading = Reading(source=knomad_source(_knomad_release(table)), indicators=[indicator])
    if shares:
        reading.indicators.append(REMITTANCES_PAID_SHARE)
    last_with_figures = max((r.line for r in table.records if _has_figures(r, years, shares)), default=0)
    for record in table.records:
        if record.line > last_with_figures:
            reading.skipped.append(SkippedRow(record.line, "footnote", record.cell(0)[:200]))
        else:
            _read_knomad_record(record, indicator, years, shares, reading)
    return reading


def _has_figures(record: Record, years: dict[int, str], shares: dict[int, str]) -> bool:
    return any(record.cell(index) for index in (*years, *shares))


def _reject_knomad_stray_columns(table: CsvTable, years: dict[int, str], shares: dict[int, str]) -> None:
    for index, name in enumerate(table.header[1:], start=1):
        if index not in years and index not in shares and name:
            raise FileRejected(f"{table.name}: column {name!r} is not a year; expected {KNOMAD_LAYOUT}")
    if not years:
        raise FileRejected(f"{table.name}: no year columns; expected {KNOMAD_LAYOUT}")


def _knomad_release(table: CsvTable) -> date:
    for record in table.records:
        match = RELEASE_NOTE.match(record.cell(0))
        if match and match[1].casefold() in MONTHS:
            return date(int(match[2]), MONTHS.index(match[1].casefold()) + 1, 1)
    return KNOMAD_RELEASE


def _read_knomad_record(
    record: Record, indicator: IndicatorInfo, years: dict[int, str], shares: dict[int, str], reading: Reading
) -> None:
    name = record.cell(0)
    country = iso2_from_name(name, KNOMAD_NAMES)
    if country is None and KNOMAD_AGGREGATE.search(name):
        reading.skipped.append(SkippedRow(record.line, "aggregate", name))
    elif country is None:
        reading.skipped.append(SkippedRow(record.line, "unknown-country", f"Country name {name!r}"))
    else:
        for index, year in years.items():
            _add_figure(record, index, year, country, indicator, reading, scale=MILLION)
        for index, year in shares.items():
            _add_figure(record, index, year, country, REMITTANCES_PAID_SHARE, reading)
