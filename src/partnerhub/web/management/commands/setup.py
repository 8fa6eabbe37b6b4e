from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = (
        "Prepare the database in one step: apply migrations, load the reference data and, with "
        "--demo, the demo portfolio. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also build the demo portfolio and its log-ins.")

    def handle(self, *args, **options):
        pending = pending_migrations()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(
                _("Database ready: %(count)d migrations applied.") % {"count": pending}
                if pending
                else _("Database ready: it was already up to date.")
            )
        )
        call_command("load-reference", stdout=self.stdout)
        if options["demo"]:
            call_command("load-demo", stdout=self.stdout)
            call_command("find-overlaps", stdout=self.stdout)
        self.stdout.write(_("Set-up complete. Start the site with: partnerhub runserver"))


def pending_migrations() -> int:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))
