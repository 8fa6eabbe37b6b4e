"""The demo's key facts: real public figures from ../shared/data/stats, read here independently with
the csv module, a demo proposal and dispute on Morocco's 2022 remittances, and a second run that
changes nothing; without the files, the demo says what it skipped and why."""

import csv
from decimal import Context, Decimal
from io import StringIO
from pathlib import Path

import pytest

from partnerhub.core.history import history_of
from partnerhub.facts.models import Observation
from partnerhub.web.demo import build_demo
from partnerhub.web.demo.facts import DISPUTE_REASON, PROPOSAL_NOTE

pytestmark = pytest.mark.django_db

STATS = Path(__file__).resolve().parents[3] / "shared" / "data" / "stats"
if not STATS.is_dir():
    STATS = Path("/work/shared/data/stats")
WDI = STATS / "worldbank" / "wdi_BX.TRF.PWKR.CD.DT.csv"
KNOMAD = STATS / "worldbank" / "knomad_remittance_inflows_usd_million.csv"
STORED = Context(prec=15)  # SQLite keeps 15 significant digits


def figures():
    return Observation.objects.unrestricted("the tests read what the demo wrote")


def wdi_cell(country: str, year: str) -> Decimal:
    with WDI.open(encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            if record["Country Code"] == country:
                return Decimal(record[year])
    raise AssertionError(f"{country} is not in {WDI.name}")


@pytest.fixture
def shared_remittances(settings, tmp_path):
    """A shared data directory holding the real World Bank files, not UN DESA's."""
    if not WDI.is_file() or not KNOMAD.is_file():
        pytest.skip("../shared/data/stats is absent on this machine")
    (tmp_path / "stats" / "worldbank").mkdir(parents=True)
    for path in (WDI, KNOMAD):
        (tmp_path / "stats" / "worldbank" / path.name).symlink_to(path)
    settings.PARTNERHUB_SHARED_DATA = tmp_path
    return tmp_path


def test_the_demo_loads_real_remittances_and_discusses_moroccos_2022_figure(shared_remittances):
    out = StringIO()
    build_demo(stdout=out)
    morocco = figures().get(
        indicator__code="remittances-received-usd",
        country__iso3="MAR",
        period="2022",
        source__dataset="World Development Indicators",
    )
    assert STORED.plus(morocco.value) == STORED.plus(wdi_cell("MAR", "2022"))
    assert morocco.status == "disputed" and morocco.note == PROPOSAL_NOTE and morocco.note.startswith("[Demo] ")
    stance = morocco.endorsements.get()
    assert (stance.stance, stance.reason, stance.organisation.name) == (
        "dispute",
        DISPUTE_REASON,
        "Ministry of the Interior (Morocco)",
    )
    assert figures().filter(source__publisher="World Bank–KNOMAD", country__iso3="MAR", period="2022").exists()
    assert "undesa-stock skipped" in out.getvalue() and "is absent" in out.getvalue()

    count, changes = figures().count(), history_of(morocco).count()
    again = StringIO()
    build_demo(stdout=again)
    assert (figures().count(), history_of(morocco).count(), morocco.endorsements.count()) == (count, changes, 1)
    assert "0 figures loaded" in again.getvalue()


def test_without_the_shared_data_the_demo_says_what_it_skipped(settings, tmp_path):
    settings.PARTNERHUB_SHARED_DATA = tmp_path / "absent"
    out = StringIO()
    build_demo(stdout=out)
    assert out.getvalue().count("skipped, ") == 3
    assert "no demo proposal" in out.getvalue()
    assert not figures().exists()
