"""An original budget and a revised budget of the same period count once: the revised one.

Checked on the real activities that carry both (OCHA's FTS records in the
IATI Datastore export, a Swiss record in the OCHA fixtures), read here with lxml.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from partnerhub.access.models import ApiToken
from partnerhub.analysis.figures.portfolio import load_portfolio
from partnerhub.iati.mapping import map_activity
from partnerhub.iati.services import import_iati_files
from partnerhub.registry.models import Engagement, MoneyLine
from tests.iati.documents import SHARED_ACTIVITIES, activity_xml
from tests.iati.export_support import activities_of, exported
from tests.support.clients import ApiClient

FILES = [
    SHARED_ACTIVITIES / "d-portal" / "dflat_downloads_activities.xml",
    SHARED_ACTIVITIES / "ocha-hdx-fixtures" / "covid_dportal.xml",
]
MAURITANIA_APPEAL = "XM-OCHA-FTS-MRT-15/H/77007/R/122"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not all(path.is_file() for path in FILES), reason="the real IATI files are absent"),
]


def stated_budgets(activity) -> list[tuple[str, str, str, Decimal]]:
    return [
        (
            budget.get("type") or "1",
            budget.find("period-start").get("iso-date")[:10],
            budget.find("period-end").get("iso-date")[:10],
            Decimal(budget.find("value").text),
        )
        for budget in activity.iterfind("budget")
    ]


def counted(budgets) -> list[Decimal]:
    """Every budget but an original one whose period a revised one overlaps (a budget is
    never negative and zero says nothing: those are left out)."""
    revised = [(start, end) for kind, start, end, _value in budgets if kind == "2"]
    return sorted(
        value
        for kind, start, end, value in budgets
        if value > 0
        and (kind == "2" or not any(start <= other_end and other_start <= end for other_start, other_end in revised))
    )


def activities_with_both_kinds() -> dict[str, list]:
    found = {}
    for path in FILES:
        for activity in etree.parse(str(path)).iter("iati-activity"):
            budgets = stated_budgets(activity)
            if {"1", "2"} <= {kind for kind, *_rest in budgets}:
                found[activity.findtext("iati-identifier").strip()] = budgets
    return found


@pytest.fixture
def imported(cast):
    import_iati_files(FILES, keep_all=True)
    # Profiles count migration-relevant records: these humanitarian ones are made so for the comparison.
    Engagement.objects.unrestricted("test").update(migration_relevant=True)
    return activities_with_both_kinds()


def test_only_the_revised_budget_of_a_period_becomes_money(imported):
    assert MAURITANIA_APPEAL in imported
    for identifier, budgets in imported.items():
        lines = MoneyLine.objects.unrestricted("test").filter(engagement__iati_identifier=identifier, kind="budget")
        assert sorted(line.amount for line in lines) == counted(budgets), identifier


def test_profile_and_api_count_the_revised_budget_once(imported, cast):
    engagement = Engagement.objects.unrestricted("test").get(iati_identifier=MAURITANIA_APPEAL)
    [line] = engagement.money_lines.filter(kind="budget")
    assert line.amount == Decimal("1495000")

    portfolio = load_portfolio(cast.outsider, list(engagement.countries.values_list("pk", flat=True)))
    _token, raw = ApiToken.issue(cast.commission_desk_officer, "tests")
    api = ApiClient(Client(), {"Authorization": f"Bearer {raw}"})
    totals = api.get(f"/engagements/{engagement.pk}").json()["totals"]

    assert portfolio.engagements[engagement.pk].total("budget") == line.amount_eur
    assert [Decimal(t["amount_eur"]) for t in totals if t["kind"] == "budget"] == [line.amount_eur]


def test_the_export_gives_back_both_budgets_as_stated(imported):
    document = exported(Engagement.objects.unrestricted("test").filter(iati_identifier__in=imported))

    for identifier, activity in activities_of(document).items():
        assert sorted(stated_budgets(activity)) == sorted(imported[identifier]), identifier


budget_day = st.dates(date(2018, 1, 1), date(2024, 12, 31))
stated_budget = st.tuples(st.sampled_from(["1", "2", ""]), budget_day, st.integers(0, 800), st.integers(1, 10**9))


def activity_with(budgets) -> etree._Element:
    activity = etree.fromstring(activity_xml())
    for kind, start, days, amount in budgets:
        budget = etree.SubElement(activity, "budget", {"type": kind} if kind else {})
        etree.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
        etree.SubElement(budget, "period-end", {"iso-date": (start + timedelta(days=days)).isoformat()})
        etree.SubElement(budget, "value", {"value-date": start.isoformat()}).text = str(amount)
    return activity


@given(budgets=st.lists(stated_budget, max_size=6))
def test_an_original_budget_counts_unless_a_revised_one_shares_part_of_its_period(budgets):
    record = map_activity(activity_with(budgets), line=1, version="2.03")

    stated = [
        (kind or "1", start.isoformat(), (start + timedelta(days=days)).isoformat(), Decimal(amount))
        for kind, start, days, amount in budgets
    ]
    assert sorted(line.amount for line in record.money) == counted(stated)
    assert len(record.extra.get("budgets", [])) == len(budgets), "every budget is kept for the export"
