"""Every hostile or broken spreadsheet of the corpus (tests/support/hostile_files.py), through the
upload page and through ``import-sheet``: a refused file gets a message naming it, never a 500
nor a hang, and writes nothing; a file read with warnings (formulas, other encodings) names the
row and column of each, and its preview writes nothing but the batch that holds it."""

import html
import json
import time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from partnerhub.registry.models import Engagement
from partnerhub.sheets.models import ImportBatch
from tests.support.clients import logged_in
from tests.support.database import changed_tables, row_counts
from tests.support.hostile_files import FORMULAS, SHEET_FILES, HostileFile

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("sheets:upload")
SECONDS_AT_MOST = 30
REFUSED = [hostile for hostile in SHEET_FILES if hostile.refused]
READ_WITH_WARNINGS = [hostile for hostile in SHEET_FILES if not hostile.refused]


def upload(client, cast, hostile: HostileFile):
    started = time.monotonic()
    response = client.post(
        UPLOAD_URL,
        {"organisation": cast.german_interior.pk, "file": SimpleUploadedFile(hostile.name, hostile.build())},
    )
    assert time.monotonic() - started < SECONDS_AT_MOST
    return response


def page_text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize("hostile", REFUSED, ids=str)
def test_editor_uploading_a_hostile_spreadsheet_reads_why_it_was_refused_and_nothing_is_written(client, cast, hostile):
    editor = logged_in(client, cast.german_ministry_editor)
    before = row_counts()

    response = upload(editor, cast, hostile)

    assert response.status_code == 200
    assert f"“{hostile.name}”: " in page_text(response) and hostile.expected in page_text(response)
    assert changed_tables(before, row_counts()) == {}


@pytest.mark.parametrize("hostile", READ_WITH_WARNINGS, ids=str)
def test_a_spreadsheet_read_with_warnings_is_previewed_and_only_its_batch_is_kept(client, cast, hostile):
    editor = logged_in(client, cast.german_ministry_editor)
    before = row_counts()

    response = upload(editor, cast, hostile)

    assert response.status_code == 302
    preview = page_text(editor.get(response.url))
    assert hostile.name in preview and hostile.expected in preview
    batches = ImportBatch._meta.db_table
    assert changed_tables(before, row_counts()) == {batches: (before[batches], before[batches] + 1)}


def confirmed_formula_file(client, cast, name: str) -> Engagement:
    editor = logged_in(client, cast.german_ministry_editor)
    hostile = next(hostile for hostile in SHEET_FILES if hostile.name == name)
    assert upload(editor, cast, hostile).status_code == 302
    editor.post(reverse("sheets:batch_confirm", args=[ImportBatch.objects.get().pk]))
    return Engagement.objects.unrestricted("test").get(external_reference="BMI-HOSTILE-1")


def test_formula_like_csv_cells_are_imported_as_the_text_typed(client, cast):
    engagement = confirmed_formula_file(client, cast, "formulas.csv")
    assert (engagement.title, engagement.description, engagement.notes, engagement.action_plan_reference) == (
        FORMULAS["title"],
        FORMULAS["description"],
        FORMULAS["notes"],
        FORMULAS["action_plan_reference"],
    )


def test_an_xlsx_formula_is_never_computed_and_its_cell_is_flagged(client, cast):
    engagement = confirmed_formula_file(client, cast, "formulas.xlsx")
    assert engagement.description == FORMULAS["description"]
    assert engagement.notes == ""
    assert ("error", "notes") in {(finding["tier"], finding["field"]) for finding in engagement.import_findings}


@pytest.mark.parametrize("hostile", REFUSED, ids=str)
def test_the_import_command_names_the_file_and_writes_nothing(cast, tmp_path, hostile):
    path = tmp_path / hostile.name
    path.write_bytes(hostile.build())
    before = row_counts()
    output = StringIO()
    arguments = ["--organisation", str(cast.german_interior.pk), "--user", "bmi.editor", "--confirm", "--json"]

    with pytest.raises(CommandError) as refused:
        call_command("import-sheet", str(path), *arguments, stdout=output)

    assert str(refused.value).startswith(f"“{hostile.name}”: ") and hostile.expected in str(refused.value)
    summary = json.loads(output.getvalue().strip().splitlines()[-1])
    assert summary["errors"][0]["file"] == hostile.name and summary["created"] == 0
    assert changed_tables(before, row_counts()) == {}
