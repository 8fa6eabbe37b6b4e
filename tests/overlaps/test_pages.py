"""The overlap pages: the list to review, one pair side by side with its review, runs per country,
and the summary on the country profile. Built on the planted portfolio of test_finder.py."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from partnerhub.core.models import Event
from partnerhub.overlaps.finder import find_overlaps
from partnerhub.overlaps.models import OverlapPair, OverlapRun
from partnerhub.overlaps.queries import overlaps_for_country
from partnerhub.overlaps.services import decide_overlap
from tests.overlaps.test_finder import (
    AFD_TEXT,
    AFD_TITLE,
    GIZ_TEXT,
    GIZ_TITLE,
    edit,
    morocco,
    pair_of,
    plant,
    record,
)
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

LIST_URL = reverse("overlaps:overlap_list")


def detail_url(pair: OverlapPair) -> str:
    return reverse("overlaps:overlap_detail", args=[pair.pk])


def run_url(iso3: str = "MAR") -> str:
    return reverse("overlaps:overlap_country_run", args=[iso3])


def listed(response) -> list[OverlapPair]:
    return list(response.context["pairs"])


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def planted(cast):
    return plant(cast)


@pytest.fixture
def found(planted):
    find_overlaps()
    return planted


# -- the list ---------------------------------------------------------------------


def test_the_coordinator_sees_the_pairs_to_review_best_first(cast, found, django_assert_max_num_queries):
    client = client_for(cast.coordinator)
    client.get(LIST_URL)  # sessions and the like, once
    with django_assert_max_num_queries(8):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert listed(response)[0] == pair_of(found.giz, found.afd) and len(listed(response)) == 3
    page = response.content.decode()
    assert "3 pairs found" in page and GIZ_TITLE in page and AFD_TITLE in page
    assert "same country Morocco, theme Sustainable reintegration, 2024–2025 overlap" in page


def test_the_query_count_of_the_list_does_not_grow_with_the_pairs(cast, found, django_assert_max_num_queries):
    authors = [
        (cast.french_foreign_affairs, cast.french_ministry_editor),
        (cast.iom, cast.iom_officer),
        (cast.german_interior, cast.german_ministry_editor),
        (found.afd_agency, found.afd_editor),
    ]
    for number in range(12):
        owner, author = authors[number % len(authors)]
        record(owner, author, f"{GIZ_TITLE} {number}", GIZ_TEXT)
    find_overlaps()
    assert OverlapPair.objects.unrestricted("test").count() > 25
    client = client_for(cast.coordinator)
    client.get(LIST_URL)
    with django_assert_max_num_queries(8):
        response = client.get(LIST_URL)
    assert len(listed(response)) == 25


def test_filters_narrow_the_list_and_reviewed_pairs_leave_the_default_view(cast, found):
    decide_overlap(pair_of(found.giz, found.afd), "duplicate", acting_user=cast.coordinator)
    client = client_for(cast.coordinator)

    assert pair_of(found.giz, found.afd) not in listed(client.get(LIST_URL))
    assert listed(client.get(LIST_URL, {"decision": "duplicate"})) == [pair_of(found.giz, found.afd)]
    assert len(listed(client.get(LIST_URL, {"decision": "all"}))) == 3
    assert listed(client.get(LIST_URL, {"decision": "all", "country": "TUN"})) == []
    strong = listed(client.get(LIST_URL, {"decision": "all", "min_score": "0.8"}))
    assert strong == [pair_of(found.giz, found.afd)]


def test_a_wrong_filter_is_named_and_the_others_still_apply(cast, found):
    response = client_for(cast.coordinator).get(LIST_URL, {"min_score": "7", "country": "MAR"})
    assert response.status_code == 200
    assert "min_score" in response.context["form"].errors
    assert "Some filters were not applied" in response.content.decode()
    assert len(listed(response)) == 3


def test_the_list_answers_htmx_with_its_rows_only(cast, found):
    response = client_for(cast.coordinator).get(LIST_URL, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert "3 pairs found" in response.content.decode()


def test_visitors_are_asked_to_log_in(found, client):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


# -- confidentiality --------------------------------------------------------------------


@pytest.fixture
def secret_pair(cast, found):
    """GIZ's own originator-level copy of the French project, paired with the French one."""
    secret = record(cast.giz, found.giz_editor, "SECRET GIZ copy " + AFD_TITLE, AFD_TEXT, sharing_level="originator")
    find_overlaps()
    return pair_of(secret, found.afd)


@pytest.mark.parametrize(
    "persona",
    [
        "coordinator",
        "french_embassy_viewer",
        "commission_desk_officer",
        "moroccan_ministry_user",
        "german_ministry_editor",
        "superuser",
        "outsider",
    ],
)
def test_a_pair_with_an_originator_side_does_not_exist_for_others(cast, secret_pair, persona):
    client = client_for(getattr(cast, persona))
    assert secret_pair is not None
    assert client.get(detail_url(secret_pair)).status_code == 404
    assert client.post(detail_url(secret_pair), {"decision": "duplicate"}).status_code == 404
    page = client.get(LIST_URL, {"decision": "all"}).content.decode()
    assert "SECRET GIZ copy" not in page
    assert OverlapPair.objects.unrestricted("test").get(pk=secret_pair.pk).decision == "pending"


def test_the_owner_of_the_hidden_side_sees_the_pair_and_the_view_is_logged(cast, secret_pair):
    response = client_for(cast.giz_viewer).get(detail_url(secret_pair))
    assert response.status_code == 200 and "SECRET GIZ copy" in response.content.decode()
    assert Event.objects.filter(
        name="engagement.viewed",
        object_id=secret_pair.first_id if "SECRET" in secret_pair.first.title else secret_pair.second_id,
    ).exists()


def test_partner_country_users_see_partner_level_pairs_without_the_reviewers_notes(cast, found):
    for engagement, author in ((found.giz, found.giz_editor), (found.afd, found.afd_editor)):
        edit(engagement, author, sharing_level="partner")
    decide_overlap(pair_of(found.giz, found.afd), "duplicate", note="CONFIDENTIAL-NOTE", acting_user=cast.coordinator)
    response = client_for(cast.moroccan_ministry_user).get(detail_url(pair_of(found.giz, found.afd)))
    page = response.content.decode()
    assert response.status_code == 200 and "Duplicate" in page
    assert "CONFIDENTIAL-NOTE" not in page and "presidency.coordinator" not in page
    assert (
        "CONFIDENTIAL-NOTE"
        in client_for(cast.french_embassy_viewer).get(detail_url(pair_of(found.giz, found.afd))).content.decode()
    )


# -- one pair and its review --------------------------------------------------------------


def test_the_pair_page_shows_both_sides_and_the_review_form_to_the_coordinator(cast, found):
    page = client_for(cast.coordinator).get(detail_url(pair_of(found.giz, found.afd))).content.decode()
    assert GIZ_TEXT in page and AFD_TEXT in page
    assert 'name="decision"' in page and "Record the decision" in page
    assert "Not reviewed yet." in page


def test_the_coordinator_records_a_decision_with_a_note(cast, found):
    pair = pair_of(found.giz, found.afd)
    client = client_for(cast.coordinator)
    response = client.post(detail_url(pair), {"decision": "complementary", "note": "Different districts."})
    assert response.status_code == 302 and response["Location"] == detail_url(pair)
    pair.refresh_from_db()
    assert (pair.decision, pair.decision_note, pair.decided_by) == (
        "complementary",
        "Different districts.",
        cast.coordinator,
    )
    page = client.get(detail_url(pair)).content.decode()
    assert "Your decision is recorded" in page and "Decisions so far" in page and "Different districts." in page


def test_a_wrong_decision_is_named_on_the_form(cast, found):
    pair = pair_of(found.giz, found.afd)
    response = client_for(cast.coordinator).post(detail_url(pair), {"decision": "maybe"})
    assert response.status_code == 200 and response.context["form"].errors["decision"]
    pair.refresh_from_db()
    assert pair.decision == "pending"


@pytest.mark.parametrize("persona", ["french_embassy_viewer", "commission_desk_officer", "german_ministry_editor"])
def test_others_read_the_pair_and_are_told_who_decides(cast, found, persona):
    client = client_for(getattr(cast, persona))
    pair = pair_of(found.giz, found.afd)
    page = client.get(detail_url(pair)).content.decode()
    assert 'name="decision"' not in page and "who see both engagements record whether a pair" in page
    assert client.post(detail_url(pair), {"decision": "duplicate"}).status_code == 403
    pair.refresh_from_db()
    assert pair.decision == "pending"


def test_a_reopened_pair_says_how_it_was_judged_before(cast, found):
    decide_overlap(pair_of(found.giz, found.afd), "complementary", acting_user=cast.coordinator)
    edit(found.afd, found.afd_editor, planned_end=date(2027, 6, 30))
    find_overlaps()
    page = client_for(cast.coordinator).get(detail_url(pair_of(found.giz, found.afd))).content.decode()
    assert "Marked “Complementary” by presidency.coordinator on" in page
    assert "The AFD engagement changed since." in page


# -- runs per country ------------------------------------------------------------------------


def test_a_coordinator_runs_the_finder_for_a_country_and_comes_back(
    cast, planted, immediate_tasks, django_capture_on_commit_callbacks
):
    profile = reverse("analysis:country_profile", args=["MAR"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.coordinator).post(run_url("mar"), {"next": profile + "#overlaps"})
    assert response.status_code == 302 and response["Location"] == profile + "#overlaps"
    assert OverlapRun.objects.get().status == OverlapRun.Status.DONE
    assert pair_of(planted.giz, planted.afd) is not None


def test_an_unsafe_next_address_sends_the_coordinator_to_the_countrys_list(cast, planted):
    response = client_for(cast.coordinator).post(run_url(), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == f"{LIST_URL}?country=MAR"


def test_a_second_click_does_not_queue_a_second_run(cast, planted):
    client = client_for(cast.coordinator)
    client.post(run_url())
    response = client.post(run_url(), follow=True)
    assert OverlapRun.objects.count() == 1
    assert "has been waiting or running since" in response.content.decode()


@pytest.mark.parametrize("persona", ["french_embassy_viewer", "german_ministry_editor", "moroccan_ministry_user"])
def test_only_reviewers_start_a_run(cast, planted, persona):
    assert client_for(getattr(cast, persona)).post(run_url()).status_code == 403
    assert not OverlapRun.objects.exists()


def test_a_run_needs_a_post_and_a_partner_country(cast):
    client = client_for(cast.coordinator)
    assert client.get(run_url()).status_code == 405
    assert client.post(run_url("DEU")).status_code == 404
    assert client.post(run_url("XYZ")).status_code == 404


# -- the summary on the country profile --------------------------------------------------------


def test_the_country_partial_lists_pairs_and_offers_a_run_to_coordinators(cast, found):
    request = RequestFactory().get("/countries/MAR/")
    request.user = cast.coordinator
    html = render_to_string(
        "overlaps/_pairs_for_country.html",
        {"overlaps": overlaps_for_country(cast.coordinator, morocco()), "country": morocco()},
        request=request,
    )
    assert "3 possible overlaps in Morocco wait for review" in html
    assert "Look for overlaps now" in html and 'value="/countries/MAR/#overlaps"' in html
    assert "The overlap finder has not run for this country yet." in html


def test_the_country_partial_says_when_a_run_is_under_way_and_offers_no_button_to_others(cast, found):
    OverlapRun.objects.create(country=morocco(), status=OverlapRun.Status.QUEUED)
    request = RequestFactory().get("/countries/MAR/")
    request.user = cast.french_embassy_viewer
    html = render_to_string(
        "overlaps/_pairs_for_country.html",
        {"overlaps": overlaps_for_country(cast.french_embassy_viewer, morocco()), "country": morocco()},
        request=request,
    )
    assert "is waiting to start (queued" in html and "Look for overlaps now" not in html
