"""``core.confidential.record_urls``: a registration names its routes, the helper builds the addresses."""

import pytest

from partnerhub.core.confidential import RecordUrls, entry_for, record_urls
from partnerhub.registry.models import Engagement
from tests.core.factories import hidden_engagement, hidden_priority

pytestmark = pytest.mark.django_db


def test_a_route_named_alone_is_reversed_with_the_records_key(cast):
    engagement = hidden_engagement(cast, secret="routes")
    urls = record_urls(page="registry:engagement_detail", api="api:get_engagement")(engagement)
    assert urls == RecordUrls(page=f"/engagements/{engagement.pk}/", api=f"/api/engagements/{engagement.pk}")


def test_a_route_with_attributes_is_reversed_with_them_in_order_through_relations(cast):
    priority = hidden_priority(cast, secret="routes")
    urls = record_urls(change_page=("analysis:priority_update", "country.iso3", "pk"))(priority)
    assert urls == RecordUrls(change_page=f"/countries/MAR/priorities/{priority.pk}/edit/")


def test_no_route_named_gives_no_address(cast):
    assert record_urls()(hidden_engagement(cast, secret="routes")) == RecordUrls()


def test_registrations_built_with_it_give_the_same_addresses_as_before(cast):
    engagement = hidden_engagement(cast, secret="routes")
    assert entry_for(Engagement).urls_of(engagement) == RecordUrls(
        page=f"/engagements/{engagement.pk}/",
        change_page=f"/engagements/{engagement.pk}/edit/",
        api=f"/api/engagements/{engagement.pk}",
    )
