"""``partnerhub load-facts`` on the real publishers' files of ../shared/data/stats: exact values read
independently here with the csv module, and a second run that finds everything unchanged."""

import csv
import json
from decimal import Context, Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from partnerhub.facts.disagreements import disagreements
from tests.facts.factories import figures

pytestmark = [pytest.mark.django_db]

STATS = Path(__file__).resolve().parents[3] / "shared" / "data" / "stats"
if not STATS.is_dir():
    STATS = Path("/work/shared/data/stats")
WDI_RECEIVED = STATS / "worldbank" / "wdi_BX.TRF.PWKR.CD.DT.csv"
KNOMAD_INFLOWS = STATS / "worldbank" / "knomad_remittance_inflows_usd_million.csv"
UNHCR_POPULATION = STATS / "unhcr" / "unhcr_population_2010plus.csv"
needs_the_files = pytest.mark.skipif(not STATS.is_dir(), reason="../shared/data/stats is absent on this machine")
# SQLite keeps 15 significant digits of a decimal (PostgreSQL all of them).
STORED = Context(prec=15)


def load(source: str, path: Path) -> dict:
    out = StringIO()
    call_command("load-facts", source, str(path), "--json", stdout=out)
    return json.loads(out.getvalue().splitlines()[-1])


def cell(path: Path, match: dict[str, str], column: str) -> str:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            if all(record[name] == value for name, value in match.items()):
                return record[column]
    raise AssertionError(f"no row {match} in {path.name}")


@needs_the_files
def test_the_wdi_remittances_file_loads_exactly_and_a_second_run_changes_nothing(cast):
    first = load("wdi", WDI_RECEIVED)
    assert first["loaded"] > 6000 and first["reasons"]["aggregate"] > 0
    morocco = Decimal(cell(WDI_RECEIVED, {"Country Code": "MAR"}, "2022"))
    stored = figures().get(indicator__code="remittances-received-usd", country__iso3="MAR", period="2022")
    assert STORED.plus(stored.value) == STORED.plus(morocco)
    assert stored.source.publisher == "World Bank" and stored.sharing_level == "public"
    second = load("wdi", WDI_RECEIVED)
    assert (second["loaded"], second["unchanged"], second["skipped"]) == (0, first["loaded"], first["skipped"])


@needs_the_files
def test_knomad_in_us_dollars_beside_wdi_and_their_disagreements(cast):
    load("wdi", WDI_RECEIVED)
    first = load("knomad", KNOMAD_INFLOWS)
    assert first["reasons"]["footnote"] > 0
    million = Decimal(cell(KNOMAD_INFLOWS, {"Remittance inflows (US$ million)": "Morocco"}, "2022"))
    stored = figures().get(
        indicator__code="remittances-received-usd",
        country__iso3="MAR",
        period="2022",
        source__publisher__icontains="KNOMAD",
    )
    assert STORED.plus(stored.value) == STORED.plus(million * 1_000_000)
    assert load("knomad", KNOMAD_INFLOWS)["unchanged"] == first["loaded"]
    flagged = disagreements(None, indicator__code="remittances-received-usd")
    assert flagged and all(found.first.source_id != found.second.source_id for found in flagged)


@needs_the_files
@pytest.mark.slow
def test_the_unhcr_population_file_loads_refugees_by_origin_and_asylum(cast):
    first = load("unhcr-population", UNHCR_POPULATION)
    syrians = int(cell(UNHCR_POPULATION, {"year": "2023", "coo_iso": "SYR", "coa_iso": "DEU"}, "refugees"))
    stored = figures().get(indicator__code="refugees", country__iso3="SYR", destination__iso3="DEU", period="2023")
    assert stored.value == syrians
    second = load("unhcr-population", UNHCR_POPULATION)
    assert (second["loaded"], second["unchanged"]) == (0, first["loaded"])
