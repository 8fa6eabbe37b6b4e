"""The admin: every page loads for a superuser with data present; records stay read-only
there; people outside the staff never get in."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from partnerhub.access.models import ApiToken, Membership, Organisation
from partnerhub.agenda.models import Counterpart, FeedToken, LineToTake, Meeting
from partnerhub.agenda.services import issue_feed_token
from partnerhub.analysis.models import PartnerPriority, PriorityComment
from partnerhub.core.models import Event, ObjectChange
from partnerhub.facts.models import Endorsement, FactsLoad, Observation
from partnerhub.geo.models import Country, Route
from partnerhub.iati.models import ImportJob, PublisherSubscription, RegistryDataset
from partnerhub.notifications.digests import send_due_digests
from partnerhub.notifications.models import DigestDelivery, Follow, NotificationPreference
from partnerhub.notifications.services import follow_country, follow_theme
from partnerhub.overlaps.models import OverlapPair, OverlapRun
from partnerhub.plans.models import Action, ActionFiche, ActionIndicator, ActionPlan, PlanReview
from partnerhub.registry.models import Engagement
from partnerhub.talent.models import PipelineFigure, TalentNeed, TalentPartnership, TalentScheme, TalentSupply
from tests.agenda.factories import counterpart, line, meeting
from tests.facts.factories import hidden_dispute
from tests.plans.factories import hidden_fiche, hidden_indicator, hidden_review
from tests.talent.factories import hidden_need, hidden_pipeline, hidden_supply

pytestmark = pytest.mark.django_db

# Our own models and the people (auth); third-party admins, such as the task
# queue's, are tested by their authors.
REGISTERED_MODELS = sorted(
    (
        model
        for model in admin.site._registry
        if model._meta.app_config.name.startswith(("partnerhub.", "django.contrib.auth"))
    ),
    key=lambda model: model._meta.label,
)
RECORD_MODELS = (
    Engagement,
    ObjectChange,
    Event,
    ImportJob,
    PublisherSubscription,
    RegistryDataset,
    PartnerPriority,
    PriorityComment,
    OverlapPair,
    OverlapRun,
    # Kept through the agenda's services, with their history: coordinators keep the counterparts.
    Meeting,
    LineToTake,
    Counterpart,
    FeedToken,
    ActionPlan,
    Action,
    ActionIndicator,
    PlanReview,
    ActionFiche,
    Observation,
    Endorsement,
    FactsLoad,
    TalentNeed,
    TalentSupply,
    TalentPartnership,
    TalentScheme,
    PipelineFigure,
    # A person's own choices and what was mailed to them: read by superusers only.
    Follow,
    NotificationPreference,
    DigestDelivery,
)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def portfolio(cast):
    """Records at every sharing level, a link, a token: every list has rows to show."""
    programme = cast.engagement(
        cast.commission,
        cast.commission_desk_officer,
        kind="programme",
        sharing_level="public",
        title="Reintegration programme",
    )
    project = cast.engagement(
        cast.commission, cast.commission_desk_officer, title="Project in programme", links=[(programme, "part_of")]
    )
    cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="originator", title="German negotiating line"
    )
    cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="restricted",
        title="Shared with France",
        shared_with_countries=["FRA"],
    )
    cast.engagement(cast.iom, cast.iom_officer, sharing_level="partner", currency="USD", title="IOM return support")
    cast.moroccan_interior.aliases = ["Ministère de l'Intérieur"]
    cast.moroccan_interior.save()
    ApiToken.issue(cast.german_ministry_editor, "nightly export")
    ImportJob.objects.create(
        started_by=cast.coordinator,
        organisation=cast.eu_delegation_morocco,
        original_name="activities-morocco.xml",
        stored_name="iati/admin-test.xml",
    )
    iom_files = PublisherSubscription.objects.create(publisher_id="iom", organisation=cast.iom)
    RegistryDataset.objects.create(subscription=iom_files, name="iom-activities", url="https://example.org/iom.xml")
    Group.objects.create(name="Helpdesk")
    morocco = Country.objects.get(iso3="MAR")
    priority = PartnerPriority.objects.create(
        owner=cast.moroccan_interior,
        country=morocco,
        theme=programme.themes.first(),
        description="Reintegration",
        source="Speech",
        stated_on="2025-01-01",
    )
    PriorityComment.objects.create(
        priority=priority,
        organisation=cast.eu_delegation_morocco,
        author=cast.coordinator,
        text="Propose the 2025 strategy as the source",
    )
    pair = OverlapPair.objects.create(
        first=programme,
        second=project,
        score=0.7,
        text_similarity=0.6,
        first_fingerprint="a",
        second_fingerprint="b",
        found_at=timezone.now(),
    )
    pair.countries.add(morocco)
    OverlapRun.objects.create(country=morocco, started_by=cast.coordinator)
    meeting(cast.german_interior, cast.german_ministry_editor, with_counterpart=counterpart())
    line(cast.eu_delegation_morocco, cast.coordinator)
    issue_feed_token(acting_user=cast.coordinator)
    hidden_review(cast, secret="Morocco plan")
    hidden_fiche(cast, secret="Morocco action")
    hidden_indicator(cast, secret="Returns supported")
    hidden_dispute(cast, secret="Morocco counts more")
    hidden_need(cast, secret="Nurses for Bavaria")
    hidden_supply(cast, secret="Moroccan nursing graduates")
    hidden_pipeline(cast, secret="Morocco nursing scheme")
    FactsLoad.objects.create(source_name="wdi", file_name="wdi_BX.TRF.PWKR.CD.DT.csv", started_by=cast.coordinator)
    cast.coordinator.email = "coordinator@example.org"
    cast.coordinator.save()
    follow_country(cast.coordinator, morocco)
    follow_theme(cast.coordinator, programme.themes.first())
    send_due_digests()
    return cast


@pytest.fixture
def superuser_client(client, portfolio):
    client.force_login(portfolio.superuser)
    return client


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_every_changelist_loads_for_the_superuser(superuser_client, model):
    response = superuser_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_every_changelist_search_works_for_the_superuser(superuser_client, model):
    response = superuser_client.get(admin_url(model, "changelist"), {"q": "mor"})

    assert response.status_code == 200


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_every_detail_page_loads_for_the_superuser(superuser_client, model):
    instance = model._base_manager.order_by("pk").first()

    response = superuser_client.get(admin_url(model, "change", instance.pk))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "model",
    [m for m in REGISTERED_MODELS if m not in (*RECORD_MODELS, ApiToken)],
    ids=lambda model: model._meta.label,
)
def test_every_add_page_of_reference_data_and_people_loads(superuser_client, model):
    assert superuser_client.get(admin_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", REGISTERED_MODELS, ids=lambda model: model._meta.label)
def test_changelist_needs_no_query_per_row(superuser_client, model, django_assert_max_num_queries):
    # Session, user, count, page and filters: about ten, whatever the number of rows.
    with django_assert_max_num_queries(12):
        superuser_client.get(admin_url(model, "changelist"))


def test_engagement_changelist_shows_every_record_to_the_superuser(superuser_client):
    response = superuser_client.get(admin_url(Engagement, "changelist"))

    shown = {engagement.title for engagement in response.context["cl"].result_list}
    assert shown == set(Engagement.objects.unrestricted("test").values_list("title", flat=True))
    assert "German negotiating line" in shown


def test_engagement_admin_refuses_to_add_change_or_delete(superuser_client):
    engagement = Engagement.objects.unrestricted("test").get(title="German negotiating line")

    assert superuser_client.get(admin_url(Engagement, "add")).status_code == 403
    changed = superuser_client.post(admin_url(Engagement, "change", engagement.pk), {"title": "Renamed in the admin"})
    assert changed.status_code == 403
    assert superuser_client.post(admin_url(Engagement, "delete", engagement.pk), {"post": "yes"}).status_code == 403
    engagement.refresh_from_db()
    assert engagement.title == "German negotiating line"


def test_engagement_detail_shows_its_history(superuser_client, portfolio):
    engagement = Engagement.objects.unrestricted("test").get(title="Shared with France")

    response = superuser_client.get(admin_url(Engagement, "change", engagement.pk))

    content = response.content.decode()
    assert "Created" in content and "engagement.created" in content
    assert portfolio.german_ministry_editor.username in content
    assert 'name="title"' not in content, "the page is read-only"


def test_engagement_history_button_leads_to_its_field_level_history(superuser_client):
    engagement = Engagement.objects.unrestricted("test").get(title="Shared with France")

    response = superuser_client.get(admin_url(Engagement, "history", engagement.pk), follow=True)

    changes = response.context["cl"].result_list
    assert [change.object_id for change in changes] == [engagement.pk]
    assert changes[0].action == "create"


def test_superuser_opening_a_restricted_record_is_logged_for_its_owner(superuser_client, portfolio):
    engagement = Engagement.objects.unrestricted("test").get(title="Shared with France")

    superuser_client.get(admin_url(Engagement, "change", engagement.pk))

    assert (
        Event.objects.filter(name="engagement.viewed", object_id=engagement.pk, user=portfolio.superuser).count() == 1
    )


@pytest.mark.parametrize("model", (ObjectChange, Event), ids=lambda model: model._meta.label)
def test_history_cannot_be_added_changed_or_deleted(superuser_client, model):
    row = model._base_manager.first()

    assert superuser_client.get(admin_url(model, "add")).status_code == 403
    assert superuser_client.post(admin_url(model, "change", row.pk), {}).status_code == 403
    assert superuser_client.post(admin_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model._base_manager.filter(pk=row.pk).exists()


def test_api_token_page_never_shows_the_key_and_tokens_cannot_be_created(superuser_client):
    token = ApiToken.objects.get()

    page = superuser_client.get(admin_url(ApiToken, "change", token.pk)).content.decode()

    assert token.key_hash not in page
    assert token.hint in page
    assert superuser_client.get(admin_url(ApiToken, "add")).status_code == 403


def test_superuser_revokes_an_api_token_by_deleting_it(superuser_client):
    token = ApiToken.objects.get()

    response = superuser_client.post(admin_url(ApiToken, "delete", token.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not ApiToken.objects.exists()


def test_organisation_search_finds_aliases_and_iati_identifiers(superuser_client, portfolio):
    url = admin_url(Organisation, "changelist")

    by_alias = superuser_client.get(url, {"q": "Intérieur"}).context["cl"].result_list
    by_iati = superuser_client.get(url, {"q": "XM-DAC-47066"}).context["cl"].result_list

    assert list(by_alias) == [portfolio.moroccan_interior]
    assert list(by_iati) == [portfolio.iom]


def test_user_page_lists_the_organisations_the_person_works_for(superuser_client, portfolio):
    person = portfolio.german_ministry_editor

    page = superuser_client.get(admin_url(type(person), "change", person.pk)).content.decode()

    assert "organisations this person works for" in page.lower()
    assert portfolio.german_interior.name in page


def test_superuser_adds_a_membership(superuser_client, portfolio):
    response = superuser_client.post(
        admin_url(Membership, "add"),
        {
            "user": portfolio.outsider.pk,
            "organisation": portfolio.giz.pk,
            "role": "viewer",
        },
    )

    assert response.status_code == 302
    assert Membership.objects.filter(user=portfolio.outsider, organisation=portfolio.giz).exists()


def test_country_routes_are_editable_but_iso_codes_are_not(superuser_client):
    morocco = Country.objects.get(iso3="MAR")
    routes = list(Route.objects.order_by("code")[:2])

    response = superuser_client.post(
        admin_url(Country, "change", morocco.pk),
        {
            "iso3": "XXX",
            "is_priority_partner": "on",
            "region": morocco.region_id,
            "routes": [route.pk for route in routes],
        },
    )

    assert response.status_code == 302
    morocco.refresh_from_db()
    assert morocco.iso3 == "MAR"
    assert set(morocco.routes.all()) == set(routes)


def test_user_outside_the_staff_is_sent_to_the_admin_login(client, cast):
    client.force_login(cast.german_ministry_editor)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(admin_url(Engagement, "changelist"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda model: model._meta.label)
def test_staff_without_superuser_rights_cannot_read_records_or_history(client, portfolio, model):
    staff = portfolio.coordinator
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.all())
    client.force_login(staff)

    assert client.get(admin_url(model, "changelist")).status_code == 403
    assert client.get(admin_url(Organisation, "changelist")).status_code == 200
