"""World Bank regions of the reference data."""

import pytest

from partnerhub.geo.models import Country, Region
from partnerhub.geo.reference import load_countries

pytestmark = pytest.mark.django_db


def test_each_region_has_its_own_world_bank_code():
    assert Country.objects.get(iso3="PAK").region.name == "South Asia"
    assert Country.objects.get(iso3="NER").region.name == "Sub-Saharan Africa"
    assert Region.objects.get(code="SAS").name == "South Asia"
    assert Region.objects.get(code="SSF").name == "Sub-Saharan Africa"
    assert Region.objects.values("code").distinct().count() == Region.objects.count()


def test_reloading_corrects_a_database_loaded_with_the_old_clashing_codes():
    Country.objects.filter(region__name="South Asia").update(region=Region.objects.get(name="Sub-Saharan Africa"))
    Region.objects.filter(name="South Asia").delete()
    Region.objects.filter(name="Sub-Saharan Africa").update(code="SA")
    load_countries()
    assert Country.objects.get(iso3="AFG").region.code == "SAS"
    assert Country.objects.get(iso3="SEN").region.code == "SSF"
