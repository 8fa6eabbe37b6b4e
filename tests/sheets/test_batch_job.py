"""A spreadsheet batch is a job (core.jobs.Job): reading and matching the upload is its work."""

import pytest
from django.contrib.auth import get_user_model

from partnerhub.core.jobs import JobStatus
from partnerhub.sheets.models import ImportBatch
from partnerhub.sheets.services import confirm_batch, preview_upload
from tests.sheets.builders import csv_bytes, engagement_row, header_for

pytestmark = pytest.mark.django_db


def previewed(cast, rows, header=None) -> ImportBatch:
    return preview_upload(
        "bmi.csv", csv_bytes(rows, header), cast.german_interior, acting_user=cast.german_ministry_editor
    )


def test_a_previewed_batch_is_done_with_rows_matched_of_rows_read(cast):
    batch = previewed(cast, [engagement_row("BMI-1"), engagement_row("BMI-2"), engagement_row("BMI-3", kind="")])

    assert (batch.status, batch.stage, batch.is_imported) == (JobStatus.DONE, "previewed", False)
    assert (batch.progress_done, batch.progress_total) == (2, 3)
    assert batch.started_by == cast.german_ministry_editor


def test_confirming_the_batch_moves_it_to_the_imported_stage(cast):
    batch = previewed(cast, [engagement_row("BMI-1")])

    confirm_batch(batch, acting_user=cast.german_ministry_editor)

    batch.refresh_from_db()
    assert (batch.status, batch.stage, batch.is_imported) == (JobStatus.DONE, "imported", True)
    assert batch.imported_at is not None


def test_what_the_reader_found_is_kept_as_the_jobs_findings_and_read_back_per_row(cast):
    rows = [engagement_row("BMI-1", description="=HYPERLINK(1)")]
    batch = previewed(cast, rows, header=[*header_for(rows), "remarks"])

    header_finding, cell_finding = batch.findings
    assert header_finding["where"] == {"row": 1, "field": "remarks"}
    assert (cell_finding["where"], cell_finding["severity"]) == ({"row": 2, "field": "description"}, "warning")
    content = ImportBatch.objects.get(pk=batch.pk).content()
    assert [finding.column for finding in content.findings] == ["remarks"]
    assert [finding.column for finding in content.rows[0].findings] == ["description"]


def test_a_batch_goes_with_its_uploader(cast):
    previewed(cast, [engagement_row("BMI-1")])

    get_user_model().objects.filter(pk=cast.german_ministry_editor.pk).delete()

    assert not ImportBatch.objects.exists()
