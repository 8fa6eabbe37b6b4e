"""Who is calling: bearer tokens, the browser session with CSRF, or nobody."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from partnerhub.access.models import ApiToken
from partnerhub.registry.models import Engagement
from tests.support.clients import ApiClient, ids_of

pytestmark = pytest.mark.django_db


def minimal_payload(cast) -> dict:
    return {"owner": cast.commission.pk, "kind": "mission", "title": "Visit to Rabat"}


def test_token_reads_with_the_circle_of_its_user(cast, token_api):
    limite = cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="eu")

    assert ids_of(token_api(cast.german_ministry_editor).get("/engagements")) == {limite.pk}
    assert ids_of(token_api(cast.moroccan_ministry_user).get("/engagements")) == set()


def test_token_use_is_recorded(cast):
    token, raw = ApiToken.issue(cast.commission_desk_officer, "script")
    api = ApiClient(Client(), {"Authorization": f"Bearer {raw}"})

    api.get("/engagements")

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_use_is_stamped_to_the_minute_not_written_on_every_request(cast):
    token, raw = ApiToken.issue(cast.commission_desk_officer, "script")
    api = ApiClient(Client(), {"Authorization": f"Bearer {raw}"})
    api.get("/engagements")
    first_use = ApiToken.objects.get(pk=token.pk).last_used_at

    with CaptureQueriesContext(connection) as queries:
        api.get("/engagements")
    assert not [q for q in queries if q["sql"].startswith("UPDATE") and "access_apitoken" in q["sql"]]
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first_use

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(seconds=61))
    api.get("/engagements")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first_use


def test_token_writes_without_csrf(cast, token_api):
    response = token_api(cast.commission_desk_officer).post("/engagements", minimal_payload(cast))

    assert response.status_code == 201
    assert Engagement.objects.unrestricted("test").get().created_by == cast.commission_desk_officer


@pytest.mark.parametrize(
    "header",
    [
        "Bearer ph_not-a-real-token",
        "Bearer ",
        "bearer ph_\x01",
    ],
)
def test_unknown_token_is_rejected_with_401_even_for_public_reads(cast, header):
    cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public")
    response = ApiClient(Client(), {"Authorization": header}).get("/engagements")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "token" in response.json()["detail"]


def test_token_of_a_deactivated_user_is_rejected(cast):
    _token, raw = ApiToken.issue(cast.commission_desk_officer, "script")
    cast.commission_desk_officer.is_active = False
    cast.commission_desk_officer.save()

    response = ApiClient(Client(), {"Authorization": f"Bearer {raw}"}).get("/engagements")

    assert response.status_code == 401


def test_deleted_token_no_longer_works(cast):
    token, raw = ApiToken.issue(cast.commission_desk_officer, "script")
    token.delete()

    response = ApiClient(Client(), {"Authorization": f"Bearer {raw}"}).get("/engagements")

    assert response.status_code == 401


def test_session_reads_with_the_circle_of_the_logged_in_user(cast, session_api):
    limite = cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="eu")

    assert ids_of(session_api(cast.french_embassy_viewer).get("/engagements")) == {limite.pk}


def logged_in_browser(user) -> Client:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.get("/api/docs")  # sets the CSRF cookie, as the docs page does
    return browser


def test_session_post_without_csrf_token_is_rejected(cast):
    browser = logged_in_browser(cast.commission_desk_officer)

    response = ApiClient(browser).post("/engagements", minimal_payload(cast))

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Engagement.objects.unrestricted("test").exists()


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_session_change_without_csrf_token_is_rejected(cast, method):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer)
    browser = logged_in_browser(cast.commission_desk_officer)

    response = ApiClient(browser).send(method, f"/engagements/{engagement.pk}", {"title": "x"})

    assert response.status_code == 403
    assert Engagement.objects.unrestricted("test").get(pk=engagement.pk).title == engagement.title


def test_session_post_with_csrf_token_is_accepted(cast):
    browser = logged_in_browser(cast.commission_desk_officer)
    csrf_token = browser.cookies["csrftoken"].value

    response = ApiClient(browser, {"X-CSRFToken": csrf_token}).post("/engagements", minimal_payload(cast))

    assert response.status_code == 201, response.content


def test_session_reads_need_no_csrf_token(cast):
    cast.engagement(cast.commission, cast.commission_desk_officer)
    browser = logged_in_browser(cast.commission_desk_officer)

    assert ApiClient(browser).get("/engagements").status_code == 200


def test_anonymous_post_is_asked_to_authenticate_not_for_csrf(cast):
    response = ApiClient(Client(enforce_csrf_checks=True)).post("/engagements", minimal_payload(cast))

    assert response.status_code == 401
