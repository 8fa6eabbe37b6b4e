"""Money in CFA francs in a real file is converted at the fixed parity instead of being kept aside."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from lxml import etree

from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import Engagement
from tests.iati.documents import SHARED_ACTIVITIES

RED_CROSS_FILE = SHARED_ACTIVITIES / "d-portal" / "dflat_downloads_activities.xml"
EBOLA_APPEAL = "GB-CHC-220949-D353"
CFA_PER_EURO = Decimal("655.957")  # Council Decision 98/683/EC

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not RED_CROSS_FILE.is_file(), reason=f"the real IATI file {RED_CROSS_FILE} is absent"),
]


def cfa_transactions() -> list[tuple[str, Decimal]]:
    for activity in etree.parse(str(RED_CROSS_FILE)).iter("iati-activity"):
        if activity.findtext("iati-identifier") == EBOLA_APPEAL:
            return sorted(
                (t.find("transaction-type").get("code"), Decimal(t.find("value").text))
                for t in activity.iterfind("transaction")
                if t.find("value").get("currency") == "XOF"
            )
    return []


def test_cfa_franc_transactions_of_a_real_file_are_converted_at_the_fixed_parity(cast):
    expected = cfa_transactions()
    assert len(expected) == 2

    import_iati_files([RED_CROSS_FILE], keep_all=True)

    engagement = Engagement.objects.unrestricted("test").get(iati_identifier=EBOLA_APPEAL)
    lines = engagement.money_lines.filter(currency="XOF")
    kinds = {"2": "commitment", "3": "disbursement"}
    assert sorted((line.kind, line.amount, line.amount_eur) for line in lines) == sorted(
        (kinds[code], value, (value / CFA_PER_EURO).quantize(Decimal("0.01"), ROUND_HALF_UP))
        for code, value in expected
    )
    assert "money_without_eur_rate" not in engagement.iati_extra
    assert not [f for f in engagement.import_findings if "XOF" in f["message"]]
