"""The demo portfolio: clearly labelled, built once however often it runs, and one
log-in per confidentiality circle that sees exactly what the sharing rules allow."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command

from partnerhub.access.models import Membership, Organisation, OrganisationKind
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.registry.models import (
    Engagement,
    EngagementKind,
    EngagementLink,
    EngagementStatus,
    EngagementTheme,
    MoneyLine,
    Participation,
    ParticipationRole,
    Theme,
)
from partnerhub.web.demo import (
    ADMIN_USERNAME,
    DEMO_NOTE,
    DEMO_PASSWORD,
    USERS,
    DemoError,
    build_demo,
    demo_portfolio,
)

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = [entry.username for entry in USERS]


def user(username: str):
    return get_user_model().objects.get(username=username)


def visible(username: str) -> set[int]:
    return set(Engagement.objects.visible_to(user(username)).values_list("pk", flat=True))


def demo_counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": Membership.objects.count(),
        "engagements": Engagement.objects.unrestricted("test").count(),
        "money lines": MoneyLine.objects.unrestricted("test").count(),
        "links": EngagementLink.objects.unrestricted("test").count(),
        "history rows": ObjectChange.objects.count(),
    }


def rules_allow(person, engagement: Engagement) -> bool:
    """The sharing rules of DESIGN.md, written out independently of ``visibility_q``."""
    memberships = person.memberships.select_related("organisation__country")
    organisations = [membership.organisation for membership in memberships]
    level = engagement.sharing_level
    if level == SharingLevel.PUBLIC or engagement.owner_id in {o.pk for o in organisations}:
        return True
    eu_side = any(o.is_eu_side for o in organisations)
    if level in (SharingLevel.PARTNER, SharingLevel.EU) and eu_side:
        return True
    if level == SharingLevel.PARTNER:
        own_countries = {o.country_id for o in organisations if o.is_partner_authority}
        return bool(own_countries & {c.pk for c in engagement.countries.all()})
    if level == SharingLevel.RESTRICTED:
        named = {o.pk for o in engagement.shared_with_organisations.all()}
        states = {c.pk for c in engagement.shared_with_countries.all()}
        return bool(named & {o.pk for o in organisations}) or bool(
            states & {o.country_id for o in organisations if o.is_member_state_body}
        )
    return False


@pytest.mark.usefixtures("demo_built_once")
class TestDemoPortfolio:
    """Read-only checks that share one build of the demo."""

    def test_building_the_demo_twice_creates_no_duplicates(self, demo_built_once):
        before = demo_counts()

        second = build_demo()

        assert demo_counts() == before
        assert (second.organisations_created, second.users_created, second.engagements_created) == (0, 0, 0)
        assert demo_built_once.engagements_created == len(demo_portfolio())
        assert second.engagements_kept == len(demo_portfolio())

    def test_every_demo_engagement_is_labelled_as_demo_content(self):
        engagements = Engagement.objects.unrestricted("test").all()

        assert engagements.count() == len(demo_portfolio())
        for engagement in engagements:
            assert engagement.title.startswith("[Demo] ")
            assert engagement.is_demo
            assert DEMO_NOTE in engagement.description
            assert engagement.external_reference.startswith("DEMO-")

    def test_demo_engagements_are_written_by_their_owners_demo_user_with_history(self):
        for engagement in Engagement.objects.unrestricted("test").select_related("created_by"):
            created = ObjectChange.objects.get(
                object_id=engagement.pk, action="create", content_type__model="engagement"
            )
            assert created.user == engagement.created_by
            assert Membership.objects.filter(user=engagement.created_by, organisation=engagement.owner_id).exists()

    def test_demo_organisations_are_flagged_and_carry_known_iati_identifiers(self):
        organisations = Organisation.objects.filter(is_demo=True)

        assert organisations.count() == 17
        identifiers = set(organisations.exclude(iati_identifier=None).values_list("iati_identifier", flat=True))
        assert {"XI-IATI-EC_INTPA", "XM-DAC-5-52", "FR-3", "FR-6", "XM-DAC-47066", "XM-DAC-7"} <= identifiers
        assert organisations.get(acronym="GIZ").kind == OrganisationKind.MS_AGENCY
        assert organisations.get(name="Ministry of the Interior (Morocco)").is_partner_authority

    def test_portfolio_covers_every_sharing_level_kind_status_and_theme(self):
        engagements = Engagement.objects.unrestricted("test").all()

        assert set(engagements.values_list("sharing_level", flat=True)) == set(SharingLevel.values)
        assert {
            EngagementKind.PROJECT,
            EngagementKind.PROGRAMME,
            EngagementKind.DIALOGUE,
            EngagementKind.NEGOTIATION,
            EngagementKind.MISSION,
        } <= set(engagements.values_list("kind", flat=True))
        assert set(engagements.values_list("status", flat=True)) == set(EngagementStatus.values)
        assert set(EngagementTheme.objects.unrestricted("test").values_list("theme", flat=True)) == set(
            Theme.objects.values_list("pk", flat=True)
        )
        # "extending" is a role only IATI publishers state; people pick the other four.
        assert set(Participation.objects.unrestricted("test").values_list("role", flat=True)) == set(
            ParticipationRole.values
        ) - {ParticipationRole.EXTENDING}

    def test_portfolio_spans_2019_to_2027_in_several_currencies_with_linked_records(self):
        engagements = Engagement.objects.unrestricted("test").all()

        years = {d.year for d in engagements.values_list("start_date", flat=True)} | {
            d.year for d in engagements.values_list("end_date", flat=True)
        }
        assert min(years) == 2019 and max(years) == 2027
        currencies = set(MoneyLine.objects.unrestricted("test").values_list("currency", flat=True))
        assert currencies == {"EUR", "USD", "GBP", "CHF"}
        assert EngagementLink.objects.unrestricted("test").filter(kind="part_of", target__kind="programme").exists()
        restricted = engagements.filter(sharing_level=SharingLevel.RESTRICTED)
        assert restricted.filter(shared_with_organisations__isnull=False).exists()
        assert restricted.filter(shared_with_countries__isnull=False).exists()

    def test_every_demo_account_logs_in_with_the_demo_password(self):
        for username in [*DEMO_USERNAMES, ADMIN_USERNAME]:
            assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username

    def test_demo_password_passes_the_password_validators(self):
        for username in [*DEMO_USERNAMES, ADMIN_USERNAME]:
            validate_password(DEMO_PASSWORD, user(username))

    def test_only_the_admin_account_is_staff(self):
        assert user(ADMIN_USERNAME).is_superuser
        staff = get_user_model().objects.filter(is_staff=True).values_list("username", flat=True)
        assert list(staff) == [ADMIN_USERNAME]

    def test_every_demo_persona_sees_exactly_what_the_sharing_rules_allow(self):
        engagements = Engagement.objects.unrestricted("test").prefetch_related(
            "countries", "shared_with_organisations", "shared_with_countries"
        )
        for username in DEMO_USERNAMES:
            person = user(username)
            expected = {e.pk for e in engagements if rules_allow(person, e)}
            assert visible(username) == expected, username

    def test_every_demo_persona_sees_a_different_subset(self):
        subsets = {username: frozenset(visible(username)) for username in DEMO_USERNAMES}

        assert len(set(subsets.values())) == len(DEMO_USERNAMES)
        assert all(subsets.values())

    def test_moroccan_interior_sees_public_records_and_partner_records_about_morocco_only(self):
        seen = Engagement.objects.unrestricted("test").filter(pk__in=visible("ma.interior"))
        partner_about_morocco = Engagement.objects.unrestricted("test").filter(
            sharing_level=SharingLevel.PARTNER, countries__iso3="MAR"
        )

        assert set(seen.values_list("sharing_level", flat=True)) == {"public", "partner"}
        assert not seen.filter(sharing_level="partner").exclude(countries__iso3="MAR").exists()
        assert set(partner_about_morocco) <= set(seen)
        assert set(Engagement.objects.unrestricted("test").filter(sharing_level="public")) <= set(seen)

    def test_german_interior_originator_record_is_hidden_from_french_ministry_and_giz(self):
        originator = Engagement.objects.unrestricted("test").filter(owner__acronym="BMI", sharing_level="originator")

        assert originator.exists()
        for record in originator:
            assert record.pk in visible("de.interior")
            assert record.pk not in visible("fr.mfa")
            assert record.pk not in visible("de.giz"), "GIZ is German but not the owner"

    def test_record_restricted_to_france_reaches_every_french_body_but_not_other_germans(self):
        record = Engagement.objects.unrestricted("test").get(
            owner__acronym="BMI", sharing_level="restricted", shared_with_countries__iso3="FRA"
        )

        for username in ("de.interior", "fr.mfa", "fr.embassy.rabat", "fr.afd"):
            assert record.pk in visible(username), username
        for username in ("de.giz", "it.mfa", "commission.desk", "ma.interior"):
            assert record.pk not in visible(username), username

    def test_record_restricted_to_named_organisations_reaches_only_them(self):
        record = Engagement.objects.unrestricted("test").get(
            owner__acronym="DG INTPA", sharing_level="restricted", shared_with_organisations__acronym="IOM"
        )

        assert {"iom.officer", "de.giz", "commission.desk"} == {
            username for username in DEMO_USERNAMES if record.pk in visible(username)
        }

    def test_international_organisation_sees_no_limite_records(self):
        seen = Engagement.objects.unrestricted("test").filter(pk__in=visible("iom.officer"))
        seen = seen.exclude(owner__acronym="IOM")

        assert not seen.filter(sharing_level__in=["eu", "partner"]).exists()

    def test_demo_superuser_reads_only_what_an_anonymous_visitor_reads_outside_the_admin(self):
        public = set(
            Engagement.objects.unrestricted("test").filter(sharing_level="public").values_list("pk", flat=True)
        )

        assert visible(ADMIN_USERNAME) == public


def test_portfolio_is_the_same_on_every_run():
    assert demo_portfolio() == demo_portfolio()
    assert 55 <= len(demo_portfolio()) <= 65


@pytest.mark.slow
def test_a_real_organisation_already_present_is_reused_and_left_as_it_is(db):
    imported = Organisation.objects.create(
        name="IOM (from the IATI registry)", kind=OrganisationKind.INTERNATIONAL, iati_identifier="XM-DAC-47066"
    )

    build_demo()

    imported.refresh_from_db()
    assert imported.name == "IOM (from the IATI registry)" and not imported.is_demo
    assert Organisation.objects.filter(iati_identifier="XM-DAC-47066").count() == 1
    assert Engagement.objects.unrestricted("test").filter(owner=imported).exists()


def test_an_existing_account_with_a_demo_username_stops_the_build_and_writes_nothing(db):
    get_user_model().objects.create_user("fr.mfa", "real.person@example.org", "x-9d!kq2Zp")

    with pytest.raises(DemoError, match="fr.mfa"):
        build_demo()

    assert not Organisation.objects.filter(is_demo=True).exists()
    assert not Engagement.objects.unrestricted("test").exists()
    assert user("fr.mfa").check_password("x-9d!kq2Zp")


def test_load_demo_prints_every_log_in_with_its_circle_and_the_password(db):
    out = StringIO()

    call_command("load-demo", stdout=out)

    output = out.getvalue()
    for username in [*DEMO_USERNAMES, ADMIN_USERNAME]:
        assert username in output
    assert DEMO_PASSWORD in output
    assert "partner records about Morocco" in output
    assert "demo databases only" in output
    assert "3 Action Plans, 7 meetings, 3 lines to take and 6 counterparts created" in output


def test_load_demo_refuses_to_run_on_a_production_site(db, settings):
    settings.PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        call_command("load-demo", stdout=StringIO())

    assert not Engagement.objects.unrestricted("test").exists()


@pytest.mark.slow
def test_setup_with_demo_can_run_twice(db):
    first, second = StringIO(), StringIO()

    call_command("setup", "--demo", stdout=first)
    call_command("setup", "--demo", stdout=second)

    assert "already up to date" in second.getvalue()
    assert "0 engagements created" in second.getvalue()
    assert Engagement.objects.unrestricted("test").count() == len(demo_portfolio())
    assert get_user_model().objects.filter(username__in=DEMO_USERNAMES).count() == len(USERS)
