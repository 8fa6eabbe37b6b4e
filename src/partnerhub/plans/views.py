"""The plan pages: the list, one plan with its actions, and the forms that change them.

Plans come from ``ActionPlan.objects.visible_to(request.user)``, actions and indicators from
their own ``visible_to`` (as confidential as their plan): hidden and missing answer the same
404; a reader who may not change what they see gets 403.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnerhub.core.forms import read_version, refused_as_conflict, saved_through
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.plans import exports, services
from partnerhub.plans.fiche import DOCX_CONTENT_TYPE
from partnerhub.plans.fiche import fiche_docx as fiche_document
from partnerhub.plans.forms import ActionForm, FicheForm, IndicatorForm, PlanFilterForm, PlanForm, ReviewCompareForm
from partnerhub.plans.models import Action, ActionFiche, ActionIndicator, ActionPlan, PlanReview
from partnerhub.plans.reviews import compare, shown_actions
from partnerhub.registry.models import Engagement


@dataclass(frozen=True)
class ActionRow:
    """One action as the plan page shows it to its reader."""

    action: Action
    overdue: bool
    engagements: list[Engagement]
    may_report: bool


@require_safe
def plan_list(request):
    form = PlanFilterForm(request.GET or None)
    plans = form.filter(ActionPlan.objects.visible_to(request.user).select_related("country", "owner"))
    context = {"form": form, "plans": list(plans), "may_create": bool(editing_organisation_ids(request.user))}
    return render(request, "plans/plan_list.html", context)


@require_safe
def plan_detail(request, pk: int):
    plan = _visible_plan(request, pk)
    if plan.sharing_level == SharingLevel.RESTRICTED:
        prefetch_related_objects([plan], "shared_with_organisations", "shared_with_countries")
    today = timezone.localdate()
    actions = list(
        plan.actions.select_related("theme", "lead_organisation").prefetch_related(
            "indicators", "contributing_organisations", "fiches"
        )
    )
    linked = _visible_links(request, actions)
    rows = [
        ActionRow(
            action,
            overdue=action.is_overdue(today),
            engagements=linked.get(action.pk, []),
            may_report=services.may_report_on(request.user, action),
        )
        for action in actions
    ]
    reviews = list(plan.reviews.select_related("opened_by"))
    may_change = services.may_change_plan(request.user, plan)
    context = {
        "plan": plan,
        "rows": rows,
        "may_change": may_change,
        "kept": services.kept_in_reviews(plan.pk) if may_change else None,
        "may_review": services.may_review(request.user, plan),
        "reviews": reviews,
        "closed_reviews": sum(1 for review in reviews if not review.is_open),
        "review_is_open": any(review.is_open for review in reviews),
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    if not editing_organisation_ids(request.user):
        raise PermissionDenied(_("Editors of an organisation keep its plans."))
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan = services.create_plan(country=data["country"], owner=data["owner"], fields=data, acting_user=request.user)
        messages.success(request, _("The plan was created."))
        return redirect(plan)
    return _form_page(request, form, _("New action plan"), cancel="plans:plan_list", template="plans/plan_form.html")


@login_required
@require_http_methods(["GET", "POST"])
def plan_update(request, pk: int):
    plan = _visible_plan(request, pk)
    _require(services.may_change_plan(request.user, plan))
    form = PlanForm(request.POST or None, instance=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        if saved_through(
            form,
            lambda: services.update_plan(
                plan, form.cleaned_data, acting_user=request.user, read_version=read_version(form)
            ),
        ):
            messages.success(request, _("The plan was updated."))
            return redirect(plan)
    return _form_page(
        request, form, _("Edit the plan"), back=plan, template="plans/plan_form.html", status=_status_of(form)
    )


@login_required
@require_POST
def plan_agree(request, pk: int):
    plan = _visible_plan(request, pk)
    _require(services.may_change_plan(request.user, plan))
    try:
        services.agree_plan(plan, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("This version is agreed; the version agreed before it is superseded."))
    return redirect(plan)


@require_safe
def plan_export(request, pk: int, file_format: str):
    """The plan's actions and indicators that the reader may see, as on the plan's page."""
    plan = _visible_plan(request, pk)
    if file_format not in exports.FORMATS:
        raise Http404
    services.log_export(plan, acting_user=request.user)
    return exports.export_response(plan, request.user, file_format)


@login_required
@require_POST
def plan_draft_next(request, pk: int):
    plan = _visible_plan(request, pk)
    _require(services.may_change_plan(request.user, plan))
    try:
        draft = services.draft_next_version(plan, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(plan)
    messages.success(
        request, _("Version %(version)s is drafted: agreeing it supersedes this one.") % {"version": draft.version}
    )
    return redirect(draft)


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request, pk: int):
    plan = _visible_plan(request, pk)
    _require(services.may_change_plan(request.user, plan))
    form = ActionForm(request.POST or None, user=request.user, plan=plan, progress_only=False)
    if request.method == "POST" and form.is_valid():
        if saved_through(form, lambda: services.add_action(plan, form.cleaned_data, acting_user=request.user)):
            messages.success(request, _("The action was added."))
            return redirect(plan)
    return _form_page(request, form, _("New action"), back=plan)


@login_required
@require_http_methods(["GET", "POST"])
def action_update(request, pk: int):
    action = get_object_or_404(Action.objects.visible_to(request.user).select_related("plan__owner"), pk=pk)
    _require(services.may_report_on(request.user, action))
    progress_only = not services.may_change_plan(request.user, action.plan)
    form = ActionForm(
        request.POST or None, instance=action, user=request.user, plan=action.plan, progress_only=progress_only
    )
    if request.method == "POST" and form.is_valid():
        if saved_through(
            form,
            lambda: services.update_action(
                action, form.cleaned_data, acting_user=request.user, read_version=read_version(form)
            ),
        ):
            messages.success(request, _("The action was updated."))
            return redirect(action.plan)
    return _form_page(request, form, _("Update the action"), back=action.plan, status=_status_of(form))


@login_required
@require_http_methods(["GET", "POST"])
def indicator_create(request, pk: int):
    action = get_object_or_404(Action.objects.visible_to(request.user).select_related("plan__owner"), pk=pk)
    _require(services.may_change_plan(request.user, action.plan))
    form = IndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if saved_through(form, lambda: services.add_indicator(action, form.cleaned_data, acting_user=request.user)):
            messages.success(request, _("The indicator was added."))
            return redirect(action.plan)
    return _form_page(request, form, _("New indicator"), back=action.plan)


@login_required
@require_http_methods(["GET", "POST"])
def indicator_update(request, pk: int):
    indicator = get_object_or_404(
        ActionIndicator.objects.visible_to(request.user).select_related("action__plan__owner"), pk=pk
    )
    action = indicator.action
    _require(services.may_report_on(request.user, action))
    measure_only = not services.may_change_plan(request.user, action.plan)
    form = IndicatorForm(request.POST or None, instance=indicator, measure_only=measure_only)
    if request.method == "POST" and form.is_valid():
        if saved_through(
            form,
            lambda: services.update_indicator(
                indicator, form.cleaned_data, acting_user=request.user, read_version=read_version(form)
            ),
        ):
            messages.success(request, _("The indicator was updated."))
            return redirect(action.plan)
    return _form_page(request, form, _("Update the indicator"), back=action.plan, status=_status_of(form))


def _status_of(form) -> int:
    """409 when the save was refused because someone changed the record meanwhile."""
    return 409 if refused_as_conflict(form) else 200


def _visible_plan(request, pk: int) -> ActionPlan:
    """Hidden and missing plans answer the same 404."""
    return get_object_or_404(ActionPlan.objects.visible_to(request.user).select_related("country", "owner"), pk=pk)


def _visible_links(request, actions: list[Action]) -> dict[int, list[Engagement]]:
    """The engagements linked to each action that the reader may see."""
    through = Action.engagements.through
    pairs = list(through.objects.filter(action__in=[a.pk for a in actions]).values_list("action_id", "engagement_id"))
    visible = Engagement.objects.visible_to(request.user).filter(pk__in=[engagement for _a, engagement in pairs])
    by_pk = {engagement.pk: engagement for engagement in visible}
    linked: dict[int, list[Engagement]] = {}
    for action_id, engagement_id in pairs:
        if engagement_id in by_pk:
            linked.setdefault(action_id, []).append(by_pk[engagement_id])
    return linked


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may read this plan but not change it."))


def _form_page(
    request,
    form,
    title: str,
    *,
    back: ActionPlan | None = None,
    cancel: str = "",
    template: str = "plans/form.html",
    status: int = 200,
):
    return render(request, template, {"form": form, "title": title, "back": back, "cancel": cancel}, status=status)


# -- reviews ----------------------------------------------------------------------------


@login_required
@require_POST
def review_open(request, pk: int):
    plan = _visible_plan(request, pk)
    if not services.may_review(request.user, plan):
        raise PermissionDenied(_("Coordinators of the organisation keeping the plan open its reviews."))
    try:
        review = services.open_review(plan, acting_user=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(plan)
    messages.success(request, _("The review is open: the lead organisations may now update their actions."))
    return redirect(review)


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, pk: int):
    """An open review shows the actions as they stand; a closed one its snapshot. POST closes it."""
    review = get_object_or_404(
        PlanReview.objects.visible_to(request.user).select_related("plan__owner", "plan__country", "opened_by"), pk=pk
    )
    may_review = services.may_review(request.user, review.plan)
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied(_("Coordinators of the organisation keeping the plan close its reviews."))
        try:
            services.close_review(review, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The review is closed and its snapshot kept."))
        return redirect(review)
    actions = []
    if review.is_open:
        actions = list(review.plan.actions.select_related("lead_organisation").prefetch_related("indicators"))
    context = {
        "review": review,
        "plan": review.plan,
        "actions": actions,
        "kept": shown_actions(review.snapshot),
        "may_review": may_review,
    }
    return render(request, "plans/review_detail.html", context)


@require_safe
def review_compare(request, pk: int):
    plan = _visible_plan(request, pk)
    closed = plan.reviews.exclude(closed_at=None).order_by("closed_at", "pk")
    form = ReviewCompareForm(request.GET or None, reviews=closed)
    rows = None
    if form.is_valid():
        rows = compare(form.cleaned_data["first"].snapshot, form.cleaned_data["second"].snapshot)
    return render(request, "plans/review_compare.html", {"plan": plan, "form": form, "rows": rows})


# -- Action Fiches ----------------------------------------------------------------------


@require_safe
def fiche_detail(request, pk: int):
    fiche = _visible_fiche(request, pk)
    context = {
        "fiche": fiche,
        "action": fiche.action,
        "may_edit": services.may_report_on(request.user, fiche.action),
        "may_delete": services.may_change_plan(request.user, fiche.action.plan),
    }
    return render(request, "plans/fiche_detail.html", context)


@require_safe
def fiche_docx(request, pk: int):
    fiche = _visible_fiche(request, pk)
    response = HttpResponse(fiche_document(fiche), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="action-fiche-{fiche.pk}.docx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def fiche_edit(request, pk: int):
    """Writes the action's fiche, created the first time."""
    action = get_object_or_404(Action.objects.visible_to(request.user).select_related("plan__owner"), pk=pk)
    _require(services.may_report_on(request.user, action))
    form = FicheForm(request.POST or None, instance=action.fiches.first())
    if request.method == "POST" and form.is_valid():
        saved: list[ActionFiche] = []
        if saved_through(
            form,
            lambda: saved.append(
                services.save_fiche(
                    action, form.cleaned_data, acting_user=request.user, read_version=read_version(form)
                )
            ),
        ):
            messages.success(request, _("The Action Fiche was saved."))
            return redirect(saved[0])
    return _form_page(request, form, _("Action Fiche"), back=action.plan, status=_status_of(form))


def _visible_fiche(request, pk: int) -> ActionFiche:
    fiches = ActionFiche.objects.visible_to(request.user).select_related(
        "action__plan__country", "action__plan__owner", "action__lead_organisation"
    )
    return get_object_or_404(fiches, pk=pk)


# -- deleting ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_delete(request, pk: int):
    plan = _visible_plan(request, pk)
    _require(services.may_change_plan(request.user, plan))
    question = _("Delete the draft “%(title)s” with its actions, indicators and Action Fiches?") % {"title": plan.title}
    return _deletion(
        request,
        lambda: services.delete_plan(plan, acting_user=request.user),
        reason=services.why_plan_stays(plan),
        question=question,
        back=plan,
        done=_("The draft plan was deleted."),
        then="plans:plan_list",
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_delete(request, pk: int):
    action = get_object_or_404(Action.objects.visible_to(request.user).select_related("plan__owner"), pk=pk)
    _require(services.may_change_plan(request.user, action.plan))
    kept = services.kept_in_reviews(action.plan_id)
    question = _("Delete the action “%(action)s” with its indicators and Action Fiche?") % {"action": action}
    return _deletion(
        request,
        lambda: services.delete_action(action, acting_user=request.user),
        reason=services.why_action_stays(action, kept),
        question=question,
        back=action.plan,
        done=_("The action was deleted."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def indicator_delete(request, pk: int):
    indicator = get_object_or_404(
        ActionIndicator.objects.visible_to(request.user).select_related("action__plan__owner"), pk=pk
    )
    plan = indicator.action.plan
    _require(services.may_change_plan(request.user, plan))
    kept = services.kept_in_reviews(plan.pk)
    return _deletion(
        request,
        lambda: services.delete_indicator(indicator, acting_user=request.user),
        reason=services.why_indicator_stays(indicator, kept),
        question=_("Delete the indicator “%(name)s”?") % {"name": indicator.name},
        back=plan,
        done=_("The indicator was deleted."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def fiche_delete(request, pk: int):
    fiche = _visible_fiche(request, pk)
    plan = fiche.action.plan
    _require(services.may_change_plan(request.user, plan))
    return _deletion(
        request,
        lambda: services.delete_fiche(fiche, acting_user=request.user),
        reason=services.why_fiche_stays(fiche),
        question=_("Delete the Action Fiche of “%(action)s”?") % {"action": fiche.action},
        back=plan,
        done=_("The Action Fiche was deleted."),
    )


def _deletion(request, delete, *, reason: str, question: str, back: ActionPlan, done: str, then: str = ""):
    """The confirmation page on GET (or why the record stays); the deletion on POST."""
    if request.method == "POST" and not reason:
        try:
            delete()
        except ValidationError as error:
            reason = " ".join(error.messages)
        else:
            messages.success(request, done)
            return redirect(then or back)
    refused = bool(reason) and request.method == "POST"
    context = {"question": question, "reason": reason, "back": back}
    return render(request, "plans/confirm_delete.html", context, status=409 if refused else 200)
