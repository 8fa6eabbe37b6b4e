"""Importing rows: the three tiers of findings, preview versus confirm, re-import, atomicity."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from partnerhub.core.history import history_of
from partnerhub.core.models import Event, ObjectChange
from partnerhub.registry.models import DataSource, Engagement, Theme
from partnerhub.registry.services import input_from_engagement, update_engagement
from partnerhub.sheets import services
from partnerhub.sheets.services import import_sheet
from tests.sheets.builders import csv_bytes, engagement_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(cast, rows, *, confirm: bool, file_name: str = "bmi-engagements.xlsx", user=None):
    data = xlsx_bytes(rows) if file_name.endswith(".xlsx") else csv_bytes(rows)
    return import_sheet(
        file_name, data, cast.german_interior, acting_user=user or cast.german_ministry_editor, confirm=confirm
    )


def findings_of(summary, row: int) -> list[tuple[str, str, str]]:
    return [
        (f.tier, f.column, f.reason)
        for outcome in summary.rows
        if outcome.draft.number == row
        for f in outcome.draft.findings
    ]


def tiers_by_column(summary, row: int) -> dict[str, str]:
    return {column: tier for tier, column, _reason in findings_of(summary, row)}


def written_rows() -> tuple[int, int, int, int]:
    return (
        Engagement.objects.unrestricted("test").count(),
        ObjectChange.objects.count(),
        Event.objects.count(),
        DataSource.objects.count(),
    )


TIERED_ROWS = [
    engagement_row("CLEAN-1"),
    engagement_row("CRIT-1", title=""),
    engagement_row("ERR-1", country_1="Atlantis", country_1_share="", country_2_share="", planned_end="31/02/2025"),
    engagement_row("WARN-1", theme_1="", sharing_level=""),
]


def test_each_tier_names_row_column_and_reason_before_anything_is_written(cast):
    before = written_rows()
    summary = run(cast, TIERED_ROWS, confirm=False)
    assert written_rows() == before
    assert findings_of(summary, 2) == []
    assert findings_of(summary, 3) == [("critical", "title", "No title: every engagement needs one.")]
    assert tiers_by_column(summary, 4) == {"country_1": "error", "planned_end": "error"}
    assert "“31/02/2025” is not a date" in findings_of(summary, 4)[0][2]
    assert "“Atlantis” is not a country" in findings_of(summary, 4)[1][2]
    assert tiers_by_column(summary, 5) == {"theme_1": "warning", "sharing_level": "warning"}
    assert summary.counts == {"rows_read": 4, "created": 3, "updated": 0, "unchanged": 0, "skipped": 1}


def test_confirm_writes_every_row_that_is_not_critical_and_flags_errors_on_the_engagement(cast):
    summary = run(cast, TIERED_ROWS, confirm=True)
    assert summary.counts["created"] == 3
    engagements = Engagement.objects.unrestricted("test").filter(owner=cast.german_interior)
    assert sorted(engagements.values_list("external_reference", flat=True)) == ["CLEAN-1", "ERR-1", "WARN-1"]
    flagged = engagements.get(external_reference="ERR-1")
    assert [c.country.iso3 for c in flagged.country_shares.all()] == ["TUN"]
    assert flagged.planned_end is None
    assert [(f["tier"], f["field"]) for f in flagged.import_findings] == [
        ("error", "planned_end"),
        ("error", "country_1"),
    ]
    assert engagements.get(external_reference="CLEAN-1").import_findings == []
    warned = engagements.get(external_reference="WARN-1")
    assert warned.sharing_level == "originator"
    assert [f["tier"] for f in warned.import_findings] == ["warning", "warning"]


def test_imported_engagement_carries_every_column_provenance_owner_and_source(cast):
    run(cast, [engagement_row("BMI-7", humanitarian="yes", language="fr", other_countries="")], confirm=True)
    engagement = Engagement.objects.unrestricted("test").get(external_reference="BMI-7")
    assert (engagement.owner, engagement.provenance, engagement.created_by) == (
        cast.german_interior,
        "spreadsheet",
        cast.german_ministry_editor,
    )
    assert (engagement.kind, engagement.status, engagement.sharing_level, engagement.language) == (
        "project",
        "implementation",
        "eu",
        "fr",
    )
    assert (engagement.planned_start, engagement.planned_end) == (date(2024, 1, 1), date(2026, 12, 31))
    assert engagement.humanitarian is True
    assert (engagement.instrument.code, engagement.action_plan_reference) == ("NDICI-GE", "MAR-AP 2.3")
    assert engagement.notes == "Imported from the ministry's tracker."
    assert {(c.country.iso3, c.share) for c in engagement.country_shares.all()} == {
        ("MAR", Decimal("60")),
        ("TUN", Decimal("40")),
    }
    assert [t.theme.code for t in engagement.theme_shares.all()] == ["RETURN-REINTEGRATION"]
    assert [(p.organisation, p.role) for p in engagement.participations.all()] == [(cast.iom, "implementer")]
    [money] = engagement.money_lines.all()
    assert (money.kind, money.amount, money.currency, money.value_date, money.amount_eur) == (
        "commitment",
        Decimal("1500000.00"),
        "EUR",
        date(2024, 2, 1),
        Decimal("1500000.00"),
    )
    source = engagement.source
    assert (source.kind, source.name, source.publisher) == (
        "spreadsheet",
        "bmi-engagements.xlsx (BMI)",
        cast.german_interior,
    )
    assert source.last_refreshed_at is not None
    assert [change.action for change in history_of(engagement)] == ["create"]


def test_importing_the_same_file_twice_changes_nothing(cast):
    rows = [
        engagement_row("BMI-1"),
        engagement_row("BMI-2", theme_1="", country_1_share="", country_2_share=""),
        engagement_row("BMI-3", country_1="Atlantis", country_1_share="", country_2_share=""),
    ]
    run(cast, rows, confirm=True)
    stamps = dict(Engagement.objects.unrestricted("test").values_list("external_reference", "updated_at"))
    history = (ObjectChange.objects.count(), Event.objects.count())
    summary = run(cast, rows, confirm=True)
    assert summary.counts == {"rows_read": 3, "created": 0, "updated": 0, "unchanged": 3, "skipped": 0}
    assert (ObjectChange.objects.count(), Event.objects.count()) == history
    assert dict(Engagement.objects.unrestricted("test").values_list("external_reference", "updated_at")) == stamps


def test_csv_twin_of_the_same_rows_is_unchanged_after_the_xlsx_import(cast):
    rows = [engagement_row("BMI-1"), engagement_row("BMI-2")]
    run(cast, rows, confirm=True)
    summary = run(cast, rows, confirm=True, file_name="bmi-engagements.csv")
    assert summary.counts["unchanged"] == 2


def test_changed_row_updates_the_engagement_with_its_history(cast):
    run(cast, [engagement_row("BMI-1")], confirm=True)
    summary = run(cast, [engagement_row("BMI-1", status="closed", commitment_amount="1750000")], confirm=True)
    assert summary.counts["updated"] == 1
    engagement = Engagement.objects.unrestricted("test").get(external_reference="BMI-1")
    assert engagement.status == "closed"
    update = history_of(engagement).filter(action="update").get()
    assert set(update.changes) == {"status", "money"}
    assert update.user == cast.german_ministry_editor


def test_reimport_keeps_what_the_hub_added_where_the_row_is_silent(cast):
    run(cast, [engagement_row("BMI-1", theme_1="")], confirm=True)
    engagement = Engagement.objects.unrestricted("test").get(external_reference="BMI-1")
    data = input_from_engagement(engagement)
    data.themes = [(Theme.objects.get(code="LEGAL-LABOUR"), None)]
    data.fields["sharing_level"] = "restricted"
    data.shared_with_organisations = [cast.giz]
    update_engagement(engagement, data, acting_user=cast.german_ministry_editor)
    summary = run(cast, [engagement_row("BMI-1", theme_1="", sharing_level="", description="New text")], confirm=True)
    assert summary.counts["updated"] == 1
    engagement.refresh_from_db()
    assert engagement.description == "New text"
    assert [t.theme.code for t in engagement.theme_shares.all()] == ["LEGAL-LABOUR"]
    assert engagement.sharing_level == "restricted"
    assert list(engagement.shared_with_organisations.all()) == [cast.giz]


def test_reference_repeated_in_the_file_is_critical_on_the_later_row(cast):
    summary = run(cast, [engagement_row("BMI-1"), engagement_row("BMI-1", title="Other")], confirm=True)
    assert findings_of(summary, 3)[0][:2] == ("critical", "reference")
    assert "already used on row 2" in findings_of(summary, 3)[0][2]
    assert Engagement.objects.unrestricted("test").filter(external_reference="BMI-1").count() == 1


def test_reference_carried_by_two_engagements_of_the_organisation_is_critical(cast):
    for title in ("First", "Second"):
        cast.engagement(cast.german_interior, cast.german_ministry_editor, title=title, external_reference="DUP")
    summary = run(cast, [engagement_row("DUP")], confirm=False)
    assert findings_of(summary, 2)[0][0] == "critical"
    assert "cannot tell which one to update" in findings_of(summary, 2)[0][2]


def test_same_reference_of_another_organisation_is_a_different_engagement(cast):
    cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, external_reference="BMI-1")
    summary = run(cast, [engagement_row("BMI-1")], confirm=True)
    assert summary.counts["created"] == 1


@pytest.mark.parametrize(
    ("cells", "column", "tier", "reason"),
    [
        ({"kind": "workshop"}, "kind", "critical", "“workshop” is not a kind of engagement"),
        ({"kind": ""}, "kind", "critical", "No kind"),
        ({"reference": ""}, "reference", "critical", "No reference"),
        ({"sharing_level": "confidential"}, "sharing_level", "critical", "never guessed"),
        ({"title": "x" * 501}, "title", "critical", "longer than 500 characters"),
        ({"country_1_share": "70"}, "country_1_share", "error", "add up to 110.00 %"),
        ({"country_2_share": ""}, "country_1_share", "error", "some entries but not all"),
        ({"theme_1": "Sustainable reintegraton"}, "theme_1", "error", "did you mean Sustainable reintegration"),
        ({"country_1": "Moroco"}, "country_1", "error", "did you mean Morocco (MAR)?"),
        ({"instrument": "NDICI"}, "instrument", "error", "is not an instrument"),
        ({"organisation_1": "Ministry of Magic"}, "organisation_1", "error", "not an organisation known"),
        ({"organisation_1_role": ""}, "organisation_1_role", "error", "No role given"),
        ({"commitment_amount": "1.500"}, "commitment_amount", "error", "could be read two ways"),
        ({"commitment_amount": "-10"}, "commitment_amount", "error", "negative"),
        ({"commitment_amount": "0"}, "commitment_amount", "warning", "zero says nothing"),
        ({"commitment_currency": "EUE"}, "commitment_currency", "error", "not a currency with an ECB"),
        ({"commitment_currency": ""}, "commitment_currency", "error", "No currency given"),
        ({"commitment_date": ""}, "commitment_date", "warning", "the start date 1 Jan 2024 was used"),
        ({"status": "ongoing"}, "status", "error", "default for a new engagement"),
        ({"humanitarian": "perhaps"}, "humanitarian", "error", "not yes or no"),
        ({"actual_start": "2025-01-01", "actual_end": "2024-01-01"}, "actual_end", "error", "before the start"),
        ({"other_countries": "SEN 10; Narnia"}, "other_countries", "error", "“Narnia” is not a country"),
        ({"country_2": "Morocco"}, "country_2", "warning", "listed twice"),
    ],
)
def test_finding_for_each_kind_of_bad_cell(cast, cells, column, tier, reason):
    summary = run(cast, [engagement_row(**{"reference": "BMI-1", **cells})], confirm=False)
    found = [(t, c, r) for t, c, r in findings_of(summary, 2) if c == column]
    assert found, findings_of(summary, 2)
    assert found[0][0] == tier
    assert reason in found[0][2]


def test_every_non_critical_variant_is_accepted_by_the_registry(cast):
    """What the preview lets through, the services write: no row is refused at confirm."""
    rows = [
        engagement_row(f"V-{n}", **cells)
        for n, cells in enumerate(
            [
                {"country_1_share": "70"},
                {"country_2_share": ""},
                {"commitment_currency": "EUE"},
                {"commitment_amount": "0"},
                {"actual_start": "2025-01-01", "actual_end": "2024-01-01"},
                {"country_2": "Morocco"},
                {"other_countries": "SEN; GMB", "country_1_share": "", "country_2_share": ""},
                {"organisation_2": "IOM", "organisation_2_role": "implementer"},
                {
                    "commitment_currency": "usd",
                    "budget_amount": "2,500,000.00",
                    "budget_currency": "GBP",
                    "budget_date": "15/06/2023",
                },
            ]
        )
    ]
    summary = run(cast, rows, confirm=True)
    assert summary.counts["created"] == len(rows)


def test_foreign_currency_is_converted_to_euros(cast):
    run(cast, [engagement_row("BMI-1", commitment_currency="USD", commitment_date="2024-02-01")], confirm=True)
    money = Engagement.objects.unrestricted("test").get(external_reference="BMI-1").money_lines.get()
    assert money.currency == "USD"
    assert Decimal("1300000") < money.amount_eur < Decimal("1450000")


def test_row_without_theme_gets_the_classifier_suggestion_as_a_warning(cast):
    summary = run(
        cast, [engagement_row("BMI-1", theme_1="", title="Réintégration des migrants de retour")], confirm=True
    )
    [(tier, _column, reason)] = [f for f in findings_of(summary, 2) if f[1] == "theme_1"]
    assert tier == "warning"
    assert reason.startswith("No theme given; suggested: ")
    assert "(RETURN-REINTEGRATION)" in reason and "réintégration" in reason.lower()
    assert not Engagement.objects.unrestricted("test").get(external_reference="BMI-1").theme_shares.exists()


def test_row_refused_by_the_registry_becomes_critical_and_the_others_are_written(cast, monkeypatch):
    create = services.create_engagement

    def refuse_second(data, **kwargs):
        if data.fields["external_reference"] == "BMI-2":
            raise ValidationError({"countries": ["A rule the preview did not know."]})
        return create(data, **kwargs)

    monkeypatch.setattr(services, "create_engagement", refuse_second)
    summary = run(cast, [engagement_row("BMI-1"), engagement_row("BMI-2"), engagement_row("BMI-3")], confirm=True)
    assert summary.counts == {"rows_read": 3, "created": 2, "updated": 0, "unchanged": 0, "skipped": 1}
    assert findings_of(summary, 3) == [("critical", "countries", "A rule the preview did not know.")]
    assert not Engagement.objects.unrestricted("test").filter(external_reference="BMI-2").exists()


def test_failure_in_the_middle_of_an_import_leaves_nothing_half_written(cast, monkeypatch):
    create = services.create_engagement

    def crash_on_third(data, **kwargs):
        if data.fields["external_reference"] == "BMI-3":
            raise RuntimeError("database went away")
        return create(data, **kwargs)

    monkeypatch.setattr(services, "create_engagement", crash_on_third)
    before = written_rows()
    with pytest.raises(RuntimeError):
        run(cast, [engagement_row(f"BMI-{n}") for n in range(1, 5)], confirm=True)
    assert written_rows() == before


def test_viewer_cannot_import_for_their_organisation(cast):
    with pytest.raises(PermissionDenied):
        import_sheet("giz.xlsx", xlsx_bytes([engagement_row()]), cast.giz, acting_user=cast.giz_viewer, confirm=True)
    assert not Engagement.objects.unrestricted("test").filter(owner=cast.giz).exists()


def test_editor_cannot_import_for_another_organisation(cast):
    with pytest.raises(PermissionDenied):
        import_sheet(
            "meae.xlsx",
            xlsx_bytes([engagement_row()]),
            cast.french_foreign_affairs,
            acting_user=cast.german_ministry_editor,
            confirm=False,
        )


def test_summary_json_lists_every_finding_with_file_row_column_tier_and_reason(cast):
    summary = run(cast, TIERED_ROWS, confirm=False)
    payload = summary.as_json()
    assert {key: payload[key] for key in ("rows_read", "created", "updated", "unchanged", "skipped")} == {
        "rows_read": 4,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
    }
    assert payload["errors"][0] == {
        "file": "bmi-engagements.xlsx",
        "row": 3,
        "column": "title",
        "tier": "critical",
        "reason": "No title: every engagement needs one.",
    }
    assert len(payload["errors"]) == 5


def test_an_unchanged_row_read_from_another_file_moves_to_that_file_with_its_history(cast):
    rows = [engagement_row("BMI-1")]
    run(cast, rows, confirm=True)
    engagement = Engagement.objects.visible_to(cast.german_ministry_editor).get(external_reference="BMI-1")

    summary = run(cast, rows, confirm=True, file_name="bmi-engagements.csv")

    assert summary.counts["unchanged"] == 1
    moved = Engagement.objects.visible_to(cast.german_ministry_editor).get(pk=engagement.pk)
    assert moved.source.name == "bmi-engagements.csv (BMI)"
    assert moved.updated_at == engagement.updated_at
    update = history_of(engagement).filter(action="update").get()
    assert update.changes == {"source": ["bmi-engagements.xlsx (BMI)", "bmi-engagements.csv (BMI)"]}
    assert update.user == cast.german_ministry_editor


@pytest.mark.parametrize("persona", ["french_ministry_editor", "giz_viewer", "coordinator", "outsider"])
def test_moving_an_engagement_to_another_file_is_refused_inside_the_service_to_others(cast, persona):
    run(cast, [engagement_row("BMI-1")], confirm=True)
    engagement = Engagement.objects.visible_to(cast.german_ministry_editor).get(external_reference="BMI-1")
    other_file = DataSource.objects.create(
        kind=DataSource.Kind.SPREADSHEET, name="other.xlsx (BMI)", publisher=cast.german_interior
    )
    written = ObjectChange.objects.count()

    with pytest.raises(PermissionDenied):
        services.attach_to_source(engagement, other_file, acting_user=getattr(cast, persona))

    kept = Engagement.objects.visible_to(cast.german_ministry_editor).get(pk=engagement.pk)
    assert kept.source.name == "bmi-engagements.xlsx (BMI)"
    assert ObjectChange.objects.count() == written


def test_confirming_a_batch_runs_in_a_transaction_of_its_own_and_checks_the_right_inside_it(cast):
    data = xlsx_bytes([engagement_row("BMI-1")])
    batch = services.preview_upload(
        "bmi-engagements.xlsx", data, cast.german_interior, acting_user=cast.german_ministry_editor
    )
    with transaction.atomic(), pytest.raises(RuntimeError):
        services.confirm_batch(batch, acting_user=cast.german_ministry_editor)
    with pytest.raises(PermissionDenied):
        services.confirm_batch(batch, acting_user=cast.french_ministry_editor)
    assert not Engagement.objects.visible_to(cast.german_ministry_editor).filter(external_reference="BMI-1").exists()

    services.confirm_batch(batch, acting_user=cast.german_ministry_editor)
    assert Engagement.objects.visible_to(cast.german_ministry_editor).filter(external_reference="BMI-1").exists()
