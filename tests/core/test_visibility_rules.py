"""The sharing rules, one persona at a time."""

import pytest

from partnerhub.registry.models import Engagement

pytestmark = pytest.mark.django_db


def visible_titles(user):
    return set(Engagement.objects.visible_to(user).values_list("title", flat=True))


def test_anonymous_visitor_sees_public_records_only(cast):
    cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public", title="open")
    cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="eu", title="limite")
    from django.contrib.auth.models import AnonymousUser

    assert visible_titles(AnonymousUser()) == {"open"}


def test_moroccan_ministry_user_sees_partner_records_about_morocco_only(cast):
    cast.engagement(
        cast.commission,
        cast.commission_desk_officer,
        sharing_level="partner",
        countries=("MAR",),
        title="morocco partner",
    )
    cast.engagement(
        cast.commission,
        cast.commission_desk_officer,
        sharing_level="partner",
        countries=("TUN",),
        title="tunisia partner",
    )
    cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="eu", title="limite")

    assert visible_titles(cast.moroccan_ministry_user) == {"morocco partner"}
    assert visible_titles(cast.tunisian_ministry_user) == {"tunisia partner"}


def test_other_member_state_does_not_see_originator_record(cast):
    cast.engagement(cast.german_interior, cast.german_ministry_editor, sharing_level="originator", title="german only")

    assert visible_titles(cast.german_ministry_editor) == {"german only"}
    assert visible_titles(cast.french_ministry_editor) == set()
    assert visible_titles(cast.giz_viewer) == set(), "GIZ is German but not the owner"
    assert visible_titles(cast.superuser) == set(), "superusers read nothing outside the admin"


def test_restricted_record_reaches_named_organisations_and_whole_member_states(cast):
    cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="restricted",
        title="named",
        shared_with=[cast.iom],
        shared_with_countries=["FRA"],
    )

    assert visible_titles(cast.iom_officer) == {"named"}
    assert visible_titles(cast.french_embassy_viewer) == {"named"}, "France as a whole is named"
    assert visible_titles(cast.commission_desk_officer) == set()
    assert visible_titles(cast.giz_viewer) == set()


def test_eu_record_is_seen_by_every_eu_side_user_but_not_by_partners_or_ios(cast):
    cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, sharing_level="eu", title="limite")

    for user in (cast.commission_desk_officer, cast.german_ministry_editor, cast.coordinator):
        assert visible_titles(user) == {"limite"}
    for user in (cast.moroccan_ministry_user, cast.iom_officer, cast.outsider):
        assert visible_titles(user) == set()
