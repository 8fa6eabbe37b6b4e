"""API authentication: bearer tokens for scripts, the session for the browser,
and anonymous read access to what is public."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from partnerhub.access.models import ApiToken

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class TokenAuth(HttpBearer):
    openapi_description = "A personal API token: `Authorization: Bearer ph_…`"

    def authenticate(self, request, token):
        api_token = ApiToken.objects.matching(token)
        if api_token is None or not api_token.user.is_active:
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user
        return api_token.user


session_auth = SessionAuth(csrf=True)


def anonymous_reader(request):
    """Lets anyone read: reads are then limited to public records by visible_to."""
    if request.method in SAFE_METHODS:
        if not request.user.is_authenticated:
            request.user = AnonymousUser()
        return request.user
    return None
