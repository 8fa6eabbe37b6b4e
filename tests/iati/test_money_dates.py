"""A transaction counts in the year of its transaction-date, not of its value-date.

IATI defines the value-date as the date of the exchange rate. The European
Commission sets it to the day it extracted its data (2021 in the real files),
so the year of a transaction must come from its transaction-date, and the
export must give both dates back as the publisher wrote them. The
expectations are read here from the real files with a plain lxml parse.
"""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.utils.formats import date_format
from lxml import etree

from partnerhub.analysis.figures.portfolio import load_portfolio
from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import Engagement, EngagementCountry
from tests.iati.documents import SHARED_ACTIVITIES
from tests.iati.export_support import activities_of, exported

EC_FILE = SHARED_ACTIVITIES / "dportal-covid19-2021" / "dportal_82.xml"
KINDS = {"1": "incoming", "2": "commitment", "3": "disbursement", "4": "expenditure"}

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not EC_FILE.is_file(), reason=f"the real IATI file {EC_FILE} is absent"),
]


def transactions_in(path):
    """(identifier, kind, transaction-date, value-date, value) of every EUR transaction of a kind the hub keeps."""
    found = []
    for activity in etree.parse(str(path)).iter("iati-activity"):
        identifier = activity.findtext("iati-identifier").strip()
        for transaction in activity.iterfind("transaction"):
            kind = KINDS.get(transaction.find("transaction-type").get("code"))
            value = transaction.find("value")
            currency = value.get("currency") or activity.get("default-currency")
            if kind and currency == "EUR" and Decimal(value.text) != 0:
                found.append(
                    (
                        identifier,
                        kind,
                        transaction.find("transaction-date").get("iso-date"),
                        value.get("value-date"),
                        Decimal(value.text),
                    )
                )
    return found


def money_by_year(transactions) -> dict[str, dict[str, dict[int, Decimal]]]:
    by_activity = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))
    for identifier, kind, transaction_date, _value_date, amount in transactions:
        by_activity[identifier][kind][int(transaction_date[:4])] += amount
    return by_activity


@pytest.fixture
def commission_file(cast):
    import_iati_files([EC_FILE], keep_all=True)
    # Profiles count migration-relevant records: all of them here, so that every transaction is compared.
    Engagement.objects.unrestricted("test").update(migration_relevant=True)
    return transactions_in(EC_FILE)


def test_the_commission_sets_value_dates_apart_from_transaction_dates_in_the_real_file(commission_file):
    value_years = {value_date[:4] for *_rest, value_date, _amount in commission_file}
    transaction_years = {transaction_date[:4] for _i, _k, transaction_date, *_rest in commission_file}

    assert value_years == {"2021"}
    assert {"2017", "2018", "2019", "2020"} <= transaction_years


def test_profiles_place_each_commission_transaction_in_the_year_of_its_transaction_date(commission_file, cast):
    expected = money_by_year(commission_file)
    countries = EngagementCountry.objects.unrestricted("test").values_list("country_id", flat=True).distinct()
    portfolio = load_portfolio(cast.outsider, list(countries))
    identifiers = {facts.pk: facts.iati_identifier for facts in portfolio.engagements.values()}

    assert len(identifiers) > 50
    for pk, facts in portfolio.engagements.items():
        shown = {kind: dict(years) for kind, years in facts.money.items() if kind != "budget"}
        assert shown == {kind: dict(years) for kind, years in expected[identifiers[pk]].items()}


def test_export_gives_back_transaction_date_and_value_date_as_published(commission_file):
    document = exported(Engagement.objects.unrestricted("test").all())

    written = Counter()
    for identifier, activity in activities_of(document).items():
        for transaction in activity.iterfind("transaction"):
            value = transaction.find("value")
            written[
                (
                    identifier,
                    KINDS[transaction.find("transaction-type").get("code")],
                    transaction.find("transaction-date").get("iso-date"),
                    value.get("value-date"),
                    Decimal(value.text),
                )
            ] += 1
    assert written == Counter(commission_file)


def test_the_engagement_page_dates_each_transaction_by_its_transaction_date(commission_file, client):
    identifier, _kind, transaction_date, value_date, _amount = next(
        t for t in commission_file if t[2][:10] != t[3][:10]
    )
    engagement = Engagement.objects.unrestricted("test").get(iati_identifier=identifier)

    page = client.get(engagement.get_absolute_url()).content.decode()

    money_tables = page[page.index('id="money-') : page.rindex("ph-subtotal")]
    assert date_format(date.fromisoformat(transaction_date[:10]), "DATE_FORMAT") in money_tables
    assert date_format(date.fromisoformat(value_date[:10]), "DATE_FORMAT") not in money_tables
