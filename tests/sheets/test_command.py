"""`partnerhub import-sheet FILE --organisation ID [--user USERNAME] [--confirm] [--json]`."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from partnerhub.core.models import ObjectChange
from partnerhub.registry.models import Engagement
from tests.sheets.builders import csv_bytes, engagement_row, xlsx_bytes

pytestmark = pytest.mark.django_db

ROWS = [engagement_row("BMI-1"), engagement_row("BMI-2", country_1="Moroco"), engagement_row("BMI-3", title="")]


def import_sheet(path, organisation, *args) -> tuple[str, list[str]]:
    out = StringIO()
    call_command("import-sheet", str(path), "--organisation", str(organisation.pk), *args, stdout=out)
    lines = out.getvalue().splitlines()
    return out.getvalue(), lines


@pytest.fixture
def sheet(tmp_path):
    path = tmp_path / "bmi.xlsx"
    path.write_bytes(xlsx_bytes(ROWS))
    return path


def test_without_confirm_prints_the_findings_and_writes_nothing(cast, sheet):
    output, lines = import_sheet(sheet, cast.german_interior)
    assert "row 3, country_1 [error]: “Moroco” is not a country; did you mean Morocco (MAR)?" in output
    assert "row 4, title [critical]: No title" in output
    assert lines[-1].startswith("Preview of 3 rows, nothing written: 2 would be new")
    assert not Engagement.objects.unrestricted("test").exists()


def test_json_summary_is_the_last_line(cast, sheet):
    _output, lines = import_sheet(sheet, cast.german_interior, "--user", "bmi.editor", "--json")
    summary = json.loads(lines[-1])
    assert {key: summary[key] for key in ("rows_read", "created", "updated", "unchanged", "skipped")} == {
        "rows_read": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
    }
    assert summary["errors"][0] == {
        "file": "bmi.xlsx",
        "row": 3,
        "column": "country_1",
        "tier": "error",
        "reason": "“Moroco” is not a country; did you mean Morocco (MAR)? It was left out.",
    }
    assert not Engagement.objects.unrestricted("test").exists()


def test_confirm_writes_and_a_second_run_changes_nothing(cast, sheet):
    _output, lines = import_sheet(sheet, cast.german_interior, "--user", "bmi.editor", "--confirm", "--json")
    assert json.loads(lines[-1])["created"] == 2
    written = Engagement.objects.unrestricted("test").filter(owner=cast.german_interior, provenance="spreadsheet")
    assert written.count() == 2
    changes = ObjectChange.objects.count()
    _output, lines = import_sheet(sheet, cast.german_interior, "--user", "bmi.editor", "--confirm", "--json")
    summary = json.loads(lines[-1])
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (0, 0, 2)
    assert ObjectChange.objects.count() == changes


def test_confirm_needs_a_user(cast, sheet):
    with pytest.raises(CommandError, match="--confirm needs --user"):
        import_sheet(sheet, cast.german_interior, "--confirm")


def test_user_who_does_not_edit_for_the_organisation_is_refused(cast, sheet):
    with pytest.raises(CommandError, match="Only editors, coordinators and administrators"):
        import_sheet(sheet, cast.german_interior, "--user", "giz.viewer", "--confirm")


def test_refused_file_prints_a_json_error_as_last_line_and_fails(cast, tmp_path):
    path = tmp_path / "bmi.xlsm"
    path.write_bytes(xlsx_bytes(ROWS))
    out = StringIO()
    with pytest.raises(CommandError, match="macros"):
        call_command("import-sheet", str(path), "--organisation", str(cast.german_interior.pk), "--json", stdout=out)
    summary = json.loads(out.getvalue().splitlines()[-1])
    assert summary["rows_read"] == 0
    assert summary["errors"][0]["tier"] == "critical" and "macros" in summary["errors"][0]["reason"]


def test_organisation_can_be_named_by_its_iati_identifier(cast, tmp_path):
    path = tmp_path / "giz.csv"
    path.write_bytes(csv_bytes([engagement_row("GIZ-1")], delimiter=";"))
    out = StringIO()
    call_command("import-sheet", str(path), "--organisation", "DE-1-GIZ-TEST", "--json", stdout=out)
    assert json.loads(out.getvalue().splitlines()[-1])["created"] == 1


def test_unknown_organisation_or_file_is_a_clear_error(cast, sheet, tmp_path):
    with pytest.raises(CommandError, match="No organisation with the id or IATI identifier 999999"):
        call_command("import-sheet", str(sheet), "--organisation", "999999")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import-sheet", str(tmp_path / "missing.xlsx"), "--organisation", str(cast.giz.pk))
