"""Every write to Action Plans, their actions and indicators goes through these functions.

Who changes what (built on the one rule ``core.visibility.can_edit_for``):
editors of the organisation owning a plan change the plan, agree it, and add,
change or remove its actions and indicators; editors of an action's lead
organisation report its progress — status, RAG rating, linked engagements and
the latest values of its indicators. Coordinators and administrators of the
owner open and close its reviews (``core.visibility.can_coordinate_for``). Each write keeps the field-level history
and a named event in the same transaction.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.core.concurrency import claim_version, give_back_version
from partnerhub.core.history import record_change, record_event
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_coordinate_for, can_edit_for
from partnerhub.plans.models import Action, ActionFiche, ActionIndicator, ActionPlan, PlanReview, PlanStatus
from partnerhub.plans.rag import expected_progress, indicator_progress, suggested_rag
from partnerhub.plans.reviews import snapshot_of
from partnerhub.registry.engagement_links import (
    engagement_links,
    link_engagements,
    relink_engagements,
    set_engagement_links,
)

PLAN_FIELDS = ("title", "period_start", "period_end", "objectives", "sharing_level")
# Named only for the restricted level, as on engagements: organisations, and Member States whose whole government reads.
CIRCLE_FIELDS = ("shared_with_organisations", "shared_with_countries")
ACTION_FIELDS = ("description", "objective", "theme", "lead_organisation", "deadline")
PROGRESS_FIELDS = ("status", "rag_override", "rag_override_reason", "rag_comment")
INDICATOR_FIELDS = ("name", "unit", "baseline", "target")
MEASURE_FIELDS = ("latest_value", "latest_value_on")
FICHE_FIELDS = ("activities", "budget", "implementing_partners", "risks", "timeline")


# -- who may change what ----------------------------------------------------------------


def may_change_plan(user: AnyUser | None, plan: ActionPlan) -> bool:
    """Editors of the plan's owner change the plan, its actions and its indicators."""
    return can_edit_for(user, plan.owner_id)


def may_report_on(user: AnyUser | None, action: Action) -> bool:
    """Editors of the plan's owner, and of the action's lead organisation, report its progress."""
    return may_change_plan(user, action.plan) or can_edit_for(user, action.lead_organisation_id)


# -- plans ----------------------------------------------------------------------------


def create_plan(*, country, owner, fields: dict[str, Any], acting_user) -> ActionPlan:
    _check_plan(fields)
    with transaction.atomic(durable=True):
        if not can_edit_for(acting_user, owner.pk):
            raise PermissionDenied(_("Only editors of %(organisation)s keep its plans.") % {"organisation": owner})
        plan = ActionPlan(country=country, owner=owner, created_by=acting_user, **_only(fields, PLAN_FIELDS))
        plan.version = _next_version(plan)
        plan.save()
        _set_circle(plan, fields)
        record_change(plan, ObjectChange.Action.CREATE, {}, snapshot(plan), user=acting_user)
        record_event("plan.created", plan, user=acting_user, version=plan.version)
    return plan


def update_plan(
    plan: ActionPlan, fields: dict[str, Any], *, acting_user, read_version: int | None = None
) -> ActionPlan:
    """``read_version``: the revision the editor read; when the plan moved on since, ``EditConflict``
    is raised and nothing is written."""
    _check_plan(fields)
    with transaction.atomic(durable=True):
        claim_version(_plans_for_update(), plan.pk, read_version)
        plan = _locked_plan(plan, acting_user)
        if plan.status == PlanStatus.SUPERSEDED:
            raise ValidationError(_("A superseded version is kept as it was agreed: change the current one."))
        before = snapshot(plan)
        for name, value in _only(fields, PLAN_FIELDS).items():
            setattr(plan, name, value)
        plan.save()
        _set_circle(plan, fields)
        after = _keep(plan, before, "plan.updated", acting_user)
        if after == before:
            give_back_version(_plans_for_update(), plan)
        if any(after[name] != before[name] for name in ("sharing_level", *CIRCLE_FIELDS)):
            record_event(
                "plan.sharing_changed", plan, user=acting_user, old=before["sharing_level"], new=plan.sharing_level
            )
    return plan


def agree_plan(plan: ActionPlan, *, acting_user, on: date | None = None) -> ActionPlan:
    """The draft becomes the agreed version; the version agreed before it is superseded."""
    with transaction.atomic(durable=True):
        plan = _locked_plan(plan, acting_user)
        if plan.status != PlanStatus.DRAFT:
            raise ValidationError({"status": _("Only a draft is agreed.")})
        if _same_series(plan).filter(status=PlanStatus.AGREED, version__gt=plan.version).exists():
            raise ValidationError({"status": _("A later version is agreed already: this draft is older than it.")})
        for previous in _same_series(plan).filter(status=PlanStatus.AGREED).exclude(pk=plan.pk):
            before = snapshot(previous)
            previous.status = PlanStatus.SUPERSEDED
            previous.save(update_fields=["status", "updated_at"])
            _keep(previous, before, "plan.superseded", acting_user, by=plan.pk)
        before = snapshot(plan)
        plan.status = PlanStatus.AGREED
        plan.agreed_on = on or timezone.localdate()
        plan.save()
        _keep(plan, before, "plan.agreed", acting_user, version=plan.version)
    return plan


def draft_next_version(plan: ActionPlan, *, acting_user) -> ActionPlan:
    """A new draft copying the agreed plan, its actions, their indicators and Action Fiches (not its reviews).

    Agreeing the draft later supersedes the version it was copied from. One draft at a time."""
    with transaction.atomic(durable=True):
        plan = _locked_plan(plan, acting_user)
        if plan.status != PlanStatus.AGREED:
            raise ValidationError(_("The next version is drafted from the agreed one."))
        pending = _same_series(plan).filter(status=PlanStatus.DRAFT).order_by("version").first()
        if pending is not None:
            raise ValidationError(
                _("Version %(version)s is already drafted: change it, or delete it first.")
                % {"version": pending.version}
            )
        draft = _copy_plan(plan, acting_user)
        for action in Action.objects.unrestricted("the actions of the plan locked above").filter(plan=plan):
            _copy_action(action, draft, acting_user)
        record_event("plan.created", draft, user=acting_user, version=draft.version, drafted_from=plan.pk)
    return draft


def _copy_plan(plan: ActionPlan, acting_user) -> ActionPlan:
    circle = {name: list(getattr(plan, name).all()) for name in CIRCLE_FIELDS}
    draft = ActionPlan(country=plan.country, owner=plan.owner, created_by=acting_user, **_values(plan, PLAN_FIELDS))
    draft.version = _next_version(plan)
    draft.save()
    _set_circle(draft, circle)
    record_change(draft, ObjectChange.Action.CREATE, {}, snapshot(draft), user=acting_user)
    return draft


def _copy_action(action: Action, draft: ActionPlan, acting_user) -> None:
    """The action as it stands, with every link to an engagement (also those the user may not see)."""
    fields = ACTION_FIELDS + PROGRESS_FIELDS + ("rag_suggested",)
    copy = Action.objects.create(plan=draft, **_values(action, fields))
    copy.contributing_organisations.set(action.contributing_organisations.all())
    set_engagement_links(copy, engagement_links(action).values_list("engagement_id", flat=True))
    record_change(copy, ObjectChange.Action.CREATE, {}, snapshot(copy), user=acting_user)
    for indicator in ActionIndicator.objects.unrestricted("the indicators of the action copied").filter(action=action):
        copied = ActionIndicator.objects.create(action=copy, **_values(indicator, INDICATOR_FIELDS + MEASURE_FIELDS))
        record_change(copied, ObjectChange.Action.CREATE, {}, snapshot(copied), user=acting_user)
    for fiche in ActionFiche.objects.unrestricted("the fiche of the action copied").filter(action=action):
        copied_fiche = ActionFiche.objects.create(action=copy, **_values(fiche, FICHE_FIELDS))
        record_change(copied_fiche, ObjectChange.Action.CREATE, {}, snapshot(copied_fiche), user=acting_user)


def _values(record: Model, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def log_export(plan: ActionPlan, *, acting_user) -> None:
    """Owners learn who exported their restricted and originator plans, as for engagements."""
    if SharingLevel.is_confidential(plan.sharing_level) and acting_user.is_authenticated:
        record_event("plan.exported", plan, user=acting_user)


def delete_plan(plan: ActionPlan, *, acting_user) -> None:
    """Only a draft never reviewed: an agreed version, and a plan a closed review kept, stay on record."""
    with transaction.atomic(durable=True):
        plan = _locked_plan(plan, acting_user)
        _refuse_if(why_plan_stays(plan))
        record_change(plan, ObjectChange.Action.DELETE, snapshot(plan), {}, user=acting_user)
        record_event("plan.deleted", plan, user=acting_user)
        plan.delete()


def _plans_for_update() -> QuerySet[ActionPlan]:
    return ActionPlan.objects.unrestricted("re-reads, locked, the plan in hand; may_change_plan decides below")


def _locked_plan(plan: ActionPlan, acting_user) -> ActionPlan:
    plans = _plans_for_update()
    locked = plans.select_for_update(of=("self",)).select_related("country", "owner").get(pk=plan.pk)
    if not may_change_plan(acting_user, locked):
        raise PermissionDenied(
            _("Only editors of %(organisation)s, which keeps this plan, may change it.")
            % {"organisation": locked.owner}
        )
    return locked


def _same_series(plan: ActionPlan):
    """The versions of one plan: the owner's plans for the same country."""
    return ActionPlan.objects.unrestricted("the versions of a plan its owner's editor changes").filter(
        owner=plan.owner_id, country=plan.country_id
    )


def _next_version(plan: ActionPlan) -> int:
    highest = _same_series(plan).aggregate(highest=Max("version"))["highest"]
    return (highest or 0) + 1


def _check_plan(fields: dict[str, Any]) -> None:
    if fields.get("sharing_level", SharingLevel.EU) not in SharingLevel.values:
        raise ValidationError({"sharing_level": _("Choose a sharing level.")})
    start, end = fields.get("period_start"), fields.get("period_end")
    if start and end and end < start:
        raise ValidationError({"period_end": _("The period ends after it starts.")})
    for country in fields.get("shared_with_countries") or ():
        if not country.is_eu_member:
            raise ValidationError(
                {"shared_with_countries": _("%(country)s is not an EU Member State.") % {"country": country.name}}
            )


def _set_circle(plan: ActionPlan, fields: dict[str, Any]) -> None:
    """The organisations and Member States named for a restricted plan; none at any other level."""
    restricted = plan.sharing_level == SharingLevel.RESTRICTED
    for name in CIRCLE_FIELDS:
        if not restricted:
            getattr(plan, name).clear()
        elif name in fields:
            getattr(plan, name).set(fields[name] or ())


# -- actions ----------------------------------------------------------------------------


def add_action(plan: ActionPlan, fields: dict[str, Any], *, acting_user) -> Action:
    with transaction.atomic(durable=True):
        plan = _locked_plan(plan, acting_user)
        action = Action(plan=plan, **_only(fields, ACTION_FIELDS + PROGRESS_FIELDS))
        _check_override(action)
        action.save()
        action.contributing_organisations.set(fields.get("contributing_organisations", ()))
        link_engagements(action, fields.get("engagements", ()), acting_user)
        record_change(action, ObjectChange.Action.CREATE, {}, snapshot(action), user=acting_user)
        record_event("action.created", action, user=acting_user, plan=plan.pk)
    return action


def update_action(action: Action, fields: dict[str, Any], *, acting_user, read_version: int | None = None) -> Action:
    """The plan's editors change every field; the lead organisation's editors its progress only.

    ``read_version``: the version the editor read; when the action moved on since, ``EditConflict``
    is raised and nothing is written."""
    with transaction.atomic(durable=True):
        claim_version(_actions_for_update(), action.pk, read_version)
        action = _locked_action(action, acting_user)
        allowed = PROGRESS_FIELDS + (ACTION_FIELDS if may_change_plan(acting_user, action.plan) else ())
        before = snapshot(action)
        for name, value in _only(fields, allowed).items():
            setattr(action, name, value)
        _check_override(action)
        action.rag_suggested = suggest_for(action)
        action.save()
        if "contributing_organisations" in fields and "lead_organisation" in allowed:
            action.contributing_organisations.set(fields["contributing_organisations"])
        if "engagements" in fields:
            relink_engagements(action, fields["engagements"], acting_user)
        after = _keep(action, before, "action.updated", acting_user)
        if after == before:
            give_back_version(_actions_for_update(), action)
        if after.get("rag_override") != before.get("rag_override") and action.rag_override:
            record_event(
                "action.rag_overridden",
                action,
                user=acting_user,
                rating=action.rag_override,
                suggested=action.rag_suggested,
                reason=action.rag_override_reason,
            )
        if after.get("status") != before.get("status"):
            record_event("action.status_changed", action, user=acting_user, old=before["status"], new=action.status)
    return action


def delete_action(action: Action, *, acting_user) -> None:
    with transaction.atomic(durable=True):
        action = _locked_action(action, acting_user)
        if not may_change_plan(acting_user, action.plan):
            raise PermissionDenied(_("Only editors of the organisation keeping the plan remove its actions."))
        _refuse_if(why_action_stays(action, kept_in_reviews(action.plan_id)))
        record_change(action, ObjectChange.Action.DELETE, snapshot(action), {}, user=acting_user)
        record_event("action.deleted", action, user=acting_user, plan=action.plan_id)
        action.delete()


@dataclass(frozen=True)
class Kept:
    """The actions and indicators that closed reviews of a plan hold in their snapshots."""

    actions: frozenset[int]
    indicators: frozenset[int]


def why_plan_stays(plan: ActionPlan) -> str:
    """Why the plan may not be deleted, or "" when it may."""
    if plan.status != PlanStatus.DRAFT:
        return _("Only a draft is deleted: an agreed or superseded version stays on record.")
    if _closed_reviews(plan.pk).exists():
        return _("A review of this draft has closed: its snapshot keeps the plan on record.")
    return ""


def why_action_stays(action: Action, kept: Kept) -> str:
    if action.plan.status == PlanStatus.SUPERSEDED:
        return _("A superseded version is kept as it was agreed: change the current one.")
    if action.pk in kept.actions:
        return _("A closed review kept this action: mark it dropped instead.")
    return ""


def why_indicator_stays(indicator: ActionIndicator, kept: Kept) -> str:
    if indicator.action.plan.status == PlanStatus.SUPERSEDED:
        return _("A superseded version is kept as it was agreed: change the current one.")
    if indicator.pk in kept.indicators:
        return _("A closed review kept this indicator: it stays, and its latest value says where it stopped.")
    return ""


def why_fiche_stays(fiche: ActionFiche) -> str:
    if fiche.action.plan.status == PlanStatus.SUPERSEDED:
        return _("A superseded version is kept as it was agreed: change the current one.")
    return ""


def _refuse_if(reason: str) -> None:
    if reason:
        raise ValidationError(reason)


def kept_in_reviews(plan_id: int) -> Kept:
    actions: set[int] = set()
    indicators: set[int] = set()
    for snapshot_kept in _closed_reviews(plan_id).values_list("snapshot", flat=True):
        for action in snapshot_kept.get("actions", []):
            actions.add(action["id"])
            indicators.update(indicator["id"] for indicator in action.get("indicators", []))
    return Kept(frozenset(actions), frozenset(indicators))


def _closed_reviews(plan_id: int):
    return PlanReview.objects.unrestricted("the reviews of a plan checked by the caller").filter(
        plan_id=plan_id, closed_at__isnull=False
    )


def _actions_for_update() -> QuerySet[Action]:
    return Action.objects.unrestricted("re-reads, locked, the action in hand; may_report_on decides below")


def _locked_action(action: Action, acting_user) -> Action:
    actions = _actions_for_update()
    locked = actions.select_for_update(of=("self",)).select_related("plan__owner", "plan__country").get(pk=action.pk)
    if not may_report_on(acting_user, locked):
        raise PermissionDenied(
            _("Only editors of the organisation keeping the plan, or of the action's lead organisation, change it.")
        )
    if locked.plan.status == PlanStatus.SUPERSEDED:
        raise ValidationError(_("A superseded version is kept as it was agreed: change the current one."))
    return locked


def _check_override(action: Action) -> None:
    if action.rag_override and not action.rag_override_reason.strip():
        raise ValidationError(
            {"rag_override_reason": _("Say why the rating differs from the one the indicators suggest.")}
        )
    if not action.rag_override:
        action.rag_override_reason = ""


def suggest_for(action: Action, today: date | None = None) -> str:
    """The rating the action's indicators suggest today (``rag``)."""
    plan = action.plan
    expected = expected_progress(plan.period_start, action.deadline, plan.period_end, today or timezone.localdate())
    progresses = [
        indicator_progress(indicator.baseline, indicator.target, indicator.latest_value)
        for indicator in action.indicators.all()
    ]
    return suggested_rag(progresses, expected)


# -- indicators -------------------------------------------------------------------------


def add_indicator(action: Action, fields: dict[str, Any], *, acting_user) -> ActionIndicator:
    with transaction.atomic(durable=True):
        action = _locked_action(action, acting_user)
        if not may_change_plan(acting_user, action.plan):
            raise PermissionDenied(_("Only editors of the organisation keeping the plan add indicators."))
        indicator = ActionIndicator.objects.create(action=action, **_only(fields, INDICATOR_FIELDS + MEASURE_FIELDS))
        record_change(indicator, ObjectChange.Action.CREATE, {}, snapshot(indicator), user=acting_user)
        record_event("indicator.created", indicator, user=acting_user, action=action.pk)
        _resuggest(action, acting_user)
    return indicator


def update_indicator(
    indicator: ActionIndicator, fields: dict[str, Any], *, acting_user, read_version: int | None = None
) -> ActionIndicator:
    """The plan's editors change every field; the lead organisation's editors the latest value.
    ``read_version`` as for ``update_action``."""
    indicators = ActionIndicator.objects.unrestricted("the indicator of the action locked below")
    with transaction.atomic(durable=True):
        claim_version(indicators, indicator.pk, read_version)
        action = _locked_action(indicator.action, acting_user)
        indicator = indicators.get(pk=indicator.pk)
        allowed = MEASURE_FIELDS + (INDICATOR_FIELDS if may_change_plan(acting_user, action.plan) else ())
        before = snapshot(indicator)
        sent = _only(fields, allowed)
        for name, value in sent.items():
            setattr(indicator, name, value)
        if "latest_value" in sent and "latest_value_on" not in sent:
            indicator.latest_value_on = None  # a new value sent without its day is of today
        if indicator.latest_value is not None and indicator.latest_value_on is None:
            indicator.latest_value_on = timezone.localdate()
        indicator.save()
        if _keep(indicator, before, "indicator.updated", acting_user) == before:
            give_back_version(indicators, indicator)
        _resuggest(action, acting_user)
    return indicator


def delete_indicator(indicator: ActionIndicator, *, acting_user) -> None:
    """By the plan's editors, unless a closed review kept the indicator."""
    with transaction.atomic(durable=True):
        action = _locked_action(indicator.action, acting_user)
        if not may_change_plan(acting_user, action.plan):
            raise PermissionDenied(_("Only editors of the organisation keeping the plan remove indicators."))
        indicator = ActionIndicator.objects.unrestricted("the indicator of the action locked above").get(
            pk=indicator.pk, action=action
        )
        indicator.action = action
        _refuse_if(why_indicator_stays(indicator, kept_in_reviews(action.plan_id)))
        record_change(indicator, ObjectChange.Action.DELETE, snapshot(indicator), {}, user=acting_user)
        record_event("indicator.deleted", indicator, user=acting_user, action=action.pk)
        indicator.delete()
        _resuggest(action, acting_user)


def _resuggest(action: Action, acting_user, *, today: date | None = None) -> None:
    """The suggestion moves with time as well as with the indicators: a review's close recomputes it."""
    suggestion = suggest_for(action, today)
    if suggestion == action.rag_suggested:
        return
    before = snapshot(action)
    action.rag_suggested = suggestion
    action.save(update_fields=["rag_suggested", "updated_at"])
    _keep(action, before, "action.updated", acting_user)


# -- history ----------------------------------------------------------------------------


def snapshot(record: Model) -> dict[str, Any]:
    """Readable values for the field-level history; linked records by id, so that it names nothing hidden."""
    values: dict[str, Any] = {}
    for field in record._meta.concrete_fields:
        if field.name in ("id", "created_at", "updated_at"):
            continue
        value = getattr(record, field.attname)
        values[field.name] = "" if value is None else str(value)
    if record.pk is not None:
        for field in record._meta.many_to_many:
            through = getattr(record, field.name).through.objects
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            values[field.name] = sorted(through.filter(**{source: record.pk}).values_list(f"{target}_id", flat=True))
    return values


def _keep(record: Model, before: dict[str, Any], event: str, acting_user, **data: Any) -> dict[str, Any]:
    after = snapshot(record)
    if after != before:
        record_change(record, ObjectChange.Action.UPDATE, before, after, user=acting_user)
        record_event(event, record, user=acting_user, **data)
    return after


def _only(fields: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name in names}


# -- reviews ----------------------------------------------------------------------------


def may_review(user: AnyUser | None, plan: ActionPlan) -> bool:
    """Coordinators and administrators of the plan's owner open and close its reviews."""
    return can_coordinate_for(user, plan.owner_id)


def open_review(plan: ActionPlan, *, acting_user, note: str = "") -> PlanReview:
    with transaction.atomic(durable=True):
        plan = _locked_for_review(plan, acting_user)
        if plan.status == PlanStatus.SUPERSEDED:
            raise ValidationError(_("A superseded version is not reviewed: review the current one."))
        if PlanReview.objects.unrestricted("the plan was checked above").filter(plan=plan, closed_at=None).exists():
            raise ValidationError(_("A review of this plan is open already: close it first."))
        review = PlanReview.objects.create(plan=plan, opened_by=acting_user, note=note.strip())
        record_change(review, ObjectChange.Action.CREATE, {}, _review_fields(review), user=acting_user)
        record_event("review.opened", review, user=acting_user, plan=plan.pk)
    return review


def close_review(review: PlanReview, *, acting_user) -> PlanReview:
    """Keeps every action of the plan as it stands, once: a closed review is never written again."""
    with transaction.atomic(durable=True):
        plan = _locked_for_review(review.plan, acting_user)
        reviews = PlanReview.objects.unrestricted("the review of the plan checked above")
        review = reviews.select_for_update(of=("self",)).get(pk=review.pk, plan=plan)
        if not review.is_open:
            raise ValidationError(_("This review is closed: its snapshot is kept as it was."))
        before = _review_fields(review)
        actions = list(
            Action.objects.unrestricted("the actions of the plan under review, checked above")
            .filter(plan=plan)
            .select_related("lead_organisation", "plan")
            .prefetch_related("indicators")
            .order_by("deadline", "pk")
        )
        today = timezone.localdate()
        for action in actions:
            _resuggest(action, acting_user, today=today)
        review.snapshot = snapshot_of(actions, today)
        review.closed_at = timezone.now()
        review.closed_by = acting_user
        review.save()
        record_change(review, ObjectChange.Action.UPDATE, before, _review_fields(review), user=acting_user)
        record_event("review.closed", review, user=acting_user, plan=plan.pk, actions=len(actions))
    return review


def _locked_for_review(plan: ActionPlan, acting_user) -> ActionPlan:
    plans = ActionPlan.objects.unrestricted("re-reads, locked, the plan in hand; may_review decides below")
    locked = plans.select_for_update(of=("self",)).select_related("owner").get(pk=plan.pk)
    if not may_review(acting_user, locked):
        raise PermissionDenied(
            _("Coordinators and administrators of %(organisation)s, which keeps this plan, review it.")
            % {"organisation": locked.owner}
        )
    return locked


def _review_fields(review: PlanReview) -> dict[str, Any]:
    # The snapshot itself stays out of the field history: it is kept, whole, on the review.
    return {
        "note": review.note,
        "opened_by": str(review.opened_by_id or ""),
        "closed_at": review.closed_at.isoformat() if review.closed_at else "",
        "closed_by": str(review.closed_by_id or ""),
    }


# -- Action Fiches ----------------------------------------------------------------------


def save_fiche(action: Action, fields: dict[str, Any], *, acting_user, read_version: int | None = None) -> ActionFiche:
    """Writes the action's fiche, created the first time: by those who report on the action.
    ``read_version`` as for ``update_action``, when changing a fiche."""
    fiches = ActionFiche.objects.unrestricted("the fiche of the action locked and checked below")
    with transaction.atomic(durable=True):
        existing = fiches.filter(action=action.pk).values_list("pk", flat=True).first()
        if existing is not None:
            claim_version(fiches, existing, read_version)
        action = _locked_action(action, acting_user)
        fiche = fiches.filter(action=action).first()
        created = fiche is None
        fiche = fiche or ActionFiche(action=action)
        before = {} if created else snapshot(fiche)
        for name, value in _only(fields, FICHE_FIELDS).items():
            setattr(fiche, name, value)
        fiche.save()
        if created:
            record_change(fiche, ObjectChange.Action.CREATE, {}, snapshot(fiche), user=acting_user)
            record_event("fiche.created", fiche, user=acting_user, action=action.pk)
        elif _keep(fiche, before, "fiche.updated", acting_user) == before:
            give_back_version(fiches, fiche)
    return fiche


def delete_fiche(fiche: ActionFiche, *, acting_user) -> None:
    """By the plan's editors: the lead organisation writes the fiche but does not remove it."""
    with transaction.atomic(durable=True):
        action = _locked_action(fiche.action, acting_user)
        if not may_change_plan(acting_user, action.plan):
            raise PermissionDenied(_("Only editors of the organisation keeping the plan remove Action Fiches."))
        fiche = ActionFiche.objects.unrestricted("the fiche of the action locked above").get(pk=fiche.pk, action=action)
        record_change(fiche, ObjectChange.Action.DELETE, snapshot(fiche), {}, user=acting_user)
        record_event("fiche.deleted", fiche, user=acting_user, action=action.pk)
        fiche.delete()
