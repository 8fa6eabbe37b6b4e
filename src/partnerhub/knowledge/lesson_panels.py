"""The lessons shown on other apps' pages: on an engagement's page (through ``core.panels``, since the
registry cannot import knowledge), and the blocks the country profile and the theme pages include."""

from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.http import urlencode

from partnerhub.core.panels import register_panel
from partnerhub.core.types import AnyUser
from partnerhub.knowledge import lesson_queries
from partnerhub.registry.models import Engagement

ENGAGEMENT_PANEL = "knowledge/lessons/_engagement_panel.html"


def register_panels() -> None:
    register_panel("registry.Engagement", ENGAGEMENT_PANEL, engagement_panel)


def engagement_panel(engagement: Model, user: AnyUser | None) -> dict[str, Any] | None:
    assert isinstance(engagement, Engagement), "registered for registry.Engagement only"
    lessons, more = lesson_queries.latest(lesson_queries.lessons_from_engagement(user, engagement))
    return {"lessons": lessons, "more": more}


def country_block(user: AnyUser | None, country: Any) -> dict[str, Any]:
    lessons, more = lesson_queries.latest(lesson_queries.lessons_about_country(user, country))
    return {"lessons": lessons, "more": more, "all_url": _list_url(country=country.iso3)}


def theme_block(user: AnyUser | None, theme: Any) -> dict[str, Any]:
    lessons, more = lesson_queries.latest(lesson_queries.lessons_on_theme(user, theme))
    return {"lessons": lessons, "more": more, "all_url": _list_url(theme=theme.code)}


def _list_url(**filters: str) -> str:
    return f"{reverse('knowledge:lesson_list')}?{urlencode(filters)}"
