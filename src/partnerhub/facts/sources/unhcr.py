"""UNHCR Refugee Population Statistics: populations, asylum applications, asylum decisions, durable solutions.

Each file has a row per year × country of origin (``coo``) × country of asylum (``coa``), in UNHCR's own
codes and in ISO alpha-3 (``coo_iso``, ``coa_iso``). Pair figures go origin → asylum country (the
observation's ``destination``); figures about the people of one country (internally displaced, stateless,
host communities) go to the country of asylum, where UNHCR counts them.

UNHCR writes 0 in every category of a row that has figures in another category: a zero says "none here"
and is not an observation (it is counted among the empty cells), so the 83,000 population rows give the
figures people quote, not 750,000 mostly nil ones. Where the zeros are is kept (``Reading.zeros``): the
loader loads a zero only where the same source already holds a figure for its key, so that a release
revising a figure down to zero is not missed. Rows for the same key are summed (applications and decisions
are split by procedure, application type and decision level: see ``parse_unhcr_asylum_applications``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.facts.sources.base import IndicatorInfo, Reading, SkippedRow, SourceInfo, ZeroCells
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


# The indicators' names in French, as UNHCR's French publications (« Tendances mondiales ») name the groups.
FRENCH_NAMES = {
    "refugees": "Réfugiés relevant du mandat du HCR",
    "asylum-seekers": "Demandeurs d'asile",
    "returned-refugees": "Réfugiés rapatriés",
    "idps": "Personnes déplacées internes (HCR)",
    "returned-idps": "Personnes déplacées internes retournées",
    "stateless": "Personnes apatrides",
    "others-of-concern": "Autres personnes relevant de la compétence du HCR",
    "other-international-protection": "Autres personnes ayant besoin d'une protection internationale",
    "host-community": "Membres des communautés d'accueil soutenus par le HCR",
    "asylum-applications": "Demandes d'asile",
    "resettlement": "Réfugiés réinstallés",
    "naturalisation": "Réfugiés naturalisés",
    "asylum-decisions-recognised": "Décisions en matière d'asile : statut de réfugié reconnu",
    "asylum-decisions-other": "Décisions en matière d'asile : protection complémentaire",
    "asylum-decisions-rejected": "Décisions en matière d'asile : rejets",
    "asylum-decisions-closed": "Décisions en matière d'asile : dossiers clos autrement",
    "asylum-decisions-total": "Décisions en matière d'asile : total",
}


def _persons(code: str, name: str, definition: str, themes: tuple[str, ...], pair: bool = True) -> IndicatorInfo:
    return IndicatorInfo(code, name, PERSONS, definition, themes=themes, pair=pair, name_fr=FRENCH_NAMES[code])


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

    dataset: str  # part of the source's name: stored, so in English
    label: Promise  # the same, for messages
    values: dict[str, IndicatorInfo]

    def expected(self) -> str:
        return _("the UNHCR %(dataset)s layout: %(columns)s") % {
            "dataset": self.label,
            "columns": ", ".join((*KEY_COLUMNS, *self.values)),
        }


POPULATION_LAYOUT = Layout("population figures", gettext_lazy("population figures"), POPULATION)
APPLICATIONS_LAYOUT = Layout(
    "asylum applications", gettext_lazy("asylum applications"), {"applied": ASYLUM_APPLICATIONS}
)
DECISIONS_LAYOUT = Layout("asylum decisions", gettext_lazy("asylum decisions"), DECISIONS)
SOLUTIONS_LAYOUT = Layout("durable solutions", gettext_lazy("durable solutions"), SOLUTIONS)


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
    table = read_table(path)
    table.require(("iso_code", "unhcr_code"), _("the UNHCR country table: iso_code, unhcr_code, name"))
    iso, unhcr = table.column("iso_code"), table.column("unhcr_code")
    return {record.cell(unhcr): record.cell(iso) for record in table.records if record.cell(iso)}


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
        zero_pairs: list[str] = []
        zero_places: list[str] = []
        for index, column, indicator in columns:
            value = decimal_or_none(text := record.cell(index))
            if not text or value == 0:
                reading.empty_cells += 1
                if value == 0:
                    (zero_pairs if indicator.pair else zero_places).append(indicator.code)
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
        _note_zeros(reading, record.line, year, (origin, asylum), zero_pairs, zero_places)

    def country(self, record: Record, side: str) -> str | None:
        iso3 = record.cell(self.key[f"{side}_iso"])
        return iso2_from_iso3(iso3) or iso2_from_iso3(self.unhcr_codes.get(record.cell(self.key[side]), ""))

    def unknown(self, record: Record, columns: list[str]) -> str:
        sides = [side for side in ("coo", "coa") if self.country(record, side) is None]
        return _("%(places)s: not a country we know; not loaded: %(columns)s") % {
            "places": "; ".join(self.described(record, side) for side in sides),
            "columns": ", ".join(columns),
        }

    def described(self, record: Record, side: str) -> str:
        return _("%(name)r (UNHCR code %(code)s)") % {
            "name": record.cell(self.key[f"{side}_name"]),
            "code": record.cell(self.key[side]),
        }


def _note_zeros(
    reading: Reading, line: int, year: str, places: tuple[str | None, str | None], pairs: list[str], own: list[str]
) -> None:
    """Where the row's zero fillers are, keyed as its figures would be (origin → asylum, or the asylum
    country alone), so the loader can load one that revises a figure it holds."""
    origin, asylum = places
    if pairs and origin and asylum:
        reading.zeros.append(ZeroCells(line, tuple(pairs), origin, year, destination=asylum))
    if own and asylum:
        reading.zeros.append(ZeroCells(line, tuple(own), asylum, year))
