"""The follow buttons other apps' pages show."""

from typing import Any

from django import template

from partnerhub.notifications.models import Follow
from partnerhub.registry.models import Theme

register = template.Library()


@register.inclusion_tag("notifications/_follow_button.html", takes_context=True)
def follow_button(context: Any, country: Any = None, theme: Any = None) -> dict[str, Any]:
    """Follow or stop following one partner country or one theme (for logged-in users)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = user is not None and user.is_authenticated and (country is not None or theme is not None)
    following = False
    if shown and user is not None:
        target = {"country": country} if country is not None else {"theme": theme}
        following = Follow.objects.filter(user_id=user.pk, **target).exists()
    return {
        "shown": shown,
        "kind": "country" if country is not None else "theme",
        "code": country.iso3 if country is not None else getattr(theme, "code", ""),
        "name": (country or theme).localized_name if shown else "",
        "following": following,
        "next": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def filtered_themes(form: Any) -> list[Theme]:
    """The themes a valid filter form selects (the follow buttons beside a theme filter)."""
    if not form.is_bound or not form.is_valid():
        return []
    chosen = form.cleaned_data.get("theme") or []
    if isinstance(chosen, Theme):  # a single-choice filter (the calendar's)
        return [chosen]
    return [theme for theme in chosen if isinstance(theme, Theme)]
