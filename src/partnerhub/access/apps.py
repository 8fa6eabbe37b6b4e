from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "partnerhub.access"
    label = "access"
    verbose_name = _("Access and organisations")

    def ready(self) -> None:
        from partnerhub.core.confidential import Searchable, register_public_searchable

        register_public_searchable(
            "access.Organisation",
            Searchable(kind="organisation", title="name", body=("name_fr", "acronym", "aliases"), countries="country"),
            readable_by=organisations_readable_by,
        )


def organisations_readable_by(user: Any) -> Any:
    """Organisations are public inside the hub: every signed-in user finds them, nobody else."""
    from partnerhub.access.models import Organisation

    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.all()
