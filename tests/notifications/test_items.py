"""What a digest lists for a reader: the followed countries and themes, the window, and only what the
reader may see at the moment the list is built."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from partnerhub.agenda.services import cancel_meeting
from partnerhub.notifications import items as kinds
from partnerhub.notifications.items import grouped, items_for
from partnerhub.plans.models import ActionStatus
from partnerhub.plans.services import update_action
from partnerhub.registry.services import change_sharing_level
from tests.agenda.factories import counterpart, line, meeting
from tests.notifications.support import dated, days_ago, follows_morocco, follows_theme, last_days
from tests.plans.factories import action_for, plan_for

pytestmark = pytest.mark.django_db


def titles(reader, window=None):
    return {item.title for item in items_for(reader, window or last_days(1))}


def test_a_desk_officer_following_morocco_is_told_of_new_engagements_she_may_see(cast):
    desk = follows_morocco(cast.german_ministry_editor)
    cast.engagement(cast.commission, cast.commission_desk_officer, title="EU-side return programme")
    cast.engagement(
        cast.french_foreign_affairs, cast.french_ministry_editor, title="French secret", sharing_level="originator"
    )
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Tunisian project", countries=("TUN",))

    [item] = items_for(desk, last_days(1))
    assert (item.kind, item.title, item.country.iso3) == (kinds.ENGAGEMENT_NEW, "EU-side return programme", "MAR")
    assert item.path.startswith("/engagements/")


def test_an_engagement_changed_in_the_window_but_created_before_is_changed_not_new(cast):
    desk = follows_morocco(cast.german_ministry_editor)
    old = dated(cast.engagement(cast.commission, cast.commission_desk_officer, title="Older programme"), days_ago(30))
    assert items_for(desk, last_days(1)) == []
    change_sharing_level(old, "public", acting_user=cast.commission_desk_officer)
    [item] = items_for(desk, last_days(1))
    assert item.kind == kinds.ENGAGEMENT_CHANGED


def test_a_record_made_confidential_after_its_change_is_gone_when_the_digest_is_built(cast):
    desk = follows_morocco(cast.german_ministry_editor)
    record = cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, title="Shared then narrowed")
    assert titles(desk) == {"Shared then narrowed"}

    change_sharing_level(record, "originator", acting_user=cast.french_ministry_editor)

    assert titles(desk) == set()
    assert titles(follows_morocco(cast.french_ministry_editor)) == {"Shared then narrowed"}


def test_a_record_widened_after_its_change_appears(cast):
    desk = follows_morocco(cast.german_ministry_editor)
    record = cast.engagement(
        cast.french_foreign_affairs, cast.french_ministry_editor, title="Widened", sharing_level="originator"
    )
    assert titles(desk) == set()
    change_sharing_level(record, "eu", acting_user=cast.french_ministry_editor)
    assert titles(desk) == {"Widened"}


def test_the_window_bounds_what_is_listed(cast):
    desk = follows_morocco(cast.german_ministry_editor)
    dated(cast.engagement(cast.commission, cast.commission_desk_officer, title="Three days ago"), days_ago(3))
    dated(cast.engagement(cast.commission, cast.commission_desk_officer, title="Ten days ago"), days_ago(10))
    assert titles(desk, last_days(1)) == set()
    assert titles(desk, last_days(7)) == {"Three days ago"}
    assert titles(desk, last_days(30)) == {"Three days ago", "Ten days ago"}


def test_following_a_pillar_follows_its_themes_in_every_country(cast):
    officer = follows_theme(cast.commission_desk_officer, "RETURN")
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Return in Tunisia", countries=("TUN",))
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Remittances", themes=("DEV-REMIT",))
    [item] = items_for(officer, last_days(1))
    assert item.title == "Return in Tunisia" and item.country.iso3 == "TUN"


def test_an_outsider_or_someone_following_nothing_gets_nothing(cast):
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Public programme", sharing_level="public")
    assert items_for(cast.giz_viewer, last_days(1)) == []
    outsider = follows_morocco(cast.outsider)
    assert titles(outsider) == {"Public programme"}


def test_new_meetings_and_agreed_lines_to_take_are_listed_by_country(cast):
    desk = follows_morocco(cast.german_ministry_editor)
    meeting(cast.french_foreign_affairs, cast.french_ministry_editor, title="French visit to Rabat")
    meeting(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="French secret visit",
        sharing_level="originator",
    )
    line(cast.eu_delegation_morocco, cast.coordinator, agreed_by=cast.coordinator)
    line(cast.eu_delegation_morocco, cast.coordinator, text="Still a draft")
    found = items_for(desk, last_days(1))
    assert {(item.kind, item.title) for item in found} >= {
        (kinds.MEETING_NEW, "French visit to Rabat"),
        (kinds.LINE_AGREED, "Lines to take, version 1"),
    }
    assert "French secret visit" not in {item.title for item in found}
    assert [item.title for item in found if item.kind == kinds.LINE_AGREED] == ["Lines to take, version 1"]
    [group] = grouped(found)
    assert group.country.iso3 == "MAR"


def test_a_cancelled_meeting_is_not_announced(cast):
    desk = follows_morocco(cast.german_ministry_editor)
    called_off = meeting(cast.french_foreign_affairs, cast.french_ministry_editor, title="Called off")
    cancel_meeting(called_off, acting_user=cast.french_ministry_editor)
    assert "Called off" not in titles(desk)


def test_actions_that_became_overdue_or_stalled_in_the_window(cast):
    desk = follows_morocco(cast.german_ministry_editor)
    plan = plan_for(cast)
    yesterday = timezone.localdate() - timedelta(days=1)
    action_for(cast, plan, description="Overdue since today", deadline=yesterday)
    action_for(cast, plan, description="Overdue for long", deadline=date(2020, 1, 1))
    stalled = action_for(cast, plan, description="Reported stalled", deadline=date(2030, 1, 1))
    update_action(stalled, {"status": ActionStatus.STALLED}, acting_user=cast.german_ministry_editor)
    action_for(cast, plan, description="Done in time", deadline=yesterday, status=ActionStatus.DONE)

    found = {(item.kind, item.title) for item in items_for(desk, last_days(2))}
    assert found == {(kinds.ACTION_OVERDUE, "Overdue since today"), (kinds.ACTION_STALLED, "Reported stalled")}


def test_actions_of_a_plan_hidden_from_the_reader_never_appear(cast):
    reader = follows_morocco(cast.french_ministry_editor)
    plan = plan_for(cast, sharing_level="originator", title="German internal plan")
    action = action_for(cast, plan, description="Hidden action", deadline=date(2030, 1, 1))
    update_action(action, {"status": ActionStatus.STALLED}, acting_user=cast.german_ministry_editor)
    assert items_for(reader, last_days(1)) == []
    assert {item.title for item in items_for(follows_morocco(cast.german_ministry_editor), last_days(1))} == {
        "Hidden action"
    }


def test_a_clash_with_a_hidden_meeting_tells_the_organiser_only_to_ask_the_coordinator(cast):
    interior = counterpart()
    desk = follows_morocco(cast.french_ministry_editor)
    coordinator = follows_morocco(cast.coordinator)
    viewer = follows_morocco(cast.giz_viewer)
    mine = dated(
        meeting(
            cast.french_foreign_affairs, cast.french_ministry_editor, title="French mission", with_counterpart=interior
        ),
        days_ago(20),
    )
    meeting(
        cast.german_interior,
        cast.german_ministry_editor,
        title="SECRET German mission",
        place="SECRET place",
        with_counterpart=interior,
        sharing_level="originator",
    )

    [clash] = [item for item in items_for(desk, last_days(1)) if item.kind == kinds.CLASH]
    assert clash.title == "French mission" and "SECRET" not in clash.detail
    assert "Ask the coordinator" in clash.detail and clash.path == mine.get_absolute_url()
    # Not even when the hidden meeting was written: the day only.
    assert timezone.localtime(clash.time).time() == time(0, 0)

    coordinator_clashes = [item for item in items_for(coordinator, last_days(1)) if item.kind == kinds.CLASH]
    assert coordinator_clashes and all("SECRET" not in item.detail for item in coordinator_clashes)
    # GIZ is neither the organiser nor a coordinator: it learns nothing of the hidden meeting.
    assert [item for item in items_for(viewer, last_days(1)) if item.kind == kinds.CLASH] == []


def test_a_clash_between_two_visible_meetings_names_the_other(cast):
    interior = counterpart()
    desk = follows_morocco(cast.french_ministry_editor)
    dated(
        meeting(
            cast.french_foreign_affairs, cast.french_ministry_editor, title="French mission", with_counterpart=interior
        ),
        days_ago(20),
    )
    meeting(cast.german_interior, cast.german_ministry_editor, title="German mission", with_counterpart=interior)
    clashes = [item for item in items_for(desk, last_days(1)) if item.kind == kinds.CLASH]
    assert {(item.title, "German mission" in item.detail) for item in clashes} >= {("French mission", True)}


def test_an_old_clash_is_not_news(cast):
    interior = counterpart()
    desk = follows_morocco(cast.french_ministry_editor)
    dated(meeting(cast.french_foreign_affairs, cast.french_ministry_editor, with_counterpart=interior), days_ago(20))
    dated(meeting(cast.german_interior, cast.german_ministry_editor, with_counterpart=interior), days_ago(10))
    assert [item for item in items_for(desk, last_days(1)) if item.kind == kinds.CLASH] == []
    assert [item for item in items_for(desk, last_days(15)) if item.kind == kinds.CLASH] != []
