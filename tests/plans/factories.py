"""One hidden record of each plans model, and one change of each through the plans services
(named by the registrations in ``partnerhub.plans.apps``)."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model

from partnerhub.access.models import Role
from partnerhub.geo.models import Country
from partnerhub.plans.models import ActionStatus
from partnerhub.plans.services import (
    add_action,
    add_indicator,
    close_review,
    create_plan,
    open_review,
    save_fiche,
    update_action,
    update_indicator,
    update_plan,
)
from partnerhub.registry.models import Theme
from tests.support.personas import make_user


def plan_for(cast, *, title: str = "Migration partnership plan", sharing_level: str = "eu", owner=None, author=None):
    return create_plan(
        country=Country.objects.get(iso3="MAR"),
        owner=owner or cast.german_interior,
        fields={
            "title": title,
            "period_start": date(2025, 1, 1),
            "period_end": date(2027, 12, 31),
            "objectives": f"Objectives of {title}",
            "sharing_level": sharing_level,
        },
        acting_user=author or cast.german_ministry_editor,
    )


def action_for(cast, plan, *, description: str = "Open a reintegration centre", lead=None, **fields):
    return add_action(
        plan,
        {
            "description": description,
            "objective": fields.pop("objective", "Sustainable return"),
            "theme": Theme.objects.get(code="RETURN-REINTEGRATION"),
            "lead_organisation": lead or plan.owner,
            "deadline": date(2026, 6, 30),
            "status": ActionStatus.ONGOING,
            **fields,
        },
        acting_user=cast.german_ministry_editor,
    )


def indicator_for(cast, action, *, name: str = "People reintegrated", **fields):
    return add_indicator(
        action,
        {"name": name, "unit": "people", "baseline": Decimal(0), "target": Decimal(1000), **fields},
        acting_user=cast.german_ministry_editor,
    )


def hidden_plan(cast, *, secret: str):
    return plan_for(cast, title=secret, sharing_level="originator")


def hidden_action(cast, *, secret: str):
    plan = plan_for(cast, title=secret, sharing_level="originator")
    return action_for(cast, plan, description=secret, objective=secret, rag_comment=secret)


def hidden_indicator(cast, *, secret: str):
    return indicator_for(cast, hidden_action(cast, secret=secret), name=secret)


def retitle_plan(cast, plan) -> None:
    update_plan(plan, {"title": f"{plan.title} (revised)"}, acting_user=cast.german_ministry_editor)


def rate_action(cast, action) -> None:
    update_action(
        action, {"rag_override": "red", "rag_override_reason": "Works stopped"}, acting_user=cast.german_ministry_editor
    )


def measure_indicator(cast, indicator) -> None:
    update_indicator(
        indicator,
        {"latest_value": Decimal(250), "latest_value_on": date(2026, 1, 15)},
        acting_user=cast.german_ministry_editor,
    )


def plan_coordinator(cast):
    """A coordinator of the German ministry, which keeps the plans built here."""
    found = get_user_model().objects.filter(username="bmi.plans.coordinator").first()
    return found or make_user("bmi.plans.coordinator", cast.german_interior, Role.COORDINATOR)


def hidden_review(cast, *, secret: str):
    action = hidden_action(cast, secret=secret)
    return open_review(action.plan, acting_user=plan_coordinator(cast), note=secret)


def close_hidden_review(cast, review) -> None:
    close_review(review, acting_user=plan_coordinator(cast))


def hidden_fiche(cast, *, secret: str):
    fields = {"activities": secret, "implementing_partners": secret, "risks": secret, "timeline": secret}
    return save_fiche(hidden_action(cast, secret=secret), fields, acting_user=cast.german_ministry_editor)


def rewrite_fiche(cast, fiche) -> None:
    save_fiche(fiche.action, {"risks": "Elections in spring"}, acting_user=cast.german_ministry_editor)
