"""Action Plans and their actions over the API: read what the caller may see, update an action."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.errors import ValidationError as InputError
from ninja.pagination import paginate

from partnerhub.core.api import NumberedPagination, json_body_openapi, read_json_body
from partnerhub.plans import services
from partnerhub.plans.forms import PlanFilterForm
from partnerhub.plans.models import Action, ActionPlan
from partnerhub.plans.schemas import ActionOut, ActionUpdateIn, InputErrors, Message, PlanFilterParams, PlanOut
from partnerhub.registry.models import Engagement

router = Router(tags=["action plans"])

PlanId = Path(..., ge=1, le=2**63 - 1, description="The plan's id.")
ActionId = Path(..., ge=1, le=2**63 - 1, description="The action's id.")


def visible_plans(user):
    return ActionPlan.objects.visible_to(user).select_related("country", "owner")


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


@router.get("/actions/{action_id}", response={200: ActionOut, 404: Message}, summary="One action")
def get_action(request, action_id: int = ActionId):
    return actions_out(request, visible_actions(request).filter(pk=action_id), one=True)


@router.patch(
    "/actions/{action_id}",
    response={200: ActionOut, 401: Message, 403: Message, 404: Message, 422: InputErrors},
    summary="Update an action",
    openapi_extra=json_body_openapi(ActionUpdateIn),
)
def update_action(request, action_id: int = ActionId):
    """Editors of the plan's owner change every field; editors of the lead organisation its progress.
    A RAG rating set by hand needs a reason."""
    action = get_object_or_404(visible_actions(request), pk=action_id)
    # Read only once the action was found, so that a hidden action answers 404 whatever the body holds.
    body = read_json_body(request, ActionUpdateIn)
    fields = body.dict(exclude_unset=True)
    if "engagement_ids" in fields:
        fields["engagements"] = fields.pop("engagement_ids") or []
    for name in ("description", "status"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    fields = {name: "" if value is None and name != "deadline" else value for name, value in fields.items()}
    services.update_action(action, fields, acting_user=request.user)
    return actions_out(request, visible_actions(request).filter(pk=action_id), one=True)


def visible_actions(request):
    return Action.objects.visible_to(request.user).select_related("plan__owner")


def actions_out(request, actions, *, one: bool = False):
    rows = list(actions.select_related("theme", "lead_organisation", "plan").prefetch_related("indicators"))
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
        }
        for row in rows
    ]
    return out[0] if one else out
