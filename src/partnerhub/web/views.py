"""The dashboard: the viewer's visible portfolio at a glance.

Every figure is computed over ``visible_to(request.user)`` only, in a fixed
number of queries, and links to the filtered engagement list behind it.
"""

from collections import Counter

from django.db.models import Count, F, Sum
from django.shortcuts import render
from django.views.decorators.http import require_safe

from partnerhub.registry.models import (
    Engagement,
    EngagementKind,
    EngagementStatus,
    MoneyKind,
    MoneyLine,
)

TOP_COUNTRIES = 10
LATEST_ENGAGEMENTS = 8


@require_safe
def dashboard(request):
    visible = Engagement.objects.visible_to(request.user)
    context = {
        **engagement_counts(visible),
        "money_totals": money_totals(request.user),
        "top_countries": top_partner_countries(request.user),
        "latest": list(visible.select_related("owner")[:LATEST_ENGAGEMENTS]),
    }
    return render(request, "web/dashboard.html", context)


def engagement_counts(visible) -> dict:
    """Visible engagements by status and by kind, and whether any is demo data."""
    rows = visible.order_by().values("status", "kind", "is_demo").annotate(count=Count("pk"))
    by_status, by_kind, has_demo = Counter(), Counter(), False
    for row in rows:
        by_status[row["status"]] += row["count"]
        by_kind[row["kind"]] += row["count"]
        has_demo = has_demo or row["is_demo"]
    return {
        "engagement_total": sum(by_status.values()),
        "by_status": counted_choices(EngagementStatus.choices, by_status),
        "by_kind": counted_choices(EngagementKind.choices, by_kind),
        "has_demo": has_demo,
    }


def counted_choices(choices, counts: Counter) -> list[dict]:
    return [
        {"value": value, "label": label, "count": counts[value]}
        for value, label in choices
        if counts[value]
    ]


# Expenditure and incoming funds come from IATI files; they appear when present.
ALWAYS_SHOWN_MONEY_KINDS = (MoneyKind.BUDGET, MoneyKind.COMMITMENT, MoneyKind.DISBURSEMENT)


def money_totals(user) -> list[dict]:
    """EUR totals per money kind, side by side: a budget is not a commitment is not a payment."""
    rows = (
        MoneyLine.objects.visible_to(user).order_by().values("kind")
        .annotate(total=Sum("amount_eur"), engagements=Count("engagement", distinct=True))
    )
    by_kind = {row["kind"]: row for row in rows}
    return [
        {
            "kind": kind,
            "label": label,
            "total": by_kind.get(kind, {}).get("total"),
            "engagements": by_kind.get(kind, {}).get("engagements", 0),
        }
        for kind, label in MoneyKind.choices
        if kind in ALWAYS_SHOWN_MONEY_KINDS or kind in by_kind
    ]


def top_partner_countries(user) -> list[dict]:
    """Partner countries by visible commitments; a multi-country engagement counts in each."""
    country = "engagement__country_shares__country"
    return list(
        MoneyLine.objects.visible_to(user)
        .filter(kind=MoneyKind.COMMITMENT, **{f"{country}__is_eu_member": False})
        .values(iso3=F(f"{country}__iso3"), name=F(f"{country}__name"))
        .annotate(total=Sum("amount_eur"))
        .order_by("-total", "name")[:TOP_COUNTRIES]
    )
