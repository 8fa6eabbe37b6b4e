"""The nightly IATI sync's schedule: once a day, during the hour set, never when the setting is empty."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError
from hypothesis import given
from hypothesis import strategies as st

from partnerhub.iati import schedule


@given(st.datetimes(timezones=st.just(UTC)), st.integers(0, 23))
def test_the_sync_is_queued_once_a_day_during_its_hour(now, hour):
    assert schedule.is_due(now, hour, None) == (now.hour == hour)
    assert not schedule.is_due(now, hour, now.date())


def test_the_next_day_it_is_due_again():
    assert schedule.is_due(datetime(2026, 12, 4, 2, 30, tzinfo=UTC), 2, date(2026, 12, 3))


@pytest.mark.parametrize(("value", "hour"), [("", None), ("  ", None), ("0", 0), ("23", 23), (" 2 ", 2)])
def test_the_hour_setting(settings, value, hour):
    settings.IATI_SYNC_HOUR = value
    assert schedule.sync_hour() == hour


@pytest.mark.parametrize("value", ["24", "-1", "2am", "02:00"])
def test_a_wrong_hour_is_named_in_the_error(settings, value):
    settings.IATI_SYNC_HOUR = value
    with pytest.raises(CommandError, match="PARTNERHUB_IATI_SYNC_HOUR"):
        schedule.sync_hour()
