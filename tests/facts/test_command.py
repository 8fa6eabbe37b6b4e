"""``partnerhub load-facts SOURCE PATH [--json]`` with a small parser registered by the test."""

import csv
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from partnerhub.cli import main
from partnerhub.facts.models import FactsLoad
from partnerhub.facts.sources import PARSERS
from partnerhub.facts.sources.base import FileRejected, Reading, SkippedRow
from tests.facts.factories import REMITTANCES, WDI, figures, row

pytestmark = pytest.mark.django_db


def read_tiny_csv(path: Path) -> Reading:
    """country,year,value; a row for "WLD" is an aggregate; no header means a wrong file."""
    with path.open(encoding="utf-8") as handle:
        lines = list(csv.reader(handle))
    if lines[0] != ["country", "year", "value"]:
        raise FileRejected(f"{path.name}, line 1: expected the columns country, year, value")
    parsed = Reading(source=WDI, indicators=[REMITTANCES])
    for number, (country, year, value) in enumerate(lines[1:], start=2):
        if country == "WLD":
            parsed.skipped.append(SkippedRow(number, "aggregate", "World"))
        else:
            parsed.rows.append(row(country, year, value, line=number))
    return parsed


@pytest.fixture
def tiny(monkeypatch, tmp_path):
    monkeypatch.setitem(PARSERS, "tiny", read_tiny_csv)
    path = tmp_path / "remittances.csv"
    path.write_text("country,year,value\nMA,2022,11.5\nTN,2022,3\nWLD,2022,800\n", encoding="utf-8")
    return path


def run(*args) -> list[str]:
    out = StringIO()
    call_command("load-facts", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_command_loads_the_file_and_prints_its_summary_and_json_last(cast, tiny):
    lines = run("tiny", str(tiny), "--json")
    assert json.loads(lines[-1]) == {
        "observations_read": 3,
        "loaded": 2,
        "unchanged": 0,
        "skipped": 1,
        "reasons": {"aggregate": 1},
        "revised": 0,
        "reopened": 0,
    }
    assert "3 observations read: 2 loaded, 0 unchanged, 0 revised, 1 skipped." in lines
    assert figures().get(country__iso2="MA").value == Decimal("11.5")
    job = FactsLoad.objects.get()
    assert (job.status, job.source_name, job.file_name, job.report["loaded"]) == ("done", "tiny", tiny.name, 2)
    assert job.findings[0]["where"] == {"line": 4}


def test_a_second_run_finds_everything_unchanged(cast, tiny):
    run("tiny", str(tiny))
    assert json.loads(run("tiny", str(tiny), "--json")[-1])["unchanged"] == 2


def test_an_unknown_source_is_refused_with_the_names_of_the_known_ones(cast, tiny):
    with pytest.raises(CommandError, match="Unknown source nope: use one of .*tiny"):
        run("nope", str(tiny))


def test_a_missing_file_is_named(cast, tiny):
    with pytest.raises(CommandError, match="No such file: /nowhere/remittances.csv"):
        run("tiny", "/nowhere/remittances.csv")


def test_a_rejected_file_writes_nothing_and_names_file_and_line(cast, tiny):
    tiny.write_text("pays,année,valeur\nMA,2022,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="remittances.csv, line 1: expected the columns"):
        run("tiny", str(tiny), "--json")
    assert not figures().exists()
    job = FactsLoad.objects.get()
    assert job.status == "failed" and "line 1" in job.error_message


def test_the_command_records_who_loaded_it(cast, tiny):
    run("tiny", str(tiny), "--user", cast.commission_desk_officer.username)
    assert FactsLoad.objects.get().started_by == cast.commission_desk_officer
    with pytest.raises(CommandError, match="no active user named ghost"):
        run("tiny", str(tiny), "--user", "ghost")


def test_a_non_zero_exit_status_for_a_rejected_file(cast, tiny, capsys, monkeypatch):
    tiny.write_text("nothing useful\n", encoding="utf-8")
    monkeypatch.setattr("sys.argv", ["partnerhub", "load-facts", "tiny", str(tiny)])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code != 0
    assert "remittances.csv, line 1" in capsys.readouterr().err


def test_a_coordinators_own_figures_are_loaded_for_their_organisation_and_circle(cast, tiny):
    organisation = str(cast.eu_delegation_morocco.pk)
    run("tiny", str(tiny), "--organisation", organisation, "--user", "presidency.coordinator", "--sharing-level", "eu")
    figure = figures().get(country__iso2="MA")
    assert (figure.owner, figure.sharing_level) == (cast.eu_delegation_morocco, "eu")


def test_figures_of_an_organisation_need_an_editor_of_it(cast, tiny):
    organisation = str(cast.eu_delegation_morocco.pk)
    with pytest.raises(CommandError, match="needs --user, an editor of EU Delegation to Morocco"):
        run("tiny", str(tiny), "--organisation", organisation, "--user", cast.french_ministry_editor.username)
    with pytest.raises(CommandError, match="No organisation with the id or IATI identifier XM-NOPE"):
        run("tiny", str(tiny), "--organisation", "XM-NOPE")
    with pytest.raises(CommandError):
        run("tiny", str(tiny), "--sharing-level", "restricted")
    assert not figures().exists()
