"""``{% record_panels record %}``: the panels other apps registered for the record's page (``core.panels``)."""

from typing import Any

from django import template
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from partnerhub.core.panels import panels_for

register = template.Library()


@register.simple_tag(takes_context=True)
def record_panels(context: template.Context, record: Model) -> SafeString:
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else context.get("user")
    rendered = []
    for panel in panels_for(record):
        panel_context: dict[str, Any] | None = panel.context(record, user)
        if panel_context is not None:
            rendered.append(render_to_string(panel.template, {"record": record, **panel_context}, request=request))
    # Each part was rendered (and escaped) by the template engine.
    return mark_safe("".join(rendered))  # noqa: S308
