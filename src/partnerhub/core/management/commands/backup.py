"""``partnerhub backup PATH``: the whole database in one file, while the site keeps running."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.core.backup import BackupError, backup
from partnerhub.core.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # django-stubs types help as str only
        "Copy the whole database, history included, to one file; safe while the site runs. "
        "SQLite: a copy of the database file; PostgreSQL: a pg_dump archive (custom format)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("The file to write."))
        parser.add_argument("--force", action="store_true", help=_("Replace the file if it exists."))

    def handle(self, *args: Any, **options: Any) -> None:
        target = Path(options["path"])
        try:
            backup(target, overwrite=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = target.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(_("Backup written to %(path)s (%(size)s bytes).") % {"path": target, "size": size})
        )
