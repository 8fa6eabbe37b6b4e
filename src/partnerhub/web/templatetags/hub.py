"""Formatting shared by every page: money, shares, sharing levels, the user's organisations."""

from django import template
from django.utils.translation import gettext_lazy

from partnerhub.access.models import Organisation
from partnerhub.core.formatting import eur, money, percent
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import StrOrPromise

register = template.Library()

# Short badge text and the badge style of each sharing level, most open first.
SHARING_BADGES: dict[str, tuple[StrOrPromise, str]] = {
    SharingLevel.PUBLIC: (gettext_lazy("Public"), "ph-label--public"),
    SharingLevel.PARTNER: (gettext_lazy("Partner"), "ph-label--partner"),
    SharingLevel.EU: (gettext_lazy("EU"), "ph-label--eu"),
    SharingLevel.RESTRICTED: (gettext_lazy("Restricted"), "ph-label--restricted"),
    SharingLevel.ORIGINATOR: (gettext_lazy("Originator"), "ph-label--originator"),
}


register.filter(eur)
register.filter(money)
register.filter(percent)


@register.inclusion_tag("web/partials/sharing_badge.html")
def sharing_badge(level: str) -> dict:
    text, css_class = SHARING_BADGES.get(level, (level, "ph-label--eu"))
    long_label = SharingLevel(level).label if level in SharingLevel.values else level
    return {"text": text, "css_class": css_class, "long_label": long_label}


@register.simple_tag
def organisations_of(user) -> list[Organisation]:
    """The organisations the user works for, named in the page header."""
    if user is None or not user.is_authenticated:
        return []
    return list(Organisation.objects.filter(memberships__user=user).order_by("name"))
