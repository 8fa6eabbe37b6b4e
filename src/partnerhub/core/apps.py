from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "partnerhub.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="core-create-cache-table")


def create_cache_table(using: str, **_kwargs: object) -> None:
    """The shared cache of computed figures lives in a table of the database (settings.CACHES):
    every ``migrate`` (``partnerhub setup``, a fresh clone, the tests' database) makes sure it exists."""
    call_command("createcachetable", database=using, verbosity=0)
