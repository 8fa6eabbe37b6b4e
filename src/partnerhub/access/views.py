"""The personal account page: memberships and API tokens.

A token's key is shown once and never stored: only its hash is kept. The
form posts, the key waits in the session for the page the browser is
redirected to, and that page takes it out; reloading it shows the account
page and creates nothing. A token belonging to someone else answers 404, like
anything a user may not see.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnerhub.access.forms import ApiTokenForm
from partnerhub.access.models import ApiToken
from partnerhub.access.services import create_api_token, revoke_api_token
from partnerhub.core.types import AuthenticatedHttpRequest

SESSION_ENTRY_FOR_NEW_KEY = "access_new_api_key"


@login_required
@require_GET
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _account_page(request, ApiTokenForm())


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _new_token_page(request)
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form)
    token, raw_key = create_api_token(form.cleaned_data["name"], acting_user=request.user)
    request.session[SESSION_ENTRY_FOR_NEW_KEY] = {"id": token.pk, "key": raw_key}
    return redirect("access:token_create")


def _new_token_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The key once, on the page after the post; a reload (or a language switch) finds none."""
    new_token = request.session.pop(SESSION_ENTRY_FOR_NEW_KEY, None)
    token = new_token and ApiToken.objects.filter(user=request.user, pk=new_token["id"]).first()
    if token is None:
        return redirect("access:account")
    api_url = request.build_absolute_uri(reverse("api:api-root") + "engagements")
    return render(
        request,
        "access/token_created.html",
        {
            "token": token,
            "raw_key": new_token["key"],
            "api_url": api_url,
        },
    )


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """django-axes' answer to a login attempt while throttled (429)."""
    cooloff = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "access/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": max(1, round(cooloff.total_seconds() / 60)),
        },
        status=429,
    )


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    revoke_api_token(token, acting_user=request.user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("access:account")


def _account_page(request: AuthenticatedHttpRequest, form: ApiTokenForm) -> HttpResponse:
    memberships = request.user.memberships.select_related("organisation__country").order_by("organisation__name")
    return render(
        request,
        "access/account.html",
        {
            "memberships": memberships,
            "tokens": request.user.api_tokens.all(),
            "form": form,
        },
    )


class HubLoginView(LoginView):
    """The login page, with the single sign-on button when it is configured."""

    extra_context = {"site_name": "Partnership Hub"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.PARTNERHUB_OIDC_ENABLED:
            context["single_sign_on"] = settings.PARTNERHUB_OIDC_PROVIDER_NAME
        return context
