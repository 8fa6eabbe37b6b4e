"""An IATI upload writes only what the uploader's organisations own.

A French coordinator uploads files in which the German interior ministry
reports activities, one of them narrowed by the ministry to originator. The
upload changes nothing of the ministry's, never tells a hidden activity from a
missing one, and still imports what the French ministry reports itself.
"""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.urls import reverse

from partnerhub.access.models import Organisation, Role
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.iati.models import ImportJob
from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import DataSource, Engagement, EngagementLink
from partnerhub.registry.services import change_sharing_level
from tests.iati.documents import activity_xml, document_xml
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db

GERMAN_REF, GERMAN_NAME = "XM-PH-BMI", "Federal Ministry of the Interior (Germany)"
FRENCH_REF, FRENCH_NAME = "FR-6", "Ministry for Europe and Foreign Affairs (France)"
BY_REF, BY_NAME = (GERMAN_REF, "10", GERMAN_NAME), ("", "10", GERMAN_NAME)
FRENCH = (FRENCH_REF, "10", FRENCH_NAME)
HIDDEN, MISSING = f"{GERMAN_REF}-1", f"{GERMAN_REF}-2"
MONEY_AND_COUNTRY = """
  <recipient-country code="MA"/>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2023-02-01"/>
    <value currency="EUR" value-date="2023-02-01">500000</value></transaction>"""
OVERWRITING = """
  <recipient-country code="TN"/>
  <transaction><transaction-type code="2"/><transaction-date iso-date="2024-02-01"/>
    <value currency="EUR" value-date="2024-02-01">9999999</value></transaction>"""


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def publishers(cast):
    """The two ministries with their IATI organisation identifiers registered in the hub."""
    Organisation.objects.filter(pk=cast.german_interior.pk).update(iati_identifier=GERMAN_REF)
    Organisation.objects.filter(pk=cast.french_foreign_affairs.pk).update(iati_identifier=FRENCH_REF)
    return cast


@pytest.fixture
def hidden_german_record(publishers, iati_file):
    """The ministry's activity, imported from its own file and then narrowed to originator."""
    path = iati_file(
        "bmi.xml",
        activity_xml(HIDDEN, title="Return counselling in Morocco", reporting=BY_REF, parts=MONEY_AND_COUNTRY),
    )
    report = import_iati_files([path], keep_all=True)
    assert report.created == 1, report.as_dict()
    engagement = Engagement.objects.unrestricted("test").get(iati_identifier=HIDDEN)
    change_sharing_level(engagement, SharingLevel.ORIGINATOR, acting_user=publishers.german_ministry_editor)
    return Engagement.objects.unrestricted("test").get(pk=engagement.pk)


@pytest.fixture
def french_coordinator(publishers):
    return make_user("meae.coordinator", publishers.french_foreign_affairs, Role.COORDINATOR)


def upload_as(client, person, organisation, *activities: str, capture) -> ImportJob:
    client.force_login(person)
    content = document_xml(*activities).encode()
    with capture(execute=True):
        response = client.post(
            reverse("iati:import_job_create"),
            {
                "organisation": organisation.pk,
                "file": SimpleUploadedFile("upload.xml", content),
                "keep_all": "on",
            },
        )
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.DONE, job.error_message
    return job


def state_of_the_hub() -> dict:
    """Everything an upload could have written, in a comparable form."""
    engagements = Engagement.objects.unrestricted("test")
    return {
        "engagements": [model_to_dict(e) | {"updated_at": e.updated_at} for e in engagements.order_by("pk")],
        "countries": sorted(engagements.values_list("iati_identifier", "country_shares__country__iso3")),
        "money": sorted(engagements.values_list("iati_identifier", "money_lines__amount")),
        "organisations": sorted(Organisation.objects.values_list("pk", "name", "iati_identifier")),
        "history": ObjectChange.objects.count(),
    }


def reasons_by_identifier(job: ImportJob) -> dict[str, str]:
    return {problem["iati_identifier"]: problem["reason"] for problem in job.report["errors"]}


def test_the_french_coordinator_cannot_see_the_german_record(hidden_german_record, french_coordinator):
    assert not Engagement.objects.visible_to(french_coordinator).filter(pk=hidden_german_record.pk).exists()


@pytest.mark.parametrize("reporting", [BY_REF, BY_NAME], ids=["by-ref", "by-name-only"])
def test_upload_reported_by_another_ministry_changes_nothing(
    client, publishers, hidden_german_record, french_coordinator, reporting, django_capture_on_commit_callbacks
):
    before = state_of_the_hub()

    job = upload_as(
        client,
        french_coordinator,
        publishers.french_foreign_affairs,
        activity_xml(HIDDEN, title="Overwritten title", reporting=reporting, parts=OVERWRITING),
        activity_xml(MISSING, title="A new German record", reporting=reporting, parts=OVERWRITING),
        capture=django_capture_on_commit_callbacks,
    )

    assert state_of_the_hub() == before
    assert {key: job.report[key] for key in ("created", "updated", "unchanged", "skipped")} == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "skipped": 2,
    }
    reasons = reasons_by_identifier(job)
    assert reasons.keys() == {HIDDEN, MISSING}
    assert reasons[HIDDEN] == reasons[MISSING], "a hidden record and a missing one read the same"
    assert GERMAN_NAME in reasons[HIDDEN] and reasons[HIDDEN].startswith("not imported")


def test_page_of_the_refused_upload_names_each_activity_and_never_unchanged(
    client, publishers, hidden_german_record, french_coordinator, django_capture_on_commit_callbacks
):
    job = upload_as(
        client,
        french_coordinator,
        publishers.french_foreign_affairs,
        activity_xml(HIDDEN, reporting=BY_REF),
        activity_xml(MISSING, reporting=BY_REF),
        capture=django_capture_on_commit_callbacks,
    )

    page = client.get(job.get_absolute_url()).content.decode()
    assert HIDDEN in page and MISSING in page and GERMAN_REF in page
    assert "<dt>Unchanged</dt><dd>0</dd>" in page.replace("\n", "").replace("  ", "")


def test_own_reporting_org_cannot_claim_an_identifier_registered_to_another(
    client, publishers, hidden_german_record, french_coordinator, django_capture_on_commit_callbacks
):
    before = state_of_the_hub()

    job = upload_as(
        client,
        french_coordinator,
        publishers.french_foreign_affairs,
        activity_xml(HIDDEN, reporting=FRENCH, parts=OVERWRITING),
        activity_xml(MISSING, reporting=FRENCH, parts=OVERWRITING),
        capture=django_capture_on_commit_callbacks,
    )

    assert state_of_the_hub() == before
    reasons = reasons_by_identifier(job)
    assert reasons[HIDDEN] == reasons[MISSING] and FRENCH_REF in reasons[HIDDEN]
    assert job.report["unchanged"] == 0


def test_unknown_reporting_org_is_refused_and_creates_no_organisation(
    client, publishers, french_coordinator, django_capture_on_commit_callbacks
):
    before = state_of_the_hub()
    unknown = ("", "10", "Ministry of Migration (Nowhere)")

    job = upload_as(
        client,
        french_coordinator,
        publishers.french_foreign_affairs,
        activity_xml("XM-PH-NOWHERE-1", reporting=unknown, parts=MONEY_AND_COUNTRY),
        capture=django_capture_on_commit_callbacks,
    )

    assert state_of_the_hub() == before
    assert "Ministry of Migration (Nowhere)" in reasons_by_identifier(job)["XM-PH-NOWHERE-1"]


def test_the_uploaders_own_activities_still_import_beside_the_refused_ones(
    client, publishers, hidden_german_record, french_coordinator, django_capture_on_commit_callbacks
):
    french_by_name = ("", "10", FRENCH_NAME)
    activities = (
        activity_xml(HIDDEN, reporting=BY_REF, parts=OVERWRITING),
        activity_xml(f"{FRENCH_REF}-1", reporting=FRENCH, parts=MONEY_AND_COUNTRY),
        activity_xml(f"{FRENCH_REF}-2", reporting=french_by_name, parts=MONEY_AND_COUNTRY),
    )
    job = upload_as(
        client,
        french_coordinator,
        publishers.french_foreign_affairs,
        *activities,
        capture=django_capture_on_commit_callbacks,
    )

    assert (job.report["created"], job.report["skipped"]) == (2, 1)
    owners = dict(
        Engagement.objects.unrestricted("test")
        .filter(iati_identifier__startswith=FRENCH_REF)
        .values_list("iati_identifier", "owner")
    )
    assert owners == {
        f"{FRENCH_REF}-1": publishers.french_foreign_affairs.pk,
        f"{FRENCH_REF}-2": publishers.french_foreign_affairs.pk,
    }

    again = upload_as(
        client,
        french_coordinator,
        publishers.french_foreign_affairs,
        *activities,
        capture=django_capture_on_commit_callbacks,
    )
    assert (again.report["created"], again.report["unchanged"], again.report["skipped"]) == (0, 2, 1), (
        "only the uploader's own records count as unchanged"
    )


def test_own_record_under_an_older_identifier_is_updated(
    client, publishers, iati_file, french_coordinator, django_capture_on_commit_callbacks
):
    """An identifier outside the registered prefix is accepted for a record the ministry already owns."""
    path = iati_file(
        "old.xml",
        activity_xml("XM-PH-OLD-PREFIX-1", reporting=FRENCH, title="Old title", last_updated="2023-01-01T00:00:00Z"),
    )
    import_iati_files([path], keep_all=True)

    job = upload_as(
        client,
        french_coordinator,
        publishers.french_foreign_affairs,
        activity_xml("XM-PH-OLD-PREFIX-1", reporting=FRENCH, title="New title", last_updated="2024-01-01T00:00:00Z"),
        capture=django_capture_on_commit_callbacks,
    )

    assert job.report["updated"] == 1
    assert Engagement.objects.unrestricted("test").get(iati_identifier="XM-PH-OLD-PREFIX-1").title == "New title"


def test_a_job_whose_uploader_is_gone_imports_nothing(publishers, iati_file, settings):
    from partnerhub.iati.tasks import run_import_job

    path = settings.UPLOAD_DIR / "iati" / "gone.xml"
    path.parent.mkdir(parents=True)
    path.write_text(document_xml(activity_xml(f"{GERMAN_REF}-9", reporting=BY_REF)))
    job = ImportJob.objects.create(
        started_by=None, organisation=publishers.german_interior, stored_name="iati/gone.xml", original_name="gone.xml"
    )

    assert run_import_job.call(job.pk) == ImportJob.Status.FAILED
    assert not Engagement.objects.unrestricted("test").filter(iati_identifier=f"{GERMAN_REF}-9").exists()


# -- the terminal command --------------------------------------------------


def test_operator_at_the_terminal_imports_for_every_publisher(publishers, iati_file):
    path = iati_file("german.xml", activity_xml(MISSING, reporting=BY_REF))

    call_command("import-iati", str(path), "--all", stdout=StringIO())

    assert Engagement.objects.unrestricted("test").get(iati_identifier=MISSING).owner == publishers.german_interior


def test_command_with_a_user_applies_the_rule_of_the_upload_page(
    publishers, hidden_german_record, french_coordinator, iati_file
):
    before = state_of_the_hub()
    path = iati_file(
        "german.xml",
        activity_xml(HIDDEN, reporting=BY_REF, parts=OVERWRITING),
        activity_xml(MISSING, reporting=BY_REF, parts=OVERWRITING),
    )
    output = StringIO()

    call_command("import-iati", str(path), "--all", "--user", "meae.coordinator", stdout=output)

    assert state_of_the_hub() == before
    lines = [line.split(": ", 1)[1] for line in output.getvalue().splitlines() if line.startswith(str(path))]
    assert len(lines) == 2 and lines[0] == lines[1]


def test_command_with_an_unknown_user_refuses_to_start(publishers, iati_file):
    path = iati_file("german.xml", activity_xml(MISSING, reporting=BY_REF))

    with pytest.raises(CommandError, match="no active user named nobody"):
        call_command("import-iati", str(path), "--user", "nobody", stdout=StringIO())
    assert not Engagement.objects.unrestricted("test").exists()


# -- what an upload touches besides engagements ----------------------------


def test_upload_named_like_another_organisations_file_leaves_that_source_alone(
    client, publishers, hidden_german_record, french_coordinator, django_capture_on_commit_callbacks
):
    german_source = DataSource.objects.get(name="bmi.xml")
    before = (german_source.publisher_id, german_source.last_refreshed_at)
    client.force_login(french_coordinator)
    content = document_xml(activity_xml(f"{FRENCH_REF}-1", reporting=FRENCH)).encode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("iati:import_job_create"),
            {
                "organisation": publishers.french_foreign_affairs.pk,
                "file": SimpleUploadedFile("bmi.xml", content),
                "keep_all": "on",
            },
        )

    german_source.refresh_from_db()
    assert (german_source.publisher_id, german_source.last_refreshed_at) == before
    french = Engagement.objects.unrestricted("test").get(iati_identifier=f"{FRENCH_REF}-1")
    assert french.source != german_source and french.source.publisher == publishers.french_foreign_affairs


def test_upload_does_not_restore_links_on_another_organisations_records(publishers, french_coordinator, iati_file):
    related = f'<related-activity ref="{GERMAN_REF}-3" type="1"/>'
    german_part = activity_xml(HIDDEN, reporting=BY_REF, parts=related)
    path = iati_file(
        "mixed.xml",
        activity_xml(f"{FRENCH_REF}-1", reporting=FRENCH),
        activity_xml(f"{FRENCH_REF}-2", reporting=FRENCH),
        german_part,
        activity_xml(f"{GERMAN_REF}-3", reporting=BY_REF),
    )
    import_iati_files([path], keep_all=True)
    removed, _count = EngagementLink.objects.unrestricted("test").filter(source__iati_identifier=HIDDEN).delete()
    assert removed == 1, "the ministry removed the link the publisher stated"

    import_iati_files([path], keep_all=True, acting_user=french_coordinator)

    assert not EngagementLink.objects.unrestricted("test").filter(source__iati_identifier=HIDDEN).exists()
