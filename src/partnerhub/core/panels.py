"""Panels that apps above a record's app add to its page, without the record's app importing them.

An app registers, in its ``ready()``, a template and a context function for a model label::

    register_panel("registry.Engagement", "knowledge/lessons/_engagement_panel.html", lessons_from_engagement)

and the record's page renders them with ``{% load record_panels %}{% record_panels engagement %}``. The
context function receives the record and the reader and returns the template's context, or ``None`` to
show nothing; it must read only what the reader may see.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model

from partnerhub.core.types import AnyUser

PanelContext = Callable[[Model, AnyUser | None], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    template: str
    context: PanelContext
    order: int = 0


_panels: dict[str, list[Panel]] = {}


def register_panel(label: str, template: str, context: PanelContext, *, order: int = 0) -> None:
    """Adds a panel to the pages of ``label`` ("app.Model"); registering the same template again replaces it."""
    panels = [panel for panel in _panels.get(label, []) if panel.template != template]
    panels.append(Panel(template, context, order))
    _panels[label] = sorted(panels, key=lambda panel: panel.order)


def panels_for(record: Model) -> list[Panel]:
    return list(_panels.get(record._meta.label, []))
