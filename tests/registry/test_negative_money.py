"""A negative amount is only a correction of an earlier one, and a budget is never negative.

IATI allows negative transactions as corrections; a line entered in the hub
must say it is one, else the negative amount silently lowers every total.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from partnerhub.registry.forms import MoneyLineForm
from partnerhub.registry.models import Engagement, MoneyKind, MoneyLine
from partnerhub.registry.services import MoneyInput, input_from_engagement, update_engagement
from tests.registry.test_edit import CREATE_URL, engagement_post, rows
from tests.support.clients import logged_in

pytestmark = pytest.mark.django_db

amounts = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2).filter(lambda a: a != 0)


def money_form(kind: str, amount: Decimal, is_correction: bool) -> MoneyLineForm:
    data = {"kind": kind, "amount": str(amount), "currency": "EUR", "value_date": "2024-03-15"}
    if is_correction:
        data["is_correction"] = "on"
    return MoneyLineForm(data)


@settings(deadline=None)
@given(kind=st.sampled_from(MoneyKind.values), amount=amounts, is_correction=st.booleans())
def test_money_row_accepts_a_negative_amount_only_as_a_correction_and_never_for_a_budget(kind, amount, is_correction):
    form = money_form(kind, amount, is_correction)

    allowed = amount > 0 or (kind != MoneyKind.BUDGET and is_correction)
    assert form.is_valid() == allowed, form.errors
    if not allowed:
        assert list(form.errors) == ["amount"]


def test_negative_commitment_in_the_form_is_an_error_on_its_amount(client, cast):
    data = engagement_post(
        cast.german_interior,
        **rows("money", {"kind": "commitment", "amount": "-250000", "currency": "EUR", "value_date": "2024-03-15"}),
    )

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    errors = response.context["editor"].formsets["money"].forms[0].errors
    assert "correction" in errors["amount"][0]
    assert 'href="#id_money-0-amount"' in response.content.decode()
    assert not Engagement.objects.unrestricted("test").exists()


def test_negative_disbursement_marked_as_a_correction_is_recorded_as_one(client, cast):
    data = engagement_post(
        cast.german_interior,
        **rows(
            "money",
            {
                "kind": "disbursement",
                "amount": "-250000",
                "currency": "EUR",
                "value_date": "2024-03-15",
                "is_correction": "on",
            },
        ),
    )

    logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    line = MoneyLine.objects.unrestricted("test").get(engagement__title=data["title"])
    assert (line.amount, line.is_correction) == (Decimal("-250000.00"), True)


def test_negative_budget_is_refused_even_as_a_correction(client, cast):
    data = engagement_post(
        cast.german_interior,
        **rows(
            "money",
            {"kind": "budget", "amount": "-1000", "currency": "EUR", "value_date": "2024-03-15", "is_correction": "on"},
        ),
    )

    response = logged_in(client, cast.german_ministry_editor).post(CREATE_URL, data)

    errors = response.context["editor"].formsets["money"].forms[0].errors
    assert errors["amount"] == ["A budget cannot be negative."]
    assert not Engagement.objects.unrestricted("test").exists()


def test_the_service_refuses_a_negative_line_not_marked_as_a_correction(cast):
    engagement = cast.engagement(cast.german_interior, cast.german_ministry_editor, amount=None)
    data = input_from_engagement(engagement)
    data.money = [MoneyInput("commitment", Decimal("-5"), "EUR", date(2024, 1, 1))]

    with pytest.raises(ValidationError) as refused:
        update_engagement(engagement, data, acting_user=cast.german_ministry_editor)

    assert "money" in refused.value.message_dict
    assert not MoneyLine.objects.unrestricted("test").filter(engagement=engagement).exists()


def test_editing_a_record_keeps_its_corrections(cast):
    engagement = cast.engagement(cast.german_interior, cast.german_ministry_editor, amount=None)
    data = input_from_engagement(engagement)
    data.money = [
        MoneyInput("commitment", Decimal("1000"), "EUR", date(2024, 1, 1)),
        MoneyInput("commitment", Decimal("-200"), "EUR", date(2024, 6, 1), is_correction=True),
    ]
    update_engagement(engagement, data, acting_user=cast.german_ministry_editor)

    update_engagement(engagement, input_from_engagement(engagement), acting_user=cast.german_ministry_editor)

    assert sorted(engagement.money_lines.values_list("amount", "is_correction")) == [
        (Decimal("-200.00"), True),
        (Decimal("1000.00"), False),
    ]
