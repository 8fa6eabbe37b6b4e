"""``partnerhub load-facts SOURCE PATH``: loads a publisher's statistics file into the key facts."""

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partnerhub.access.models import Organisation
from partnerhub.core.commands import TranslatedCommand
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.visibility import can_edit_for
from partnerhub.facts.loading import LOADER_SKIP_REASONS, LoadReport, UnknownSource, load_file
from partnerhub.facts.services import OBSERVATION_LEVELS
from partnerhub.facts.sources import PARSERS
from partnerhub.facts.sources.base import SKIP_REASONS


class Command(TranslatedCommand):
    # Translated when argparse formats it; django-stubs types help as str only.
    help = gettext_lazy(  # type: ignore[assignment]
        "Load a statistics file (World Bank WDI, KNOMAD, UNHCR, UN DESA or a tidy CSV) into the key facts. "
        "Loading the same file again changes nothing; a file that fails validation writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help=_("the kind of file: %(names)s") % {"names": ", ".join(sorted(PARSERS))})
        parser.add_argument("path", help=_("the file to load"))
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help=_("print a JSON summary as the last line")
        )
        parser.add_argument("--user", dest="username", metavar="NAME", help=_("record this user as who loaded it"))
        parser.add_argument(
            "--organisation",
            metavar="ID",
            help=_(
                "the organisation owning the figures (its id or IATI identifier), for figures of its own "
                "rather than a publisher's; needs --user, an editor of it"
            ),
        )
        parser.add_argument(
            "--sharing-level",
            choices=OBSERVATION_LEVELS,
            default=SharingLevel.PUBLIC,
            help=_("who may read the figures (public by default)"),
        )

    def handle(self, *args: Any, source: str, path: str, as_json: bool, **options: Any) -> None:
        user = _active_user(options["username"]) if options.get("username") else None
        owner = _owner(options.get("organisation"), user)
        try:
            job, report = load_file(
                source, Path(path), loaded_by=user, owner=owner, sharing_level=options["sharing_level"]
            )
        except UnknownSource as error:
            raise CommandError(
                _("Unknown source %(source)s: use one of %(names)s.")
                % {"source": source, "names": ", ".join(sorted(PARSERS))}
            ) from error
        except FileNotFoundError as error:
            raise CommandError(_("No such file: %(path)s") % {"path": path}) from error
        if report is None:
            raise CommandError(_("Nothing was loaded. %(reason)s") % {"reason": job.error_message})
        self._write_summary(report)
        if as_json:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))

    def _write_summary(self, report: LoadReport) -> None:
        for reason, count in sorted(report.reasons.items()):
            described = SKIP_REASONS.get(reason) or LOADER_SKIP_REASONS.get(reason, reason)
            self.stdout.write(_("  skipped, %(reason)s: %(count)d") % {"reason": described, "count": count})
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(observations_read)d observations read: %(loaded)d loaded, %(unchanged)d unchanged, "
                    "%(revised)d revised, %(skipped)d skipped."
                )
                % report.as_dict()
            )
        )
        if report.reopened:
            self.stdout.write(
                self.style.WARNING(
                    ngettext(
                        "%(count)d revised figure reopens an agreed one: a coordinator decides on it.",
                        "%(count)d revised figures reopen agreed ones: a coordinator decides on them.",
                        report.reopened,
                    )
                    % {"count": report.reopened}
                )
            )


def _owner(reference: str | None, user: Any) -> Organisation | None:
    """The organisation named by ``--organisation``, for which ``user`` must edit."""
    if reference is None:
        return None
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
    if not can_edit_for(user, found.pk):
        raise CommandError(
            _("--organisation needs --user, an editor of %(organisation)s, who is recorded as who loaded it.")
            % {"organisation": found}
        )
    return found


def _active_user(username: str) -> Any:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(_("There is no active user named %(name)s.") % {"name": username})
    return user
