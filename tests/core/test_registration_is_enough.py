"""A confidential model needs only its registration (``core.confidential.register``).

The toy models of ``tests/toyapp`` have no wiring but their ``ready()``: these tests
show that they are filtered by ``visible_to`` and ``hidden_from`` (the note through
its record), that their history keeps who could read them, that a write to them
makes kept figures stale, and (in ``test_no_leak_anywhere.py``) that the leak
walker plants them.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partnerhub.analysis.figures.cache import kept_for_circle, watched_models
from partnerhub.core.confidential import entry_for, register
from partnerhub.core.dataversion import current_version
from partnerhub.core.history import readable_history, record_change
from partnerhub.core.models import ObjectChange
from partnerhub.geo.models import Country
from tests.support.transactions import as_if_committed
from tests.toyapp.factories import hidden_toy_note, hidden_toy_record
from tests.toyapp.models import ToyNote, ToyRecord

pytestmark = pytest.mark.django_db


def visible_titles(user) -> set[str]:
    return set(ToyRecord.objects.visible_to(user).values_list("title", flat=True))


def test_a_toy_record_is_read_only_by_those_its_sharing_level_allows(cast):
    hidden = hidden_toy_record(cast, secret="toy secret")
    ToyRecord.objects.create(owner=cast.iom, sharing_level="public", title="toy public")
    assert visible_titles(cast.french_ministry_editor) == {"toy public"}
    assert visible_titles(cast.german_ministry_editor) == {"toy public", "toy secret"}
    assert list(ToyRecord.objects.hidden_from(cast.french_ministry_editor)) == [hidden]
    assert not ToyRecord.objects.hidden_from(cast.german_ministry_editor).exists()


def test_a_toy_record_for_the_partner_reads_the_registered_partner_countries(cast):
    record = ToyRecord.objects.create(owner=cast.german_interior, sharing_level="partner", title="for Morocco")
    assert "for Morocco" not in visible_titles(cast.moroccan_ministry_user)
    record.countries.set([Country.objects.get(iso3="MAR")])
    assert "for Morocco" in visible_titles(cast.moroccan_ministry_user)


def test_a_toy_note_exists_only_for_those_who_read_its_record(cast):
    hidden = hidden_toy_note(cast, secret="hidden note")
    public = ToyNote.objects.create(
        record=ToyRecord.objects.create(owner=cast.iom, sharing_level="public", title="open"), text="open note"
    )
    assert list(ToyNote.objects.visible_to(cast.french_ministry_editor)) == [public]
    assert list(ToyNote.objects.hidden_from(cast.french_ministry_editor)) == [hidden]
    assert set(ToyNote.objects.visible_to(cast.german_ministry_editor)) == {hidden, public}


def test_the_history_of_a_toy_record_is_read_as_the_record_is(cast):
    record = hidden_toy_record(cast, secret="first title")
    record_change(
        record,
        ObjectChange.Action.UPDATE,
        {"title": "first title"},
        {"title": "second title"},
        user=cast.german_ministry_editor,
    )
    [owner_reads] = readable_history(record, cast.german_ministry_editor)
    assert owner_reads.change.changes == {"title": ["first title", "second title"]}
    assert readable_history(record, cast.french_ministry_editor) == []


def test_the_history_of_a_toy_note_keeps_the_circle_of_its_record(cast):
    note = hidden_toy_note(cast, secret="a note")
    record_change(
        note,
        ObjectChange.Action.UPDATE,
        {"text": "a note"},
        {"text": "a longer note"},
        user=cast.german_ministry_editor,
    )
    change = ObjectChange.objects.get(object_id=note.pk, content_type__model="toynote")
    assert change.sharing_level == "originator"
    assert change.audience == [{"level": "originator", "owner": cast.german_interior.pk}]
    assert readable_history(note, cast.commission_desk_officer) == []


def test_the_toy_tables_are_watched_for_changes_of_kept_figures():
    assert {ToyRecord, ToyNote, ToyRecord.countries.through, ToyRecord.shared_with_organisations.through} <= set(
        watched_models()
    )


@pytest.mark.parametrize(
    "write",
    [
        lambda cast, record: ToyRecord.objects.create(owner=cast.iom, sharing_level="public", title="another"),
        lambda cast, record: ToyNote.objects.create(record=record, text="a note"),
        lambda cast, record: record.countries.add(Country.objects.get(iso3="TUN")),
        lambda cast, record: record.shared_with_organisations.add(cast.iom),
        lambda cast, record: ToyRecord.objects.bulk_create([ToyRecord(owner=cast.iom, title="bulk")]),
        lambda cast, record: ToyRecord.objects.unrestricted("test").filter(pk=record.pk).update(title="renamed"),
        lambda cast, record: ToyNote.objects.unrestricted("test").filter(record=record).delete(),
    ],
)
def test_a_write_to_a_toy_model_makes_kept_figures_stale(cast, write):
    record = hidden_toy_record(cast, secret="toy")
    as_if_committed()
    computed = []

    def figures():
        computed.append(current_version())
        return len(computed)

    assert kept_for_circle(cast.commission_desk_officer, ("toy",), figures) == 1
    assert kept_for_circle(cast.commission_desk_officer, ("toy",), figures) == 1
    write(cast, record)
    # Until the commit, the writer's own figures are computed afresh and kept for nobody.
    assert kept_for_circle(cast.commission_desk_officer, ("toy",), figures) == 2
    assert kept_for_circle(cast.commission_desk_officer, ("toy",), figures) == 3
    as_if_committed()
    assert kept_for_circle(cast.commission_desk_officer, ("toy",), figures) == 4
    assert kept_for_circle(cast.commission_desk_officer, ("toy",), figures) == 4
    assert computed[3] != computed[0]


def test_a_change_of_a_toy_record_moves_the_version_once_committed(cast):
    record = hidden_toy_record(cast, secret="toy")
    as_if_committed()
    before = current_version()
    record.title = "changed"
    record.save()
    assert current_version() == before
    as_if_committed()
    assert current_version() != before


def test_registration_refuses_a_model_without_the_confidential_wiring():
    with pytest.raises(ImproperlyConfigured, match="no ConfidentialModel"):
        register("access.Organisation", partner_countries="country")
    with pytest.raises(ImproperlyConfigured, match="ChildQuerySet"):
        register("access.Membership", parents=("organisation",))
    assert entry_for(Country) is None


LEVELS = ["public", "partner", "eu", "restricted", "originator"]
OWNERS = ["german_interior", "iom", "moroccan_interior"]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(st.tuples(st.sampled_from(LEVELS), st.sampled_from(OWNERS), st.booleans()), min_size=1, max_size=5)
)
def test_a_child_row_is_visible_exactly_when_its_record_is(cast, records):
    ToyRecord.objects.unrestricted("each generated world starts empty").delete()
    for level, owner, about_morocco in records:
        record = ToyRecord.objects.create(owner=getattr(cast, owner), sharing_level=level, title=level)
        record.shared_with_organisations.set([cast.iom])
        record.countries.set(Country.objects.filter(iso3="MAR" if about_morocco else "TUN"))
        ToyNote.objects.create(record=record, text=level)
    every_note = set(ToyNote.objects.unrestricted("test"))
    for reader in (
        AnonymousUser(),
        cast.commission_desk_officer,
        cast.moroccan_ministry_user,
        cast.iom_officer,
        cast.german_ministry_editor,
        cast.french_ministry_editor,
    ):
        readable_records = set(ToyRecord.objects.visible_to(reader).values_list("pk", flat=True))
        expected = {note for note in every_note if note.record_id in readable_records}
        assert set(ToyNote.objects.visible_to(reader)) == expected
        assert set(ToyNote.objects.hidden_from(reader)) == every_note - expected
