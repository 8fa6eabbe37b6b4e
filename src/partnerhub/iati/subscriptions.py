"""Subscribing the hub to IATI publishers: who may, and the rules.

An editor (or coordinator, or administrator) of an organisation subscribes the
hub to a publisher for that organisation; the editors of that organisation may
end it. Subscribing only chooses which publishers the nightly sync reads: the
sync imports as the site operator's import does, every activity for the
organisation that reports it (``iati.sync``), so a subscription gives its
organisation no right over another's records. Ending a subscription stops the
reading; what was imported stays.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import editing_organisation_ids
from partnerhub.iati.models import PUBLISHER_ID_PATTERN, PublisherSubscription


def subscribing_organisations(user: AnyUser | None):
    return Organisation.objects.filter(pk__in=editing_organisation_ids(user))


def may_subscribe(user: AnyUser | None) -> bool:
    return bool(editing_organisation_ids(user))


def may_end(subscription: PublisherSubscription, user: AnyUser | None) -> bool:
    return subscription.organisation_id in editing_organisation_ids(user)


def subscribe(
    publisher_id: str, organisation: Organisation, *, acting_user: AnyUser, keep_all: bool = False
) -> PublisherSubscription:
    if organisation.pk not in editing_organisation_ids(acting_user):
        raise PermissionDenied(_("Only editors of an organisation subscribe the hub to IATI publishers for it."))
    publisher_id = publisher_id.strip().lower()
    if not re.fullmatch(PUBLISHER_ID_PATTERN, publisher_id):
        raise ValidationError(
            {
                "publisher_id": _(
                    "Give the publisher's identifier in the IATI Registry: lower-case letters, digits, - and _ "
                    "(for example ec-intpa, giz, sida)."
                )
            }
        )
    existing = PublisherSubscription.objects.filter(publisher_id=publisher_id).select_related("organisation").first()
    if existing is not None:
        raise ValidationError(
            {
                "publisher_id": _("The hub already reads %(publisher)s, at the request of %(organisation)s.")
                % {"publisher": publisher_id, "organisation": existing.organisation.short_name}
            }
        )
    try:
        with transaction.atomic():
            return PublisherSubscription.objects.create(
                publisher_id=publisher_id,
                organisation=organisation,
                created_by=_user(acting_user),
                keep_all=keep_all,
            )
    except IntegrityError as error:  # subscribed by someone else a moment ago
        raise ValidationError(
            {"publisher_id": _("The hub already reads %(publisher)s.") % {"publisher": publisher_id}}
        ) from error


def end_subscription(subscription: PublisherSubscription, *, acting_user: AnyUser) -> None:
    if not may_end(subscription, acting_user):
        raise PermissionDenied(_("Only editors of the organisation that asked for it end a subscription."))
    subscription.delete()


def _user(user: AnyUser):
    return user if user is not None and user.is_authenticated else None
