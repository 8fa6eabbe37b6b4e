"""The personal account page: memberships and API tokens.

A token's key is shown once, in the answer to the request that created it,
and never stored: only its hash is kept. A token belonging to someone else
answers 404, like anything a user may not see.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnerhub.access.forms import ApiTokenForm
from partnerhub.access.models import ApiToken
from partnerhub.core.history import record_event


@login_required
@require_GET
def account(request):
    return _account_page(request, ApiTokenForm())


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def token_create(request):
    if request.method == "GET":
        # e.g. after switching the interface language on the page showing the key
        return redirect("access:account")
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _account_page(request, form)
    with transaction.atomic():
        token, raw_key = ApiToken.issue(request.user, form.cleaned_data["name"])
        _audit("api_token.issued", token, request.user)
    api_url = request.build_absolute_uri(reverse("api:api-root") + "engagements")
    return render(request, "access/token_created.html", {
        "token": token, "raw_key": raw_key, "api_url": api_url,
    })


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    with transaction.atomic():
        _audit("api_token.revoked", token, request.user)
        token.delete()
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("access:account")


def _account_page(request, form: ApiTokenForm):
    memberships = request.user.memberships.select_related("organisation__country").order_by(
        "organisation__name"
    )
    return render(request, "access/account.html", {
        "memberships": memberships,
        "tokens": request.user.api_tokens.all(),
        "form": form,
    })


def _audit(event: str, token: ApiToken, user) -> None:
    # The hint only: the key itself is never written anywhere.
    record_event(event, token, user=user, token_name=token.name, hint=token.hint)
