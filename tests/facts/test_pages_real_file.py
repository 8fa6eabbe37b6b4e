"""The origin view on the real UN DESA International Migrant Stock 2019 matrix: France's 2019 figure
for migrants born in Morocco, read independently here with the csv module."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from partnerhub.facts.loading import load_reading
from partnerhub.facts.sources import PARSERS
from partnerhub.facts.sources.base import Reading
from partnerhub.facts.sources.undesa import MIGRANT_STOCK

pytestmark = [pytest.mark.django_db]

STATS = Path(__file__).resolve().parents[3] / "shared" / "data" / "stats"
if not STATS.is_dir():
    STATS = Path("/work/shared/data/stats")
MATRIX = STATS / "undesa" / "undesa_ims2019_migrants_by_origin_and_destination_total.csv"


def born_in_morocco_living_in_france(year: str) -> Decimal:
    with MATRIX.open(encoding="utf-8-sig", newline="") as handle:
        for record in csv.DictReader(handle):
            if record["Year"] == year and record["Destination"] == "France":
                return Decimal(record["Morocco"]).quantize(Decimal(1))
    raise AssertionError("no row for France in the matrix")


@pytest.mark.skipif(not MATRIX.is_file(), reason="../shared/data/stats is absent on this machine")
def test_the_origin_view_shows_frances_2019_figure_of_the_real_file(cast, client):
    reading = PARSERS["undesa-stock"](MATRIX)
    # The Moroccan diaspora only: the whole matrix is loaded by the loader's own tests.
    moroccans = [row for row in reading.rows if row.indicator == MIGRANT_STOCK.code and row.country == "MA"]
    load_reading(Reading(reading.source, reading.indicators, moroccans, []), loaded_by=None)

    response = client.get(f"/facts/{MIGRANT_STOCK.code}/origin/MAR/")

    assert response.status_code == 200
    assert response.context["period"] == "2019"
    in_france = [figure.value for figure in response.context["rows"] if figure.destination.iso3 == "FRA"]
    assert in_france == [born_in_morocco_living_in_france("2019")]
    share = response.context["share"]
    assert share.in_eu >= in_france[0]
    assert share.total > share.in_eu
