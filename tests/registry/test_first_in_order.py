"""The first records of a list in its order, looked for among the hub's first records before all of
them (``EngagementQuerySet.first_in_order``): the same records as sorting every one, for any data."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from partnerhub.registry import models as registry_models
from partnerhub.registry.models import Engagement
from tests.support.builders import record
from tests.support.personas import build_cast

LEVELS = ["public", "eu", "originator"]
START = date(2026, 1, 1)
CHANGED = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

# One record: its country, sharing level, days since it was last changed (ties are common) and
# days from the start of the window to its start.
records = st.lists(
    st.tuples(
        st.sampled_from(["MAR", "TUN"]),
        st.sampled_from(LEVELS),
        st.integers(0, 4),
        st.integers(-3, 12),
    ),
    min_size=0,
    max_size=10,
)


class FirstInOrderProperty(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = build_cast()

    def build(self, specs):
        engagements = []
        for index, (iso3, level, days_since_change, start_in) in enumerate(specs):
            engagement = record(
                self.cast.french_foreign_affairs,
                self.cast.french_ministry_editor,
                title=f"Record {index}",
                countries=[(iso3, None)],
                sharing_level=level,
            )
            engagements.append(engagement)
            Engagement.objects.unrestricted("test: setting the order").filter(pk=engagement.pk).update(
                updated_at=CHANGED - timedelta(days=days_since_change), start_date=START + timedelta(days=start_in)
            )
        return engagements

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(specs=records, count=st.integers(1, 4), leading=st.integers(1, 6))
    def test_the_first_records_are_those_of_sorting_every_one(self, specs, count, leading):
        self.build(specs)
        reader = self.cast.german_ministry_editor  # sees the public and EU-level records, not the others'
        in_morocco = Engagement.objects.visible_to(reader).filter(country_shares__country__iso3="MAR")
        window = {"start_date__gte": START, "start_date__lte": START + timedelta(days=6)}
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(registry_models, "LEADING_CANDIDATES", leading)
            latest = in_morocco.first_in_order(count, "-updated_at", "-pk")
            starting = in_morocco.filter(**window).first_in_order(
                count, "start_date", "pk", among=Engagement.objects.filter(**window)
            )
        assert latest == list(in_morocco.order_by("-updated_at", "-pk")[:count])
        assert starting == list(in_morocco.filter(**window).order_by("start_date", "pk")[:count])
        assert all(e.sharing_level != "originator" for e in latest + starting)
