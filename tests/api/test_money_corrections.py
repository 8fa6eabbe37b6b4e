"""Negative money over the API: refused unless the line is marked as a correction; budgets never."""

from decimal import Decimal

import pytest

from partnerhub.registry.models import Engagement
from tests.api.test_engagement_writing import full_payload

pytestmark = pytest.mark.django_db


def money(kind: str, amount: str, **extra) -> list[dict]:
    return [{"kind": kind, "amount": amount, "currency": "EUR", "value_date": "2024-02-01", **extra}]


@pytest.mark.parametrize(
    ("kind", "is_correction"),
    [
        ("commitment", False),
        ("disbursement", False),
        ("budget", False),
        ("budget", True),
    ],
)
def test_negative_money_not_allowed_answers_422_on_the_money_field(cast, token_api, kind, is_correction):
    before = Engagement.objects.unrestricted("test").count()

    response = token_api(cast.german_ministry_editor).post(
        "/engagements", full_payload(cast, money=money(kind, "-1000", is_correction=is_correction))
    )

    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "money"]
    assert "negative" in error["msg"]
    assert Engagement.objects.unrestricted("test").count() == before, "nothing is half-written"


def test_negative_disbursement_marked_as_a_correction_is_kept_and_shown_as_one(cast, token_api):
    api = token_api(cast.german_ministry_editor)

    response = api.post("/engagements", full_payload(cast, money=money("disbursement", "-1000", is_correction=True)))

    assert response.status_code == 201, response.content
    [line] = api.get(f"/engagements/{response.json()['id']}").json()["money"]
    assert (Decimal(line["amount"]), line["is_correction"]) == (Decimal("-1000"), True)
