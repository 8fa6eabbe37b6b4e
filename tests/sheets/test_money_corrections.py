"""Negative amounts in a spreadsheet: only commitments and disbursements marked as corrections."""

from decimal import Decimal

import pytest

from partnerhub.registry.models import MoneyLine
from partnerhub.sheets.columns import COLUMN_KEYS
from tests.sheets.builders import engagement_row
from tests.sheets.test_import import findings_of, run

pytestmark = pytest.mark.django_db


def test_the_template_offers_a_correction_column_for_commitments_and_disbursements_only():
    assert {"commitment_correction", "disbursement_correction"} <= set(COLUMN_KEYS)
    assert "budget_correction" not in COLUMN_KEYS


def test_negative_commitment_without_the_correction_mark_is_an_error_on_its_amount(cast):
    summary = run(cast, [engagement_row(commitment_amount="-10")], confirm=True)

    found = [(tier, reason) for tier, column, reason in findings_of(summary, 2) if column == "commitment_amount"]
    assert [tier for tier, _reason in found] == ["error"]
    assert "correction" in found[0][1]
    assert not MoneyLine.objects.unrestricted("test").filter(kind="commitment").exists()


def test_negative_disbursement_marked_as_a_correction_is_imported_as_one(cast):
    row = engagement_row(
        disbursement_amount="-2 500",
        disbursement_currency="EUR",
        disbursement_date="2024-05-01",
        disbursement_correction="yes",
    )

    summary = run(cast, [row], confirm=True)

    assert not [f for f in findings_of(summary, 2) if f[1].startswith("disbursement")]
    line = MoneyLine.objects.unrestricted("test").get(kind="disbursement")
    assert (line.amount, line.is_correction) == (Decimal("-2500.00"), True)


def test_negative_budget_is_refused(cast):
    summary = run(
        cast, [engagement_row(budget_amount="-100", budget_currency="EUR", budget_date="2024-01-01")], confirm=True
    )

    assert ("error", "budget_amount", "A budget cannot be negative. The amount was left out.") in findings_of(
        summary, 2
    )
    assert not MoneyLine.objects.unrestricted("test").filter(kind="budget").exists()
