"""The count of a list, kept until the data changes (``kept_count``): each reader still gets the number of
records they may see, and a committed change is counted at once. The writes are really committed
(``transactional_db``), as between two requests, so that the count is kept and read back."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from partnerhub.registry.models import Engagement
from tests.support.builders import record
from tests.support.clients import client_for
from tests.support.personas import build_cast

LIST_URL = reverse("registry:engagement_list")


def listed_count(user, query: str = "") -> int:
    return client_for(user).get(LIST_URL + query).context["page_obj"].paginator.count


@pytest.fixture
def cast_with_records(reference_data_again_after, transactional_db):
    cache.clear()
    cast = build_cast()
    record(cast.commission, cast.commission_desk_officer, title="EU programme in Morocco", sharing_level="public")
    record(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="French record for its own circle",
        sharing_level="originator",
    )
    record(
        cast.german_interior,
        cast.german_ministry_editor,
        title="German record in Tunisia",
        countries=[("TUN", None)],
        sharing_level="eu",
    )
    return cast


def test_each_circle_gets_its_own_count_asked_again_and_again(cast_with_records):
    cast = cast_with_records
    for _ in range(2):  # the second time from what was kept
        assert listed_count(cast.french_ministry_editor) == 3
        assert listed_count(cast.german_ministry_editor) == 2  # not the French originator-only record
        assert listed_count(cast.german_ministry_editor, "?country=MAR") == 1
        assert listed_count(None) == 1  # anonymous: the public record alone


def test_a_committed_record_is_counted_at_once_by_the_page_and_the_api(cast_with_records):
    cast = cast_with_records
    api = client_for(cast.german_ministry_editor)
    assert listed_count(cast.german_ministry_editor, "?country=MAR") == 1
    assert api.get("/api/engagements?country=MAR").json()["count"] == 1
    record(cast.german_interior, cast.german_ministry_editor, title="Second German project in Morocco")
    assert listed_count(cast.german_ministry_editor, "?country=MAR") == 2
    assert api.get("/api/engagements?country=MAR").json()["count"] == 2
    visible = Engagement.objects.visible_to(cast.german_ministry_editor).filter(country_shares__country__iso3="MAR")
    assert visible.count() == 2
