"""Coordinators upload IATI files and follow their import, which runs as a background task.

The tasks run on the immediate backend here; ``django_capture_on_commit_callbacks``
stands for the commit after which the upload queues its import.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from partnerhub.access.models import Membership, Organisation, Role
from partnerhub.iati import tasks
from partnerhub.iati.models import ImportJob, JobProgress
from partnerhub.iati.services import ImportProgress
from partnerhub.iati.tasks import JobProgressRecorder, run_import_job
from partnerhub.overlaps.models import OverlapRun
from partnerhub.registry.models import Engagement, Provenance
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FOOD_SECURITY = SHARED_DATA / "iati-activities" / "ocha-hdx-fixtures" / "foodsecurity_dportal.xml"
FOOD_SECURITY_IDENTIFIERS = {
    "XI-IATI-EC_INTPA-2021/429-054",
    "NL-KVK-30214009-C380",
    "NL-KVK-41155305-GLA2-Coord",
    "GB-CHC-285776-NGR476",
    "DE-1-202033942-0",
    "US-EIN-06-1597-668-PU1-GL",
    "DE-1-202175768-0",
}
needs_shared_data = pytest.mark.skipif(
    not FOOD_SECURITY.is_file(), reason=f"the real IATI file {FOOD_SECURITY} is absent (../shared/data is not here)"
)

CREATE_URL = reverse("iati:import_job_create")
LIST_URL = reverse("iati:import_job_list")

# Written for these tests: one activity, then the same identifier again.
TWICE_THE_SAME_ACTIVITY = b"""<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03" generated-datetime="2024-05-01T00:00:00Z">
  <iati-activity last-updated-datetime="2024-05-01T00:00:00Z" default-currency="EUR">
    <iati-identifier>XM-PH-TEST-1</iati-identifier>
    <reporting-org ref="XM-PH-TEST" type="10"><narrative>Test publisher</narrative></reporting-org>
    <title><narrative>Reintegration of returning migrants</narrative></title>
    <activity-status code="2"/>
    <activity-date type="1" iso-date="2023-01-01"/>
    <recipient-country code="MA"/>
  </iati-activity>
  <iati-activity last-updated-datetime="2024-05-01T00:00:00Z" default-currency="EUR">
    <iati-identifier>XM-PH-TEST-1</iati-identifier>
    <reporting-org ref="XM-PH-TEST" type="10"><narrative>Test publisher</narrative></reporting-org>
    <title><narrative>The same identifier, a second time</narrative></title>
    <activity-status code="2"/>
  </iati-activity>
</iati-activities>
"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE iati-activities [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<iati-activities version="2.03">
  <iati-activity><iati-identifier>&lol3;</iati-identifier></iati-activity>
</iati-activities>
"""
MALFORMED = b"""<?xml version="1.0"?>
<iati-activities version="2.03">
  <iati-activity><iati-identifier>XM-PH-BROKEN</iati-identifier>
</iati-activities>
"""


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path) -> Path:
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return settings.UPLOAD_DIR


@pytest.fixture
def coordinator_client(client, cast):
    # The test files' publisher is the delegation, whose coordinator uploads them.
    Organisation.objects.filter(pk=cast.eu_delegation_morocco.pk).update(iati_identifier="XM-PH-TEST")
    client.force_login(cast.coordinator)
    return client


@pytest.fixture
def commission_coordinator(cast):
    """The coordinator coordinates the Commission too, which publishes one activity of the real file."""
    Membership.objects.create(user=cast.coordinator, organisation=cast.commission, role=Role.COORDINATOR)
    return cast.coordinator


def reporting_orgs_of(path: Path) -> dict[str, str]:
    """Each activity's reporting-org ref, read from the file independently of the importer."""
    return {
        activity.findtext("iati-identifier").strip(): activity.find("reporting-org").get("ref")
        for activity in etree.parse(str(path)).iter("iati-activity")
    }


def upload(client, cast, name: str, content: bytes, *, keep_all: bool = True):
    data = {"organisation": cast.eu_delegation_morocco.pk, "file": SimpleUploadedFile(name, content)}
    if keep_all:
        data["keep_all"] = "on"
    return client.post(CREATE_URL, data)


def queued_job(cast, starter=None, **fields) -> ImportJob:
    values = {
        "started_by": starter or cast.coordinator,
        "organisation": cast.eu_delegation_morocco,
        "original_name": "activities.xml",
        "stored_name": f"iati/{ImportJob.objects.count()}.xml",
        **fields,
    }
    return ImportJob.objects.create(**values)


# -- the whole journey -----------------------------------------------------


@needs_shared_data
def test_coordinator_imports_a_real_file_and_sees_its_report(
    coordinator_client, cast, commission_coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(coordinator_client, cast, "foodsecurity_dportal.xml", FOOD_SECURITY.read_bytes())

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == ImportJob.Status.DONE, job.error_message
    assert job.started_by == cast.coordinator and job.organisation == cast.eu_delegation_morocco
    reporting = reporting_orgs_of(FOOD_SECURITY)
    assert reporting.keys() == FOOD_SECURITY_IDENTIFIERS
    commissions = {identifier for identifier, ref in reporting.items() if ref == "XI-IATI-EC_INTPA"}
    others = reporting.keys() - commissions
    assert {
        key: job.report[key] for key in ("files", "activities_read", "created", "updated", "unchanged", "skipped")
    } == {
        "files": 1,
        "activities_read": 7,
        "created": len(commissions),
        "updated": 0,
        "unchanged": 0,
        "skipped": len(others),
    }
    # The other publishers' activities are refused one by one, naming their reporting-org.
    refused = {problem["iati_identifier"]: problem["reason"] for problem in job.report["errors"]}
    assert refused.keys() == others
    assert all(reporting[identifier] in reason for identifier, reason in refused.items())
    imported = Engagement.objects.unrestricted("test").filter(provenance=Provenance.IATI)
    assert set(imported.values_list("iati_identifier", flat=True)) == commissions
    assert {e.owner for e in imported} == {cast.commission}
    page = coordinator_client.get(job.get_absolute_url()).content.decode()
    assert "New engagements" in page and f"<dd>{len(commissions)}</dd>" in page
    # The new engagements are then compared with the rest of the portfolio.
    run = OverlapRun.objects.get()
    assert (run.country, run.status) == (None, OverlapRun.Status.DONE)


@needs_shared_data
def test_finished_job_keeps_its_final_progress(coordinator_client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(coordinator_client, cast, "foodsecurity_dportal.xml", FOOD_SECURITY.read_bytes())

    job = ImportJob.objects.get()
    assert (job.files_done, job.files_total, job.activities_read) == (1, 1, 7)
    assert job.bytes_read == job.bytes_total == FOOD_SECURITY.stat().st_size
    assert job.started_at <= job.finished_at
    assert not job.live_progress_path.exists(), "the worker's side file is removed once the job is finished"


@needs_shared_data
def test_uploading_the_same_file_again_changes_nothing(
    coordinator_client, cast, commission_coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(coordinator_client, cast, "foodsecurity_dportal.xml", FOOD_SECURITY.read_bytes())
        upload(coordinator_client, cast, "foodsecurity_dportal.xml", FOOD_SECURITY.read_bytes())

    second = ImportJob.objects.order_by("pk").last()
    assert second.status == ImportJob.Status.DONE
    assert (second.report["created"], second.report["unchanged"], second.report["skipped"]) == (0, 1, 6)
    assert OverlapRun.objects.count() == 1, "an import that changes nothing starts no overlap run"
    assert Engagement.objects.unrestricted("test").filter(provenance=Provenance.IATI).count() == 1


def test_rejected_activity_is_reported_with_file_line_identifier_and_reason(
    coordinator_client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(coordinator_client, cast, "twice.xml", TWICE_THE_SAME_ACTIVITY)

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE
    assert job.report["created"] == 1
    [problem] = job.report["errors"]
    assert problem["file"] == "twice.xml", "the report names the file as its uploader knows it"
    assert problem["line"] == 11 and problem["iati_identifier"] == "XM-PH-TEST-1"
    assert "appears earlier in this file" in problem["reason"]
    page = coordinator_client.get(job.get_absolute_url()).content.decode()
    assert "appears earlier in this file" in page and "XM-PH-TEST-1" in page


# -- upload checks ---------------------------------------------------------


def test_upload_is_stored_under_a_random_name_inside_the_upload_folder(
    coordinator_client, cast, uploads, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        upload(coordinator_client, cast, "../../etc/passwd.xml", TWICE_THE_SAME_ACTIVITY)

    job = ImportJob.objects.get()
    stored = job.file_path.resolve()
    assert stored.parent == (uploads / "iati").resolve()
    assert "passwd" not in stored.name and len(stored.stem) == 32
    assert stored.read_bytes() == TWICE_THE_SAME_ACTIVITY
    assert job.original_name == "passwd.xml"


def test_import_is_queued_only_once_the_upload_is_committed(
    coordinator_client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(coordinator_client, cast, "twice.xml", TWICE_THE_SAME_ACTIVITY)

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED and len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE


@pytest.mark.parametrize("name", ["projects.csv", "activities.zip", "activities.xml.exe", "activities"])
def test_file_that_is_not_xml_is_refused_with_a_clear_message(coordinator_client, cast, uploads, name):
    response = upload(coordinator_client, cast, name, TWICE_THE_SAME_ACTIVITY)

    assert response.status_code == 200
    assert (
        f"“{name}”: only IATI activity files in XML (ending in .xml) can be imported here." in response.content.decode()
    )
    assert not ImportJob.objects.exists()
    assert not uploads.exists() or not any(uploads.rglob("*"))


def test_file_over_the_size_limit_is_refused(coordinator_client, cast, settings):
    settings.IATI_UPLOAD_MAX_BYTES = 100

    response = upload(coordinator_client, cast, "large.xml", TWICE_THE_SAME_ACTIVITY)

    assert response.status_code == 200
    assert "files of at most 100" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_without_a_file_says_which_field_is_missing(coordinator_client, cast):
    response = coordinator_client.post(CREATE_URL, {"organisation": cast.eu_delegation_morocco.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_coordinator_cannot_upload_for_an_organisation_they_do_not_coordinate(coordinator_client, cast):
    response = coordinator_client.post(
        CREATE_URL,
        {
            "organisation": cast.german_interior.pk,
            "file": SimpleUploadedFile("a.xml", TWICE_THE_SAME_ACTIVITY),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert not ImportJob.objects.exists()


# -- files that go wrong ---------------------------------------------------


def test_malformed_file_ends_in_a_failed_job_naming_line_and_column(
    coordinator_client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(coordinator_client, cast, "broken.xml", MALFORMED)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.FAILED
    assert job.error_message.startswith("The file was refused: malformed XML at line 4, column")
    page = coordinator_client.get(job.get_absolute_url())
    assert page.status_code == 200
    assert "The import failed" in page.content.decode() and "malformed XML at line 4" in page.content.decode()
    assert not Engagement.objects.unrestricted("test").filter(iati_identifier="XM-PH-BROKEN").exists()


def test_billion_laughs_is_refused_without_expanding_anything(
    coordinator_client, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(coordinator_client, cast, "laughs.xml", BILLION_LAUGHS)

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert job.error_message == "The file was refused: DTDs and entity declarations are refused"
    assert job.report["activities_read"] == 0
    assert coordinator_client.get(job.get_absolute_url()).status_code == 200


def test_unexpected_error_marks_the_job_failed_with_a_readable_message(cast, monkeypatch):
    def broken_import(*args, **kwargs):
        raise RuntimeError("connection to the database lost")

    monkeypatch.setattr(tasks, "import_iati_files", broken_import)
    job = queued_job(cast)

    assert run_import_job.call(job.pk) == ImportJob.Status.FAILED

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert job.error_message == (
        "The import stopped on an unexpected error (RuntimeError). An administrator "
        "can read the details in the worker's log."
    )


def test_uploaded_file_gone_before_the_worker_ran_fails_the_job(cast):
    job = queued_job(cast)

    run_import_job.call(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.error_message == "The file was refused: no such file or folder"


# -- the task --------------------------------------------------------------


def test_finished_job_is_not_run_again(cast, monkeypatch, django_capture_on_commit_callbacks, coordinator_client):
    with django_capture_on_commit_callbacks(execute=True):
        upload(coordinator_client, cast, "twice.xml", TWICE_THE_SAME_ACTIVITY)
    job = ImportJob.objects.get()
    finished_at = job.finished_at
    calls = []
    monkeypatch.setattr(tasks, "import_iati_files", lambda *args, **kwargs: calls.append(args))

    assert run_import_job.call(job.pk) == "skipped"

    job.refresh_from_db()
    assert calls == [] and job.finished_at == finished_at and job.status == ImportJob.Status.DONE


def test_job_claimed_by_a_running_worker_is_not_started_twice(cast, monkeypatch):
    job = queued_job(cast, status=ImportJob.Status.RUNNING)
    monkeypatch.setattr(tasks, "import_iati_files", lambda *args, **kwargs: pytest.fail("ran twice"))

    assert run_import_job.call(job.pk) == "skipped"


def test_progress_is_written_once_a_second_or_every_thousand_activities_at_most(cast, uploads):
    job = queued_job(cast, status=ImportJob.Status.RUNNING)
    job.file_path.parent.mkdir(parents=True)
    now = [0.0]
    recorder = JobProgressRecorder(job, clock=lambda: now[0])
    writes = []
    job.write_live_progress = writes.append

    for activities in range(250, 2001, 250):  # batches of 250, read within a tenth of a second each
        now[0] += 0.1
        recorder(ImportProgress(job.file_path, 1, 1, activities * 10, 40_000, activities))
    now[0] += 1.0
    recorder(ImportProgress(job.file_path, 1, 1, 40_000, 40_000, 2100))

    assert [write.activities_read for write in writes] == [250, 1250, 2100]
    assert writes[-1] == JobProgress(0, 1, 2100, 40_000, 40_000, "activities.xml")


def test_progress_that_cannot_be_written_does_not_stop_the_import(cast, uploads):
    job = queued_job(cast, status=ImportJob.Status.RUNNING)  # its folder does not exist

    JobProgressRecorder(job)(ImportProgress(job.file_path, 1, 1, 10, 100, 5))

    assert job.progress() == JobProgress()


# -- who sees what ---------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client, cast):
    job = queued_job(cast)

    for url in (CREATE_URL, LIST_URL, job.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    assert client.post(CREATE_URL, {})["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["commission_desk_officer", "giz_viewer", "outsider", "superuser"])
def test_people_who_do_not_coordinate_get_a_page_saying_they_cannot_import(client, cast, persona):
    client.force_login(getattr(cast, persona))

    shown = client.get(CREATE_URL)
    posted = client.post(
        CREATE_URL, {"organisation": cast.commission.pk, "file": SimpleUploadedFile("a.xml", TWICE_THE_SAME_ACTIVITY)}
    )

    assert shown.status_code == posted.status_code == 403
    assert "You cannot import IATI files" in shown.content.decode()
    assert not ImportJob.objects.exists()


def test_administrator_of_an_organisation_may_upload(client, cast):
    client.force_login(make_user("commission.admin", cast.commission, Role.ADMINISTRATOR))

    response = client.get(CREATE_URL)

    assert response.status_code == 200
    assert list(response.context["form"].fields["organisation"].queryset) == [cast.commission]


def test_job_is_seen_by_its_starter_and_by_coordinators_of_its_organisation(client, cast):
    job = queued_job(cast)
    colleague = make_user("delegation.head", cast.eu_delegation_morocco, Role.ADMINISTRATOR)

    for person in (cast.coordinator, colleague):
        client.force_login(person)
        assert client.get(job.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "persona", ["other_coordinator", "same_organisation_editor", "german_ministry_editor", "superuser"]
)
def test_job_of_another_organisation_answers_404(client, cast, persona):
    people = {
        "other_coordinator": lambda: make_user("bmi.coordinator", cast.german_interior, Role.COORDINATOR),
        "same_organisation_editor": lambda: make_user("delegation.editor", cast.eu_delegation_morocco, Role.EDITOR),
    }
    person = people[persona]() if persona in people else getattr(cast, persona)
    job = queued_job(cast)
    client.force_login(person)

    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").status_code == 404


def test_starter_who_left_the_coordinator_role_still_sees_their_job(client, cast):
    editor = make_user("former.coordinator", cast.eu_delegation_morocco, Role.EDITOR)
    job = queued_job(cast, starter=editor)
    client.force_login(editor)

    assert client.get(job.get_absolute_url()).status_code == 200


def test_job_list_shows_own_and_organisation_jobs_in_few_queries(client, cast, django_assert_max_num_queries):
    colleague = make_user("delegation.head", cast.eu_delegation_morocco, Role.ADMINISTRATOR)
    mine = [queued_job(cast, original_name=f"mine-{n}.xml") for n in range(3)]
    colleagues = [
        queued_job(
            cast,
            starter=colleague,
            original_name=f"colleague-{n}.xml",
            status=ImportJob.Status.DONE,
            report={"created": 4, "updated": 1},
        )
        for n in range(3)
    ]
    german = make_user("bmi.coordinator", cast.german_interior, Role.COORDINATOR)
    queued_job(cast, starter=german, organisation=cast.german_interior, original_name="german.xml")
    client.force_login(cast.coordinator)

    # Session, user, count, page, rights, and the header's memberships: none per row.
    with django_assert_max_num_queries(7):
        response = client.get(LIST_URL)

    assert {job.pk for job in response.context["jobs"]} == {job.pk for job in mine + colleagues}
    assert "german.xml" not in response.content.decode()


# -- the page while the job runs -------------------------------------------


def test_polling_request_gets_the_status_block_only(coordinator_client, cast):
    job = queued_job(cast)

    response = coordinator_client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and "Import of" not in content
    assert content.strip().startswith("<section") and 'id="import-job-status"' in content
    assert 'hx-trigger="every 2s"' in content
    assert "HX-Request" in response["Vary"]


def test_finished_job_stops_the_polling(coordinator_client, cast):
    job = queued_job(
        cast, status=ImportJob.Status.DONE, report={"created": 1, "errors": []}, finished_at=timezone.now()
    )

    content = coordinator_client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()

    assert "hx-trigger" not in content and "Report" in content


def test_full_page_polls_its_status_block_while_the_job_waits(coordinator_client, cast):
    job = queued_job(cast)

    content = coordinator_client.get(job.get_absolute_url()).content.decode()

    assert "<html" in content and "Import of activities.xml" in content
    assert f'hx-get="{job.get_absolute_url()}"' in content


def test_running_job_shows_the_progress_the_worker_wrote(coordinator_client, cast):
    job = queued_job(cast, status=ImportJob.Status.RUNNING, started_at=timezone.now())
    job.file_path.parent.mkdir(parents=True)
    job.write_live_progress(JobProgress(0, 1, 1500, 25_000, 100_000, "activities.xml"))

    content = coordinator_client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()

    assert 'value="25"' in content and "1500 activities read so far." in content


def test_job_waiting_long_for_a_worker_says_a_worker_must_run(coordinator_client, cast):
    fresh = queued_job(cast)
    waiting = queued_job(cast)
    ImportJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    assert "Still waiting" not in coordinator_client.get(fresh.get_absolute_url()).content.decode()
    assert "Still waiting" in coordinator_client.get(waiting.get_absolute_url()).content.decode()


def test_running_job_silent_for_long_says_the_worker_may_have_stopped(coordinator_client, cast):
    job = queued_job(cast, status=ImportJob.Status.RUNNING, started_at=timezone.now() - timedelta(hours=1))

    content = coordinator_client.get(job.get_absolute_url()).content.decode()

    assert "No progress for a long time" in content


@needs_shared_data
def test_an_uploaded_file_is_named_as_sent_not_as_stored(tmp_path):
    """The data source of an upload carries the name the user sent, not the random one."""
    from partnerhub.iati.services import import_iati_files
    from partnerhub.registry.models import DataSource

    stored = tmp_path / "0decf25d-random.xml"
    stored.write_bytes(FOOD_SECURITY.read_bytes())

    import_iati_files([stored], keep_all=True, source_names={stored: "food-security.xml"})

    assert list(DataSource.objects.values_list("name", flat=True)) == ["food-security.xml"]
