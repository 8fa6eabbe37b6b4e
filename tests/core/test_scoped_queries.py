"""A query on a confidential model states its scope, or it does not run.

``visible_to(user)``, ``hidden_from(user)`` and ``unrestricted("why")`` are the
three ways in; anything else raises in the tests (``STRICT_SCOPES``) and logs a
warning in production. Child rows read through a parent already in hand (a
related manager, a prefetch) or through a scoped query of their parents
(``of(engagement=visible)``) are scoped by it.
"""

import logging
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Prefetch
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from partnerhub.analysis.models import PartnerPriority
from partnerhub.core.confidential import register, registered
from partnerhub.core.querysets import ScopedQuerySet, UnscopedQuery, unrestricted_block
from partnerhub.geo.models import Country
from partnerhub.registry.models import Engagement, EngagementLink, Instrument, MoneyLine, Theme
from tests.support.builders import add_money
from tests.toyapp.models import ToyNote, ToyRecord

pytestmark = pytest.mark.django_db

EVALUATIONS = {
    "list": list,
    "len": len,
    "bool": bool,
    "count": lambda qs: qs.count(),
    "exists": lambda qs: qs.exists(),
    "first": lambda qs: qs.first(),
    "get": lambda qs: qs.get(title="open"),
    "values_list": lambda qs: list(qs.values_list("pk", flat=True)),
    "aggregate": lambda qs: qs.aggregate(n=Count("pk")),
    "iterator": lambda qs: list(qs.iterator()),
    "in_bulk": lambda qs: qs.in_bulk(),
    "contains": lambda qs: qs.contains(Engagement.objects.unrestricted("test").get(title="open")),
    "update": lambda qs: qs.update(notes="changed"),
    "delete": lambda qs: qs.delete(),
}

# Ways of narrowing a query that must neither lose nor make up its scope.
CHAINS = {
    "filter": lambda qs: qs.filter(sharing_level="public"),
    "exclude": lambda qs: qs.exclude(title="nothing"),
    "order_by": lambda qs: qs.order_by("title"),
    "distinct": lambda qs: qs.distinct(),
    "select_related": lambda qs: qs.select_related("owner"),
    "prefetch_related": lambda qs: qs.prefetch_related("country_shares"),
    "annotate": lambda qs: qs.annotate(lines=Count("money_lines")),
    "about_migration": lambda qs: qs.about_migration(),
    "all": lambda qs: qs.all(),
}


@pytest.fixture
def open_record(cast):
    return cast.engagement(
        cast.commission, cast.commission_desk_officer, sharing_level="public", title="open", amount=None
    )


@pytest.mark.parametrize("evaluate", EVALUATIONS.values(), ids=EVALUATIONS.keys())
def test_an_unscoped_query_on_engagements_raises_however_it_is_run(open_record, evaluate):
    with pytest.raises(UnscopedQuery, match="registry.Engagement"):
        evaluate(Engagement.objects.filter(title="open"))


@pytest.mark.parametrize("evaluate", EVALUATIONS.values(), ids=EVALUATIONS.keys())
def test_a_query_through_visible_to_runs(open_record, cast, evaluate):
    evaluate(Engagement.objects.visible_to(cast.outsider).filter(title="open"))


@pytest.mark.parametrize("evaluate", EVALUATIONS.values(), ids=EVALUATIONS.keys())
def test_an_unrestricted_query_runs(open_record, evaluate):
    evaluate(Engagement.objects.unrestricted("test").filter(title="open"))


def test_hidden_from_and_editable_by_are_scopes_too(open_record, cast):
    assert not Engagement.objects.hidden_from(cast.outsider).exists()
    assert list(Engagement.objects.editable_by(cast.commission_desk_officer)) == [open_record]


@hypothesis_settings(max_examples=30, deadline=None)
@given(before=st.lists(st.sampled_from(sorted(CHAINS))), after=st.lists(st.sampled_from(sorted(CHAINS))))
def test_narrowing_a_query_keeps_its_scope_and_never_makes_one_up(before, after):
    def narrowed(queryset, names):
        for name in names:
            queryset = CHAINS[name](queryset)
        return queryset

    scoped = narrowed(narrowed(Engagement.objects.all(), before).visible_to(AnonymousUser()), after)
    scoped.count()
    with pytest.raises(UnscopedQuery):
        narrowed(narrowed(Engagement.objects.all(), before), after).count()


def test_a_union_is_scoped_only_when_every_part_is(open_record):
    scoped = Engagement.objects.unrestricted("test").filter(title="open").order_by()
    assert len(scoped.union(Engagement.objects.unrestricted("test").filter(pk=open_record.pk).order_by())) == 1
    with pytest.raises(UnscopedQuery):
        list(scoped.union(Engagement.objects.filter(pk=open_record.pk).order_by()))


def test_partner_priorities_are_scoped_as_well(cast):
    PartnerPriority.objects.create(
        owner=cast.moroccan_interior,
        country=Country.objects.get(iso3="MAR"),
        theme=Theme.objects.order_by("pk").first(),
        description="Reintegration",
        source="Strategy",
        stated_on=date(2025, 1, 15),
    )
    with pytest.raises(UnscopedQuery, match="analysis.PartnerPriority"):
        PartnerPriority.objects.count()
    assert PartnerPriority.objects.visible_to(cast.moroccan_ministry_user).count() == 1


def test_an_unrestricted_query_needs_a_reason():
    for reason in ("", "   ", None):
        with pytest.raises(ValueError, match="reason"):
            Engagement.objects.unrestricted(reason)


def test_creating_and_saving_a_record_needs_no_scope(cast):
    record = cast.engagement(cast.german_interior, cast.german_ministry_editor, title="created")
    record.title = "saved"
    record.save()
    record.refresh_from_db()
    assert record.title == "saved"


def test_django_reads_a_related_record_through_the_unscoped_base_manager(open_record, cast):
    add_money(open_record, cast.commission_desk_officer, "commitment", "1000")
    line = MoneyLine.objects.visible_to(cast.outsider).get()
    assert line.engagement.title == "open"


def test_a_unique_check_compares_with_every_record(cast):
    first = cast.engagement(cast.german_interior, cast.german_ministry_editor, sharing_level="originator")
    Engagement.objects.unrestricted("test").filter(pk=first.pk).update(iati_identifier="XM-DAC-5-1-ONE")
    duplicate = Engagement(owner=cast.commission, kind="project", title="second", iati_identifier="XM-DAC-5-1-ONE")
    assert "iati_identifier" in duplicate._perform_unique_checks(duplicate._get_unique_checks()[0])


def test_a_block_lets_django_s_own_queries_run_unscoped(open_record):
    with unrestricted_block("test"):
        assert Engagement.objects.filter(title="open").exists()
    with pytest.raises(UnscopedQuery):
        Engagement.objects.filter(title="open").exists()


def test_outside_the_tests_an_unscoped_query_runs_and_is_logged(open_record, settings, caplog):
    settings.STRICT_SCOPES = False
    with caplog.at_level(logging.WARNING, logger="partnerhub.core.querysets"):
        assert Engagement.objects.filter(title="open").count() == 1
    assert "Unscoped query on registry.Engagement" in caplog.text


# -- child rows ---------------------------------------------------------------------


@pytest.fixture
def money_line(open_record, cast):
    add_money(open_record, cast.commission_desk_officer, "commitment", "1000")
    return MoneyLine.objects.unrestricted("test").get()


@pytest.mark.parametrize("entry", registered(), ids=lambda entry: entry.label)
def test_every_registered_model_has_a_manager_that_holds_its_queries_to_a_scope(entry):
    queryset = entry.model._default_manager.all()
    assert isinstance(queryset, ScopedQuerySet)
    with pytest.raises(UnscopedQuery, match=entry.model._meta.label):
        queryset.exists()
    for scoped in (
        queryset.visible_to(AnonymousUser()),
        queryset.hidden_from(AnonymousUser()),
        queryset.unrestricted("test"),
    ):
        scoped.exists()


def test_a_raw_query_on_child_rows_raises(money_line):
    with pytest.raises(UnscopedQuery, match="registry.MoneyLine"):
        MoneyLine.objects.filter(kind="commitment").count()


def test_child_rows_read_through_visible_to_of_their_parents(money_line, cast):
    assert list(MoneyLine.objects.visible_to(cast.outsider)) == [money_line]
    assert not MoneyLine.objects.hidden_from(cast.outsider).exists()


def test_child_rows_read_from_a_parent_in_hand_are_scoped_by_it(open_record, money_line):
    assert list(open_record.money_lines.all()) == [money_line]
    assert open_record.money_lines.filter(kind="commitment").count() == 1


def test_child_rows_prefetched_for_a_scoped_query_are_scoped_by_it(open_record, money_line, cast):
    [record] = Engagement.objects.visible_to(cast.outsider).prefetch_related("money_lines")
    assert list(record.money_lines.all()) == [money_line]
    [record] = Engagement.objects.visible_to(cast.outsider).prefetch_related(
        Prefetch("money_lines", queryset=MoneyLine.objects.filter(kind="commitment"), to_attr="commitments")
    )
    assert record.commitments == [money_line]


def test_child_rows_of_a_scoped_query_of_their_parents_keep_its_scope(open_record, money_line, cast):
    visible = Engagement.objects.visible_to(cast.outsider)
    assert list(MoneyLine.objects.of(engagement=visible)) == [money_line]
    assert not MoneyLine.objects.of(engagement=Engagement.objects.hidden_from(cast.outsider)).exists()
    assert not EngagementLink.objects.of(source=visible, target=visible).exists()
    with pytest.raises(UnscopedQuery):
        MoneyLine.objects.of(engagement=Engagement.objects.all()).count()


def test_child_rows_are_read_through_every_parent_they_have(cast):
    visible = Engagement.objects.visible_to(cast.outsider)
    with pytest.raises(ValueError, match="source, target"):
        EngagementLink.objects.of(source=visible)


def test_an_unrestricted_query_on_child_rows_needs_a_reason():
    with pytest.raises(ValueError, match="reason"):
        MoneyLine.objects.unrestricted("")


def test_a_reverse_relation_from_what_is_not_a_parent_is_not_scoped(cast):
    record = ToyRecord.objects.create(owner=cast.german_interior, title="toy")
    ToyNote.objects.create(record=record, organisation=cast.german_interior, text="note")
    assert record.notes.count() == 1
    with pytest.raises(UnscopedQuery, match="toyapp.ToyNote"):
        cast.german_interior.toy_notes.count()


def test_a_reverse_relation_to_records_with_a_sharing_level_of_their_own_is_not_scoped(open_record):
    instrument = Instrument.objects.order_by("pk").first()
    Engagement.objects.unrestricted("test").filter(pk=open_record.pk).update(instrument=instrument)
    with pytest.raises(UnscopedQuery, match="registry.Engagement"):
        instrument.engagements.count()
    with pytest.raises(UnscopedQuery, match="registry.Engagement"):
        list(Country.objects.prefetch_related("engagements").filter(iso3="MAR"))


def test_a_child_cannot_be_reached_from_a_parent_model_through_what_is_not_a_parent():
    with pytest.raises(ImproperlyConfigured, match="EngagementLink.target leads from a parent"):
        register("registry.EngagementLink", parents=("source",), factory="tests.core.factories.hidden_link")
