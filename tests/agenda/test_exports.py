"""The meeting list as CSV and XLSX: the list page's rows (its filters, what the reader may see, from
today on), read back with the csv module and openpyxl; ISO 8601 times in the meeting's time zone."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.agenda.factories import counterpart, meeting
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def calendar(cast):
    soon = datetime(2027, 6, 15, 9, 0, tzinfo=UTC)
    meeting(
        cast.german_interior,
        cast.german_ministry_editor,
        title="BMI return talks",
        starts_at=soon,
        time_zone="Africa/Tunis",
        place='=HYPERLINK("http://evil")',
        with_counterpart=counterpart(),
        participants=[cast.giz],
        themes=("RETURN-REINTEGRATION", "DEV-REMIT"),
    )
    meeting(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="MEAE confidential visit",
        starts_at=soon,
        sharing_level="originator",
    )
    meeting(cast.commission, cast.commission_desk_officer, title="Tunisia dialogue", starts_at=soon, iso3="TUN")
    meeting(
        cast.commission,
        cast.commission_desk_officer,
        title="Last year's dialogue",
        starts_at=timezone.now() - timedelta(days=30),
    )


def csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_holds_the_list_pages_meetings_with_iso_times_in_their_zone(cast, calendar):
    response = client_for(cast.german_ministry_editor).get("/agenda/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = {row["title"]: row for row in csv_rows(response)}
    assert set(rows) == {"BMI return talks", "Tunisia dialogue"}
    bmi = rows["BMI return talks"]
    # 09:00 UTC is 10:00 in Tunis (UTC+1, no summer time).
    assert (bmi["starts_at"], bmi["ends_at"], bmi["time_zone"]) == (
        "2027-06-15T10:00:00+01:00",
        "2027-06-15T12:00:00+01:00",
        "Africa/Tunis",
    )
    assert (bmi["country"], bmi["status"], bmi["kind"], bmi["sharing_level"]) == ("MAR", "tentative", "mission", "eu")
    assert bmi["themes"] == "DEV-REMIT; RETURN-REINTEGRATION"
    assert bmi["participants"] == "Deutsche Gesellschaft für Internationale Zusammenarbeit"
    assert bmi["organiser"] == "Federal Ministry of the Interior (Germany)"
    assert bmi["place"].startswith("'="), "a formula is kept as text"
    assert bmi["url"].endswith(f"/agenda/meetings/{bmi['id']}/")


def test_the_filters_of_the_page_apply(cast, calendar):
    rows = csv_rows(client_for(cast.german_ministry_editor).get("/agenda/export.csv", {"country": "TUN"}))
    assert [row["title"] for row in rows] == ["Tunisia dialogue"]


def test_the_xlsx_holds_the_same_rows(cast, calendar):
    response = client_for(cast.coordinator).get("/agenda/export.xlsx", {"country": "MAR"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert header[:6] == ["id", "uid", "title", "kind", "status", "starts_at"]
    assert [row[header.index("title")] for row in rows] == ["BMI return talks"]
    assert rows[0][header.index("starts_at")] == "2027-06-15T10:00:00+01:00"


def test_hidden_and_past_meetings_are_never_exported_and_other_formats_are_404(cast, calendar):
    client = client_for(cast.german_ministry_editor)
    body = b"".join(client.get("/agenda/export.csv").streaming_content).decode()
    assert "MEAE confidential visit" not in body and "Last year's dialogue" not in body
    assert client.get("/agenda/export.pdf").status_code == 404
    assert client_for(None).get("/agenda/export.csv").status_code == 302


def test_the_export_reads_the_meetings_in_a_fixed_number_of_queries(cast, calendar, django_assert_max_num_queries):
    client = client_for(cast.coordinator)
    for index in range(10):
        meeting(
            cast.commission,
            cast.commission_desk_officer,
            title=f"Visit {index}",
            starts_at=timezone.now() + timedelta(days=index + 1),
        )
    with django_assert_max_num_queries(10):
        rows = csv_rows(client.get("/agenda/export.csv"))
    assert len(rows) == 12
