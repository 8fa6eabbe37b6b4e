"""The crisis services' own rules, whatever page, API call or command reaches them: only EU-side
coordinators declare; every bad value is named by its field and nothing is written; closing and reopening
happen once; a restricted crisis is shared only with the Member States named, and loses its circle when
it leaves the Restricted level."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.core.models import ObjectChange
from partnerhub.geo.models import Country
from partnerhub.knowledge.crisis_services import (
    close_crisis,
    declare_crisis,
    may_declare,
    reopen_crisis,
    update_crisis,
)
from partnerhub.knowledge.models import Crisis, Severity
from tests.knowledge.crisis_factories import crisis_for

pytestmark = pytest.mark.django_db


def crises():
    return Crisis.objects.unrestricted("test")


def errors_of(refused: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return refused.value.message_dict


def test_a_partner_authority_is_no_declaring_organisation_even_for_a_coordinator(cast):
    assert may_declare(cast.coordinator) and not may_declare(cast.french_ministry_editor)
    with pytest.raises(PermissionDenied):
        crisis_for(cast, owner=cast.moroccan_interior)
    with pytest.raises(PermissionDenied):
        crisis_for(cast, author=cast.german_ministry_editor, owner=cast.german_interior)
    assert not crises().exists()


def test_each_bad_value_is_named_by_its_field_and_nothing_is_written(cast):
    with pytest.raises(ValidationError) as refused:
        crisis_for(cast, title="   ", country="FRA", started_on=None, severity="apocalyptic", sharing_level="everyone")
    assert errors_of(refused) == {
        "title": ["Give the crisis a title."],
        "country": ["France is an EU Member State, not a partner country."],
        "started_on": ["Give the start date."],
        "severity": [f"Choose a severity: {', '.join(Severity.values)}."],
        "sharing_level": ["Choose a sharing level."],
    }
    assert not crises().exists()


def test_a_crisis_needs_its_partner_country(cast):
    with pytest.raises(ValidationError) as refused:
        declare_crisis(
            owner=cast.eu_delegation_morocco,
            fields={"title": "Drought", "started_on": date(2025, 1, 1), "severity": "severe"},
            acting_user=cast.coordinator,
        )
    assert errors_of(refused) == {"country": ["Choose the partner country."]}


def test_a_restricted_crisis_is_shared_with_member_states_only_and_loses_its_circle_when_opened(cast):
    france, morocco = Country.objects.get(iso3="FRA"), Country.objects.get(iso3="MAR")
    with pytest.raises(ValidationError) as refused:
        crisis_for(cast, sharing_level="restricted", shared_with_countries=[france, morocco])
    assert errors_of(refused) == {"shared_with_countries": ["Morocco is not an EU Member State."]}
    assert not crises().exists()

    crisis = crisis_for(
        cast, sharing_level="restricted", shared_with_countries=[france], shared_with_organisations=[cast.iom]
    )
    assert list(crisis.shared_with_countries.all()) == [france]
    update_crisis(crisis, {"sharing_level": "eu"}, acting_user=cast.coordinator)
    crisis.refresh_from_db()
    assert not crisis.shared_with_countries.exists() and not crisis.shared_with_organisations.exists()
    events = ObjectChange.objects.filter(object_id=crisis.pk, action="update")
    assert events.count() == 1


def test_the_start_date_is_not_moved_after_the_closing_date(cast):
    crisis = crisis_for(cast, started_on=date(2025, 3, 1))
    close_crisis(crisis, closed_on=date(2025, 4, 1), note="", acting_user=cast.coordinator)
    with pytest.raises(ValidationError) as refused:
        update_crisis(crisis, {"started_on": date(2025, 5, 1)}, acting_user=cast.coordinator)
    assert errors_of(refused) == {"started_on": ["The start date is not after the closing date."]}
    crisis.refresh_from_db()
    assert crisis.started_on == date(2025, 3, 1)


def test_a_crisis_is_closed_once_and_reopened_once(cast):
    crisis = crisis_for(cast)
    with pytest.raises(ValidationError) as refused:
        reopen_crisis(crisis, acting_user=cast.coordinator)
    assert errors_of(refused) == {"closed_on": ["This crisis is open."]}
    close_crisis(crisis, closed_on=None, note="  Waters receded.  ", acting_user=cast.coordinator)
    crisis.refresh_from_db()
    assert crisis.closed_on == timezone.localdate() and crisis.closing_note == "Waters receded."
    with pytest.raises(ValidationError) as refused:
        close_crisis(crisis, closed_on=None, note="again", acting_user=cast.coordinator)
    assert errors_of(refused) == {"closed_on": ["This crisis is already closed."]}
    assert crises().get(pk=crisis.pk).closing_note == "Waters receded."


def test_nobody_but_the_declaring_organisations_coordinators_closes_or_changes_it(cast):
    crisis = crisis_for(cast)
    for user in (cast.french_ministry_editor, cast.iom_officer, cast.outsider):
        with pytest.raises(PermissionDenied):
            update_crisis(crisis, {"title": "Taken over"}, acting_user=user)
        with pytest.raises(PermissionDenied):
            close_crisis(crisis, closed_on=None, note="", acting_user=user)
    assert crises().get(pk=crisis.pk).title == crisis.title and crises().get(pk=crisis.pk).is_open


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(days=st.integers(min_value=-3650, max_value=3650))
def test_a_closing_day_is_accepted_only_between_the_start_and_today(cast, days):
    started = date(2025, 3, 1)
    crisis = crisis_for(cast, started_on=started)
    day = timezone.localdate() + timedelta(days=days)
    acceptable = started <= day <= timezone.localdate()
    try:
        close_crisis(crisis, closed_on=day, note="", acting_user=cast.coordinator)
    except ValidationError as refused:
        assert not acceptable and list(refused.message_dict) == ["closed_on"]
    else:
        assert acceptable
    assert crises().get(pk=crisis.pk).closed_on == (day if acceptable else None)
    crises().filter(pk=crisis.pk).delete()
