from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from partnerhub.access.oidc import SignOnCallback, SignOnStart
from partnerhub.access.views import HubLoginView
from partnerhub.api import api

urlpatterns = [
    path("", include("partnerhub.web.urls")),
    path("engagements/", include("partnerhub.registry.urls")),
    path("", include("partnerhub.overlaps.urls")),
    path("", include("partnerhub.analysis.urls")),
    path("agenda/", include("partnerhub.agenda.urls")),
    path("", include("partnerhub.plans.urls")),
    path("notifications/", include("partnerhub.notifications.urls")),
    path("facts/", include("partnerhub.facts.urls")),
    path("talent/", include("partnerhub.talent.urls")),
    path("knowledge/", include("partnerhub.knowledge.urls")),
    path("search/", include("partnerhub.search.urls")),
    path("iati/", include("partnerhub.iati.urls")),
    path("import/sheet/", include("partnerhub.sheets.urls")),
    path("account/", include("partnerhub.access.urls")),
    path("accounts/login/", HubLoginView.as_view(), name="login"),
    # Single sign-on (OpenID Connect): 404 unless configured. mozilla-django-oidc reverses these names.
    path("oidc/authenticate/", SignOnStart.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", SignOnCallback.as_view(), name="oidc_authentication_callback"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

# A database lost outside a view (the session saved after it, in a middleware) answers 503 too.
handler400 = "partnerhub.core.unavailable.bad_request"
handler500 = "partnerhub.core.unavailable.server_error"
