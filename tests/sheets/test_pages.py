"""The upload page, the preview and the confirmation, as the people using them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnerhub.core.history import history_of
from partnerhub.registry.models import Engagement
from partnerhub.sheets.models import ImportBatch
from tests.sheets.builders import csv_bytes, engagement_row, rewritten_xlsx, xlsx_bytes
from tests.support.clients import logged_in

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("sheets:upload")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, organisation, data: bytes, name: str = "bmi.xlsx"):
    return client.post(UPLOAD_URL, {"organisation": organisation.pk, "file": SimpleUploadedFile(name, data)})


def uploaded_batch(client, cast, rows) -> ImportBatch:
    response = upload(logged_in(client, cast.german_ministry_editor), cast.german_interior, xlsx_bytes(rows))
    assert response.status_code == 302
    return ImportBatch.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def test_editor_uploads_previews_findings_then_confirms_and_history_is_written(client, cast):
    client = logged_in(client, cast.german_ministry_editor)
    page = client.get(UPLOAD_URL)
    assert page.status_code == 200
    assert reverse("sheets:template", args=["xlsx"]) in page.content.decode()

    rows = [engagement_row("BMI-1"), engagement_row("BMI-2", country_1="Moroco"), engagement_row("BMI-3", kind="")]
    response = upload(client, cast.german_interior, xlsx_bytes(rows))
    assert response.status_code == 302
    preview = client.get(response.url)
    html = preview.content.decode()
    assert "“Moroco” is not a country; did you mean Morocco (MAR)?" in html
    assert 'id="row-3"' in html and "<code>country_1</code>" in html
    assert "No kind" in html
    assert "Import 2 rows" in html
    assert not Engagement.objects.unrestricted("test").filter(owner=cast.german_interior).exists()

    batch = ImportBatch.objects.get()
    confirmed = client.post(reverse("sheets:batch_confirm", args=[batch.pk]), follow=True)
    assert "Imported: 2 new, 0 updated, 0 unchanged, 1 not imported." in confirmed.content.decode()
    engagements = Engagement.objects.unrestricted("test").filter(owner=cast.german_interior)
    assert sorted(engagements.values_list("external_reference", flat=True)) == ["BMI-1", "BMI-2"]
    for engagement in engagements:
        [created] = history_of(engagement)
        assert (created.action, created.user) == ("create", cast.german_ministry_editor)
    flagged = engagements.get(external_reference="BMI-2")
    assert flagged.import_findings[0]["field"] == "country_1"
    assert reverse("registry:engagement_detail", args=[flagged.pk]) in confirmed.content.decode()


def test_confirming_twice_imports_once(client, cast):
    batch = uploaded_batch(client, cast, [engagement_row("BMI-1")])
    url = reverse("sheets:batch_confirm", args=[batch.pk])
    client.post(url)
    again = client.post(url, follow=True)
    assert "This file was already imported." in again.content.decode()
    assert Engagement.objects.unrestricted("test").filter(external_reference="BMI-1").count() == 1


def test_another_user_can_neither_see_nor_confirm_the_batch(client, cast):
    batch = uploaded_batch(client, cast, [engagement_row("BMI-1")])
    client.logout()
    for intruder in (cast.french_ministry_editor, cast.coordinator, cast.superuser):
        logged_in(client, intruder)
        assert client.get(reverse("sheets:batch_preview", args=[batch.pk])).status_code == 404
        assert client.post(reverse("sheets:batch_confirm", args=[batch.pk])).status_code == 404
    assert not Engagement.objects.unrestricted("test").exists()
    assert ImportBatch.objects.get().stage == "previewed"


def test_viewer_gets_a_page_saying_why_they_cannot_import(client, cast):
    client = logged_in(client, cast.giz_viewer)
    response = client.get(UPLOAD_URL)
    assert response.status_code == 403
    assert "You cannot import engagements" in response.content.decode()
    posted = upload(client, cast.giz, xlsx_bytes([engagement_row()]))
    assert posted.status_code == 403
    assert not ImportBatch.objects.exists()


def test_editor_who_lost_the_role_before_confirming_gets_the_same_page(client, cast):
    batch = uploaded_batch(client, cast, [engagement_row("BMI-1")])
    cast.german_ministry_editor.memberships.update(role="viewer")
    response = client.post(reverse("sheets:batch_confirm", args=[batch.pk]))
    assert response.status_code == 403
    assert not Engagement.objects.unrestricted("test").exists()


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(UPLOAD_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_organisation_must_be_one_the_user_edits_for(client, cast):
    client = logged_in(client, cast.german_ministry_editor)
    response = upload(client, cast.french_foreign_affairs, xlsx_bytes([engagement_row()]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bmi.xlsm", xlsx_bytes([engagement_row()]), "Workbooks with macros are refused"),
        (
            "bmi.xlsx",
            rewritten_xlsx(xlsx_bytes([engagement_row()]), add={"xl/vbaProject.bin": b"x"}),
            "Workbooks with macros are refused",
        ),
        ("bmi.pdf", b"%PDF-1.7", "is neither an Excel workbook"),
        ("bmi.csv", b"reference;title\nR;T\n", "missing: kind"),
    ],
)
def test_refused_file_is_explained_next_to_the_file_field(client, cast, name, data, message):
    client = logged_in(client, cast.german_ministry_editor)
    response = upload(client, cast.german_interior, data, name=name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_oversized_upload_is_refused_with_the_limit(client, cast, settings):
    settings.SHEET_UPLOAD_MAX_BYTES = 2048
    client = logged_in(client, cast.german_ministry_editor)
    data = csv_bytes([engagement_row(f"BMI-{n}") for n in range(30)])
    response = upload(client, cast.german_interior, data, name="bmi.csv")
    assert response.status_code == 200
    assert "files up to 2.0\xa0KB are accepted" in response.content.decode()


def test_preview_page_reads_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    rows = [engagement_row(f"BMI-{n}", country_1="Moroco" if n % 2 else "MAR") for n in range(40)]
    batch = uploaded_batch(client, cast, rows)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("sheets:batch_preview", args=[batch.pk]))
    assert response.content.decode().count('id="row-') == 40


def test_templates_download_as_xlsx_and_csv(client, cast):
    client = logged_in(client, cast.giz_viewer)
    xlsx = client.get(reverse("sheets:template", args=["xlsx"]))
    assert xlsx["Content-Type"] == XLSX_TYPE
    assert 'filename="partnerhub-engagements-template.xlsx"' in xlsx["Content-Disposition"]
    csv_template = client.get(reverse("sheets:template", args=["csv"]))
    assert csv_template.content.decode("utf-8-sig").startswith("reference,title,")
    assert client.get(reverse("sheets:template", args=["pdf"])).status_code == 404


def test_checking_a_file_reads_the_registry_in_queries_independent_of_its_rows(
    client, cast, django_assert_max_num_queries
):
    cast.engagement(cast.german_interior, cast.german_ministry_editor, external_reference="BMI-3")
    client = logged_in(client, cast.german_ministry_editor)
    client.get(UPLOAD_URL)
    rows = [engagement_row(f"BMI-{n}", theme_1="" if n % 3 else "LEGAL-LABOUR") for n in range(60)]
    with django_assert_max_num_queries(14):
        response = upload(client, cast.german_interior, xlsx_bytes(rows))
    assert response.status_code == 302
    assert ImportBatch.objects.get().counts["updated"] == 1
