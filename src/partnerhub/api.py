"""The REST API: one NinjaAPI, one router per app."""

from ninja import NinjaAPI

from partnerhub.access.api import TokenAuth, anonymous_reader, session_auth
from partnerhub.geo.api import router as geo_router
from partnerhub.registry.api import router as registry_router

api = NinjaAPI(
    title="Partnership Hub API",
    version="1",
    description=(
        "Engagements and reference data of Partnership Hub. Every operation answers "
        "with what the caller's circle may see; records outside it answer 404. "
        "Scripts authenticate with `Authorization: Bearer <token>`; the browser with "
        "its session."
    ),
    auth=[TokenAuth(), session_auth, anonymous_reader],
    urls_namespace="api",
)
api.add_router("/", geo_router)
api.add_router("/", registry_router)
