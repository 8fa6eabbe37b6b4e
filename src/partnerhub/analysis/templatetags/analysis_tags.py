"""Template helpers for the analysis pages: ``{% load analysis_tags %}`` then ``{{ total|compact_eur }}``.

Charts and maps are drawn by the ``charts`` tags of the web app.
"""

from django import template

from partnerhub.core import formatting

register = template.Library()


@register.filter
def compact_eur(value) -> str:
    """``€12.4 m``, ``€850 k``, ``€1.2 bn``; "–" when the amount is unknown."""
    return formatting.compact_eur(value)
