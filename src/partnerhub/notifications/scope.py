"""What a user follows, as the ids the item queries filter on."""

from dataclasses import dataclass

from django.db.models import Q

from partnerhub.core.types import AnyUser
from partnerhub.notifications.models import Follow
from partnerhub.registry.models import Theme


@dataclass(frozen=True)
class Scope:
    """The followed partner countries, and the followed themes with every theme below them."""

    country_ids: frozenset[int]
    theme_ids: frozenset[int]

    @property
    def is_empty(self) -> bool:
        return not self.country_ids and not self.theme_ids

    def q(self, country: str, theme: str) -> Q:
        """Records about a followed country (field ``country``) or on a followed theme (field ``theme``)."""
        return Q(**{f"{country}__in": self.country_ids}) | Q(**{f"{theme}__in": self.theme_ids})


def scope_of(user: AnyUser | None) -> Scope:
    """Two queries: the user's follows and the theme tree (a few dozen rows)."""
    if user is None or not user.is_authenticated:
        return Scope(frozenset(), frozenset())
    follows = list(Follow.objects.filter(user_id=user.pk).values_list("country_id", "theme_id"))
    country_ids = frozenset(country for country, _ in follows if country is not None)
    followed_themes = {theme for _, theme in follows if theme is not None}
    return Scope(country_ids, frozenset(with_descendants(followed_themes)) if followed_themes else frozenset())


def with_descendants(theme_ids: set[int]) -> set[int]:
    """Following a pillar follows every theme under it."""
    children: dict[int, list[int]] = {}
    for pk, parent in Theme.objects.values_list("pk", "parent_id"):
        if parent is not None:
            children.setdefault(parent, []).append(pk)
    found, frontier = set(theme_ids), list(theme_ids)
    while frontier:
        below = children.get(frontier.pop(), [])
        frontier.extend(pk for pk in below if pk not in found)
        found.update(below)
    return found
