"""Every write to personal API tokens goes through these functions.

A token's key is returned once by ``create_api_token`` and never written
anywhere: the history and the events keep the token's name and hint (its first
characters) only.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from partnerhub.access.models import ApiToken
from partnerhub.core.history import record_change, record_event
from partnerhub.core.models import ObjectChange
from partnerhub.core.replicas import bookkeeping
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_hold_api_tokens, can_revoke_api_token

CREATED_EVENT = "token.created"
REVOKED_EVENT = "token.revoked"
# How exactly a token's last use is kept (shown to its owner as "last used").
TOKEN_USE_PRECISION = timedelta(minutes=1)


def create_api_token(name: str, *, acting_user: AnyUser) -> tuple[ApiToken, str]:
    """A new token of ``acting_user`` and its key, which the caller shows once."""
    with transaction.atomic(durable=True):
        if not can_hold_api_tokens(acting_user):
            raise PermissionDenied
        token, raw_key = ApiToken.issue(acting_user, name)
        record_change(token, ObjectChange.Action.CREATE, {}, snapshot(token), user=acting_user)
        record_event(CREATED_EVENT, token, user=acting_user, token_name=token.name, hint=token.hint)
    return token, raw_key


def revoke_api_token(token: ApiToken, *, acting_user: AnyUser) -> None:
    """Deletes the token; only the user it belongs to (or a site administrator) revokes it."""
    # Not durable: the admin's delete page wraps it in a transaction of its own.
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if not can_revoke_api_token(acting_user, token):
            raise PermissionDenied
        record_change(token, ObjectChange.Action.DELETE, snapshot(token), {}, user=acting_user)
        record_event(REVOKED_EVENT, token, user=acting_user, token_name=token.name, hint=token.hint)
        token.delete()


def note_token_use(token: ApiToken) -> None:
    """Stamps the token's last use, to the minute; using a token changes nothing to keep in its history.

    A script reading the API many times a minute writes once a minute, not once per request (on
    PostgreSQL each stamp is a commit the request waits for)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_PRECISION:
        return
    # Bookkeeping: an API read stays on its replica although it stamps the token on the primary.
    with bookkeeping():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def snapshot(token: ApiToken) -> dict[str, str]:
    """What the history keeps of a token: never its key nor its hash."""
    return {"name": token.name, "hint": token.hint, "user": token.user.get_username()}
