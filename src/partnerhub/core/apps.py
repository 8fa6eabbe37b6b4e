from django.apps import AppConfig
from django.core.management import call_command
from django.core.signals import request_started
from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from partnerhub.core.planner_statistics import refresh_when_due, reopen_when_moved


class CoreConfig(AppConfig):
    name = "partnerhub.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="core-create-cache-table")
        post_migrate.connect(gather_planner_statistics, sender=self, dispatch_uid="core-planner-statistics")
        connection_created.connect(refresh_when_due, dispatch_uid="core-refresh-planner-statistics")
        request_started.connect(reopen_when_moved, dispatch_uid="core-reopen-after-new-statistics")


def create_cache_table(using: str, **_kwargs: object) -> None:
    """The shared cache of computed figures lives in a table of the database (settings.CACHES):
    every ``migrate`` (``partnerhub setup``, a fresh clone, the tests' database) makes sure it exists."""
    call_command("createcachetable", database=using, verbosity=0)


def gather_planner_statistics(using: str, **_kwargs: object) -> None:
    """SQLite's planner statistics, which it keeps only once ANALYZE has run: gathered in full here
    (every row: sampled ones mislead the planner on the engagements' sharing levels), then refreshed
    by each server process for the tables that grew (core.planner_statistics). PostgreSQL's
    autovacuum keeps its own."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit=0")
            cursor.execute("ANALYZE")
