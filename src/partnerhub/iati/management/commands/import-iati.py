"""``partnerhub import-iati``: the site operator's import.

Run by whoever operates the site, it is trusted: every activity is written for
the organisation that reports it, as the publisher's own file would be.
``--user NAME`` imports as that person instead, under the rule of the upload
page: only activities their organisations report and own are written.
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partnerhub.core.commands import TranslatedCommand
from partnerhub.iati.services import ImportProgress, ImportReport, import_iati_files

BAR_WIDTH = 30


class Command(TranslatedCommand):
    # Translated when argparse formats it; django-stubs types help as str only.
    help = gettext_lazy(  # type: ignore[assignment]
        "Import IATI activity files (2.01–2.03): files or folders searched for *.xml. "
        "Keeps the migration-relevant activities unless --all is given. Writes for every publisher, "
        "unless --user limits it to what that person's organisations own."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help=_("IATI activity files or folders"))
        parser.add_argument(
            "--all",
            action="store_true",
            dest="keep_all",
            help=_("keep every activity, not only the migration-relevant ones"),
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help=_("print a JSON summary as the last line")
        )
        parser.add_argument(
            "--user",
            dest="username",
            metavar="NAME",
            help=_("import as this user: only activities their organisations own are written, as on the upload page"),
        )

    def handle(self, *args, paths, keep_all, as_json, username=None, **options):
        acting_user = _active_user(username) if username else None
        bar = ProgressBar(self.stderr) if _is_terminal(self.stderr) else None
        report = import_iati_files(paths, keep_all=keep_all, progress=bar, acting_user=acting_user)
        if bar is not None:
            bar.close()
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
        else:
            self._write_summary(report)
        if report.failed_files:
            raise CommandError(
                ngettext("%(n)d file could not be imported.", "%(n)d files could not be imported.", report.failed_files)
                % {"n": report.failed_files}
            )

    def _write_summary(self, report: ImportReport) -> None:
        for problem in report.errors:
            where = f"{problem.file}:{problem.line}" if problem.line else problem.file
            who = f" {problem.iati_identifier}" if problem.iati_identifier else ""
            self.stdout.write(f"{where}{who}: {problem.reason}")
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(files)d files, %(activities_read)d activities read, %(migration_relevant)d migration-relevant: "
                    "%(created)d created, %(updated)d updated, %(unchanged)d unchanged, %(skipped)d skipped, "
                    "%(errors)d errors."
                )
                % {**report.as_dict(), "errors": len(report.errors)}
            )
        )


def _active_user(username: str):
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("There is no active user named %(name)s.") % {"name": username})
    return user


def _is_terminal(stream) -> bool:
    target = getattr(stream, "_out", stream)
    return hasattr(target, "isatty") and target.isatty()


class ProgressBar:
    """One line on the terminal, redrawn in place: file, share of its bytes, activities."""

    def __init__(self, stream):
        self.stream = stream
        self.drawn = False

    def __call__(self, progress: ImportProgress) -> None:
        share = progress.bytes_read / progress.bytes_total if progress.bytes_total else 1.0
        filled = round(share * BAR_WIDTH)
        line = _("%(bar)s %(percent)3d%%  file %(number)d/%(total)d %(name)s  %(activities)d activities") % {
            "bar": "[" + "#" * filled + "-" * (BAR_WIDTH - filled) + "]",
            "percent": round(share * 100),
            "number": progress.file_number,
            "total": progress.files_total,
            "name": progress.path.name[:40],
            "activities": progress.activities_read,
        }
        # Plain text: the command's stderr would otherwise colour it as an error.
        self.stream.write("\r" + line.ljust(100), style_func=_plain, ending="")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("", style_func=_plain, ending="\n")
            self.stream.flush()


def _plain(text: str) -> str:
    return text
