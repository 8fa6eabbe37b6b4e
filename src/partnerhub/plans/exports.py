"""A plan's actions as CSV and XLSX, with the registry's export helpers (formula-safe cells, streaming CSV).

One row per action and indicator, so that a spreadsheet filters and sums them; an action without an
indicator has one row with the indicator's columns empty. Headers are field names, as in the API;
codes (status, ratings, themes) for scripts, with the theme's name beside its code for people.
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import F, Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.core.types import AnyUser
from partnerhub.plans.models import Action, ActionIndicator, ActionPlan
from partnerhub.registry.exports import XLSX_CONTENT_TYPE, csv_lines, neutralise, printable, xlsx_workbook

COLUMNS = (
    ("action_id", 9),
    ("action", 60),
    ("objective", 40),
    ("theme", 22),
    ("theme_name", 34),
    ("lead_organisation", 40),
    ("contributing_organisations", 50),
    ("deadline", 12),
    ("status", 11),
    ("overdue", 9),
    ("rag", 8),
    ("rag_suggested", 14),
    ("rag_override", 13),
    ("rag_override_reason", 40),
    ("rag_comment", 40),
    ("indicator", 40),
    ("unit", 12),
    ("baseline", 12),
    ("target", 12),
    ("latest_value", 13),
    ("latest_value_on", 15),
)
HEADER = [name for name, _width in COLUMNS]
FORMATS = ("csv", "xlsx")


def action_rows(plan: ActionPlan, user: AnyUser) -> Iterator[list[Any]]:
    """The plan's actions the user may see, as cells a spreadsheet will not run."""
    actions = (
        Action.objects.visible_to(user)
        .filter(plan=plan)
        # The soonest deadline first and those without one last, on every database.
        .order_by(F("deadline").asc(nulls_last=True), "pk")
        .select_related("theme", "lead_organisation", "plan")
        .prefetch_related("indicators", Prefetch("contributing_organisations", Organisation.objects.order_by("name")))
    )
    today = timezone.localdate()
    for action in actions:
        indicators: list[ActionIndicator | None] = list(action.indicators.all())
        for indicator in indicators or [None]:
            row = action_cells(action, today) + indicator_cells(indicator)
            yield [neutralise(printable(value)) for value in row]


def action_cells(action: Action, today) -> list[Any]:
    return [
        action.pk,
        action.description,
        action.objective,
        action.theme.code,
        action.theme.localized_name,
        str(action.lead_organisation),
        "; ".join(str(organisation) for organisation in action.contributing_organisations.all()),
        action.deadline,
        action.status,
        _("yes") if action.is_overdue(today) else _("no"),
        action.rag,
        action.rag_suggested,
        action.rag_override,
        action.rag_override_reason,
        action.rag_comment,
    ]


def indicator_cells(indicator: ActionIndicator | None) -> list[Any]:
    if indicator is None:
        return [None] * 6
    return [
        indicator.name,
        indicator.unit,
        indicator.baseline,
        indicator.target,
        indicator.latest_value,
        indicator.latest_value_on,
    ]


def export_response(plan: ActionPlan, user: AnyUser, file_format: str) -> HttpResponse | StreamingHttpResponse:
    rows = action_rows(plan, user)
    name = f"action-plan-{plan.pk}-v{plan.version}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response: HttpResponse | StreamingHttpResponse
    if file_format == "csv":
        response = StreamingHttpResponse(csv_lines(HEADER, rows), content_type="text/csv; charset=utf-8")
    else:
        workbook = xlsx_workbook(HEADER, rows, columns=COLUMNS, title=f"v{plan.version}")
        response = HttpResponse(workbook, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
