"""Optional single sign-on through OpenID Connect (mozilla-django-oidc).

Off unless ``PARTNERHUB_OIDC_CLIENT_ID`` is set (settings.py): the views then
answer 404. The provider's user is matched to the hub user with the same
e-mail address; a first sign-in creates a user without any membership, who
reads what is public until an administrator gives them an organisation and a
role. Every way the exchange can fail — a state the session does not know, a
token whose signature does not verify, an answer without an e-mail address, a
provider that does not answer — ends on the login page with a message, never
in a 500.
"""

import logging
from typing import Any

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

logger = logging.getLogger(__name__)


class HubOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("email")) and claims.get("email_verified", True) is not False

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return get_user_model().objects.filter(email__iexact=claims.get("email", "").strip())

    def create_user(self, claims: dict[str, Any]) -> User:
        """A new user with no organisation and no role: an administrator gives them one."""
        email = claims["email"].strip()
        user = get_user_model().objects.create_user(
            username=_free_username(email),
            email=email,
            first_name=str(claims.get("given_name", ""))[:150],
            last_name=str(claims.get("family_name", ""))[:150],
        )
        logger.info("single sign-on created user %s without an organisation", user.username)
        return user


def _free_username(email: str) -> str:
    base = email[:140]
    users = get_user_model().objects
    candidate, number = base, 1
    while users.filter(username=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _require_single_sign_on() -> None:
    if not settings.PARTNERHUB_OIDC_ENABLED:
        raise Http404("single sign-on is not configured")


class SignOnStart(OIDCAuthenticationRequestView):
    def get(self, request: HttpRequest) -> HttpResponse:
        _require_single_sign_on()
        response: HttpResponse = super().get(request)
        return response


class SignOnCallback(OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        _require_single_sign_on()
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation as error:
            logger.warning("single sign-on refused: %s", error)
            return self._failed(_("The answer of the sign-in service could not be verified."))
        except requests.RequestException as error:
            logger.warning("single sign-on could not reach the provider: %s", error)
            return self._failed(_("The sign-in service did not answer."))
        return response

    def login_failure(self) -> HttpResponse:
        return self._failed(_("The sign-in service did not confirm who you are."))

    def _failed(self, reason: str) -> HttpResponse:
        messages.error(
            self.request,
            _("Single sign-on failed: %(reason)s Try again, or log in with your password.") % {"reason": reason},
        )
        response: HttpResponse = super().login_failure()
        return response
