"""The in-app list, the "What I follow" page, the follow buttons and the unread count in the
navigation, as the desk officer, the coordinator and an outsider use them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from partnerhub.core.visibility import circle_of
from partnerhub.notifications.badge import unread_count
from partnerhub.notifications.models import DigestFrequency, Follow, NotificationPreference
from partnerhub.registry.services import change_sharing_level
from tests.agenda.factories import counterpart, meeting
from tests.notifications.support import dated, days_ago, follows_morocco, follows_theme
from tests.plans.factories import action_for, plan_for
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

SECRET = "SECRET-LIST-TITLE-90ce"


def test_the_list_shows_what_she_follows_and_may_see_with_a_bounded_number_of_queries(
    cast, django_assert_max_num_queries
):
    desk = follows_morocco(cast.german_ministry_editor)
    for number in range(6):
        cast.engagement(cast.commission, cast.commission_desk_officer, title=f"Programme {number}")
        meeting(
            cast.french_foreign_affairs,
            cast.french_ministry_editor,
            title=f"Visit {number}",
            with_counterpart=counterpart(),
        )
        action_for(
            cast, plan_for(cast), description=f"Action {number}", deadline=timezone.localdate() - timedelta(days=2)
        )
    cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, title=SECRET, sharing_level="originator")
    client = client_for(desk)

    with django_assert_max_num_queries(22):
        body = client.get("/notifications/").content.decode()

    assert "Programme 5" in body and "Visit 5" in body and "Action 5" in body and "Morocco" in body
    assert SECRET not in body
    assert "unread since your last visit" in body


def test_opening_the_list_marks_everything_read(cast):
    desk = follows_morocco(cast.german_ministry_editor)
    cast.engagement(cast.commission, cast.commission_desk_officer, title="EU return programme")
    client = client_for(desk)
    assert "ph-notifications__unread" in client.get("/notifications/").content.decode()
    body = client.get("/notifications/").content.decode()
    assert "EU return programme" in body and "ph-notifications__unread" not in body
    assert NotificationPreference.objects.get(user=desk).last_seen_at is not None


def test_a_chosen_date_widens_the_list_and_a_date_in_the_future_is_refused_by_name(cast):
    desk = follows_morocco(cast.german_ministry_editor)
    dated(cast.engagement(cast.commission, cast.commission_desk_officer, title="Sixty days ago"), days_ago(60))
    client = client_for(desk)
    assert "Sixty days ago" not in client.get("/notifications/").content.decode()
    since = (timezone.localdate() - timedelta(days=90)).isoformat()
    assert "Sixty days ago" in client.get("/notifications/", {"since": since}).content.decode()
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.get("/notifications/", {"since": future})
    assert response.status_code == 200 and "Choose a date that is not in the future." in response.content.decode()
    assert "Enter a valid date." in client.get("/notifications/", {"since": "yesterday"}).content.decode()


def test_the_list_needs_a_log_in(cast):
    response = client_for(None).get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_navigation_counts_unread_items_in_one_query(cast, django_assert_num_queries):
    desk = follows_morocco(cast.german_ministry_editor)
    cast.engagement(cast.commission, cast.commission_desk_officer, title="EU return programme")
    meeting(cast.french_foreign_affairs, cast.french_ministry_editor, title="French visit")
    cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, title=SECRET, sharing_level="originator")
    circle_of(desk)

    with django_assert_num_queries(1):
        assert unread_count(desk) == 2

    client = client_for(desk)
    assert 'hx-get="/notifications/unread/"' in client.get("/").content.decode()
    # session, user, memberships (the circle), the count
    with django_assert_num_queries(4):
        badge = client.get("/notifications/unread/").content.decode()
    assert "data-ph-unread>2<" in badge
    client.get("/notifications/")
    assert client.get("/notifications/unread/").content.decode().strip() == ""


def test_the_count_drops_a_record_narrowed_after_its_change(cast):
    desk = follows_morocco(cast.german_ministry_editor)
    record = cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, title="Narrowed")
    assert unread_count(desk) == 1
    change_sharing_level(record, "originator", acting_user=cast.french_ministry_editor)
    assert unread_count(desk) == 0


def test_an_outsider_and_an_anonymous_visitor_have_no_count(cast):
    cast.engagement(cast.commission, cast.commission_desk_officer, title="EU return programme")
    follows_morocco(cast.outsider)
    assert unread_count(cast.outsider) == 0
    assert "/notifications/unread/" not in client_for(None).get("/").content.decode()
    visitor_badge = client_for(None).get("/notifications/unread/")
    assert visitor_badge.status_code == 200 and visitor_badge.content.decode().strip() == ""


def test_the_follow_button_on_the_country_profile_follows_and_unfollows(cast):
    client = client_for(cast.coordinator)
    page = client.get("/countries/MAR/").content.decode()
    assert "Follow Morocco" in page

    response = client.post(
        "/notifications/follow/", {"kind": "country", "code": "MAR", "follow": "on", "next": "/countries/MAR/"}
    )
    assert response.status_code == 302 and response["Location"] == "/countries/MAR/"
    assert Follow.objects.filter(user=cast.coordinator, country__iso3="MAR").exists()
    assert NotificationPreference.objects.get(user=cast.coordinator).digest_frequency == DigestFrequency.WEEKLY
    assert "Following Morocco" in client.get("/countries/MAR/").content.decode()

    client.post("/notifications/follow/", {"kind": "country", "code": "MAR", "next": "/countries/MAR/"})
    assert not Follow.objects.filter(user=cast.coordinator).exists()


def test_a_pillar_and_a_theme_filter_offer_to_follow_the_theme(cast):
    client = client_for(cast.german_ministry_editor)
    assert "Follow " in client.get("/team-europe/pillars/RETURN/").content.decode()
    body = client.get("/engagements/", {"theme": "RETURN-REINTEGRATION"}).content.decode()
    assert 'name="code" value="RETURN-REINTEGRATION"' in body
    client.post("/notifications/follow/", {"kind": "theme", "code": "RETURN", "follow": "on"})
    assert Follow.objects.filter(user=cast.german_ministry_editor, theme__code="RETURN").exists()


def test_only_partner_countries_and_themes_that_exist_can_be_followed(cast):
    client = client_for(cast.german_ministry_editor)
    for code, kind in (("XYZ", "country"), ("FRA", "country"), ("NO-SUCH-THEME", "theme")):
        response = client.post("/notifications/follow/", {"kind": kind, "code": code, "follow": "on"}, follow=True)
        assert response.status_code == 200
        assert f"No partner country or theme has this code: {code}." in response.content.decode()
    assert not Follow.objects.exists()


def test_the_follow_button_never_redirects_to_another_site(cast):
    client = client_for(cast.german_ministry_editor)
    response = client.post(
        "/notifications/follow/", {"kind": "country", "code": "MAR", "follow": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/notifications/follows/"


def test_what_i_follow_adds_follows_and_sets_the_digest_frequency(cast):
    client = client_for(cast.german_ministry_editor)
    page = client.get("/notifications/follows/").content.decode()
    assert "You follow nothing yet." in page and "Your account has no e-mail address" in page

    client.post("/notifications/follows/", {"add": "1", "country": "MAR"})
    client.post("/notifications/follows/", {"add": "1", "theme": "RETURN"})
    client.post("/notifications/follows/", {"frequency": "1", "digest_frequency": "daily"})

    followed = Follow.objects.filter(user=cast.german_ministry_editor)
    assert {(f.country and f.country.iso3, f.theme and f.theme.code) for f in followed} == {
        ("MAR", None),
        (None, "RETURN"),
    }
    assert NotificationPreference.objects.get(user=cast.german_ministry_editor).digest_frequency == "daily"
    refused = client.post("/notifications/follows/", {"frequency": "1", "digest_frequency": "hourly"})
    assert refused.status_code == 400
    assert NotificationPreference.objects.get(user=cast.german_ministry_editor).digest_frequency == "daily"
    nothing_chosen = client.post("/notifications/follows/", {"add": "1"})
    assert "Choose a partner country or a theme to follow." in nothing_chosen.content.decode()


def test_the_account_page_links_to_the_notifications(cast):
    body = client_for(cast.giz_viewer).get("/account/").content.decode()
    assert 'href="/notifications/"' in body and 'href="/notifications/follows/"' in body


def test_a_theme_follow_lists_items_of_every_country(cast):
    officer = follows_theme(cast.commission_desk_officer, "RETURN")
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Return in Tunisia", countries=("TUN",))
    body = client_for(officer).get("/notifications/").content.decode()
    assert "Return in Tunisia" in body and "Tunisia" in body


@pytest.mark.parametrize("view", ["/agenda/", "/agenda/month/", "/agenda/week/"])
def test_the_theme_filter_of_every_calendar_view_offers_to_follow_the_theme(cast, view):
    client = client_for(cast.german_ministry_editor)
    body = client.get(view, {"theme": "RETURN-REINTEGRATION"}).content.decode()
    assert 'name="code" value="RETURN-REINTEGRATION"' in body
    assert 'name="kind" value="theme"' not in client.get(view).content.decode()
    assert 'name="code" value="NO-SUCH-THEME"' not in client.get(view, {"theme": "NO-SUCH-THEME"}).content.decode()
    client.post("/notifications/follow/", {"kind": "theme", "code": "RETURN-REINTEGRATION", "follow": "on"})
    assert 'aria-pressed="true"' in client.get(view, {"theme": "RETURN-REINTEGRATION"}).content.decode()
    assert 'name="kind" value="theme"' not in client_for(None).get(view, {"theme": "RETURN"}).content.decode()
