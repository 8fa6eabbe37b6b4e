"""General rules, checked on generated data.

1. The digest of any set of engagements is exactly those the reader may see (read here from the
   sharing table of the README, not from the code) among those about a followed country that
   changed in the window.
2. The clash alerts of the digest say, for every meeting, what ``agenda.clashes.clashes_for`` tells
   that reader and nothing more.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.agenda.clashes import clashes_for
from partnerhub.agenda.models import Counterpart, Meeting
from partnerhub.notifications.items import ENGAGEMENT_CHANGED, ENGAGEMENT_NEW, Window, items_for, new_clashes
from partnerhub.registry.models import Engagement
from tests.agenda.factories import START, counterpart, meeting
from tests.notifications.support import dated, follows_morocco

pytestmark = pytest.mark.django_db

OWNERS = ("commission", "german_interior", "french_foreign_affairs", "giz")
AUTHORS = {
    "commission": "commission_desk_officer",
    "german_interior": "german_ministry_editor",
    "french_foreign_affairs": "french_ministry_editor",
    "giz": None,
}
LEVELS = ("public", "partner", "eu", "restricted", "originator")

engagement_specs = st.lists(
    st.tuples(
        st.sampled_from(("commission", "german_interior", "french_foreign_affairs")),
        st.sampled_from(LEVELS),
        st.sampled_from(("MAR", "TUN")),
        st.sampled_from((0.5, 3, 10)),  # days since the last change
        st.booleans(),  # restricted: shared with Germany's government
    ),
    max_size=8,
)


def bmi_may_read(owner: str, level: str, shared_with_germany: bool) -> bool:
    """The README's table for an editor of the German interior ministry (a Member State body)."""
    if level in ("public", "partner", "eu"):
        return True
    if level == "restricted":
        return owner == "german_interior" or shared_with_germany
    return owner == "german_interior"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=engagement_specs)
def test_the_digest_is_what_the_reader_may_see_among_the_followed_changes_of_the_window(cast, specs):
    Engagement.objects.unrestricted("each example starts from an empty registry").delete()
    desk = follows_morocco(cast.german_ministry_editor)
    now = timezone.now()
    expected = set()
    for number, (owner, level, iso3, age, with_germany) in enumerate(specs):
        title = f"Engagement {number}"
        record = cast.engagement(
            getattr(cast, owner),
            getattr(cast, AUTHORS[owner]),
            title=title,
            sharing_level=level,
            countries=(iso3,),
            shared_with_countries=("DEU",) if level == "restricted" and with_germany else (),
        )
        dated(record, now - timedelta(days=age))
        if iso3 == "MAR" and age < 7 and bmi_may_read(owner, level, with_germany):
            expected.add(title)

    found = items_for(desk, Window(now - timedelta(days=7), now))

    assert {item.title for item in found if item.kind in (ENGAGEMENT_NEW, ENGAGEMENT_CHANGED)} == expected


meeting_specs = st.lists(
    st.tuples(
        st.sampled_from(("german_interior", "french_foreign_affairs", "commission")),
        st.sampled_from(("public", "eu", "originator")),
        st.integers(min_value=0, max_value=30),  # start, days after START
        st.booleans(),  # with the Moroccan interior ministry as counterpart
        st.sampled_from((("RETURN-REINTEGRATION",), ("DEV-REMIT",), ())),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=meeting_specs, reader=st.sampled_from(("french_ministry_editor", "coordinator", "giz_viewer")))
def test_clash_alerts_tell_each_reader_what_the_agenda_tells_them(cast, specs, reader):
    Meeting.objects.unrestricted("each example starts from an empty calendar").delete()
    Counterpart.objects.all().delete()
    interior = counterpart()
    for owner, level, day, with_interior, themes in specs:
        meeting(
            getattr(cast, owner),
            getattr(cast, AUTHORS[owner]),
            title=f"{owner} {level} {day}",
            sharing_level=level,
            starts_at=START + timedelta(days=day),
            with_counterpart=interior if with_interior else None,
            themes=themes,
        )
    user = getattr(cast, reader)
    now = timezone.now()
    mine = list(Meeting.objects.visible_to(user).select_related("country", "owner"))

    told = new_clashes(user, mine, Window(now - timedelta(days=1), now))

    expected = {
        (meeting.pk, clash.reason, clash.other.pk if clash.other else None)
        for meeting in mine
        for clash in clashes_for(meeting, user)
    }
    assert {
        (meeting.pk, clash.reason, clash.other.pk if clash.other else None) for meeting, clash, _ in told
    } == expected
