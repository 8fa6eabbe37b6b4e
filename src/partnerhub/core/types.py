"""Type aliases shared by the apps (for annotations only)."""

from typing import TYPE_CHECKING, TypeAlias, Union

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Whoever makes a request: a logged-in user or an anonymous visitor (``request.user``). Union, not |,
# because the names are only imported for the type checker and ``AnyUser | None`` must work at run time.
AnyUser: TypeAlias = Union["User", "AnonymousUser"]  # noqa: UP007
