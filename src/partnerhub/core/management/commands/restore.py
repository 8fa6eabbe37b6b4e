"""``partnerhub restore PATH``: everything in the database replaced by a backup."""

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.core.backup import BackupError, check_backup_file, holds_data, restore
from partnerhub.core.commands import TranslatedCommand
from partnerhub.core.dataversion import data_changed


class Command(TranslatedCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # django-stubs types help as str only
        "Replace everything in the database by a file written with partnerhub backup. "
        "A database that holds records already is replaced only with --replace-everything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("The backup file to read."))
        parser.add_argument(
            "--replace-everything",
            action="store_true",
            help=_("Confirm that every record the database holds now is to be replaced by the backup's."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["path"])
        try:
            check_backup_file(source, connection.vendor)
            if holds_data() and not options["replace_everything"]:
                raise CommandError(self._refusal(source))
            restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from error
        # A backup of an earlier release gets the migrations written since.
        call_command("migrate", interactive=False, verbosity=0)
        data_changed()
        self.stdout.write(self.style.SUCCESS(_("The database was restored from %(path)s.") % {"path": source}))

    @staticmethod
    def _refusal(source: Path) -> str:
        return _(
            "The database holds records already: restoring %(path)s replaces every one of them, and "
            "whatever was written since that backup is lost. Nothing was changed. To go ahead (after a "
            "backup of the present state, if in doubt), run again with --replace-everything."
        ) % {"path": source}
