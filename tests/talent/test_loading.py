"""The talent reference data in the database: ISCO-08 and the safeguard lists as every set-up loads them, and
ESCO occupations loaded from the shared ESCO export (read independently here with the csv module)."""

import csv
import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from partnerhub.geo.models import Country
from partnerhub.talent.loading import load_esco, load_occupations, load_safeguard_lists
from partnerhub.talent.models import EscoOccupation, Occupation, SafeguardList

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
ESCO_FILE = SHARED / "occupations" / "esco_occupations_level5_with_isco.csv"
SAFEGUARDS_FILE = SHARED / "reference" / "health_workforce_safeguards.csv"
needs_the_shared_files = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/data (the ESCO export and the WHO list) is absent on this machine"
)

pytestmark = pytest.mark.django_db


def test_every_isco_group_is_loaded_with_its_parent_chain():
    counts = {level: Occupation.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert counts == {1: 10, 2: 43, 3: 130, 4: 436}
    nurses = Occupation.objects.select_related("parent__parent__parent").get(code="2221")
    assert nurses.title == "Nursing professionals"
    assert [nurses.parent.code, nurses.parent.parent.code, nurses.parent.parent.parent.code] == ["222", "22", "2"]
    assert nurses.parent.parent.parent.parent is None


def test_loading_the_reference_again_changes_nothing():
    before = list(Occupation.objects.order_by("code").values_list("pk", "code", "title", "parent_id"))
    assert load_occupations() == 619
    assert load_safeguard_lists() == SafeguardList.objects.count()
    assert list(Occupation.objects.order_by("code").values_list("pk", "code", "title", "parent_id")) == before


@needs_the_shared_files
def test_the_2023_safeguard_list_holds_the_countries_of_the_shared_reference_file():
    with SAFEGUARDS_FILE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        expected = {row["iso3"] for row in rows if row["list"] == "WHO SSL 2023"}
    listed = SafeguardList.objects.get(name="WHO SSL 2023")
    assert set(listed.countries.values_list("iso3", flat=True)) == expected
    assert len(expected) == 55
    assert listed.covers("2221") and listed.covers("3221") and not listed.covers("2512")


def test_a_bad_isco_file_writes_nothing(tmp_path):
    bad = tmp_path / "isco.csv"
    bad.write_text("code,level,title\n9,1,Elementary occupations\n99,2,\n", encoding="utf-8")
    titles = dict(Occupation.objects.values_list("code", "title"))
    with pytest.raises(ValueError, match="isco.csv, line 3"):
        load_occupations(bad)
    assert dict(Occupation.objects.values_list("code", "title")) == titles


def test_a_safeguard_list_naming_a_country_not_loaded_is_refused(tmp_path):
    lists = tmp_path / "lists.csv"
    lists.write_text(
        "list,published,in_force_from,in_force_until,covers_isco,source_url,note\n"
        "Test list,2020-01-01,2020-01-01,2020-12-31,221,https://example.org/list,\n",
        encoding="utf-8",
    )
    countries = tmp_path / "countries.csv"
    countries.write_text(
        "list,iso3,who_region,basis,confidence\nTest list,ATA,AFRO,listed for the test,confirmed\n", encoding="utf-8"
    )
    Country.objects.filter(iso3="ATA").delete()
    with pytest.raises(ValueError, match="ATA not among the countries loaded"):
        load_safeguard_lists(lists, countries)
    assert not SafeguardList.objects.filter(name="Test list").exists()


@needs_the_shared_files
def test_esco_occupations_load_under_their_unit_groups_and_reload_unchanged():
    with ESCO_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    general_nurse = next(row for row in rows if row["preferred_label"] == "nurse responsible for general care")

    first = load_esco(ESCO_FILE)
    again = load_esco(ESCO_FILE)

    assert (first.read, first.loaded, first.unchanged) == (len(rows), len(rows), 0)
    assert (again.read, again.loaded, again.unchanged) == (len(rows), 0, len(rows))
    assert EscoOccupation.objects.count() == len({row["concept_uri"] for row in rows})
    loaded = EscoOccupation.objects.select_related("occupation").get(uri=general_nurse["concept_uri"])
    assert loaded.occupation.code == general_nurse["isco_group"].zfill(4) == "2221"


@needs_the_shared_files
def test_the_load_esco_command_prints_its_figures_as_json():
    out = StringIO()
    call_command("load-esco", str(ESCO_FILE), "--json", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["read"] == summary["loaded"] + summary["unchanged"] > 1000


def test_a_bad_esco_file_names_its_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "esco.csv"
    bad.write_text(
        "concept_uri,preferred_label,isco_group\n"
        "http://data.europa.eu/esco/occupation/aaa,a nurse,2221\n"
        "http://data.europa.eu/esco/occupation/bbb,a nobody,9999\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"esco.csv: nothing loaded\. esco.csv, line 3"):
        call_command("load-esco", str(bad), stdout=StringIO())
    assert not EscoOccupation.objects.exists()


def test_load_esco_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("load-esco", str(tmp_path / "absent.csv"), stdout=StringIO())


def test_an_earlier_edition_loads_beside_the_current_one_and_the_date_picks_it(tmp_path):
    from partnerhub.talent.reference_views import safeguard_list_in_force

    lists = tmp_path / "lists.csv"
    lists.write_text(
        "list,published,in_force_from,in_force_until,covers_isco,source_url,note\n"
        "Earlier edition,2020-06-01,2020-06-01,2023-03-13,221 222,https://example.org/earlier,constructed\n",
        encoding="utf-8",
    )
    countries = tmp_path / "countries.csv"
    countries.write_text(
        "list,iso3,who_region,basis,confidence\nEarlier edition,NPL,SEARO,listed in the earlier edition,confirmed\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("load-safeguards", str(lists), str(countries), stdout=out)
    call_command("load-safeguards", str(lists), str(countries), stdout=StringIO())

    assert "1 safeguard list editions loaded; 2 held in all." in out.getvalue()
    assert SafeguardList.objects.get(name="Earlier edition").countries.get().iso3 == "NPL"
    assert safeguard_list_in_force(date(2022, 1, 1)).name == "Earlier edition"
    assert safeguard_list_in_force(date(2024, 1, 1)).name == "WHO SSL 2023"
    assert SafeguardList.objects.get(name="WHO SSL 2023").countries.count() == 55


def test_an_edition_overlapping_another_in_its_file_is_refused_whole(tmp_path):
    lists = tmp_path / "lists.csv"
    lists.write_text(
        "list,published,in_force_from,in_force_until,covers_isco,source_url,note\n"
        "First,2020-01-01,2020-01-01,2021-12-31,221,https://example.org/a,\n"
        "Second,2021-01-01,2021-01-01,,221,https://example.org/b,\n",
        encoding="utf-8",
    )
    countries = tmp_path / "countries.csv"
    countries.write_text("list,iso3,who_region,basis,confidence\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing loaded. lists.csv, line 3"):
        call_command("load-safeguards", str(lists), str(countries), stdout=StringIO())
    assert not SafeguardList.objects.filter(name__in=["First", "Second"]).exists()
    with pytest.raises(CommandError, match="no such file"):
        call_command("load-safeguards", str(tmp_path / "absent.csv"), str(countries), stdout=StringIO())
