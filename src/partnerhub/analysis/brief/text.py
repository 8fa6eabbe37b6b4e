"""How the brief writes amounts, shares, counts and dates, in its tables and its charts alike."""

from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from partnerhub.core.formatting import eur

NO_VALUE = "–"
SHARE_STEP = Decimal("0.1")


def full_eur(amount) -> str:
    """Whole euros, as the page's tables print them."""
    return eur(amount)


def undisclosed_suffix(undisclosed: bool) -> str:
    """What a total says when records the reader may not see hold money in its scope."""
    return _("+ undisclosed") if undisclosed else ""


def with_undisclosed(text: str, undisclosed: bool) -> tuple[str, str]:
    return text, undisclosed_suffix(undisclosed)


def share_text(share: Decimal | float | None) -> str:
    """A share to one decimal, as the page prints it (``33.3 %``); a dash when there is nothing to share."""
    if share is None:
        return NO_VALUE
    return _("%(share)s %%") % {"share": floatformat(share, 1)}


def count_text(count) -> str:
    """Whole counts as they are; split engagements (on several themes) to one decimal."""
    value = Decimal(count)
    if value == value.to_integral_value():
        return number_format(int(value), force_grouping=True)
    return number_format(value.quantize(SHARE_STEP), force_grouping=True)


def day(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else NO_VALUE


def engagement_title(engagement) -> str:
    return _("%(title)s (demo data)") % {"title": engagement.title} if engagement.is_demo else engagement.title
