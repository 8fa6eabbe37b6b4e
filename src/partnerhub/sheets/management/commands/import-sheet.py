import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.sheets.findings import Finding, SheetRefused, Tier
from partnerhub.sheets.reader import check_size
from partnerhub.sheets.services import ImportSummary, import_sheet


class Command(BaseCommand):
    help = (
        "Check an organisation's engagement spreadsheet (.xlsx or .csv, filled in from the template) and, "
        "with --confirm, import it. Without --confirm nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument(
            "--organisation", required=True, help="The owner organisation: its id or IATI organisation identifier."
        )
        parser.add_argument(
            "--user",
            help="Username of an editor of the organisation, who is recorded as the author (required with --confirm).",
        )
        parser.add_argument("--confirm", action="store_true", help="Write the rows that are not critical.")
        parser.add_argument(
            "--json", action="store_true", help="Print a JSON summary with every finding as the last line."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        organisation = _organisation(options["organisation"])
        user = _user(options["user"])
        if options["confirm"] and user is None:
            raise CommandError(
                _(
                    "--confirm needs --user: the editor of %(organisation)s who is recorded as the "
                    "author of the changes."
                )
                % {"organisation": organisation}
            )
        try:
            check_size(path.stat().st_size)
            summary = import_sheet(
                path.name, path.read_bytes(), organisation, acting_user=user, confirm=options["confirm"]
            )
        except SheetRefused as refusal:
            refusal.file_name = refusal.file_name or path.name
            if options["json"]:
                self.stdout.write(json.dumps(refused_json(path.name, refusal.reason), ensure_ascii=False))
            raise CommandError(refusal.message) from refusal
        except PermissionDenied as denial:
            raise CommandError(str(denial)) from denial
        self._report(summary)
        if options["json"]:
            self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False))

    def _report(self, summary: ImportSummary) -> None:
        for finding in summary.findings():
            self.stdout.write(describe(finding))
        counts = summary.counts
        if summary.confirmed:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Imported %(rows_read)s rows: %(created)s new, %(updated)s updated, %(unchanged)s unchanged, "
                        "%(skipped)s not imported."
                    )
                    % counts
                )
            )
        else:
            self.stdout.write(
                _(
                    "Preview of %(rows_read)s rows, nothing written: %(created)s would be new, %(updated)s updated, "
                    "%(unchanged)s unchanged, %(skipped)s not imported. Run again with --confirm to import."
                )
                % counts
            )


def describe(finding: Finding) -> str:
    place = [_("row %(row)s") % {"row": finding.row}] if finding.row else [_("file")]
    if finding.column:
        place.append(finding.column)
    return f"{', '.join(place)} [{finding.tier}]: {finding.reason}"


def refused_json(file_name: str, reason: str) -> dict:
    error = {"file": file_name, **Finding(Tier.CRITICAL, reason).as_dict()}
    return {
        "rows_read": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "confirmed": False,
        "errors": [error],
    }


def _organisation(reference: str) -> Organisation:
    organisations = Organisation.objects.all()
    found = (
        organisations.filter(pk=int(reference))
        if reference.isdigit()
        else organisations.filter(iati_identifier=reference)
    ).first()
    if found is None:
        raise CommandError(
            _("No organisation with the id or IATI identifier %(reference)s.") % {"reference": reference}
        )
    return found


def _user(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("No active user named %(username)s.") % {"username": username})
    return user
