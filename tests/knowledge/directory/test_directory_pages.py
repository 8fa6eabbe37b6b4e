"""The directory of focal points as the people using it: EU-side users read it, anyone else sees only
their own entry, the person corrects and confirms their entry, removal leaves no copy behind."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.access.models import Membership, Organisation, Role
from partnerhub.core.models import Event, ObjectChange
from partnerhub.knowledge.models import FocalPoint
from tests.knowledge.crisis_factories import focal_point_for
from tests.support.clients import client_for
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db

DIRECTORY = "/knowledge/directory/"


def page_of(user, url: str, params=None) -> str:
    response = client_for(user).get(url, params or {})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def entry_url(entry: FocalPoint, action: str = "") -> str:
    return f"{DIRECTORY}{entry.pk}/" + (f"{action}/" if action else "")


# -- who reads ------------------------------------------------------------------------------------


def test_eu_side_users_read_the_directory_with_its_filters(cast, django_assert_max_num_queries):
    amina = focal_point_for(cast, name="Amina Officer", languages="fr, ar", themes=[])
    focal_point_for(
        cast,
        name="Jonas Liaison",
        organisation=cast.german_interior,
        role="liaison",
        languages="de en",
        countries=("TUN",),
        email="jonas@example.org",
    )
    client = client_for(cast.french_ministry_editor)
    # session, user, circle, the entries (count, rows, countries, themes), whether the reader adds entries,
    # the header's organisations, the filters' choices.
    with django_assert_max_num_queries(15):
        page = client.get(DIRECTORY).content.decode()
    assert "Amina Officer" in page and "Jonas Liaison" in page and "amina.test@example.org" in page
    by_country = page_of(cast.french_ministry_editor, DIRECTORY, {"country": "TUN"})
    assert "Jonas Liaison" in by_country and "Amina Officer" not in by_country
    by_language = page_of(cast.french_ministry_editor, DIRECTORY, {"language": "ar"})
    assert "Amina Officer" in by_language and "Jonas Liaison" not in by_language
    by_role = page_of(cast.commission_desk_officer, DIRECTORY, {"role": "liaison"})
    assert "Jonas Liaison" in by_role and "Amina Officer" not in by_role
    by_words = page_of(cast.commission_desk_officer, DIRECTORY, {"q": "federal interior"})
    assert "Jonas Liaison" in by_words and "Amina Officer" not in by_words
    by_organisation = page_of(cast.giz_viewer, DIRECTORY, {"organisation": cast.eu_delegation_morocco.pk})
    assert "Amina Officer" in by_organisation and "Jonas Liaison" not in by_organisation
    assert page_of(cast.giz_viewer, entry_url(amina))


def test_the_page_keeps_the_same_number_of_queries_for_more_entries(cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cast.french_ministry_editor)
    focal_point_for(cast, name="Person 0", email="p0@example.org")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DIRECTORY).status_code == 200
        return len(captured)

    few = count()
    for number in range(1, 8):
        focal_point_for(cast, name=f"Person {number}", email=f"p{number}@example.org", countries=("MAR", "TUN"))
    assert count() == few


def test_a_partner_authority_user_sees_only_their_own_entry(cast):
    others = focal_point_for(cast, name="Someone Else")
    own = focal_point_for(
        cast,
        name="Youssef Ministry",
        organisation=cast.moroccan_interior,
        role="ministry",
        user=cast.moroccan_ministry_user,
        email="youssef@example.org",
    )
    client = client_for(cast.moroccan_ministry_user)
    assert client.get(entry_url(others)).status_code == 404
    for action in ("edit", "delete"):
        assert client.get(entry_url(others, action)).status_code == 404
    assert client.post(entry_url(others, "confirm")).status_code == 404
    listing = page_of(cast.moroccan_ministry_user, DIRECTORY)
    assert "Youssef Ministry" in listing and "Someone Else" not in listing
    assert "Youssef Ministry" in page_of(cast.moroccan_ministry_user, entry_url(own))
    assert client.get(f"{DIRECTORY}mine/").url == entry_url(own)
    assert client.get("/knowledge/directory.csv").status_code == 403


def test_outsiders_and_anonymous_visitors(cast):
    entry = focal_point_for(cast)
    assert client_for(cast.outsider).get(entry_url(entry)).status_code == 404
    assert "Amina Test" not in page_of(cast.outsider, DIRECTORY)
    assert "no entry" in page_of(cast.outsider, f"{DIRECTORY}mine/")
    for url in (DIRECTORY, entry_url(entry), "/knowledge/directory.csv", f"{DIRECTORY}mine/"):
        response = client_for(None).get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_csv_export_goes_to_eu_side_users_with_the_filters(cast):
    focal_point_for(cast, name="Amina Officer")
    focal_point_for(cast, name="Tunis Person", countries=("TUN",), email="t@example.org")
    response = client_for(cast.german_ministry_editor).get("/knowledge/directory.csv", {"country": "MAR"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert body.lstrip("\ufeff").splitlines()[0].startswith("id,name,function,role,organisation,email")
    assert "Amina Officer" in body and "Tunis Person" not in body


@override_settings(FOCAL_POINT_STALE_DAYS=30)
def test_entries_not_confirmed_for_longer_than_the_setting_are_flagged(cast):
    fresh = focal_point_for(cast, name="Fresh Person", email="fresh@example.org")
    stale = focal_point_for(cast, name="Stale Person", email="stale@example.org")
    FocalPoint.objects.filter(pk=fresh.pk).update(last_confirmed_at=timezone.now() - timedelta(days=29))
    FocalPoint.objects.filter(pk=stale.pk).update(last_confirmed_at=timezone.now() - timedelta(days=31))
    assert "data-stale" not in page_of(cast.french_ministry_editor, entry_url(fresh))
    page = page_of(cast.french_ministry_editor, entry_url(stale))
    assert "data-stale" in page and "not confirmed for more than 30 days" in page


# -- who changes ------------------------------------------------------------------------------------


def test_the_person_corrects_and_confirms_their_own_entry(cast):
    own = focal_point_for(
        cast, name="Youssef Ministry", organisation=cast.moroccan_interior, user=cast.moroccan_ministry_user
    )
    assert own.last_confirmed_at is None
    client = client_for(cast.moroccan_ministry_user)
    before = timezone.now()
    assert client.post(entry_url(own, "confirm")).status_code == 302
    own.refresh_from_db()
    assert own.last_confirmed_at is not None and own.last_confirmed_at >= before
    form = client.get(entry_url(own, "edit")).context["form"]
    assert "organisation" not in form.fields and "account" not in form.fields
    response = client.post(
        entry_url(own, "edit"),
        {"name": "Youssef El Amrani", "function": "Director of migration", "role": "ministry", "phone": "+212 5 00"},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.name, own.function, own.phone, own.email) == (
        "Youssef El Amrani",
        "Director of migration",
        "+212 5 00",
        "",
    )
    assert own.organisation == cast.moroccan_interior and own.user == cast.moroccan_ministry_user


def test_editors_of_other_organisations_cannot_change_an_entry(cast):
    entry = focal_point_for(cast, name="Delegation Officer")
    for user in (cast.german_ministry_editor, cast.giz_viewer, cast.commission_desk_officer):
        client = client_for(user)
        assert client.get(entry_url(entry, "edit")).status_code == 403
        assert client.post(entry_url(entry, "edit"), {"name": "Changed"}).status_code == 403
        assert client.post(entry_url(entry, "confirm")).status_code == 403
        assert client.post(entry_url(entry, "delete")).status_code == 403
    entry.refresh_from_db()
    assert entry.name == "Delegation Officer" and entry.last_confirmed_at is None


def test_an_editor_of_the_entrys_organisation_changes_it(cast):
    entry = focal_point_for(cast, name="Commission Person", organisation=cast.commission, email="c@example.org")
    client = client_for(cast.commission_desk_officer)
    response = client.post(
        entry_url(entry, "edit"),
        {
            "name": "Commission Person",
            "function": "Head of unit",
            "role": "other",
            "organisation": cast.commission.pk,
            "email": "head@example.org",
            "languages": "en, xx",
        },
    )
    assert response.status_code == 200 and "languages" in response.context["form"].errors
    response = client.post(
        entry_url(entry, "edit"),
        {
            "name": "Commission Person",
            "function": "Head of unit",
            "role": "other",
            "organisation": cast.commission.pk,
            "email": "head@example.org",
            "languages": "en",
            "account": cast.commission_desk_officer.username,
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.function, entry.email, entry.user) == (
        "Head of unit",
        "head@example.org",
        cast.commission_desk_officer,
    )
    # The editor may not move the entry to an organisation they do not edit for.
    form = client.get(entry_url(entry, "edit")).context["form"]
    assert list(form.fields["organisation"].queryset) == [cast.commission]


def test_a_removed_entry_is_gone_from_the_database_and_from_every_history(cast):
    entry = focal_point_for(cast, name="Zora Removable", email="zora.removable@example.org", phone="+32 2 555")
    client = client_for(cast.coordinator)
    assert client.get(entry_url(entry, "delete")).status_code == 200
    assert client.post(entry_url(entry, "edit"), {"name": "Zora Renamed"}).status_code == 200
    assert client.post(entry_url(entry, "delete")).status_code == 302
    assert not FocalPoint.objects.filter(pk=entry.pk).exists()
    assert not FocalPoint.objects.filter(name__icontains="Zora").exists()
    for change in ObjectChange.objects.all():
        text = f"{change.object_repr} {change.changes} {change.audience}"
        assert "Zora" not in text and "zora.removable" not in text and "555" not in text
    removal = Event.objects.get(name="knowledge.focal_point_removed")
    assert removal.user == cast.coordinator and "Zora" not in str(removal.data)
    for event in Event.objects.all():
        assert "Zora" not in str(event.data) and "zora" not in str(event.data)


def test_adding_an_entry_as_an_eu_side_editor_for_ones_own_organisation(cast):
    client = client_for(cast.french_ministry_editor)
    form = {
        "name": "Claire Attachée",
        "function": "Migration attachée",
        "role": "liaison",
        "organisation": cast.french_foreign_affairs.pk,
        "email": "claire@example.org",
    }
    assert client.post(f"{DIRECTORY}new/", form).status_code == 302
    assert FocalPoint.objects.filter(name="Claire Attachée", organisation=cast.french_foreign_affairs).exists()
    other = {**form, "name": "Not Mine", "organisation": cast.german_interior.pk}
    response = client.post(f"{DIRECTORY}new/", other)
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert client_for(cast.moroccan_ministry_user).get(f"{DIRECTORY}new/").status_code == 403
    assert not FocalPoint.objects.filter(name="Not Mine").exists()


# -- the visibility rule over random memberships ------------------------------------------------------

KINDS = ["eu_institution", "eu_delegation", "ms_ministry", "ms_embassy", "partner_authority", "international", "ngo"]
COUNTRY_OF_KIND = {"eu_delegation": "MAR", "ms_ministry": "FRA", "ms_embassy": "DEU", "partner_authority": "TUN"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(memberships=st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(list(Role.values))), max_size=3))
def test_the_whole_directory_for_eu_side_users_else_only_ones_own_entry(cast, memberships):
    from partnerhub.geo.models import Country

    with transaction.atomic():
        user = make_user("random.reader")
        eu_side = False
        for number, (kind, role) in enumerate(memberships):
            iso3 = COUNTRY_OF_KIND.get(kind)
            organisation = Organisation.objects.create(
                name=f"Random {number}", kind=kind, country=Country.objects.get(iso3=iso3) if iso3 else None
            )
            Membership.objects.create(user=user, organisation=organisation, role=role)
            eu_side = eu_side or kind in ("eu_institution", "eu_delegation", "ms_ministry", "ms_embassy")
        # Written directly: the services' durable transactions do not nest in the example's.
        others = FocalPoint.objects.create(name="Another Person", function="Officer", organisation=cast.commission)
        own = FocalPoint.objects.create(name="Own Person", function="Officer", organisation=cast.iom, user=user)
        visible = set(FocalPoint.objects.visible_to(user).values_list("pk", flat=True))
        assert visible == ({others.pk, own.pk} if eu_side else {own.pk})
        page = page_of(user, DIRECTORY)
        assert ("Another Person" in page) == eu_side and "Own Person" in page
        transaction.set_rollback(True)
