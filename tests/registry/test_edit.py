"""Recording, changing and deleting engagements through the browser forms."""

import shutil
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from currency_converter import CurrencyConverter
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerhub.core.history import events_of, history_of
from partnerhub.core.models import Event, ObjectChange
from partnerhub.geo.models import Country
from partnerhub.registry.models import (
    Engagement,
    EngagementCountry,
    EngagementLink,
    EngagementTheme,
    MoneyLine,
    Participation,
    Theme,
)
from partnerhub.registry.services import (
    change_sharing_level,
    input_from_engagement,
    update_engagement,
)
from tests.support.clients import logged_in

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("registry:engagement_create")
ROW_PREFIXES = ("countries", "themes", "participations", "money", "links")


# -- helpers -----------------------------------------------------------------


def rows(prefix: str, *entries: dict) -> dict:
    """POST data for one formset: its management form and one entry per row."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(entries)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, entry in enumerate(entries):
        data.update({f"{prefix}-{index}-{name}": value for name, value in entry.items()})
    return data


def engagement_post(owner, /, **overrides) -> dict:
    """A complete, valid submission of the engagement form with no rows."""
    data = {
        "kind": "project",
        "title": "Reintegration of returnees in the Oriental region",
        "description": "Counselling, grants and jobs for people who came back.",
        "language": "en",
        "status": "implementation",
        "planned_start": "2024-01-01",
        "planned_end": "2026-12-31",
        "actual_start": "",
        "actual_end": "",
        "instrument": "",
        "external_reference": "BMI-2024-17",
        "owner": str(owner.pk),
        "sharing_level": "eu",
    }
    for prefix in ROW_PREFIXES:
        data.update(rows(prefix))
    data.update(overrides)
    return data


def shown_value(field):
    """The value a browser submits for a field as rendered: a select without a
    selected option submits its first option."""
    value = field.value()
    widget = field.field.widget
    if value is None and type(widget) is forms.Select:
        value = next(iter(field.field.choices))[0]
    if value is None or value is False:
        return None
    return [str(v) for v in value] if isinstance(value, list) else str(value)


def resubmission_of(editor, **changes) -> dict:
    """What a browser sends back when the user saves the page as it was shown."""
    data = {}
    forms_shown = [editor.form] + [form for fs in editor.formsets.values() for form in fs.forms]
    for form in forms_shown:
        data.update({field.html_name: shown_value(field) for field in form})
    for formset in editor.formsets.values():
        data.update({field.html_name: str(field.value()) for field in formset.management_form})
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def record_counts() -> dict[str, int]:
    models = (
        Engagement,
        EngagementCountry,
        EngagementTheme,
        Participation,
        MoneyLine,
        EngagementLink,
        ObjectChange,
        Event,
    )
    return {model.__name__: model._base_manager.count() for model in models}


def theme(code: str) -> Theme:
    return Theme.objects.get(code=code)


def country(iso3: str) -> Country:
    return Country.objects.get(iso3=iso3)


@pytest.fixture
def german_record(cast):
    return cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="eu", title="Border management training"
    )


# -- recording -----------------------------------------------------------------


def test_german_ministry_editor_records_an_engagement_with_all_its_rows(client, cast):
    earlier = cast.engagement(cast.commission, cast.commission_desk_officer, title="EUTF programme")
    data = engagement_post(
        cast.german_interior,
        **rows(
            "countries", {"country": country("MAR").pk, "share": "60"}, {"country": country("TUN").pk, "share": "40"}
        ),
        **rows("themes", {"theme": theme("RETURN-REINTEGRATION").pk, "share": ""}),
        **rows(
            "participations",
            {"organisation": cast.giz.pk, "role": "implementer"},
            {"organisation": cast.german_interior.pk, "role": "funder"},
        ),
        **rows("money", {"kind": "commitment", "amount": "1000000", "currency": "USD", "value_date": "2024-03-15"}),
        **rows("links", {"target": str(earlier.pk), "kind": "funded_by"}),
    )

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    engagement = Engagement.objects.unrestricted("test").get(title=data["title"])
    assert response.status_code == 302
    assert response.url == engagement.get_absolute_url()
    assert engagement.owner == cast.german_interior
    assert engagement.created_by == cast.german_ministry_editor
    assert engagement.external_reference == "BMI-2024-17"
    assert engagement.planned_start == date(2024, 1, 1)
    assert {(s.country.iso3, s.share) for s in engagement.country_shares.all()} == {
        ("MAR", Decimal("60")),
        ("TUN", Decimal("40")),
    }
    assert [s.theme.code for s in engagement.theme_shares.all()] == ["RETURN-REINTEGRATION"]
    assert {(p.organisation.short_name, p.role) for p in engagement.participations.all()} == {
        ("GIZ", "implementer"),
        ("BMI", "funder"),
    }
    assert [(link.target, link.kind) for link in engagement.links_out.all()] == [(earlier, "funded_by")]


def test_money_in_dollars_is_stored_with_its_ecb_euro_value(client, cast):
    data = engagement_post(
        cast.german_interior,
        **rows("money", {"kind": "commitment", "amount": "1000000", "currency": "USD", "value_date": "2024-03-15"}),
    )

    logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    line = MoneyLine.objects.unrestricted("test").get(engagement__title=data["title"])
    ecb = CurrencyConverter().convert(1000000, "USD", "EUR", date=date(2024, 3, 15))
    assert (line.amount, line.currency) == (Decimal("1000000.00"), "USD")
    assert line.amount_eur == Decimal(str(ecb)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert line.eur_rate_date == date(2024, 3, 15)


def test_recording_writes_the_history(client, cast):
    logged_in(client, cast.german_ministry_editor).post(
        CREATE_URL, engagement_post(cast.german_interior, **rows("countries", {"country": country("MAR").pk}))
    )

    engagement = Engagement.objects.unrestricted("test").get()
    [change] = history_of(engagement)
    assert change.action == ObjectChange.Action.CREATE
    assert change.user == cast.german_ministry_editor
    assert change.changes["countries"] == [None, "MAR"]
    assert [e.name for e in events_of(engagement, ["engagement.created"])] == ["engagement.created"]


def test_restricted_record_names_organisations_and_member_states(client, cast):
    data = engagement_post(
        cast.german_interior,
        sharing_level="restricted",
        shared_with_organisations=[str(cast.iom.pk)],
        shared_with_countries=[str(country("FRA").pk)],
    )

    logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    engagement = Engagement.objects.unrestricted("test").get()
    assert list(engagement.shared_with_organisations.all()) == [cast.iom]
    assert list(engagement.shared_with_countries.all()) == [country("FRA")]
    assert engagement in Engagement.objects.visible_to(cast.french_embassy_viewer)


def test_create_page_offers_only_the_organisations_the_user_edits_for(client, cast):
    response = logged_in(client, cast.german_ministry_editor).get(CREATE_URL)

    form = response.context["form"]
    assert response.status_code == 200
    assert list(form.fields["owner"].queryset) == [cast.german_interior]
    assert form.initial["owner"] == cast.german_interior.pk, "the only choice is preselected"
    member_states = form.fields["shared_with_countries"].queryset
    assert set(member_states.values_list("is_eu_member", flat=True)) == {True}
    html = response.content.decode()
    assert 'type="date" name="planned_start"' in html
    assert '<label class="ecl-form-label" for="id_title">' in html
    assert "The owner organisation only." in html, "each sharing level is explained"
    assert "data-formset-template" in html


def test_rows_left_blank_on_the_page_are_ignored(client, cast):
    client = logged_in(client, cast.german_ministry_editor)
    page = client.get(CREATE_URL)
    data = resubmission_of(
        page.context["editor"],
        **{
            "title": "Only one row filled in",
            "kind": "dialogue",
            "countries-0-country": str(country("MAR").pk),
        },
    )

    response = client.post(CREATE_URL, data)

    assert response.status_code == 302
    engagement = Engagement.objects.unrestricted("test").get()
    assert [s.country.iso3 for s in engagement.country_shares.all()] == ["MAR"]
    assert not engagement.money_lines.exists()
    assert not engagement.participations.exists()
    assert not engagement.links_out.exists()


# -- rules broken: field errors, nothing saved -----------------------------------


def test_shares_that_do_not_add_up_to_100_are_an_error_on_the_countries(client, cast):
    data = engagement_post(
        cast.german_interior,
        **rows(
            "countries", {"country": country("MAR").pk, "share": "60"}, {"country": country("TUN").pk, "share": "30"}
        ),
    )
    before = record_counts()

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    assert response.status_code == 200
    countries = response.context["editor"].formsets["countries"]
    assert "add up to 90" in " ".join(countries.non_form_errors())
    assert 'href="#countries-fieldset"' in response.content.decode(), "the summary links to it"
    assert record_counts() == before


def test_end_before_start_is_an_error_on_the_end_date(client, cast):
    data = engagement_post(cast.german_interior, planned_start="2025-06-01", planned_end="2024-01-01")
    before = record_counts()

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors["planned_end"] == ["The end date is before the start date."]
    html = response.content.decode()
    assert 'id="id_planned_end_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'href="#id_planned_end"' in html
    assert record_counts() == before


@pytest.mark.parametrize("crafted", ["other organisation", "99999999999999999999999", "x"])
def test_an_owner_the_user_does_not_edit_for_is_an_error_on_the_owner(client, cast, crafted):
    owner = str(cast.french_foreign_affairs.pk) if crafted == "other organisation" else crafted
    data = engagement_post(cast.german_interior, owner=owner)
    before = record_counts()

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    assert response.status_code == 200
    assert response.context["form"].errors["owner"] == [
        "You can only record engagements for an organisation you edit for."
    ]
    assert record_counts() == before


def test_one_invalid_row_saves_nothing_at_all(client, cast):
    data = engagement_post(
        cast.german_interior,
        **rows("countries", {"country": country("MAR").pk}),
        **rows("themes", {"theme": theme("RETURN-REINTEGRATION").pk}),
        **rows("money", {"kind": "commitment", "amount": "a lot", "currency": "USD", "value_date": "2024-03-15"}),
    )
    before = record_counts()

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    assert response.status_code == 200
    assert record_counts() == before
    assert 'href="#id_money-0-amount"' in response.content.decode()


def test_unknown_currency_and_crafted_rows_are_field_errors(client, cast):
    data = engagement_post(
        cast.german_interior,
        **rows("countries", {"country": "99999999999999999999"}),
        **rows("money", {"kind": "commitment", "amount": "5", "currency": "XYZ", "value_date": "2024-03-15"}),
    )

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    formsets = response.context["editor"].formsets
    assert response.status_code == 200
    assert "country" in formsets["countries"].forms[0].errors
    assert "currency" in formsets["money"].forms[0].errors
    assert not Engagement.objects.unrestricted("test").exists()


def test_link_to_an_engagement_the_user_cannot_see_reads_as_unknown(client, cast):
    hidden = cast.engagement(
        cast.french_foreign_affairs, cast.french_ministry_editor, sharing_level="originator", title="French only"
    )
    data = engagement_post(cast.german_interior, **rows("links", {"target": str(hidden.pk), "kind": "related"}))

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    errors = response.context["editor"].formsets["links"].forms[0].errors
    assert errors["target"] == ["No engagement you can see has this number."]
    assert "French only" not in response.content.decode()
    assert Engagement.objects.unrestricted("test").count() == 1


def test_an_absurdly_large_amount_is_an_error_not_a_crash(client, cast):
    data = engagement_post(
        cast.german_interior,
        **rows(
            "money", {"kind": "budget", "amount": "9999999999999999.99", "currency": "GBP", "value_date": "2024-03-15"}
        ),
    )

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    assert response.status_code == 200
    assert response.context["editor"].formsets["money"].non_form_errors()
    assert not Engagement.objects.unrestricted("test").exists()


def test_the_same_link_twice_is_an_error_on_the_links(client, cast):
    earlier = cast.engagement(cast.commission, cast.commission_desk_officer, title="EUTF programme")
    link = {"target": str(earlier.pk), "kind": "funded_by"}
    data = engagement_post(cast.german_interior, **rows("links", link, link))

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    assert response.status_code == 200
    assert response.context["editor"].formsets["links"].non_form_errors() == ["The same link is listed twice."]
    assert Engagement.objects.unrestricted("test").count() == 1


def test_member_state_outside_the_eu_is_refused_for_restricted_sharing(client, cast):
    data = engagement_post(
        cast.german_interior, sharing_level="restricted", shared_with_countries=[str(country("MAR").pk)]
    )

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    assert "shared_with_countries" in response.context["form"].errors
    assert not Engagement.objects.unrestricted("test").exists()


def test_tampered_management_form_is_an_error_not_a_crash(client, cast):
    data = engagement_post(cast.german_interior)
    del data["money-TOTAL_FORMS"]

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    assert response.status_code == 200
    assert response.context["editor"].formsets["money"].non_form_errors()
    assert not Engagement.objects.unrestricted("test").exists()


def test_empty_submission_shows_errors(client, cast):
    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, {})

    assert response.status_code == 200
    assert response.context["error_summary"]
    assert not Engagement.objects.unrestricted("test").exists()


# -- editing -------------------------------------------------------------------


def test_edit_page_is_prefilled_and_saving_it_unchanged_changes_nothing(client, cast, german_record):
    url = reverse("registry:engagement_update", args=[german_record.pk])
    client = logged_in(client, cast.german_ministry_editor)
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["title"].value() == "Border management training"
    assert page.context["editor"].formsets["money"].forms[0]["amount"].value() == Decimal("1000000")
    changes_before = ObjectChange.objects.count()

    response = client.post(url, resubmission_of(page.context["editor"]))

    assert response.status_code == 302
    assert ObjectChange.objects.count() == changes_before
    assert MoneyLine.objects.unrestricted("test").filter(engagement=german_record).count() == 1


def test_a_full_record_survives_the_round_trip_through_the_edit_page(client, cast):
    earlier = cast.engagement(cast.commission, cast.commission_desk_officer, title="EUTF programme")
    record = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="restricted",
        countries=("MAR", "TUN"),
        themes=("LEGAL-LABOUR", "DEV-REMIT"),
        currency="USD",
        shared_with=[cast.iom],
        shared_with_countries=["FRA"],
        actual_start=date(2023, 2, 1),
    )
    rows_added = input_from_engagement(record)
    rows_added.links = [(earlier, "part_of")]
    rows_added.participations = [(cast.giz, "implementer")]
    update_engagement(record, rows_added, acting_user=cast.german_ministry_editor)
    url = reverse("registry:engagement_update", args=[record.pk])
    client = logged_in(client, cast.german_ministry_editor)
    page = client.get(url)
    assert "EUTF programme" in page.content.decode(), "a linked engagement is named"
    changes_before = ObjectChange.objects.count()

    response = client.post(url, resubmission_of(page.context["editor"]))

    assert response.status_code == 302
    assert ObjectChange.objects.count() == changes_before
    assert [(link.target, link.kind) for link in record.links_out.all()] == [(earlier, "part_of")]
    assert list(record.shared_with_countries.all()) == [country("FRA")]
    assert list(record.participations.values_list("role", flat=True)) == ["implementer"]


def test_edit_page_does_not_reveal_a_linked_engagement_that_became_hidden(client, cast, german_record):
    french = cast.engagement(
        cast.french_foreign_affairs, cast.french_ministry_editor, title="Franco-Moroccan labour scheme"
    )
    with_link = input_from_engagement(german_record)
    with_link.links = [(french, "related")]
    update_engagement(german_record, with_link, acting_user=cast.german_ministry_editor)
    change_sharing_level(french, "originator", acting_user=cast.french_ministry_editor)

    page = logged_in(client, cast.german_ministry_editor).get(
        reverse("registry:engagement_update", args=[german_record.pk])
    )

    links = page.context["editor"].formsets["links"]
    assert [form.initial for form in links.forms] == [{}], "only the blank row"
    assert "Franco-Moroccan labour scheme" not in page.content.decode()


def test_edit_page_queries_do_not_grow_with_the_number_of_rows(client, cast):
    small = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, countries=("MAR",), themes=("LEGAL-LABOUR",)
    )
    large = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        countries=("MAR", "TUN", "EGY", "LBY", "SEN"),
        themes=("LEGAL-LABOUR", "DEV-REMIT", "DEV-DIASPORA", "PROT-HOST"),
    )
    client = logged_in(client, cast.german_ministry_editor)

    def queries_for(record):
        url = reverse("registry:engagement_update", args=[record.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    assert queries_for(large) == queries_for(small)


def test_editing_changes_fields_and_the_history_shows_old_and_new(client, cast, german_record):
    url = reverse("registry:engagement_update", args=[german_record.pk])
    client = logged_in(client, cast.german_ministry_editor)
    data = resubmission_of(client.get(url).context["editor"])
    data.update({"title": "Border management training, phase 2", "status": "finalisation"})

    response = client.post(url, data)

    german_record.refresh_from_db()
    assert response.status_code == 302
    assert response.url == german_record.get_absolute_url()
    assert german_record.title == "Border management training, phase 2"
    latest = history_of(german_record).first()
    assert latest.action == ObjectChange.Action.UPDATE
    assert latest.changes["title"] == ["Border management training", "Border management training, phase 2"]
    assert latest.changes["status"] == ["implementation", "finalisation"]


def test_removing_a_row_drops_it(client, cast, german_record):
    url = reverse("registry:engagement_update", args=[german_record.pk])
    client = logged_in(client, cast.german_ministry_editor)
    data = resubmission_of(client.get(url).context["editor"])
    data["money-0-DELETE"] = "on"

    client.post(url, data)

    assert not MoneyLine.objects.unrestricted("test").filter(engagement=german_record).exists()
    assert history_of(german_record).first().changes["money"][1] == ""


def test_invalid_edit_leaves_the_record_untouched(client, cast, german_record):
    url = reverse("registry:engagement_update", args=[german_record.pk])
    client = logged_in(client, cast.german_ministry_editor)
    data = resubmission_of(client.get(url).context["editor"])
    data.update({"title": "Changed", "themes-0-share": "50"})
    before = record_counts()

    response = client.post(url, data)

    german_record.refresh_from_db()
    assert response.status_code == 200
    assert response.context["editor"].formsets["themes"].non_form_errors()
    assert german_record.title == "Border management training"
    assert record_counts() == before


def test_viewer_sees_a_403_page_for_a_visible_record(client, cast, german_record):
    client = logged_in(client, cast.giz_viewer)
    update_url = reverse("registry:engagement_update", args=[german_record.pk])
    delete_url = reverse("registry:engagement_delete", args=[german_record.pk])

    responses = [
        client.get(update_url),
        client.post(update_url, {"title": "x"}),
        client.get(delete_url),
        client.post(delete_url),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert "Only editors, coordinators and administrators" in responses[0].content.decode()
    german_record.refresh_from_db()
    assert german_record.title == "Border management training"


def test_other_member_state_gets_404_for_editing_or_deleting_an_originator_record(client, cast):
    record = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="originator", title="German only"
    )
    client = logged_in(client, cast.french_ministry_editor)
    update_url = reverse("registry:engagement_update", args=[record.pk])
    delete_url = reverse("registry:engagement_delete", args=[record.pk])

    responses = [
        client.get(update_url),
        client.post(update_url, {"title": "x"}),
        client.get(delete_url),
        client.post(delete_url),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert all("German only" not in r.content.decode() for r in responses)
    assert Engagement.objects.unrestricted("test").filter(pk=record.pk).exists()


def test_anonymous_visitor_is_sent_to_log_in(client, cast):
    record = cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public")
    urls = [
        CREATE_URL,
        reverse("registry:engagement_update", args=[record.pk]),
        reverse("registry:engagement_delete", args=[record.pk]),
    ]

    for url in urls:
        response = client.post(url) if "delete" in url else client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"
    assert Engagement.objects.unrestricted("test").filter(pk=record.pk).exists()


@pytest.mark.parametrize("persona", ["giz_viewer", "outsider"])
def test_user_without_an_editing_role_is_told_they_cannot_record(client, cast, persona):
    user = getattr(cast, persona)
    client = logged_in(client, user)

    page = client.get(CREATE_URL)
    submitted = client.post(CREATE_URL, engagement_post(cast.giz))

    assert page.status_code == 200
    assert "You cannot record engagements" in page.content.decode()
    assert submitted.status_code == 200
    assert not Engagement.objects.unrestricted("test").exists()


# -- deleting ------------------------------------------------------------------


def test_owner_editor_deletes_an_engagement_and_the_history_keeps_it(client, cast, german_record):
    url = reverse("registry:engagement_delete", args=[german_record.pk])
    client = logged_in(client, cast.german_ministry_editor)

    confirmation = client.get(url)
    response = client.post(url)

    assert confirmation.status_code == 200
    assert "Border management training" in confirmation.content.decode()
    assert response.status_code == 302
    assert response.url == reverse("registry:engagement_list")
    assert not Engagement.objects.unrestricted("test").filter(pk=german_record.pk).exists()
    assert not MoneyLine.objects.unrestricted("test").filter(engagement_id=german_record.pk).exists()
    deletion = history_of(german_record).first()
    assert deletion.action == ObjectChange.Action.DELETE
    assert deletion.user == cast.german_ministry_editor
    assert events_of(german_record, ["engagement.deleted"]).exists()


# -- the page in a real browser ----------------------------------------------

JS_PATH = Path(__file__).parents[2] / "src/partnerhub/registry/static/registry/engagement_form.js"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def fill_in_browser(html: str, steps) -> list[tuple[str, str]]:
    """Loads the page in Chromium with the form's script, runs ``steps(page)``
    and returns what the form would submit. No database work happens in here:
    Playwright's event loop and the ORM do not mix."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page()
        page.route("**/*", lambda route: route.abort())  # no network: static files stay out
        page.set_content(html)
        page.add_script_tag(content=JS_PATH.read_text(encoding="utf-8"))
        steps(page)
        entries = page.evaluate("() => Array.from(new FormData(document.getElementById('engagement-form')).entries())")
        browser.close()
    return [tuple(entry) for entry in entries]


def as_post(entries: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in entries:
        data.setdefault(name, []).append(value)
    return data


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium executable")
def test_rows_are_added_and_removed_in_the_browser_and_the_result_is_saved(client, cast):
    client = logged_in(client, cast.german_ministry_editor)
    html = client.get(CREATE_URL).content.decode()
    morocco, tunisia, egypt = (str(country(c).pk) for c in ("MAR", "TUN", "EGY"))

    def steps(page):
        restricted = page.locator("[data-restricted-only]")
        assert not restricted.is_visible(), "hidden unless the level is restricted"
        page.check("#id_sharing_level_3")
        assert restricted.is_visible()
        page.check("#id_sharing_level_2")
        page.fill("#id_title", "Added in the browser")
        page.select_option("#id_kind", "mission")
        page.select_option("#id_countries-0-country", morocco)
        add = page.locator("#countries-fieldset [data-formset-add]")
        add.click()
        add.click()
        page.select_option("#id_countries-1-country", egypt)
        page.select_option("#id_countries-2-country", tunisia)
        page.locator("#countries-1-row [data-formset-remove]").click()
        assert not page.locator("#countries-1-row").is_visible()
        assert page.input_value("#id_countries-TOTAL_FORMS") == "3"

    data = as_post(fill_in_browser(html, steps))
    response = client.post(CREATE_URL, data)

    assert response.status_code == 302, response.context and response.context["error_summary"]
    engagement = Engagement.objects.unrestricted("test").get(title="Added in the browser")
    assert {s.country.iso3 for s in engagement.country_shares.all()} == {"MAR", "TUN"}
