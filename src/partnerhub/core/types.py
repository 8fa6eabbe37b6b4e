"""Types shared by the apps' annotations."""

from typing import TYPE_CHECKING, TypeAlias, Union

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django_stubs_ext import StrPromise

# Whoever makes a request: a logged-in user or an anonymous visitor (``request.user``). Union, not |,
# because the names are only imported for the type checker and ``AnyUser | None`` must work at run time.
AnyUser: TypeAlias = Union["User", "AnonymousUser"]  # noqa: UP007
# Text to show: a string or a lazy translation (gettext_lazy); Union for the same reason.
StrOrPromise: TypeAlias = Union[str, "StrPromise"]  # noqa: UP007


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``login_required``: its user is logged in."""

    user: "User"
