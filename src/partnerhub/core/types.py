"""Types shared by the apps' annotations."""

from typing import TYPE_CHECKING, TypeAlias, Union

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# Whoever makes a request: a logged-in user or an anonymous visitor (``request.user``). Union, not |,
# because the names are only imported for the type checker and ``AnyUser | None`` must work at run time.
AnyUser: TypeAlias = Union["User", "AnonymousUser"]  # noqa: UP007


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``login_required``: its user is logged in."""

    user: "User"
