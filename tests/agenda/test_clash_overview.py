"""The coordinators' overview of clashes: every upcoming clashing pair, per partner country, soonest
first, in a bounded number of queries; no one else opens it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerhub.agenda.services import cancel_meeting
from tests.agenda.factories import counterpart, meeting
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

URL = reverse("agenda:clash_overview")


@pytest.fixture
def soon():
    return (timezone.now() + timedelta(days=3)).replace(microsecond=0)


def german(cast, when, **fields):
    return meeting(cast.german_interior, cast.german_ministry_editor, starts_at=when, **fields)


def french(cast, when, **fields):
    return meeting(cast.french_foreign_affairs, cast.french_ministry_editor, starts_at=when, **fields)


def test_a_coordinator_sees_a_constructed_pair_linking_to_both_meetings(cast, soon, django_assert_max_num_queries):
    interior = counterpart()
    mine = german(cast, soon, title="BMI return talks", with_counterpart=interior, themes=())
    theirs = french(cast, soon + timedelta(days=2), title="MEAE mission to Rabat", with_counterpart=interior, themes=())
    tunis = german(cast, soon + timedelta(days=1), title="BMI in Tunis", iso3="TUN")
    french(cast, soon + timedelta(days=1, hours=4), title="MEAE in Tunis", iso3="TUN")
    for extra in range(5):  # more meetings, not more queries
        german(cast, soon + timedelta(days=20 + extra), title=f"BMI later {extra}", iso3="EGY")
    client = client_for(cast.coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert mine.get_absolute_url() in body and theirs.get_absolute_url() in body
    assert "BMI return talks" in body and "MEAE mission to Rabat" in body
    # Grouped by partner country, soonest first: Morocco's pair starts before Tunisia's.
    assert body.index("Morocco") < body.index("Tunisia")
    assert body.index("BMI return talks") < body.index(tunis.title)
    assert "BMI later" not in body
    # The calendar's views link to the overview for coordinators.
    assert URL in client.get(reverse("agenda:meeting_list")).content.decode()


def test_an_organiser_who_is_not_a_coordinator_is_refused(cast, soon):
    interior = counterpart()
    german(cast, soon, with_counterpart=interior, themes=())
    french(cast, soon + timedelta(days=1), with_counterpart=interior, themes=())
    client = client_for(cast.german_ministry_editor)
    assert client.get(URL).status_code == 403
    assert URL not in client.get(reverse("agenda:meeting_list")).content.decode()


def test_a_cancelled_meeting_never_clashes(cast, soon):
    interior = counterpart()
    german(cast, soon, title="BMI return talks", with_counterpart=interior, themes=())
    theirs = french(cast, soon + timedelta(days=1), title="MEAE mission", with_counterpart=interior, themes=())
    cancel_meeting(theirs, acting_user=cast.french_ministry_editor)
    body = client_for(cast.coordinator).get(URL).content.decode()
    assert "BMI return talks" not in body and "MEAE mission" not in body


def test_outside_the_window_no_pair(cast, soon, settings):
    settings.PARTNERHUB_CLASH_WINDOW_DAYS = 3
    interior = counterpart()
    german(cast, soon, title="BMI return talks", with_counterpart=interior, themes=())
    french(cast, soon + timedelta(days=5), title="MEAE mission", with_counterpart=interior, themes=())
    body = client_for(cast.coordinator).get(URL).content.decode()
    assert "BMI return talks" not in body and "MEAE mission" not in body


def test_a_clash_with_a_meeting_the_coordinator_may_not_read_tells_nothing_of_it(cast, soon):
    interior = counterpart()
    german(cast, soon, title="BMI return talks", with_counterpart=interior, themes=())
    french(
        cast,
        soon + timedelta(days=1),
        title="MEAE secret visit",
        with_counterpart=interior,
        themes=(),
        sharing_level="originator",
    )
    body = client_for(cast.coordinator).get(URL).content.decode()
    assert "MEAE secret visit" not in body
    assert "BMI return talks" in body
