"""The demo Action Plans, for three of the eight priority countries of the 2021 EU action plans
(Morocco, Tunisia and Nigeria: /work/shared/data/reference/coordination_mechanisms.csv, AP-2021).

Every plan, action and review note starts with ``[Demo] `` and a plan's objectives end with a demo
note. Everything is written through ``plans.services`` by the demo user who would write it: the plan
by its owner's editor, progress by the editor of each action's lead organisation, reviews by the
owner's coordinator. Dates count from the day the demo is loaded. Morocco's plan has a closed review
(its snapshot taken before the lead organisations report their latest progress) and an open one, an
overdue action, a stalled one and a fiche; Tunisia's is agreed; Nigeria's is a draft its owner keeps
to itself. What exists is kept (plans by owner, country and title; actions by description;
indicators by name; reviews by note); what is missing is created.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from partnerhub.core.sharing import SharingLevel as L
from partnerhub.geo.models import Country
from partnerhub.plans.models import (
    Action,
    ActionFiche,
    ActionIndicator,
    ActionPlan,
    ActionStatus,
    PlanReview,
    PlanStatus,
)
from partnerhub.plans.services import (
    add_action,
    add_indicator,
    agree_plan,
    close_review,
    create_plan,
    open_review,
    save_fiche,
    update_action,
    update_indicator,
)
from partnerhub.registry.models import Engagement, Theme
from partnerhub.web.demo.content import TITLE_PREFIX
from partnerhub.web.demo.records import Tally, kept_or_created

PLAN_NOTE = "Demo content invented for Partnership Hub: no such plan was agreed with any country."
FIRST_REVIEW = TITLE_PREFIX + "Annual review with the lead organisations."
SECOND_REVIEW = TITLE_PREFIX + "Mid-term review: lead organisations report before the senior officials' meeting."
UNSCOPED = "the demo is set up by the operator"


@dataclass(frozen=True)
class DemoIndicator:
    """``reported`` is the latest value when the first review closes, ``latest`` the one reported after it."""

    name: str
    unit: str
    baseline: str
    target: str
    reported: str | None
    latest: str | None


@dataclass(frozen=True)
class DemoFiche:
    activities: str
    budget: str
    implementing_partners: str
    risks: str
    timeline: str


@dataclass(frozen=True)
class DemoAction:
    """``deadline`` counts days from loading; ``status`` is reported again after the first review
    as ``later_status`` (with ``comment``), by ``reporter``, an editor of the lead organisation."""

    description: str
    objective: str
    theme: str
    lead: str
    reporter: str
    deadline: int
    status: str
    indicators: tuple[DemoIndicator, ...] = ()
    contributing: tuple[str, ...] = ()
    engagements: tuple[str, ...] = ()
    later_status: str | None = None
    comment: str = ""
    fiche: DemoFiche | None = None


@dataclass(frozen=True)
class DemoPlan:
    author: str
    owner: str
    country: str
    title: str
    objectives: str
    sharing_level: str
    start: int
    end: int
    actions: tuple[DemoAction, ...]
    agreed: int | None = None  # days from loading
    reviewer: str | None = None


def measured(
    name: str, unit: str, baseline: str, target: str, reported: str | None, latest: str | None = None
) -> DemoIndicator:
    """An indicator whose latest value is ``reported`` at the first review, and ``latest`` (if given) now."""
    return DemoIndicator(name, unit, baseline, target, reported, reported if latest is None else latest)


MOROCCO = DemoPlan(
    "eeas.coordinator",
    "eeas",
    "MAR",
    "EU–Morocco migration partnership: Action Plan",
    "A partnership of equals on every side of migration: legal pathways and skills, sustainable "
    "reintegration, the fight against smuggling and cheaper remittances.",
    L.PARTNER,
    start=-420,
    end=675,
    agreed=-400,
    reviewer="eeas.coordinator",
    actions=(
        DemoAction(
            "Open three regional reintegration counselling centres and refer returnees to training and jobs",
            "Sustainable reintegration of returnees",
            "RETURN-REINTEGRATION",
            "eud_mar",
            "eud.rabat",
            deadline=210,
            status=ActionStatus.ONGOING,
            indicators=(measured("Returnees receiving reintegration support", "people", "0", "3000", "900", "1450"),),
            contributing=("iom", "de_giz"),
            engagements=("DEMO-001", "DEMO-002"),
            fiche=DemoFiche(
                "Counselling, referral to vocational training, micro-business grants and psychosocial care "
                "in Tangier, Oujda and Beni Mellal.",
                "6000000",
                "International Organization for Migration; GIZ",
                "Returnees may not reach the centres far from the cities: mobile teams visit them.",
                "First centre open in the first quarter, the other two within a year; referrals reported monthly.",
            ),
        ),
        DemoAction(
            "Train the first Talent Partnership cohorts of technicians for the automotive and hotel sectors",
            "Legal pathways matched with skills at home",
            "LEGAL-LABOUR",
            "intpa",
            "commission.desk",
            deadline=-30,
            status=ActionStatus.ONGOING,
            indicators=(measured("Technicians trained before departure", "people", "0", "500", "60", "140"),),
            contributing=("fr_afd",),
            engagements=("DEMO-003",),
        ),
        DemoAction(
            "Set up joint investigation teams against smuggling networks on the Atlantic route",
            "Fewer lives lost at sea",
            "IRREG-SMUGGLING",
            "es_interior",
            "es.interior",
            deadline=300,
            status=ActionStatus.ONGOING,
            indicators=(measured("Joint investigations opened", "investigations", "0", "12", "2"),),
            contributing=("home",),
            later_status=ActionStatus.STALLED,
            comment="The working arrangement between prosecutors is still awaiting signature.",
        ),
        DemoAction(
            "Bring the cost of sending money home below 3 % of the amount sent",
            "Cheaper, safer remittances (SDG target 10.c)",
            "DEV-REMIT",
            "ma_interior",
            "ma.interior",
            deadline=600,
            status=ActionStatus.PLANNED,
            indicators=(measured("Average cost of sending the equivalent of USD 200", "%", "6.5", "3", None, "5.9"),),
            contributing=("intpa",),
            later_status=ActionStatus.ONGOING,
        ),
    ),
)

TUNISIA = DemoPlan(
    "home.desk",
    "home",
    "TUN",
    "EU–Tunisia Action Plan on migration and mobility",
    "Jobs and skills for young Tunisians, protection at sea and a first Talent Partnership scheme.",
    L.PARTNER,
    start=-300,
    end=795,
    agreed=-280,
    actions=(
        DemoAction(
            "Support the public employment service in placing returning workers",
            "Returning workers find jobs at home",
            "RETURN-REINTEGRATION",
            "eud_tun",
            "eud.tunis",
            deadline=150,
            status=ActionStatus.ONGOING,
            indicators=(measured("Returning workers placed in jobs or training", "people", "0", "1200", "380"),),
            contributing=("iom", "tn_social"),
            engagements=("DEMO-030",),
        ),
        DemoAction(
            "Equip and train the maritime National Guard in search and rescue",
            "Lives saved at sea",
            "IRREG-BORDER",
            "it_maeci",
            "it.mfa",
            deadline=90,
            status=ActionStatus.ONGOING,
            indicators=(measured("Officers trained in search and rescue", "officers", "0", "400", "250"),),
        ),
        DemoAction(
            "Pilot a Talent Partnership scheme for Tunisian ICT graduates",
            "Legal pathways matched with skills at home",
            "LEGAL-LABOUR",
            "tn_social",
            "tn.social",
            deadline=400,
            status=ActionStatus.PLANNED,
            engagements=("DEMO-011",),
        ),
    ),
)

NIGERIA = DemoPlan(
    "home.desk",
    "home",
    "NGA",
    "EU–Nigeria Action Plan on return, reintegration and protection (draft)",
    "Internal draft of DG HOME before consultation of the Member States.",
    L.ORIGINATOR,
    start=30,
    end=1125,
    actions=(
        DemoAction(
            "Agree standard operating procedures for identification and return",
            "Dignified and orderly returns",
            "RETURN-READMISSION",
            "home",
            "home.desk",
            deadline=120,
            status=ActionStatus.PLANNED,
            engagements=("DEMO-019",),
        ),
        DemoAction(
            "Protect and reintegrate survivors of trafficking returning from Libya",
            "Survivors protected and reintegrated",
            "IRREG-THB",
            "home",
            "home.desk",
            deadline=250,
            status=ActionStatus.PLANNED,
            contributing=("nl_mfa", "iom"),
            engagements=("DEMO-016",),
        ),
    ),
)

PLANS = (MOROCCO, TUNISIA, NIGERIA)


@dataclass
class _Context:
    organisations: dict[str, Any]
    users: dict[str, Any]
    today: date
    tally: Tally

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)


def build_plans(organisations: dict[str, Any], users: dict[str, Any], today: date) -> Tally:
    """The demo's Action Plans with their actions, indicators, fiche and reviews; what exists is kept."""
    context = _Context(organisations, users, today, Tally())
    for spec in PLANS:
        _plan(spec, context)
    return context.tally


def _plan(spec: DemoPlan, context: _Context) -> ActionPlan:
    owner, title = context.organisations[spec.owner], TITLE_PREFIX + spec.title
    country = Country.objects.get(iso3=spec.country)
    author = context.users[spec.author]
    fields = {
        "title": title,
        "period_start": context.day(spec.start),
        "period_end": context.day(spec.end),
        "objectives": f"{spec.objectives}\n\n{PLAN_NOTE}",
        "sharing_level": spec.sharing_level,
    }
    plan = kept_or_created(
        ActionPlan.objects.unrestricted(UNSCOPED).filter(owner=owner, country=country, title=title).first(),
        lambda: create_plan(country=country, owner=owner, fields=fields, acting_user=author),
        context.tally,
        "plans",
    )
    actions = [(action, _action(plan, action, author, context)) for action in spec.actions]
    if spec.agreed is not None and plan.status == PlanStatus.DRAFT:
        plan = agree_plan(plan, acting_user=author, on=context.day(spec.agreed))
    if spec.reviewer is not None:
        _reviews(plan, actions, context.users[spec.reviewer], context)
    return plan


def _action(plan: ActionPlan, spec: DemoAction, author, context: _Context) -> Action:
    description = TITLE_PREFIX + spec.description
    fields = {
        "description": description,
        "objective": spec.objective,
        "theme": Theme.objects.get(code=spec.theme),
        "lead_organisation": context.organisations[spec.lead],
        "contributing_organisations": [context.organisations[key] for key in spec.contributing],
        "deadline": context.day(spec.deadline),
        "status": spec.status,
        "engagements": list(
            Engagement.objects.unrestricted(UNSCOPED).filter(is_demo=True, external_reference__in=spec.engagements)
        ),
    }
    action = kept_or_created(
        Action.objects.unrestricted(UNSCOPED).filter(plan=plan, description=description).first(),
        lambda: add_action(plan, fields, acting_user=author),
        context.tally,
        "actions",
    )
    for indicator in spec.indicators:
        _indicator(action, indicator, author, context)
    if spec.fiche is not None:
        _fiche(action, spec.fiche, context.users[spec.reporter], context)
    return action


def _indicator(action: Action, spec: DemoIndicator, author, context: _Context) -> ActionIndicator:
    fields = {
        "name": spec.name,
        "unit": spec.unit,
        "baseline": Decimal(spec.baseline),
        "target": Decimal(spec.target),
        "latest_value": None if spec.reported is None else Decimal(spec.reported),
        "latest_value_on": None if spec.reported is None else context.day(-60),
    }
    return kept_or_created(
        ActionIndicator.objects.unrestricted(UNSCOPED).filter(action=action, name=spec.name).first(),
        lambda: add_indicator(action, fields, acting_user=author),
        context.tally,
        "indicators",
    )


def _fiche(action: Action, spec: DemoFiche, reporter, context: _Context) -> ActionFiche:
    fields = {
        "activities": spec.activities,
        "budget": Decimal(spec.budget),
        "implementing_partners": spec.implementing_partners,
        "risks": spec.risks,
        "timeline": spec.timeline,
    }
    return kept_or_created(
        ActionFiche.objects.unrestricted(UNSCOPED).filter(action=action).first(),
        lambda: save_fiche(action, fields, acting_user=reporter),
        context.tally,
        "fiches",
    )


def _reviews(plan: ActionPlan, actions: list[tuple[DemoAction, Action]], reviewer, context: _Context) -> None:
    """A closed review keeps the actions as they stood; then the lead organisations report, and the
    next review is open."""
    reviews = PlanReview.objects.unrestricted(UNSCOPED).filter(plan=plan)

    def closed_review() -> PlanReview:
        review = close_review(open_review(plan, acting_user=reviewer, note=FIRST_REVIEW), acting_user=reviewer)
        for spec, action in actions:
            _report_progress(action, spec, context)
        return review

    kept_or_created(reviews.filter(note=FIRST_REVIEW).first(), closed_review, context.tally, "reviews")
    kept_or_created(
        reviews.filter(note=SECOND_REVIEW).first(),
        lambda: open_review(plan, acting_user=reviewer, note=SECOND_REVIEW),
        context.tally,
        "reviews",
    )


def _report_progress(action: Action, spec: DemoAction, context: _Context) -> None:
    """What the lead organisation's editor reports after the review: latest values, then status."""
    reporter = context.users[spec.reporter]
    for indicator_spec in spec.indicators:
        if indicator_spec.latest != indicator_spec.reported and indicator_spec.latest is not None:
            indicator = ActionIndicator.objects.unrestricted(UNSCOPED).get(action=action, name=indicator_spec.name)
            fields = {"latest_value": Decimal(indicator_spec.latest), "latest_value_on": context.day(-5)}
            update_indicator(indicator, fields, acting_user=reporter)
    if spec.later_status is not None:
        update_action(action, {"status": spec.later_status, "rag_comment": spec.comment}, acting_user=reporter)
