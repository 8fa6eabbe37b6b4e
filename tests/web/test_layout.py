"""The frame of every page: landmarks, navigation by role, account and language controls."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.urls import reverse

from tests.support.clients import client_for
from tests.support.personas import PASSWORD

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("web:dashboard")
NEW_ENGAGEMENT = reverse("registry:engagement_create")


def page(user=None, url=DASHBOARD) -> str:
    return client_for(user).get(url).content.decode()


def test_every_page_has_a_skip_link_and_landmarks(cast):
    body = page(cast.giz_viewer)

    assert '<a class="ecl-skip-link" href="#main-content">Skip to main content</a>' in body
    assert '<main id="main-content"' in body
    assert "<header" in body and "<footer" in body
    assert '<nav class="ph-nav" aria-label="Main navigation">' in body
    assert 'lang="en"' in body


def test_current_section_is_marked_in_the_navigation(cast):
    body = page(cast.giz_viewer, reverse("registry:engagement_list"))

    assert re.search(r'href="/engagements/"\s+aria-current="page"', body)


def test_product_has_its_own_name_and_mark_and_no_eu_emblem(cast):
    body = page()

    assert "Partnership Hub" in body and 'class="ph-brand__mark"' in body
    assert "ecl/images/logo" not in body
    assert "not an official website of the European Union" in body


def test_ecl_styles_and_scripts_come_from_our_own_static_files(cast):
    body = page()

    for asset in (
        "/static/ecl/styles/ecl-eu.css",
        "/static/ecl/scripts/ecl-eu.js",
        "/static/htmx/htmx.min.js",
        "/static/web/partnerhub.css",
        "/static/web/partnerhub.js",
    ):
        assert asset in body, asset
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", body.split("<body")[0])


def test_anonymous_visitor_is_offered_to_log_in_and_no_editing(cast):
    body = page()

    assert 'href="/accounts/login/?next=/"' in body
    assert NEW_ENGAGEMENT not in body
    assert "Log out" not in body


def test_new_engagement_link_only_for_users_who_can_edit(cast):
    assert NEW_ENGAGEMENT in page(cast.german_ministry_editor)
    assert NEW_ENGAGEMENT not in page(cast.giz_viewer)
    assert NEW_ENGAGEMENT not in page(cast.outsider)


def test_admin_link_only_for_staff(cast):
    admin = reverse("admin:index")

    assert admin in page(cast.superuser)
    assert admin not in page(cast.coordinator)


def test_api_documentation_is_linked(cast):
    assert 'href="/api/docs"' in page()


def test_header_names_the_user_and_their_organisations(cast):
    body = page(cast.german_ministry_editor)

    assert 'href="/account/"' in body and ">bmi.editor</a>" in body, "the name opens the account page"
    organisations = body.split('<span class="ph-user__organisations">')[1].split("</span>")[0]
    assert organisations.strip() == "BMI"
    assert "No organisation" in page(cast.outsider)


def test_logout_is_a_post_form_that_logs_out(cast):
    client = client_for(cast.giz_viewer)
    body = client.get(DASHBOARD).content.decode()

    assert re.search(r'<form method="post" action="/accounts/logout/"', body)
    client.post(reverse("logout"))
    assert "Log out" not in client.get(DASHBOARD).content.decode()


def test_language_switcher_posts_to_set_language_and_comes_back(cast):
    client = client_for(cast.giz_viewer)
    body = client.get(reverse("registry:engagement_list") + "?kind=project").content.decode()

    assert '<form class="ph-language" action="/i18n/setlang/" method="post">' in body
    assert '<input type="hidden" name="next" value="/engagements/?kind=project">' in body
    assert 'name="language" value="fr"' in body and "Français" in body

    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/engagements/?kind=project"})
    assert response.status_code == 302 and response["Location"] == "/engagements/?kind=project"
    french = client.get(DASHBOARD)
    assert french.headers["Content-Language"] == "fr"
    assert '<html lang="fr"' in french.content.decode()


def test_messages_are_shown_as_ecl_notifications():
    notes = [
        Message(messages.SUCCESS, "The engagement was recorded."),
        Message(messages.ERROR, "Something was refused."),
    ]

    html = render_to_string("web/partials/messages.html", {"messages": notes})

    assert 'role="status"' in html
    assert "ecl-notification--success" in html and "The engagement was recorded." in html
    assert "ecl-notification--error" in html and "Something was refused." in html


def test_login_page_uses_ecl_form_markup_and_logs_in(cast, client):
    body = client.get(reverse("login") + "?next=/engagements/").content.decode()

    assert 'class="ecl-form-label" for="id_username"' in body
    assert 'class="ecl-text-input' in body and 'autocomplete="current-password"' in body
    assert '<input type="hidden" name="next" value="/engagements/">' in body

    response = client.post(reverse("login"), {"username": "giz.viewer", "password": PASSWORD, "next": "/engagements/"})
    assert response.status_code == 302 and response["Location"] == "/engagements/"


def test_wrong_password_is_explained_on_the_login_page(cast, client):
    response = client.post(reverse("login"), {"username": "giz.viewer", "password": "wrong"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "ecl-notification--error" in body
    assert "Please enter a correct username and password" in body
    assert 'value="giz.viewer"' in body
