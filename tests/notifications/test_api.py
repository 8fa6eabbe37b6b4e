"""GET /api/notifications and GET/PUT /api/follows: the same items and the same visibility as the page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from partnerhub.notifications.models import Follow, NotificationPreference
from tests.agenda.factories import meeting
from tests.notifications.support import follows_morocco

pytestmark = pytest.mark.django_db

SECRET = "SECRET-API-TITLE-e3a0"


def test_the_notifications_are_those_of_the_page_with_absolute_links(cast, token_api, settings):
    settings.PARTNERHUB_SITE_URL = "https://hub.example.org"
    desk = follows_morocco(cast.german_ministry_editor)
    record = cast.engagement(cast.commission, cast.commission_desk_officer, title="EU return programme")
    meeting(cast.french_foreign_affairs, cast.french_ministry_editor, title="French visit")
    cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, title=SECRET, sharing_level="originator")

    response = token_api(desk).get("/notifications")

    assert response.status_code == 200
    answer = response.json()
    assert answer["count"] == 2 and SECRET not in response.content.decode()
    by_title = {item["title"]: item for item in answer["items"]}
    assert by_title["EU return programme"]["url"] == f"https://hub.example.org/engagements/{record.pk}/"
    assert by_title["EU return programme"]["kind"] == "engagement_new"
    assert by_title["EU return programme"]["country"] == "MAR" and by_title["French visit"]["unread"] is True


def test_a_since_date_is_validated_and_answers_422_naming_it(cast, token_api):
    api = token_api(follows_morocco(cast.german_ministry_editor))
    response = api.get("/notifications", {"since": "not-a-date"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "since"]
    today = timezone.localdate()
    assert api.get("/notifications", {"since": (today - timedelta(days=90)).isoformat()}).status_code == 200
    for refused in (today + timedelta(days=1), today - timedelta(days=400)):
        response = api.get("/notifications", {"since": refused.isoformat()})
        assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "since"]


def test_reading_needs_a_log_in_or_a_token(anonymous_api):
    assert anonymous_api.get("/notifications").status_code == 401
    assert anonymous_api.get("/follows").status_code == 401
    assert anonymous_api.put("/follows", {"countries": ["MAR"]}).status_code == 401


def test_follows_are_read_and_replaced(cast, session_api):
    api = session_api(cast.coordinator)
    assert api.get("/follows").json() == {"countries": [], "themes": [], "digest_frequency": "weekly"}

    response = api.put("/follows", {"countries": ["mar", "TUN"], "themes": ["RETURN"], "digest_frequency": "daily"})

    assert response.status_code == 200
    assert response.json() == {"countries": ["MAR", "TUN"], "themes": ["RETURN"], "digest_frequency": "daily"}
    assert api.put("/follows", {"countries": ["TUN"]}).json() == {
        "countries": ["TUN"],
        "themes": [],
        "digest_frequency": "daily",
    }


def test_an_unknown_code_answers_422_naming_the_field_and_changes_nothing(cast, session_api):
    api = session_api(cast.coordinator)
    api.put("/follows", {"countries": ["MAR"]})
    for body, field in (
        ({"countries": ["MAR", "XYZ"]}, "countries"),
        ({"countries": ["FRA"]}, "countries"),
        ({"themes": ["NOPE"]}, "themes"),
        ({"digest_frequency": "hourly"}, "digest_frequency"),
    ):
        response = api.put("/follows", body)
        assert response.status_code == 422, body
        assert response.json()["detail"][0]["loc"] == ["body", field]
    assert [follow.country.iso3 for follow in Follow.objects.filter(user=cast.coordinator)] == ["MAR"]
    assert NotificationPreference.objects.get(user=cast.coordinator).digest_frequency == "weekly"


def test_broken_json_answers_400(cast, session_api):
    assert session_api(cast.coordinator).put("/follows", raw="{").status_code == 400


def test_the_notifications_are_paginated_like_every_list(cast, token_api):
    desk = follows_morocco(cast.german_ministry_editor)
    titles = {f"EU programme {n}" for n in range(5)}
    for title in titles:
        cast.engagement(cast.commission, cast.commission_desk_officer, title=title)
    api = token_api(desk)

    first = api.get("/notifications", {"page_size": 2}).json()
    last = api.get("/notifications", {"page_size": 2, "page": 3}).json()

    assert first["count"] == last["count"] == 5 and len(first["items"]) == 2 and len(last["items"]) == 1
    assert first["previous"] is None and "page=2" in first["next"] and "page_size=2" in first["next"]
    assert last["next"] is None and "page=2" in last["previous"]
    every_page = [api.get("/notifications", {"page_size": 2, "page": n}).json()["items"] for n in (1, 2, 3)]
    assert {item["title"] for page in every_page for item in page} == titles
    assert api.get("/notifications", {"page_size": 0}).status_code == 422
