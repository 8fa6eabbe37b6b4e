"""Formatting shared by every page: money, shares, sharing levels, the user's organisations."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.access.models import Organisation
from partnerhub.core.sharing import SharingLevel

register = template.Library()

# Short badge text and the badge style of each sharing level, most open first.
SHARING_BADGES = {
    SharingLevel.PUBLIC: (gettext_lazy("Public"), "ph-label--public"),
    SharingLevel.PARTNER: (gettext_lazy("Partner"), "ph-label--partner"),
    SharingLevel.EU: (gettext_lazy("EU"), "ph-label--eu"),
    SharingLevel.RESTRICTED: (gettext_lazy("Restricted"), "ph-label--restricted"),
    SharingLevel.ORIGINATOR: (gettext_lazy("Originator"), "ph-label--originator"),
}


def format_money(amount, currency: str, decimals: int) -> str:
    if amount is None or amount == "":
        return "–"
    number = number_format(amount, decimal_pos=decimals, force_grouping=True)
    return _("%(currency)s %(amount)s") % {"currency": currency, "amount": number}


@register.filter
def eur(amount) -> str:
    """A total in whole euros: ``EUR 1,250,000``."""
    return format_money(amount, "EUR", 0)


@register.filter
def money(amount, currency: str = "EUR") -> str:
    """An amount to the cent in its own currency: ``USD 1,250,000.00``."""
    return format_money(amount, currency, 2)


@register.filter
def percent(share) -> str:
    """A share without trailing zeros: ``60 %``, ``33.33 %``; empty when not split."""
    if share is None:
        return ""
    plain = Decimal(f"{Decimal(share).normalize():f}")
    return _("%(share)s %%") % {"share": number_format(plain, force_grouping=False)}


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
