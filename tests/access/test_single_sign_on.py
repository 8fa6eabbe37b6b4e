"""Single sign-on through OpenID Connect, against a real (small) provider served on 127.0.0.1.

The whole authorization-code flow runs: the hub sends the browser to the
provider, the provider sends it back with a code, the hub exchanges the code
for an RS256-signed id_token, checks it against the provider's JWKS, reads
the userinfo and signs the matching hub user in. Whatever goes wrong ends on
the login page with a message, signed out.
"""

from urllib.parse import urlparse

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client

from partnerhub.access.models import Membership
from tests.support.oidc_provider import ServedProvider, new_key

pytestmark = pytest.mark.django_db

FAILED = "Single sign-on failed"


@pytest.fixture
def provider(settings):
    with ServedProvider() as provider:
        for name, value in provider.settings().items():
            setattr(settings, name, value)
        settings.PARTNERHUB_OIDC_ENABLED = True
        settings.PARTNERHUB_OIDC_PROVIDER_NAME = "EU Login"
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "partnerhub.access.oidc.HubOIDCBackend"]
        yield provider


def go_to_provider(browser: Client, provider) -> str:
    """Clicks "Sign in with …" and signs in at the provider: the address it sends the browser back to."""
    start = browser.get("/oidc/authenticate/")
    assert start.status_code == 302
    assert start["Location"].startswith(f"{provider.base_url}/authorize?")
    answer = requests.get(start["Location"], allow_redirects=False, timeout=10)
    back = urlparse(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def come_back(browser: Client, callback: str):
    return browser.get(callback, follow=True)


def signed_in_user(browser: Client):
    user_id = browser.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def test_a_known_user_signs_in_with_the_provider_by_e_mail_address(cast, provider):
    editor = cast.german_ministry_editor
    editor.email = "Anna.Schmidt@bmi.example"
    editor.save()
    provider.person = {"sub": "4711", "email": "anna.schmidt@bmi.example"}
    browser = Client()

    page = come_back(browser, go_to_provider(browser, provider))

    assert page.status_code == 200
    assert signed_in_user(browser) == editor
    assert get_user_model().objects.filter(email__iexact="anna.schmidt@bmi.example").count() == 1


def test_a_first_sign_in_creates_a_user_without_organisation_or_role(cast, provider):
    provider.person = {"sub": "9", "email": "new.colleague@interior.example", "given_name": "Nour"}
    browser = Client()

    come_back(browser, go_to_provider(browser, provider))

    newcomer = signed_in_user(browser)
    assert newcomer.email == "new.colleague@interior.example"
    assert newcomer.first_name == "Nour"
    assert not Membership.objects.filter(user=newcomer).exists()
    assert not newcomer.is_staff and not newcomer.is_superuser


def test_the_login_page_offers_the_provider_and_says_what_a_first_sign_in_gives(provider):
    page = Client().get("/accounts/login/").content.decode()

    assert "Sign in with EU Login" in page
    assert "/oidc/authenticate/" in page
    assert "without an organisation or a role" in page


def test_without_configuration_there_is_no_button_and_no_sign_on(db):
    assert "/oidc/authenticate/" not in Client().get("/accounts/login/").content.decode()
    assert Client().get("/oidc/authenticate/").status_code == 404
    assert Client().get("/oidc/callback/?code=x&state=y").status_code == 404


def test_an_unknown_state_ends_on_the_login_page_with_a_message(cast, provider):
    provider.person = {"sub": "1", "email": "someone@commission.example"}
    browser = Client()
    callback = go_to_provider(browser, provider)
    forged = callback.replace("state=", "state=forged", 1)

    page = come_back(browser, forged)

    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == "/accounts/login/"
    assert FAILED in page.content.decode()
    assert signed_in_user(browser) is None


def test_an_id_token_signed_with_another_key_is_refused_with_a_message(cast, provider):
    provider.person = {"sub": "1", "email": "someone@commission.example"}
    provider.signing_key = new_key()
    browser = Client()

    page = come_back(browser, go_to_provider(browser, provider))

    assert page.status_code == 200
    assert FAILED in page.content.decode()
    assert signed_in_user(browser) is None
    assert not get_user_model().objects.filter(email="someone@commission.example").exists()


def test_a_person_without_an_e_mail_address_is_not_signed_in(cast, provider):
    provider.person = {"sub": "2"}
    browser = Client()

    page = come_back(browser, go_to_provider(browser, provider))

    assert FAILED in page.content.decode()
    assert signed_in_user(browser) is None


def test_a_provider_that_went_away_ends_with_a_message(cast, provider, settings):
    provider.person = {"sub": "1", "email": "someone@commission.example"}
    browser = Client()
    callback = go_to_provider(browser, provider)
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/token"  # nothing listens on the discard port

    page = come_back(browser, callback)

    assert FAILED in page.content.decode()
    assert signed_in_user(browser) is None
