"""Template helpers for the analysis pages: ``{% load analysis_tags %}`` then ``{{ total|compact_eur }}``.

Charts and maps are drawn by the ``charts`` tags of the web app.
"""

from django import template

from partnerhub.analysis.figures import keyfacts
from partnerhub.core import formatting

register = template.Library()


@register.filter
def compact_eur(value) -> str:
    """``€12.4 m``, ``€850 k``, ``€1.2 bn``; "–" when the amount is unknown."""
    return formatting.compact_eur(value)


@register.filter
def key_figure(value, unit: str) -> str:
    """A key figure in full with its unit: ``12,345,678 USD``."""
    return keyfacts.figure_text(value, unit)


@register.filter
def freshness_label(freshness: str) -> str:
    """Fresh, due or overdue against the source's release cycle, in words."""
    return keyfacts.freshness_text(freshness)


@register.filter
def trend_description(fact) -> str:
    """The trend chart of a key fact in words, for those who cannot see it."""
    return keyfacts.trend_text(fact)
