"""The in-app list of notifications, the "What I follow" page and the follow buttons."""

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from partnerhub.core.types import AuthenticatedHttpRequest
from partnerhub.notifications import services
from partnerhub.notifications.badge import LIST_DAYS, unread_count
from partnerhub.notifications.forms import AddFollowForm, FollowForm, FrequencyForm, SinceForm
from partnerhub.notifications.items import Window, grouped, items_for
from partnerhub.notifications.models import Follow, NotificationPreference


@login_required
@require_safe
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SinceForm(request.GET or None)
    now = timezone.now()
    window = Window(_since(form, now), now)
    preference = NotificationPreference.objects.filter(user=request.user).first()
    last_seen = preference.last_seen_at if preference else None
    items = items_for(request.user, window)
    context = {
        "form": form,
        "window": window,
        "groups": grouped(items),
        "count": len(items),
        "unread": sum(1 for item in items if last_seen is None or item.time > last_seen),
        "last_seen": last_seen,
        "follows": list(Follow.objects.filter(user=request.user).select_related("country", "theme")),
    }
    response = render(request, "notifications/notification_list.html", context)
    services.mark_seen(request.user)
    return response


def _since(form: SinceForm, now: datetime) -> datetime:
    if form.is_bound and form.is_valid() and form.cleaned_data["since"]:
        return timezone.make_aware(datetime.combine(form.cleaned_data["since"], datetime.min.time()))
    return now - timedelta(days=LIST_DAYS)


@require_safe
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The count beside "Notifications" in the navigation, fetched by the page once loaded; empty
    for nothing unread and for visitors (whose page shows no such link)."""
    return render(request, "notifications/_unread_badge.html", {"unread": unread_count(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def follow_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    preference = services.preference_of(request.user, language=request.LANGUAGE_CODE)
    add_form = AddFollowForm(request.POST if "add" in request.POST else None)
    frequency_form = FrequencyForm(
        request.POST if "frequency" in request.POST else None,
        initial={"digest_frequency": preference.digest_frequency},
    )
    if request.method == "POST" and add_form.is_bound and add_form.is_valid():
        _add(request, add_form.cleaned_data)
        return redirect("notifications:follow_settings")
    if request.method == "POST" and frequency_form.is_bound and frequency_form.is_valid():
        services.set_frequency(
            request.user, frequency_form.cleaned_data["digest_frequency"], language=request.LANGUAGE_CODE
        )
        messages.success(request, _("Your digest setting was saved."))
        return redirect("notifications:follow_settings")
    context = {
        "follows": list(Follow.objects.filter(user=request.user).select_related("country", "theme")),
        "add_form": add_form,
        "frequency_form": frequency_form,
        "preference": preference,
        "has_email": bool(request.user.email),
    }
    return render(
        request, "notifications/follow_settings.html", context, status=400 if request.method == "POST" else 200
    )


def _add(request: AuthenticatedHttpRequest, data: dict[str, Any]) -> None:
    language = request.LANGUAGE_CODE
    try:
        if data.get("country"):
            services.follow_country(request.user, data["country"], language=language)
        if data.get("theme"):
            services.follow_theme(request.user, data["theme"], language=language)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You follow it now."))


@login_required
@require_POST
def follow_toggle(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(message) for errors in form.errors.values() for message in errors))
        return _back(request)
    target, follow = form.cleaned_data["target"], form.cleaned_data["follow"]
    is_country = form.cleaned_data["kind"] == "country"
    language = request.LANGUAGE_CODE
    if follow:
        if is_country:
            services.follow_country(request.user, target, language=language)
        else:
            services.follow_theme(request.user, target, language=language)
        messages.success(request, _("You follow %(name)s.") % {"name": target.localized_name})
    else:
        if is_country:
            services.unfollow_country(request.user, target)
        else:
            services.unfollow_theme(request.user, target)
        messages.success(request, _("You no longer follow %(name)s.") % {"name": target.localized_name})
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("notifications:follow_settings")
