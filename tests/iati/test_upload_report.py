"""The upload page while an import waits, runs and ends: it says what it waits
for, updates itself without a reload, and lists the warnings, not only the errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partnerhub.access.models import Organisation
from partnerhub.iati.models import ImportJob, JobProgress
from tests.iati.documents import activity_xml, document_xml

pytestmark = pytest.mark.django_db

PUBLISHER = ("XM-PH-TEST", "10", "EU Delegation to Morocco")
WITH_WARNING_AND_ERROR = """
  <recipient-country code="MA" percentage="50"/>
  <recipient-country code="MA" percentage="50"/>
  <recipient-country code="JJ"/>"""


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def coordinator_client(client, cast):
    Organisation.objects.filter(pk=cast.eu_delegation_morocco.pk).update(iati_identifier=PUBLISHER[0])
    client.force_login(cast.coordinator)
    return client


def post_upload(client, cast, content: bytes) -> ImportJob:
    client.post(
        reverse("iati:import_job_create"),
        {
            "organisation": cast.eu_delegation_morocco.pk,
            "file": SimpleUploadedFile("activities.xml", content),
            "keep_all": "on",
        },
    )
    return ImportJob.objects.latest("pk")


def status_block(client, job: ImportJob) -> str:
    """What the page's polling fetches."""
    return client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()


def test_queued_upload_says_it_waits_for_the_worker_and_how_to_start_one(
    coordinator_client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = post_upload(
            coordinator_client, cast, document_xml(activity_xml("XM-PH-TEST-1", reporting=PUBLISHER)).encode()
        )

    page = coordinator_client.get(job.get_absolute_url()).content.decode()

    assert job.status == ImportJob.Status.QUEUED
    assert "Queued: the import waits for the background worker" in page
    assert "partnerhub db_worker" in page and "make run" in page, "the page says at once how a worker is started"


def test_the_status_block_follows_the_job_from_queued_to_done_without_a_reload(
    coordinator_client, cast, django_capture_on_commit_callbacks
):
    content = document_xml(activity_xml("XM-PH-TEST-1", reporting=PUBLISHER)).encode()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        job = post_upload(coordinator_client, cast, content)
    polling = f'hx-get="{job.get_absolute_url()}" hx-trigger="every 2s"'

    waiting = status_block(coordinator_client, job)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=timezone.now())
    job.refresh_from_db()
    job.write_live_progress(JobProgress(0, 1, 40, 500, 1000, "activities.xml"))
    running = status_block(coordinator_client, job)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    queued[0]()
    done = status_block(coordinator_client, job)

    assert polling in waiting and "Waiting to start" in waiting
    assert polling in running and 'value="50"' in running and "40 activities read so far." in running
    assert "hx-trigger" not in done and "New engagements" in done
    assert "<script" not in waiting + running + done, "no inline script: the page works under a strict CSP"


def test_warnings_and_fields_left_out_are_listed_with_line_and_activity(
    coordinator_client, cast, django_capture_on_commit_callbacks
):
    content = document_xml(activity_xml("XM-PH-TEST-1", reporting=PUBLISHER, parts=WITH_WARNING_AND_ERROR))
    with django_capture_on_commit_callbacks(execute=True):
        job = post_upload(coordinator_client, cast, content.encode())

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.report["created"] == 1
    warnings = {(w["tier"], w["field"]): w for w in job.report["warnings"]}
    assert warnings.keys() >= {("warning", "recipient-country"), ("error", "recipient-country")}
    listed = warnings[("error", "recipient-country")]
    assert (listed["file"], listed["line"], listed["iati_identifier"]) == ("activities.xml", 3, "XM-PH-TEST-1")
    assert "JJ" in listed["message"]
    assert job.report["findings"]["error"] >= 1, "a finding made while resolving countries is counted too"

    page = status_block(coordinator_client, job)
    assert "Warnings and fields left out" in page
    assert "a recipient country is listed twice" in page and "JJ" in page and "Field left out" in page


def test_a_job_without_warnings_shows_no_warning_table(coordinator_client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = post_upload(
            coordinator_client,
            cast,
            document_xml(
                activity_xml("XM-PH-TEST-1", reporting=PUBLISHER, parts='<recipient-country code="MA"/>')
            ).encode(),
        )

    job.refresh_from_db()
    assert job.report["warnings"] == []
    assert "Warnings and fields left out" not in status_block(coordinator_client, job)


def test_warnings_of_a_large_file_are_kept_within_bounds(
    coordinator_client, cast, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from partnerhub.iati import services

    monkeypatch.setattr(services, "NOTICES_KEPT", 2)
    activities = [activity_xml(f"XM-PH-TEST-{n}", reporting=PUBLISHER, parts=WITH_WARNING_AND_ERROR) for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        job = post_upload(coordinator_client, cast, document_xml(*activities).encode())

    job.refresh_from_db()
    assert len(job.report["warnings"]) == 2 and job.report["warnings_not_kept"] >= 4
    assert "more, not shown." in status_block(coordinator_client, job)


def test_refusals_of_a_large_file_are_kept_within_bounds(
    coordinator_client, cast, monkeypatch, django_capture_on_commit_callbacks
):
    from partnerhub.iati import tasks

    monkeypatch.setattr(tasks, "ERRORS_KEPT", 2)
    others = ("XM-PH-OTHER", "10", "Another publisher")
    activities = [activity_xml(f"XM-PH-OTHER-{n}", reporting=others) for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        job = post_upload(coordinator_client, cast, document_xml(*activities).encode())

    job.refresh_from_db()
    assert (job.report["skipped"], len(job.report["errors"]), job.report["errors_not_kept"]) == (5, 2, 3)
    assert "And 3 more, not shown." in status_block(coordinator_client, job)
