"""Action Plans over the API: read what the caller may see; change actions, indicators, Action Fiches
and reviews through the services.

A record exists for a caller only when its ``visible_to`` says so: hidden answers 404 exactly like
missing, whatever the body holds, since a body is read only once the record was found and the caller
found allowed to change it (403 otherwise). Broken JSON answers 400; a value the schema or a service
refuses, 422 naming the field.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate

from partnerhub.core.api import (
    CONFLICT_ANSWERS,
    NumberedPagination,
    json_body_openapi,
    read_json_body,
    save_versioned,
    set_etag,
    versioned_change_openapi,
    versioned_read_openapi,
)
from partnerhub.core.api_errors import InputErrors, Message
from partnerhub.plans import services
from partnerhub.plans.forms import PlanFilterForm
from partnerhub.plans.models import Action, ActionFiche, ActionIndicator, ActionPlan, PlanReview
from partnerhub.plans.schemas import (
    ActionOut,
    ActionUpdateIn,
    FicheIn,
    FicheOut,
    IndicatorIn,
    IndicatorOut,
    IndicatorUpdateIn,
    PlanFilterParams,
    PlanOut,
    ReviewDetailOut,
    ReviewOpenIn,
    ReviewOut,
)
from partnerhub.registry.models import Engagement

router = Router(tags=["action plans"])

PlanId = Path(..., ge=1, le=2**63 - 1, description="The plan's id.")
ActionId = Path(..., ge=1, le=2**63 - 1, description="The action's id.")
IndicatorId = Path(..., ge=1, le=2**63 - 1, description="The indicator's id.")
ReviewId = Path(..., ge=1, le=2**63 - 1, description="The review's id.")
FicheId = Path(..., ge=1, le=2**63 - 1, description="The Action Fiche's id.")
CHANGE_ANSWERS = {401: Message, 403: Message, 404: Message, 422: InputErrors}
# A change of a versioned record (core.concurrency): If-Match broken or at odds with the body (400),
# based on an older version named in the body (409) or in If-Match (412).
VERSIONED_CHANGE_ANSWERS = {**CHANGE_ANSWERS, 400: Message, **CONFLICT_ANSWERS}
# Fields a change cannot empty: null is refused for them, naming the field.
REQUIRED = {"description", "status", "name", "baseline", "target"}


def visible_plans(user):
    return (
        ActionPlan.objects.visible_to(user)
        .select_related("country", "owner")
        .prefetch_related("shared_with_organisations", "shared_with_countries")
    )


@router.get("/plans", response=list[PlanOut], summary="List action plans")
@paginate(NumberedPagination)
def list_plans(request, filters: Query[PlanFilterParams]):
    """The plans you may see, by country and newest version first."""
    form = PlanFilterForm(filters.dict(exclude_none=True))
    plans = form.filter(visible_plans(request.user))
    if form.errors:
        raise InputError(
            [
                {"type": "invalid", "loc": ["query", field], "msg": message}
                for field, messages in form.errors.items()
                for message in messages
            ]
        )
    return plans


@router.get("/plans/{plan_id}", response={200: PlanOut, 404: Message}, summary="One action plan")
def get_plan(request, plan_id: int = PlanId):
    return get_object_or_404(visible_plans(request.user), pk=plan_id)


@router.get("/plans/{plan_id}/actions", response={200: list[ActionOut], 404: Message}, summary="A plan's actions")
def list_actions(request, plan_id: int = PlanId):
    plan = get_object_or_404(visible_plans(request.user), pk=plan_id)
    return actions_out(request, plan.actions.all())


@router.get(
    "/actions/{action_id}",
    response={200: ActionOut, 404: Message},
    summary="One action",
    openapi_extra=versioned_read_openapi("action"),
)
def get_action(request, response: HttpResponse, action_id: int = ActionId):
    out = actions_out(request, visible_actions(request).filter(pk=action_id), one=True)
    set_etag(response, out)
    return out


@router.patch(
    "/actions/{action_id}",
    response={200: ActionOut, **VERSIONED_CHANGE_ANSWERS},
    summary="Update an action",
    openapi_extra={**json_body_openapi(ActionUpdateIn), **versioned_change_openapi("action")},
)
def update_action(request, response: HttpResponse, action_id: int = ActionId):
    """Editors of the plan's owner change every field; editors of the lead organisation its progress.
    A RAG rating set by hand needs a reason."""
    action = get_object_or_404(visible_actions(request), pk=action_id)
    # Read only once the action was found, so that a hidden action answers 404 whatever the body holds.
    body = read_json_body(request, ActionUpdateIn)
    fields = sent_fields(body)
    if "engagement_ids" in fields:
        fields["engagements"] = fields.pop("engagement_ids") or []
    body_version = fields.pop("version", None)
    fields = {name: "" if value is None and name != "deadline" else value for name, value in fields.items()}
    save_versioned(
        request,
        body_version,
        lambda read: services.update_action(action, fields, acting_user=request.user, read_version=read),
    )
    out = actions_out(request, visible_actions(request).filter(pk=action_id), one=True)
    set_etag(response, out)
    return out


def visible_actions(request):
    return Action.objects.visible_to(request.user).select_related("plan__owner")


def actions_out(request, actions, *, one: bool = False):
    rows = list(actions.select_related("theme", "lead_organisation", "plan").prefetch_related("indicators", "fiches"))
    if one and not rows:
        raise Http404
    through = Action.engagements.through.objects.filter(action__in=[row.pk for row in rows])
    visible = set(
        Engagement.objects.visible_to(request.user)
        .filter(pk__in=through.values("engagement_id"))
        .values_list("pk", flat=True)
    )
    links = list(through.values_list("action_id", "engagement_id"))
    today = timezone.localdate()
    out = [
        {
            **{name: getattr(row, name) for name in ActionOut.model_fields if hasattr(row, name)},
            "theme": row.theme.code,
            "lead_organisation": str(row.lead_organisation),
            "overdue": row.is_overdue(today),
            "engagement_ids": sorted(e for a, e in links if a == row.pk and e in visible),
            "indicators": list(row.indicators.all()),
            "fiche_id": next((fiche.pk for fiche in row.fiches.all()), None),
        }
        for row in rows
    ]
    return out[0] if one else out


def sent_fields(body) -> dict:
    """The fields the body sent; null for a field that cannot be empty is refused, naming it."""
    fields = body.dict(exclude_unset=True)
    for name in REQUIRED & fields.keys():
        if fields[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    return fields


def _allowed(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may read this plan but not change it."))


# -- indicators -------------------------------------------------------------------------


@router.get(
    "/actions/{action_id}/indicators",
    response={200: list[IndicatorOut], 404: Message},
    summary="An action's indicators",
)
def list_indicators(request, action_id: int = ActionId):
    action = get_object_or_404(visible_actions(request), pk=action_id)
    return ActionIndicator.objects.visible_to(request.user).filter(action=action)


@router.post(
    "/actions/{action_id}/indicators",
    response={201: IndicatorOut, **CHANGE_ANSWERS},
    summary="Add an indicator",
    openapi_extra=json_body_openapi(IndicatorIn),
)
def create_indicator(request, action_id: int = ActionId):
    """Editors of the plan's owner."""
    action = get_object_or_404(visible_actions(request), pk=action_id)
    _allowed(services.may_change_plan(request.user, action.plan))
    body = read_json_body(request, IndicatorIn)
    indicator = services.add_indicator(action, body.dict(), acting_user=request.user)
    return Status(201, ActionIndicator.objects.visible_to(request.user).get(pk=indicator.pk))


@router.get(
    "/indicators/{indicator_id}",
    response={200: IndicatorOut, 404: Message},
    summary="One indicator",
    openapi_extra=versioned_read_openapi("indicator"),
)
def get_indicator(request, response: HttpResponse, indicator_id: int = IndicatorId):
    indicator = get_object_or_404(ActionIndicator.objects.visible_to(request.user), pk=indicator_id)
    set_etag(response, indicator)
    return indicator


@router.patch(
    "/indicators/{indicator_id}",
    response={200: IndicatorOut, **VERSIONED_CHANGE_ANSWERS},
    summary="Update an indicator",
    openapi_extra={**json_body_openapi(IndicatorUpdateIn), **versioned_change_openapi("indicator")},
)
def update_indicator(request, response: HttpResponse, indicator_id: int = IndicatorId):
    """The lead organisation's editors record the latest value; the plan's editors change every field
    (the others' other fields are ignored). The action's suggested RAG rating follows."""
    indicators = ActionIndicator.objects.visible_to(request.user).select_related("action__plan__owner")
    indicator = get_object_or_404(indicators, pk=indicator_id)
    _allowed(services.may_report_on(request.user, indicator.action))
    fields = sent_fields(read_json_body(request, IndicatorUpdateIn))
    if "unit" in fields and fields["unit"] is None:
        fields["unit"] = ""
    body_version = fields.pop("version", None)
    save_versioned(
        request,
        body_version,
        lambda read: services.update_indicator(indicator, fields, acting_user=request.user, read_version=read),
    )
    saved = ActionIndicator.objects.visible_to(request.user).get(pk=indicator.pk)
    set_etag(response, saved)
    return saved


# -- Action Fiches ----------------------------------------------------------------------


@router.get(
    "/fiches/{fiche_id}",
    response={200: FicheOut, 404: Message},
    summary="One Action Fiche",
    openapi_extra=versioned_read_openapi("Action Fiche"),
)
def get_fiche(request, response: HttpResponse, fiche_id: int = FicheId):
    fiche = get_object_or_404(ActionFiche.objects.visible_to(request.user), pk=fiche_id)
    set_etag(response, fiche)
    return fiche


@router.put(
    "/actions/{action_id}/fiche",
    response={200: FicheOut, **VERSIONED_CHANGE_ANSWERS},
    summary="Write an action's Action Fiche",
    openapi_extra={**json_body_openapi(FicheIn), **versioned_change_openapi("Action Fiche")},
)
def write_fiche(request, response: HttpResponse, action_id: int = ActionId):
    """Those who report on the action: editors of the plan's owner and of the action's lead
    organisation. The fiche is created the first time; only the fields sent change."""
    action = get_object_or_404(visible_actions(request), pk=action_id)
    _allowed(services.may_report_on(request.user, action))
    fields = read_json_body(request, FicheIn).dict(exclude_unset=True)
    body_version = fields.pop("version", None)
    fields = {name: "" if value is None and name != "budget" else value for name, value in fields.items()}
    fiche = save_versioned(
        request,
        body_version,
        lambda read: services.save_fiche(action, fields, acting_user=request.user, read_version=read),
    )
    saved = ActionFiche.objects.visible_to(request.user).get(pk=fiche.pk)
    set_etag(response, saved)
    return saved


# -- reviews ----------------------------------------------------------------------------


@router.get("/plans/{plan_id}/reviews", response={200: list[ReviewOut], 404: Message}, summary="A plan's reviews")
def list_reviews(request, plan_id: int = PlanId):
    """The latest first."""
    plan = get_object_or_404(visible_plans(request.user), pk=plan_id)
    return PlanReview.objects.visible_to(request.user).filter(plan=plan).defer("snapshot")


@router.get("/reviews/{review_id}", response={200: ReviewDetailOut, 404: Message}, summary="One review")
def get_review(request, review_id: int = ReviewId):
    """With its snapshot once closed."""
    return get_object_or_404(PlanReview.objects.visible_to(request.user), pk=review_id)


@router.post(
    "/plans/{plan_id}/reviews",
    response={201: ReviewDetailOut, **CHANGE_ANSWERS},
    summary="Open a review",
    openapi_extra=json_body_openapi(ReviewOpenIn),
)
def open_review(request, plan_id: int = PlanId):
    """Coordinators and administrators of the plan's owner; one review of a plan is open at a time."""
    plan = get_object_or_404(visible_plans(request.user), pk=plan_id)
    _may_review(request, plan)
    body = read_json_body(request, ReviewOpenIn)
    review = services.open_review(plan, acting_user=request.user, note=body.note)
    return Status(201, PlanReview.objects.visible_to(request.user).get(pk=review.pk))


@router.post(
    "/reviews/{review_id}/close",
    response={200: ReviewDetailOut, **CHANGE_ANSWERS},
    summary="Close a review",
)
def close_review(request, review_id: int = ReviewId):
    """Coordinators and administrators of the plan's owner. Keeps every action as it stands, with the
    RAG rating its indicators suggest that day; nothing later rewrites the snapshot."""
    reviews = PlanReview.objects.visible_to(request.user).select_related("plan__owner")
    review = get_object_or_404(reviews, pk=review_id)
    _may_review(request, review.plan)
    services.close_review(review, acting_user=request.user)
    return PlanReview.objects.visible_to(request.user).get(pk=review.pk)


def _may_review(request, plan: ActionPlan) -> None:
    if not services.may_review(request.user, plan):
        raise PermissionDenied(_("Coordinators of the organisation keeping the plan open and close its reviews."))


# -- next versions and deletions --------------------------------------------------------


@router.post(
    "/plans/{plan_id}/next-version",
    response={201: PlanOut, 401: Message, 403: Message, 404: Message, 422: InputErrors},
    summary="Draft the next version of a plan",
)
def draft_next_version(request, plan_id: int = PlanId):
    """Editors of the plan's owner, from the agreed version: a new draft copying its actions, indicators and
    Action Fiches (not its reviews); agreeing it supersedes the version it came from. One draft at a time."""
    plan = get_object_or_404(visible_plans(request.user), pk=plan_id)
    _allowed(services.may_change_plan(request.user, plan))
    draft = services.draft_next_version(plan, acting_user=request.user)
    return Status(201, visible_plans(request.user).get(pk=draft.pk))


DELETE_ANSWERS = {204: None, 401: Message, 403: Message, 404: Message, 422: InputErrors}


@router.delete("/plans/{plan_id}", response=DELETE_ANSWERS, summary="Delete a draft plan")
def delete_plan(request, plan_id: int = PlanId):
    """Editors of the plan's owner; only a draft of which no review has closed (422 says why otherwise)."""
    plan = get_object_or_404(visible_plans(request.user), pk=plan_id)
    _allowed(services.may_change_plan(request.user, plan))
    services.delete_plan(plan, acting_user=request.user)
    return Status(204, None)


@router.delete("/actions/{action_id}", response=DELETE_ANSWERS, summary="Delete an action")
def delete_action(request, action_id: int = ActionId):
    """Editors of the plan's owner; an action a closed review kept stays (mark it dropped instead)."""
    action = get_object_or_404(visible_actions(request), pk=action_id)
    _allowed(services.may_change_plan(request.user, action.plan))
    services.delete_action(action, acting_user=request.user)
    return Status(204, None)


@router.delete("/indicators/{indicator_id}", response=DELETE_ANSWERS, summary="Delete an indicator")
def delete_indicator(request, indicator_id: int = IndicatorId):
    """Editors of the plan's owner; an indicator a closed review kept stays."""
    indicators = ActionIndicator.objects.visible_to(request.user).select_related("action__plan__owner")
    indicator = get_object_or_404(indicators, pk=indicator_id)
    _allowed(services.may_change_plan(request.user, indicator.action.plan))
    services.delete_indicator(indicator, acting_user=request.user)
    return Status(204, None)


@router.delete("/fiches/{fiche_id}", response=DELETE_ANSWERS, summary="Delete an Action Fiche")
def delete_fiche(request, fiche_id: int = FicheId):
    """Editors of the plan's owner."""
    fiches = ActionFiche.objects.visible_to(request.user).select_related("action__plan__owner")
    fiche = get_object_or_404(fiches, pk=fiche_id)
    _allowed(services.may_change_plan(request.user, fiche.action.plan))
    services.delete_fiche(fiche, acting_user=request.user)
    return Status(204, None)
