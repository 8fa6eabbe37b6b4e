"""The dashboard: the viewer's visible portfolio at a glance.

Every figure is computed over ``visible_to(request.user)`` only, in a fixed
number of queries, and links to the list or the page behind it. The money is
the figures of the partner-country pages (``analysis.teameurope``): Team
Europe money, each engagement with its country share, each euro counted once,
"+ undisclosed" where records the viewer may not see carry money. It is the
same computation, kept per circle, so a country's figure here is its profile's.
"""

from collections import Counter

from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from partnerhub.agenda.queries import upcoming_meetings_with_clashes
from partnerhub.analysis.figures.teameurope import CountryRow, partner_countries, partner_country_figures
from partnerhub.facts.workflow_views import revisions_count
from partnerhub.knowledge.crisis_queries import open_crises  # crises and directory
from partnerhub.plans.queries import actions_needing_attention
from partnerhub.registry.models import Engagement, EngagementKind, EngagementStatus, MoneyKind

TOP_COUNTRIES = 10
LATEST_ENGAGEMENTS = 8
TOP_COUNTRIES_MONEY = MoneyKind.COMMITMENT


@require_safe
def dashboard(request):
    visible = Engagement.objects.about_migration().visible_to(request.user)
    figures = partner_country_figures(request.user, partner_countries(), TOP_COUNTRIES_MONEY)
    context = {
        **engagement_counts(visible),
        "money_totals": figures["totals"],
        "top_countries": top_partner_countries(figures["rows"]),
        "latest": list(visible.select_related("owner")[:LATEST_ENGAGEMENTS]),
        "attention": actions_needing_attention(request.user),
        "clashing_meetings": upcoming_meetings_with_clashes(request.user) if request.user.is_authenticated else [],
        "revisions_awaiting": revisions_count(request.user) if request.user.is_authenticated else 0,
        "today": timezone.localdate(),
        "crises": open_crises(request.user),  # crises and directory
    }
    return render(request, "web/dashboard.html", context)


def engagement_counts(visible) -> dict:
    """Visible engagements by status and by kind, and whether any is demo data."""
    rows = visible.order_by().values("status", "kind", "is_demo").annotate(count=Count("pk"))
    by_status: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    has_demo = False
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
    return [{"value": value, "label": label, "count": counts[value]} for value, label in choices if counts[value]]


def top_partner_countries(rows: list[CountryRow]) -> list[CountryRow]:
    """The partner countries with the most Team Europe commitments, as their profiles count them."""
    with_money = [row for row in rows if row.team_europe > 0]
    return sorted(with_money, key=lambda row: (-row.team_europe, row.country.name.lower()))[:TOP_COUNTRIES]
