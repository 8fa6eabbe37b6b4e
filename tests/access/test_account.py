"""The personal account page: memberships and API tokens."""

import re

import pytest
from django.urls import reverse

from partnerhub.access.models import ApiToken
from partnerhub.core.models import Event
from tests.support.clients import logged_in

pytestmark = pytest.mark.django_db

ACCOUNT_URL = reverse("access:account")
CREATE_TOKEN_URL = reverse("access:token_create")
RAW_KEY = re.compile(r"ph_[A-Za-z0-9_-]{20,}")


def revoke_url(token: ApiToken) -> str:
    return reverse("access:token_revoke", args=[token.pk])


def test_account_page_lists_memberships_and_tokens(client, cast):
    token, _raw = ApiToken.issue(cast.german_ministry_editor, "nightly export")

    response = logged_in(client, cast.german_ministry_editor).get(ACCOUNT_URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Federal Ministry of the Interior (Germany) (BMI)" in html
    assert "Editor" in html
    assert "nightly export" in html
    assert f"{token.hint}…" in html
    assert "Never" in html, "the token has not been used yet"


def test_account_page_shows_only_the_users_own_tokens(client, cast):
    ApiToken.issue(cast.french_ministry_editor, "French reporting script")

    response = logged_in(client, cast.german_ministry_editor).get(ACCOUNT_URL)

    assert "French reporting script" not in response.content.decode()
    assert "You have no API tokens." in response.content.decode()


def test_creating_a_token_shows_its_key_once(client, cast):
    client = logged_in(client, cast.german_ministry_editor)

    created = client.post(CREATE_TOKEN_URL, {"name": "  dashboard sync  "}, follow=True)

    raw_key = RAW_KEY.search(created.content.decode()).group()
    token = ApiToken.objects.matching(raw_key)
    assert created.status_code == 200
    assert (token.user, token.name) == (cast.german_ministry_editor, "dashboard sync")
    curl = re.search(r"curl (.*?)</code>", created.content.decode(), re.S).group(1)
    assert f'-H "Authorization: Bearer {raw_key}"' in curl
    assert curl.endswith("http://testserver/api/engagements")
    assert "no-store" in created["Cache-Control"]
    later = client.get(ACCOUNT_URL).content.decode()
    assert raw_key not in later
    assert token.hint in later
    assert Event.objects.filter(name="token.created", object_id=token.pk).exists()


def test_reloading_the_new_token_page_creates_no_second_token_and_hides_the_key(client, cast):
    client = logged_in(client, cast.german_ministry_editor)

    posted = client.post(CREATE_TOKEN_URL, {"name": "dashboard sync"})
    shown = client.get(posted.url)
    reloaded = client.get(posted.url)

    assert (posted.status_code, posted.url) == (302, CREATE_TOKEN_URL)
    raw_key = RAW_KEY.search(shown.content.decode()).group()
    assert (reloaded.status_code, reloaded.url) == (302, ACCOUNT_URL)
    assert raw_key not in client.get(ACCOUNT_URL).content.decode()
    assert ApiToken.objects.filter(user=cast.german_ministry_editor).count() == 1


def test_a_token_needs_a_name(client, cast):
    response = logged_in(client, cast.german_ministry_editor).post(CREATE_TOKEN_URL, {"name": "  "})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_opening_the_creation_address_leads_back_to_the_account(client, cast):
    response = logged_in(client, cast.german_ministry_editor).get(CREATE_TOKEN_URL)

    assert response.status_code == 302
    assert response.url == ACCOUNT_URL
    assert not ApiToken.objects.exists()


def test_revoking_a_token_deletes_it(client, cast):
    token, raw_key = ApiToken.issue(cast.german_ministry_editor, "old script")

    response = logged_in(client, cast.german_ministry_editor).post(revoke_url(token))

    assert response.status_code == 302
    assert response.url == ACCOUNT_URL
    assert ApiToken.objects.matching(raw_key) is None
    assert Event.objects.filter(name="token.revoked", object_id=token.pk).exists()


def test_nobody_can_revoke_someone_elses_token(client, cast):
    token, raw_key = ApiToken.issue(cast.german_ministry_editor, "german script")

    response = logged_in(client, cast.french_ministry_editor).post(revoke_url(token))

    assert response.status_code == 404
    assert ApiToken.objects.matching(raw_key) == token


def test_revoking_needs_a_post(client, cast):
    token, _raw = ApiToken.issue(cast.german_ministry_editor, "script")

    response = logged_in(client, cast.german_ministry_editor).get(revoke_url(token))

    assert response.status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_user_without_organisation_is_told_so(client, cast):
    response = logged_in(client, cast.outsider).get(ACCOUNT_URL)

    assert response.status_code == 200
    assert "You do not belong to any organisation yet" in response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(client, cast):
    token, _raw = ApiToken.issue(cast.german_ministry_editor, "script")

    for url in (ACCOUNT_URL, CREATE_TOKEN_URL, revoke_url(token)):
        response = client.post(url) if url != ACCOUNT_URL else client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_account_page_leads_to_the_calendar_feed(client, cast):
    html = logged_in(client, cast.german_ministry_editor).get(ACCOUNT_URL).content.decode()

    assert f'href="{reverse("agenda:feed_settings")}"' in html
