"""History values as readers read them: names for codes, Yes/No for booleans,
dates in the reader's format.

Snapshots (``registry.services.snapshot``) store codes and plain text so that
what is written never depends on the editor's language: ISO codes for
countries, theme codes, ``kind amount currency date`` for money, ``kind id``
for links. This module turns them into words at display time, in the reader's
language; a link is named only to a reader who may see the engagement it points
to, and left out for the others.
"""

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field
from django.template.defaultfilters import yesno
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from partnerhub.core.types import AnyUser
from partnerhub.geo.models import Country, RecipientRegion
from partnerhub.registry.models import Engagement, LinkKind, MoneyKind, ParticipationRole, Theme

SEPARATOR = "; "


class ReferenceNames:
    """Countries, regions and themes by code, each read once for a whole history (one query each),
    and the titles of the linked engagements ``reader`` may see (without a reader: the public ones)."""

    def __init__(self, reader: AnyUser | None = None) -> None:
        self._countries: dict[str, Country] | None = None
        self._themes: dict[str, Theme] | None = None
        self._regions: dict[str, RecipientRegion] | None = None
        self._reader = reader if reader is not None else AnonymousUser()
        self._engagements: dict[int, str] = {}

    def read_engagements(self, ids: Iterable[int]) -> None:
        """Reads the titles of the engagements ``ids`` the reader may see, in one query."""
        wanted = set(ids) - set(self._engagements)
        if wanted:
            visible = Engagement.objects.visible_to(self._reader).filter(pk__in=wanted)
            self._engagements.update(visible.values_list("pk", "title"))

    def engagement(self, pk: int) -> str | None:
        """The title of engagement ``pk``; None when the reader may not see it."""
        self.read_engagements([pk])
        return self._engagements.get(pk)

    def country(self, code: str) -> str:
        if self._countries is None:
            self._countries = {country.iso3: country for country in Country.objects.only("iso3", "name")}
        country = self._countries.get(code)
        return country.localized_name if country else code

    def region(self, code: str) -> str:
        if self._regions is None:
            self._regions = {region.code: region for region in RecipientRegion.objects.only("code", "name", "name_fr")}
        region = self._regions.get(code)
        return region.localized_name if region else code

    def theme(self, code: str) -> str:
        if self._themes is None:
            self._themes = {theme.code: theme for theme in Theme.objects.only("code", "name", "name_fr")}
        theme = self._themes.get(code)
        return theme.localized_name if theme else code


def readable_value(name: str, value: Any, names: ReferenceNames | None = None) -> Any:
    """One stored value of field ``name`` in words; pass the same ``names`` for a whole history."""
    if value is None or value == "":
        return value
    if isinstance(value, bool):
        return yesno(value, _("Yes,No"))
    reader = LIST_READERS.get(name)
    if reader is not None:
        names = names or ReferenceNames()
        return SEPARATOR.join(filter(None, (reader(part, names) for part in str(value).split(SEPARATOR))))
    return _field_value(name, value)


def _field_value(name: str, value: Any) -> Any:
    try:
        field = Engagement._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if not isinstance(field, Field):
        return value  # a reverse relation: no choices, no date
    if getattr(field, "choices", None):
        return dict(field.flatchoices).get(value, value)
    if field.get_internal_type() == "DateField":
        return _day(value)
    return value


def _day(text: str) -> str:
    try:
        return date_format(date.fromisoformat(str(text)), "DATE_FORMAT")
    except ValueError:
        return text


def _code_and_share(part: str) -> tuple[str, str]:
    """``MAR 60 %`` → (``MAR``, `` 60 %``)."""
    code, _space, share = part.partition(" ")
    return code, f" ({share})" if share else ""


def _country(part: str, names: ReferenceNames) -> str:
    code, share = _code_and_share(part)
    return names.country(code) + share


def _region(part: str, names: ReferenceNames) -> str:
    code, share = _code_and_share(part)
    return names.region(code) + share


def _theme(part: str, names: ReferenceNames) -> str:
    code, share = _code_and_share(part)
    return names.theme(code) + share


def _money(part: str, _names: ReferenceNames) -> str:
    """``commitment 1000000.00 EUR 2024-06-03`` → "Commitment: EUR 1,000,000.00 (3 Jun 2024)"."""
    words = part.split(" ")
    if len(words) != 4:
        return part
    kind, amount, currency, day = words
    try:
        number = number_format(Decimal(amount), decimal_pos=2, force_grouping=True)
    except InvalidOperation:
        number = amount
    label = dict(MoneyKind.choices).get(kind, kind)
    return _("%(kind)s: %(currency)s %(amount)s (%(day)s)") % {
        "kind": label,
        "currency": currency,
        "amount": number,
        "day": _day(day),
    }


def _participation(part: str, _names: ReferenceNames) -> str:
    """``GIZ (implementer)`` → "GIZ (Implementer)"."""
    name, bracket, role = part.rpartition(" (")
    if not bracket or not role.endswith(")"):
        return part
    role = role[:-1]
    return f"{name} ({dict(ParticipationRole.choices).get(role, role)})"


def linked_engagement_ids(value: Any) -> list[int]:
    """The ids of the engagements a stored ``links`` value names."""
    ids = (part.rpartition(" ")[2] for part in str(value or "").split(SEPARATOR))
    return [int(pk) for pk in ids if pk.isdigit()]


def _link(part: str, names: ReferenceNames) -> str:
    """``part_of 42`` → "is part of Rural roads in Morocco"; "" when the reader may not see engagement 42."""
    kind, _space, pk = part.rpartition(" ")
    title = names.engagement(int(pk)) if pk.isdigit() else None
    if title is None:
        return ""
    return f"{dict(LinkKind.choices).get(kind, kind)} {title}"


LIST_READERS: dict[str, Callable[[str, ReferenceNames], str]] = {
    "countries": _country,
    "shared_with_countries": _country,
    "regions": _region,
    "themes": _theme,
    "money": _money,
    "participations": _participation,
    "links": _link,
}
