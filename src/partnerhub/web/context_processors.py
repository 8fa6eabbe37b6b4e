from django.conf import settings

from partnerhub.core.visibility import circle_of


def site(request):
    user = getattr(request, "user", None)
    return {
        "site_name": "Partnership Hub",
        "user_circle": circle_of(user) if user is not None else None,
        "production": settings.PRODUCTION,
    }
