"""Who may write: the named rules of core/visibility.py, and the services that refuse by them."""

from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

import partnerhub
from partnerhub.analysis.models import PartnerPriority
from partnerhub.analysis.services import create_priority
from partnerhub.core.models import Event, ObjectChange
from partnerhub.core.visibility import (
    can_decide_overlaps,
    can_edit,
    can_edit_for,
    iati_importing_organisation_ids,
    priority_recording_organisations,
)
from partnerhub.geo.models import Country
from partnerhub.registry.models import Theme

pytestmark = pytest.mark.django_db

EVERYONE = [
    "commission_desk_officer",
    "german_ministry_editor",
    "giz_viewer",
    "french_ministry_editor",
    "french_embassy_viewer",
    "moroccan_ministry_user",
    "tunisian_ministry_user",
    "iom_officer",
    "coordinator",
    "superuser",
    "outsider",
]


def test_only_eu_side_coordinators_decide_on_overlaps(cast):
    deciders = {persona for persona in EVERYONE if can_decide_overlaps(getattr(cast, persona))}
    assert deciders == {"coordinator"}
    assert not can_decide_overlaps(AnonymousUser())


def test_editors_of_the_owner_and_nobody_else_edit_its_records(cast):
    engagement = cast.engagement(cast.german_interior, cast.german_ministry_editor)
    editors = {persona for persona in EVERYONE if can_edit(getattr(cast, persona), engagement)}
    assert editors == {"german_ministry_editor"}
    assert {persona for persona in EVERYONE if can_edit_for(getattr(cast, persona), cast.german_interior.pk)} == editors


def test_priorities_of_a_country_are_recorded_by_eu_side_coordinators_and_its_own_authorities(cast):
    morocco = Country.objects.get(iso3="MAR")
    recorders = {persona: priority_recording_organisations(getattr(cast, persona), morocco) for persona in EVERYONE}
    assert {persona: organisations for persona, organisations in recorders.items() if organisations} == {
        "coordinator": [cast.eu_delegation_morocco],
        "moroccan_ministry_user": [cast.moroccan_interior],
    }


def test_the_priority_service_refuses_by_the_rule(cast):
    morocco = Country.objects.get(iso3="MAR")
    fields = {
        "theme": Theme.objects.get(code="RETURN-REINTEGRATION"),
        "description": "Reintegration first",
        "source": "National strategy",
        "stated_on": date(2024, 5, 1),
        "sharing_level": "partner",
    }
    written = (ObjectChange.objects.count(), Event.objects.count())
    with pytest.raises(PermissionDenied):
        create_priority(
            country=morocco, owner=cast.tunisian_interior, fields=fields, acting_user=cast.tunisian_ministry_user
        )
    assert (ObjectChange.objects.count(), Event.objects.count()) == written

    priority = create_priority(
        country=morocco, owner=cast.moroccan_interior, fields=fields, acting_user=cast.moroccan_ministry_user
    )
    assert PartnerPriority.objects.visible_to(cast.moroccan_ministry_user).filter(pk=priority.pk).exists()
    assert Event.objects.filter(name="priority.created", object_id=priority.pk).exists()


def test_no_module_keeps_its_own_copy_of_who_may_edit():
    """Editing rights are read through the rules of core/visibility.py, never from the circle or the roles."""
    sources = Path(partnerhub.__file__).parent
    allowed = {sources / "core" / "visibility.py", sources / "access" / "models.py"}
    copies = [
        str(path.relative_to(sources))
        for path in sources.rglob("*.py")
        if path not in allowed
        and "migrations" not in path.parts
        and any(name in path.read_text(encoding="utf-8") for name in ("editable_organisation_ids", "EDITING_ROLES"))
    ]
    assert copies == []


def test_iati_files_are_imported_for_the_organisations_a_user_coordinates_or_administers(cast):
    importers = {
        persona: {row["organisation_id"] for row in iati_importing_organisation_ids(getattr(cast, persona))}
        for persona in EVERYONE
    }
    assert {persona: ids for persona, ids in importers.items() if ids} == {
        "coordinator": {cast.eu_delegation_morocco.pk}
    }
    assert not iati_importing_organisation_ids(AnonymousUser()).exists()
