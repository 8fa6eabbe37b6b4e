"""IATI allows negative transactions as corrections: imported with a warning and marked as
corrections; a negative budget is left out with an error. Checked against a real Commission file."""

from collections import Counter
from decimal import Decimal

import pytest
from lxml import etree

from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import Engagement, MoneyLine
from tests.iati.documents import SHARED_ACTIVITIES

EC_FILE = SHARED_ACTIVITIES / "dportal-covid19-2021" / "dportal_79.xml"
KINDS = {"1": "incoming", "2": "commitment", "3": "disbursement", "4": "expenditure"}

pytestmark = pytest.mark.django_db


def negative_transactions(path) -> Counter:
    found = Counter()
    for activity in etree.parse(str(path)).iter("iati-activity"):
        identifier = activity.findtext("iati-identifier").strip()
        for transaction in activity.iterfind("transaction"):
            kind = KINDS.get(transaction.find("transaction-type").get("code"))
            amount = Decimal(transaction.find("value").text)
            if kind and amount < 0:
                found[(identifier, kind, amount)] += 1
    return found


@pytest.mark.skipif(not EC_FILE.is_file(), reason=f"the real IATI file {EC_FILE} is absent")
def test_negative_commission_transactions_are_kept_as_corrections_with_a_warning(cast):
    expected = negative_transactions(EC_FILE)
    assert len(expected) > 10

    import_iati_files([EC_FILE], keep_all=True)

    corrections = (
        MoneyLine.objects.unrestricted("test")
        .filter(is_correction=True)
        .values_list("engagement__iati_identifier", "kind", "amount")
    )
    assert Counter(corrections) == expected
    assert not MoneyLine.objects.unrestricted("test").filter(is_correction=False, amount__lt=0).exists()
    for identifier in {identifier for identifier, _kind, _amount in expected}:
        findings = Engagement.objects.unrestricted("test").get(iati_identifier=identifier).import_findings
        assert any(f["tier"] == "warning" and "correction" in f["message"] for f in findings), identifier


def test_negative_budget_is_left_out_with_an_error(cast, iati_file, activity):
    budgets = """
      <budget type="1"><period-start iso-date="2023-01-01"/><period-end iso-date="2023-12-31"/>
        <value currency="EUR" value-date="2023-01-01">-500000</value></budget>
      <budget type="1"><period-start iso-date="2024-01-01"/><period-end iso-date="2024-12-31"/>
        <value currency="EUR" value-date="2024-01-01">800000</value></budget>"""

    import_iati_files([iati_file("negative-budget.xml", activity(parts=budgets))], keep_all=True)

    engagement = Engagement.objects.unrestricted("test").get()
    assert list(engagement.money_lines.values_list("kind", "amount")) == [("budget", Decimal("800000.00"))]
    assert any(f["tier"] == "error" and "negative" in f["message"] for f in engagement.import_findings)
