"""Exports of the matching: one row per suggestion with its explanation, the viewer's visibility, and
a large export run as a job served only to the user who asked."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from partnerhub.talent.match_exports import HEADER, run_match_export
from partnerhub.talent.models import MatchExport
from tests.support.clients import client_for
from tests.talent import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurses(cast):
    builders.without_safeguard_lists()
    builders.who_2023_list()
    need = builders.need(cast.german_interior, "DEU", "2221", 100, languages="de")
    builders.supply(cast.moroccan_interior, "MAR", "2221", workers=80, languages="de")
    builders.supply(cast.iom, "NGA", "2221", workers=300, languages="en")
    builders.supply(cast.french_foreign_affairs, "TUN", "2221", workers=999, sharing_level="originator")
    return need


def csv_rows(response) -> list[dict[str, str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content)))


def test_the_csv_has_a_row_per_suggestion_with_its_explanation(cast, nurses):
    response = client_for(cast.german_ministry_editor).get(reverse("talent:match_export", args=["csv"]))
    assert response.status_code == 200
    rows = csv_rows(response)
    assert [(r["partner_iso3"], r["rank"], r["status"]) for r in rows] == [
        ("MAR", "1", "ranked"),
        ("NGA", "", "blocked"),
    ]
    assert rows[0]["volume_fit"] == "0.8" and rows[0]["score_before_safeguards"] == rows[0]["score"]
    assert "WHO SSL 2023" in rows[1]["safeguards"]


def test_the_export_never_holds_what_the_viewer_may_not_see(cast, nurses):
    german = csv_rows(client_for(cast.german_ministry_editor).get(reverse("talent:match_export", args=["csv"])))
    assert "TUN" not in {row["partner_iso3"] for row in german}
    french = csv_rows(client_for(cast.french_ministry_editor).get(reverse("talent:match_export", args=["csv"])))
    assert "TUN" in {row["partner_iso3"] for row in french}


def test_the_xlsx_of_the_supply_side(cast, nurses):
    response = client_for(cast.german_ministry_editor).get(
        reverse("talent:match_supply_export", args=["xlsx"]), {"country": "MAR"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert list(rows[0]) == HEADER
    assert [(row[1], row[6]) for row in rows[1:]] == [("Germany", "MAR")]


def test_a_large_export_runs_as_a_job_served_to_its_requester_only(cast, nurses, settings):
    settings.PARTNERHUB_TALENT_EXPORT_JOB_THRESHOLD = 1
    client = client_for(cast.german_ministry_editor)
    response = client.get(reverse("talent:match_export", args=["csv"]), {"occupation": "22"})
    job = MatchExport.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.started_by, job.filters, job.status) == (cast.german_ministry_editor, {"occupation": "22"}, "queued")
    assert "Waiting to start" in client.get(job.get_absolute_url()).content.decode()
    run_match_export.call(job.pk)
    job.refresh_from_db()
    assert job.status == "done"
    download = client.get(reverse("talent:match_export_download", args=[job.pk]))
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [row["partner_iso3"] for row in rows] == ["MAR", "NGA"]
    other = client_for(cast.french_ministry_editor)
    assert other.get(job.get_absolute_url()).status_code == 404
    assert other.get(reverse("talent:match_export_download", args=[job.pk])).status_code == 404


def test_an_unknown_side_or_format_is_404(cast, nurses):
    client = client_for(cast.german_ministry_editor)
    assert client.get(reverse("talent:match_export", args=["pdf"])).status_code == 404
    assert client.get("/talent/matching/both.csv").status_code == 404
