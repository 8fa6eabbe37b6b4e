"""The lesson pages: the list with its filters (HTMX, pages, bounded queries), the detail page, the forms, the
exports; and the lessons blocks on the country profile, the pillar page and the engagement page, each showing
only the lessons the reader may see."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from partnerhub.knowledge.lesson_services import add_attachment
from partnerhub.knowledge.models import Lesson
from partnerhub.registry.models import Theme
from tests.knowledge.documents import docx_bytes
from tests.knowledge.factories import lesson_for, outcome_for
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def lessons(cast):
    return {
        "morocco": lesson_for(cast, title="Moroccan return counselling", countries=("MAR",), themes=("RETURN",)),
        "tunisia": lesson_for(
            cast,
            title="Tunisian skills pilot",
            kind="pilot",
            countries=("TUN",),
            themes=("LEGAL-SKILLS",),
            impact="low",
            who_should_act="partner_authorities",
            dated=date(2023, 6, 1),
        ),
        "hidden": lesson_for(cast, title="German internal note", sharing_level="originator"),
    }


def listed(response) -> set[str]:
    return {lesson.title for lesson in response.context["lessons"]}


def test_the_list_shows_only_visible_lessons_and_filters_them(cast, lessons, django_assert_max_num_queries):
    client = client_for(cast.french_ministry_editor)
    with django_assert_max_num_queries(14):
        response = client.get("/knowledge/lessons/")
    assert listed(response) == {"Moroccan return counselling", "Tunisian skills pilot"}
    assert "German internal note" not in response.content.decode()
    assert listed(client.get("/knowledge/lessons/", {"kind": "pilot"})) == {"Tunisian skills pilot"}
    assert listed(client.get("/knowledge/lessons/", {"country": "MAR"})) == {"Moroccan return counselling"}
    # A pillar includes the themes below it.
    assert listed(client.get("/knowledge/lessons/", {"theme": "LEGAL"})) == {"Tunisian skills pilot"}
    assert listed(client.get("/knowledge/lessons/", {"impact": "low"})) == {"Tunisian skills pilot"}
    assert listed(client.get("/knowledge/lessons/", {"who_should_act": "partner_authorities"})) == {
        "Tunisian skills pilot"
    }
    assert listed(client.get("/knowledge/lessons/", {"date_from": "2024-01-01"})) == {"Moroccan return counselling"}
    assert listed(client.get("/knowledge/lessons/", {"date_to": "2023-12-31"})) == {"Tunisian skills pilot"}
    assert listed(client.get("/knowledge/lessons/", {"text": "skills"})) == {"Tunisian skills pilot"}
    # The owner's own people see the originator lesson.
    assert "German internal note" in listed(client_for(cast.german_ministry_editor).get("/knowledge/lessons/"))


def test_the_text_filter_reads_the_documents_too(cast, lessons):
    add_attachment(
        lessons["tunisia"],
        "report.docx",
        docx_bytes("Apprenticeships in Sfax"),
        acting_user=cast.german_ministry_editor,
    )
    client = client_for(cast.french_ministry_editor)
    assert listed(client.get("/knowledge/lessons/", {"text": "Sfax"})) == {"Tunisian skills pilot"}


def test_a_bad_filter_is_reported_and_the_others_applied(cast, lessons):
    response = client_for(cast.french_ministry_editor).get(
        "/knowledge/lessons/", {"kind": "pilot", "date_from": "2020-01-01", "date_to": "2019-01-01"}
    )
    assert response.status_code == 200
    assert "Some filters were not applied" in response.content.decode()
    assert listed(response) == {"Tunisian skills pilot"}


def test_htmx_gets_the_rows_only_and_the_list_is_paginated(cast, settings, django_assert_max_num_queries):
    settings.PAGE_SIZE = 3
    for number in range(7):
        lesson_for(cast, title=f"Lesson number {number}")
    client = client_for(cast.french_ministry_editor)
    with django_assert_max_num_queries(14):
        response = client.get("/knowledge/lessons/", {"page": 3}, headers={"HX-Request": "true"})
    assert listed(response) == {"Lesson number 0"}
    assert "<html" not in response.content.decode()
    assert "7 lessons found" in response.content.decode()


def test_the_detail_page_shows_every_field_figures_documents_and_history(cast):
    evaluation = lesson_for(cast, title="Final evaluation of the return programme", kind="evaluation")
    outcome_for(cast, evaluation, label="Returnees in work after a year", target="50")
    add_attachment(evaluation, "evaluation.docx", docx_bytes("x"), acting_user=cast.german_ministry_editor)
    client = client_for(cast.french_ministry_editor)
    page = client.get(evaluation.get_absolute_url()).content.decode()
    for text in (
        "Final evaluation of the return programme",
        "Counselling in the host country before departure.",
        "Returnees arrived with a plan.",
        "Referrals to local employers were slow.",
        "A partner NGO present in both countries.",
        "Start counselling three months before return.",
        "Fund counselling in the host country.",
        "Member States",
        "Returnees in work after a year",
        "50.00",
        "evaluation.docx",
        "Change history",
    ):
        assert text in page, text
    assert "Edit the lesson" not in page


def test_an_editor_records_a_lesson_through_the_form(cast):
    client = client_for(cast.german_ministry_editor)
    assert client.get("/knowledge/lessons/new/").status_code == 200
    morocco = 0
    from partnerhub.geo.models import Country

    morocco = Country.objects.get(iso3="MAR").pk
    response = client.post(
        "/knowledge/lessons/new/",
        {
            "owner": cast.german_interior.pk,
            "kind": "lesson",
            "title": "Joint labour market analysis first",
            "dated": "2025-05-02",
            "countries": [morocco],
            "themes": [Theme.objects.get(code="LEGAL-LABOUR").pk],
            "impact": "medium",
            "who_should_act": "eu_delegations",
            "sharing_level": "eu",
            "what_to_change": "Start with the analysis.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    lesson = Lesson.objects.unrestricted("test").get(title="Joint labour market analysis first")
    assert response["Location"] == lesson.get_absolute_url()
    assert lesson.who_should_act == "eu_delegations" and lesson.created_by == cast.german_ministry_editor
    # Without a title the form says so next to the field.
    response = client.post("/knowledge/lessons/new/", {"owner": cast.german_interior.pk, "kind": "lesson"})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    # A viewer without an editing role may not record lessons.
    assert client_for(cast.giz_viewer).get("/knowledge/lessons/new/").status_code == 403


def test_the_exports_hold_the_visible_filtered_lessons(cast, lessons):
    client = client_for(cast.french_ministry_editor)
    response = client.get("/knowledge/lessons.csv", {"country": "TUN"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["Tunisian skills pilot"]
    assert rows[0]["countries"] == "TUN" and rows[0]["themes"] == "LEGAL-SKILLS" and rows[0]["impact"] == "low"
    workbook = load_workbook(io.BytesIO(client.get("/knowledge/lessons.xlsx").content))
    titles = {row[2] for row in workbook.active.iter_rows(min_row=2, values_only=True)}
    assert titles == {"Moroccan return counselling", "Tunisian skills pilot"}
    assert client.get("/knowledge/lessons.pdf").status_code == 404


def test_the_country_profile_shows_the_visible_lessons_about_the_country(cast, lessons, django_assert_max_num_queries):
    lesson_for(cast, title="Secret Moroccan lesson", sharing_level="originator")
    client = client_for(cast.french_ministry_editor)
    page = client.get("/countries/MAR/").content.decode()
    assert "Moroccan return counselling" in page
    assert "Secret Moroccan lesson" not in page and "Tunisian skills pilot" not in page
    assert "/knowledge/lessons/?country=MAR" in page
    assert "Secret Moroccan lesson" in client_for(cast.german_ministry_editor).get("/countries/MAR/").content.decode()
    # More lessons do not cost more queries on the profile (each measured once its figures are kept).
    with django_assert_max_num_queries(120) as few:
        client.get("/countries/MAR/")
    queries = len(few)  # read now: the next request empties the connection's log
    for number in range(6):
        lesson_for(cast, title=f"More about Morocco {number}")
    client.get("/countries/MAR/")
    with django_assert_max_num_queries(queries):
        client.get("/countries/MAR/")


def test_the_pillar_page_shows_lessons_on_the_theme_and_below(cast, lessons):
    client = client_for(cast.french_ministry_editor)
    page = client.get("/team-europe/pillars/LEGAL/").content.decode()
    assert "Tunisian skills pilot" in page and "Moroccan return counselling" not in page
    assert "German internal note" not in page
    assert "/knowledge/lessons/?theme=LEGAL" in page


def test_the_engagement_page_shows_the_visible_lessons_drawn_from_it(cast, django_assert_max_num_queries):
    engagement = cast.engagement(cast.german_interior, cast.german_ministry_editor, title="Return programme")
    lesson_for(cast, title="Open lesson from the programme", engagements=[engagement])
    lesson_for(cast, title="Closed lesson from the programme", engagements=[engagement], sharing_level="originator")
    client = client_for(cast.french_ministry_editor)
    page = client.get(engagement.get_absolute_url()).content.decode()
    assert "Lessons from this engagement" in page
    assert "Open lesson from the programme" in page and "Closed lesson from the programme" not in page
    with django_assert_max_num_queries(60) as few:
        client.get(engagement.get_absolute_url())
    queries = len(few)  # read now: the next request empties the connection's log
    for number in range(5):
        lesson_for(cast, title=f"Another lesson {number}", engagements=[engagement])
    client.get(engagement.get_absolute_url())
    with django_assert_max_num_queries(queries):
        client.get(engagement.get_absolute_url())
