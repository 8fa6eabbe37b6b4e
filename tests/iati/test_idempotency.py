"""Importing into the registry: what an imported engagement looks like, and re-imports.

Importing the same file twice changes nothing; a newer version of an
activity replaces what the publisher owns and keeps what users added.
"""

import importlib
from datetime import date
from io import StringIO

import pytest
from django.core.management.base import OutputWrapper

from partnerhub.access.models import Organisation, OrganisationKind, PolicyArea
from partnerhub.core.concurrency import EditConflict
from partnerhub.core.history import diff_snapshots, history_of
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.iati.classifier import classify
from partnerhub.iati.services import ImportProgress, import_iati_files
from partnerhub.registry.models import (
    DataSource,
    Engagement,
    EngagementCountry,
    EngagementLink,
    EngagementSector,
    EngagementTheme,
    LinkKind,
    MoneyLine,
    Participation,
    Provenance,
    Theme,
    ThemeAssignment,
)
from partnerhub.registry.services import input_from_engagement, snapshot, update_engagement

pytestmark = pytest.mark.django_db

REINTEGRATION = "Sustainable reintegration of returning migrants in Morocco"
LABOUR = "Labour mobility and talent partnership with Tunisia"
GERMAN_FOREIGN_OFFICE = ("XM-DAC-5-7", "10", "Germany - Federal Foreign Office")
MONEY_AND_PLACES = """
  <recipient-country code="MA" percentage="100"/>
  <sector vocabulary="1" code="15190" percentage="100"/>
  <participating-org ref="XI-IATI-EC_INTPA" role="1"><narrative>European Commission</narrative></participating-org>
  <participating-org role="4"><narrative>International Organization for Migration</narrative></participating-org>
  <budget><period-start iso-date="2023-01-01"/><value value-date="2023-01-02">1200000</value></budget>
  <transaction><transaction-type code="2"/><value value-date="2023-02-01">1000000</value></transaction>"""
NEWER_MONEY_AND_PLACES = """
  <recipient-country code="TN" percentage="100"/>
  <sector vocabulary="1" code="15190" percentage="100"/>
  <participating-org ref="XM-DAC-47066" role="4"><narrative>IOM</narrative></participating-org>
  <transaction><transaction-type code="3"/><value currency="USD" value-date="2024-03-01">500000</value></transaction>"""


def rows_everywhere() -> dict[str, int]:
    return {
        model.__name__: model._base_manager.count()
        for model in (
            Engagement,
            EngagementCountry,
            EngagementSector,
            EngagementTheme,
            EngagementLink,
            MoneyLine,
            Participation,
            ObjectChange,
            Organisation,
            DataSource,
        )
    }


def imported(identifier: str) -> Engagement:
    return Engagement.objects.unrestricted("test").get(iati_identifier=identifier)


# -- what an import writes -------------------------------------------------


def test_an_imported_activity_is_public_owned_by_the_reporting_organisation_with_its_source(cast, iati_file, activity):
    path = iati_file("ec-intpa-ma.xml", activity("XI-IATI-EC_INTPA-1", title=REINTEGRATION, parts=MONEY_AND_PLACES))
    report = import_iati_files([path])
    engagement = imported("XI-IATI-EC_INTPA-1")
    assert (report.created, report.migration_relevant) == (1, 1)
    assert (engagement.owner, engagement.sharing_level, engagement.provenance) == (
        cast.commission,
        SharingLevel.PUBLIC,
        Provenance.IATI,
    )
    assert (engagement.created_by, engagement.updated_by, engagement.kind) == (None, None, "project")
    assert engagement.source.name == "ec-intpa-ma.xml" and engagement.source.kind == DataSource.Kind.IATI
    assert engagement.source.publisher == cast.commission and engagement.source.last_refreshed_at is not None
    assert (engagement.start_date, engagement.end_date) == (None, None)
    assert list(engagement.country_shares.values_list("country__iso3", "share")) == [("MAR", 100)]
    assert sorted(engagement.participations.values_list("organisation__name", "role")) == [
        (cast.commission.name, "funder"),
        (cast.iom.name, "implementer"),
    ]
    assert sorted(engagement.money_lines.values_list("kind", "amount_eur")) == [
        ("budget", 1_200_000),
        ("commitment", 1_000_000),
    ]


def test_classifier_themes_are_stored_with_confidence_and_explanation(cast, iati_file, activity):
    import_iati_files([iati_file("a.xml", activity("XI-IATI-EC_INTPA-1", title=REINTEGRATION))])
    expected = classify([("title", REINTEGRATION)], []).themes
    stored = list(
        imported("XI-IATI-EC_INTPA-1").theme_shares.values_list(
            "theme__code", "assigned_by", "confidence", "explanation"
        )
    )
    assert expected and sorted(stored) == sorted(
        (s.theme_code, ThemeAssignment.CLASSIFIER, s.confidence, s.explanation) for s in expected
    )


def test_activities_about_other_things_are_skipped_unless_all_are_kept(iati_file, activity):
    path = iati_file(
        "mixed.xml",
        activity("X-ROADS", title="Rural roads in Morocco"),
        activity("X-CODED", title="Capacity building", parts='<sector vocabulary="1" code="15190"/>'),
        activity("X-TEXT", title=REINTEGRATION),
    )
    report = import_iati_files([path])
    assert (report.activities_read, report.migration_relevant, report.created, report.skipped) == (3, 2, 2, 1)
    imported = Engagement.objects.unrestricted("test").values_list("iati_identifier", flat=True)
    assert sorted(imported) == ["X-CODED", "X-TEXT"]
    assert import_iati_files([path], keep_all=True).created == 1


def test_the_creation_is_in_the_history_without_a_user_as_the_registry_would_write_it(cast, iati_file, activity):
    import_iati_files([iati_file("a.xml", activity("XI-IATI-EC_INTPA-1", title=REINTEGRATION, parts=MONEY_AND_PLACES))])
    engagement = imported("XI-IATI-EC_INTPA-1")
    (change,) = history_of(engagement)
    assert (change.action, change.user) == (ObjectChange.Action.CREATE, None)
    assert change.changes == diff_snapshots({}, snapshot(engagement))


def test_unknown_organisations_are_created_with_a_kind_and_country_from_their_identifier(cast, iati_file, activity):
    parts = """<participating-org ref="XM-DAC-7-PPR-4000005312" role="4" type="10"><narrative>Partner</narrative>
               </participating-org>
               <participating-org role="4" type="22"><narrative>Caritas Maroc</narrative></participating-org>
               <participating-org ref="DK-CVR-36980214" role="4" type="21"><narrative>DanChurchAid</narrative>
               </participating-org>
               <participating-org role="1"><narrative>IOM</narrative></participating-org>
               <participating-org ref="47066" role="2"/>"""
    path = iati_file(
        "auswaertiges-amt.xml",
        activity("XM-DAC-5-7-1", title=REINTEGRATION, parts=parts, reporting=GERMAN_FOREIGN_OFFICE),
    )
    import_iati_files([path])
    owner = imported("XM-DAC-5-7-1").owner
    assert (owner.iati_identifier, owner.kind, owner.country.iso3, owner.policy_area) == (
        "XM-DAC-5-7",
        OrganisationKind.MS_MINISTRY,
        "DEU",
        PolicyArea.FOREIGN_AFFAIRS,
    )
    assert owner.is_member_state_body
    created = {
        o.name: (o.kind, o.country and o.country.iso3)
        for o in Organisation.objects.filter(name__in=["Partner", "Caritas Maroc", "DanChurchAid"])
    }
    assert created == {
        "Partner": (OrganisationKind.OTHER, None),
        "Caritas Maroc": (OrganisationKind.NGO, None),
        "DanChurchAid": (OrganisationKind.NGO, "DNK"),
    }
    assert imported("XM-DAC-5-7-1").participations.get(role="funder").organisation == cast.iom  # by acronym
    assert imported("XM-DAC-5-7-1").participations.get(role="lead").organisation == cast.iom  # channel code


def test_related_activities_become_links_once_both_are_in_the_hub(cast, iati_file, activity):
    child_parts = """<related-activity ref="XI-IATI-EC_INTPA-PARENT" type="1"/>
                     <related-activity ref="XI-IATI-EC_INTPA-SIBLING" type="3"/>
                     <related-activity ref="XI-IATI-EC_INTPA-ELSEWHERE" type="3"/>"""
    first = iati_file(
        "a.xml",
        activity("XI-IATI-EC_INTPA-CHILD", title=REINTEGRATION, parts=child_parts),
        activity("XI-IATI-EC_INTPA-PARENT", title=REINTEGRATION),
    )
    second = iati_file("b.xml", activity("XI-IATI-EC_INTPA-SIBLING", title=REINTEGRATION))
    import_iati_files([first, second])
    child = imported("XI-IATI-EC_INTPA-CHILD")
    assert sorted(child.links_out.values_list("target__iati_identifier", "kind", "from_iati")) == [
        ("XI-IATI-EC_INTPA-PARENT", LinkKind.PART_OF, True),
        ("XI-IATI-EC_INTPA-SIBLING", LinkKind.RELATED, True),
    ]
    assert [r["ref"] for r in child.iati_extra["related_activities"]] == [
        "XI-IATI-EC_INTPA-PARENT",
        "XI-IATI-EC_INTPA-SIBLING",
        "XI-IATI-EC_INTPA-ELSEWHERE",
    ]


def test_a_parent_listing_its_children_makes_each_child_part_of_it(cast, iati_file, activity):
    parent_parts = """<related-activity ref="XI-IATI-EC_NEAR-CONTRACT-1" type="2"/>
                      <related-activity ref="XI-IATI-EC_NEAR-CONTRACT-2" type="2"/>"""
    path = iati_file(
        "near.xml",
        activity("XI-IATI-EC_NEAR-DECISION", title=REINTEGRATION, parts=parent_parts),
        activity("XI-IATI-EC_NEAR-CONTRACT-1", title=REINTEGRATION),
        activity("XI-IATI-EC_NEAR-CONTRACT-2", title=REINTEGRATION),
    )
    import_iati_files([path])
    parent = imported("XI-IATI-EC_NEAR-DECISION")
    assert sorted(parent.links_in.values_list("source__iati_identifier", "kind", "from_iati")) == [
        ("XI-IATI-EC_NEAR-CONTRACT-1", LinkKind.PART_OF, True),
        ("XI-IATI-EC_NEAR-CONTRACT-2", LinkKind.PART_OF, True),
    ]
    assert not parent.links_out.exists()
    import_iati_files([path])
    assert parent.links_in.count() == 2


def test_progress_is_reported_per_file_with_bytes_read(iati_file, activity):
    path = iati_file("a.xml", activity("X-1", title=REINTEGRATION))
    seen: list[ImportProgress] = []
    import_iati_files([path], progress=seen.append)
    assert seen[-1].bytes_read == seen[-1].bytes_total == path.stat().st_size
    assert (seen[-1].file_number, seen[-1].files_total, seen[-1].activities_read) == (1, 1, 1)


def test_the_progress_bar_redraws_one_line(tmp_path):
    bar_module = importlib.import_module("partnerhub.iati.management.commands.import-iati")
    stream = StringIO()
    bar = bar_module.ProgressBar(OutputWrapper(stream))
    bar(ImportProgress(tmp_path / "dportal_72.xml", 2, 4, 250, 1000, 30))
    bar.close()
    assert stream.getvalue().startswith(
        "\r[########----------------------]  25%  file 2/4 dportal_72.xml  30 activities"
    )
    assert stream.getvalue().endswith("\n")


# -- re-imports ------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(cast, iati_file, activity):
    path = iati_file(
        "a.xml",
        activity("XI-IATI-EC_INTPA-1", title=REINTEGRATION, parts=MONEY_AND_PLACES),
        activity("XI-IATI-EC_INTPA-2", title=LABOUR, parts='<related-activity ref="XI-IATI-EC_INTPA-1" type="1"/>'),
    )
    import_iati_files([path])
    before, stamps = rows_everywhere(), dict(Engagement.objects.unrestricted("test").values_list("pk", "updated_at"))
    report = import_iati_files([path])
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert rows_everywhere() == before
    assert dict(Engagement.objects.unrestricted("test").values_list("pk", "updated_at")) == stamps


def user_additions(cast, engagement: Engagement, other: Engagement) -> None:
    """What a Commission desk officer adds to an imported engagement in the hub."""
    data = input_from_engagement(engagement)
    data.themes.append((Theme.objects.get(code="LEGAL-LABOUR"), None))
    data.links.append((other, LinkKind.FUNDED_BY))
    data.fields.update(
        action_plan_reference="AP-MAR-2.3",
        notes="Discussed at the Rabat meeting.",
        sharing_level=SharingLevel.RESTRICTED,
    )
    data.shared_with_organisations = [cast.german_interior]
    update_engagement(engagement, data, acting_user=cast.commission_desk_officer)


def test_a_newer_version_replaces_what_the_publisher_owns_and_keeps_what_users_added(cast, iati_file, activity):
    import_iati_files(
        [iati_file("v1.xml", activity("XI-IATI-EC_INTPA-1", title=REINTEGRATION, parts=MONEY_AND_PLACES))]
    )
    other = cast.engagement(cast.commission, cast.commission_desk_officer, title="Budget support")
    user_additions(cast, imported("XI-IATI-EC_INTPA-1"), other)

    newer = activity(
        "XI-IATI-EC_INTPA-1",
        title=LABOUR,
        parts=NEWER_MONEY_AND_PLACES,
        status="3",
        last_updated="2024-06-01T00:00:00Z",
    )
    report = import_iati_files([iati_file("v2.xml", newer)])

    engagement = imported("XI-IATI-EC_INTPA-1")
    assert (report.updated, engagement.title, engagement.status) == (1, LABOUR, "finalisation")
    assert list(engagement.country_shares.values_list("country__iso3", flat=True)) == ["TUN"]
    assert list(engagement.money_lines.values_list("kind", "currency")) == [("disbursement", "USD")]
    assert list(engagement.participations.values_list("organisation", "role")) == [(cast.iom.pk, "implementer")]
    assert engagement.source.name == "v2.xml" and engagement.iati_last_updated.year == 2024
    # What users added is still there.
    assert (engagement.action_plan_reference, engagement.notes) == ("AP-MAR-2.3", "Discussed at the Rabat meeting.")
    assert engagement.sharing_level == SharingLevel.RESTRICTED
    assert list(engagement.shared_with_organisations.all()) == [cast.german_interior]
    assert list(engagement.links_out.values_list("target", "kind", "from_iati")) == [
        (other.pk, LinkKind.FUNDED_BY, False)
    ]
    themes = dict(engagement.theme_shares.values_list("theme__code", "assigned_by"))
    assert themes.pop("LEGAL-LABOUR") == ThemeAssignment.USER
    assert themes == {
        s.theme_code: ThemeAssignment.CLASSIFIER
        for s in classify([("title", LABOUR)], []).themes
        if s.theme_code != "LEGAL-LABOUR"
    }
    latest = history_of(engagement).first()
    assert (latest.action, latest.user, latest.changes["title"]) == ("update", None, [REINTEGRATION, LABOUR])


def test_an_activity_the_hub_holds_is_updated_even_when_it_no_longer_looks_migration_related(cast, iati_file, activity):
    import_iati_files([iati_file("a.xml", activity("X-1", title=REINTEGRATION))])
    report = import_iati_files(
        [iati_file("a.xml", activity("X-1", title="Rural roads", last_updated="2024-01-01T00:00:00Z"))]
    )
    assert (report.migration_relevant, report.skipped, report.updated) == (0, 0, 1)
    assert imported("X-1").title == "Rural roads"


def test_an_older_version_is_left_alone(cast, iati_file, activity):
    import_iati_files([iati_file("new.xml", activity("X-1", title=LABOUR, last_updated="2024-06-01T00:00:00Z"))])
    report = import_iati_files(
        [iati_file("old.xml", activity("X-1", title=REINTEGRATION, last_updated="2023-01-01T00:00:00Z"))]
    )
    assert (report.updated, report.unchanged, imported("X-1").title) == (0, 1, LABOUR)


def test_a_changed_activity_without_a_newer_date_is_taken_from_the_same_file(cast, iati_file, activity):
    import_iati_files([iati_file("a.xml", activity("X-1", title=REINTEGRATION, last_updated=""))])
    report = import_iati_files([iati_file("a.xml", activity("X-1", title=LABOUR, last_updated=""))])
    assert (report.updated, imported("X-1").title) == (1, LABOUR)


def test_the_same_activity_in_two_files_does_not_take_turns(cast, iati_file, activity):
    first = iati_file("a.xml", activity("X-1", title=REINTEGRATION))
    second = iati_file("b.xml", activity("X-1", title=LABOUR))
    import_iati_files([first, second])
    before = rows_everywhere()
    report = import_iati_files([first, second])
    assert (report.updated, report.unchanged, imported("X-1").title) == (0, 2, REINTEGRATION)
    assert rows_everywhere() == before


def test_an_engagement_entered_by_hand_with_the_same_identifier_is_left_alone(cast, iati_file, activity):
    own = cast.engagement(cast.commission, cast.commission_desk_officer, title="Entered by hand")
    Engagement.objects.unrestricted("test").filter(pk=own.pk).update(iati_identifier="XI-IATI-EC_INTPA-1")
    report = import_iati_files([iati_file("a.xml", activity("XI-IATI-EC_INTPA-1", title=REINTEGRATION))])
    assert (report.skipped, report.errors[0].reason) == (
        1,
        "an engagement entered in the hub already carries this iati-identifier: left as it is",
    )
    assert imported("XI-IATI-EC_INTPA-1").title == "Entered by hand"


def test_the_planned_dates_fill_the_start_and_end_the_filters_use(cast, iati_file, activity):
    parts = '<activity-date type="1" iso-date="2022-01-01"/><activity-date type="3" iso-date="2025-12-31"/>'
    import_iati_files([iati_file("a.xml", activity("X-1", title=REINTEGRATION, parts=parts))])
    engagement = imported("X-1")
    assert (engagement.start_date, engagement.end_date) == (date(2022, 1, 1), date(2025, 12, 31))


def test_an_activity_moved_to_another_place_in_its_file_is_unchanged(cast, iati_file, activity):
    """The whitespace after an activity belongs to the file, not to the activity."""
    first = activity("XI-IATI-EC_INTPA-1", title=REINTEGRATION, last_updated="")
    second = activity("XI-IATI-EC_INTPA-2", title=LABOUR, last_updated="")
    import_iati_files([iati_file("ec.xml", first, second)])
    before = rows_everywhere()

    report = import_iati_files([iati_file("ec.xml", second, first)])

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert rows_everywhere() == before


def test_a_newer_version_moves_the_engagement_version_so_a_page_opened_before_is_refused(cast, iati_file, activity):
    import_iati_files([iati_file("a.xml", activity("X-1", title=REINTEGRATION, last_updated="2023-01-01T00:00:00Z"))])
    opened = imported("X-1")
    import_iati_files([iati_file("a.xml", activity("X-1", title=REINTEGRATION, last_updated="2023-01-01T00:00:00Z"))])
    assert imported("X-1").version == opened.version, "an unchanged re-import leaves the version"

    import_iati_files([iati_file("b.xml", activity("X-1", title=LABOUR, last_updated="2024-06-01T00:00:00Z"))])

    assert imported("X-1").version == opened.version + 1
    edit = input_from_engagement(opened)
    edit.fields["notes"] = "Typed into a page opened before the import"
    with pytest.raises(EditConflict) as refused:
        update_engagement(opened, edit, acting_user=cast.commission_desk_officer, read_version=opened.version)
    assert refused.value.changed_by == "an import"
    assert imported("X-1").title == LABOUR
