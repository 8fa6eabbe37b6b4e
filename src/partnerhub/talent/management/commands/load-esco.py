"""``partnerhub load-esco PATH``: links ESCO occupations to the ISCO-08 unit groups."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.core.commands import TranslatedCommand
from partnerhub.talent.loading import load_esco


class Command(TranslatedCommand):
    # Translated when argparse formats it; django-stubs types help as str only.
    help = gettext_lazy(  # type: ignore[assignment]
        "Load the ESCO occupations of an ESCO CSV export (columns concept_uri, preferred_label, isco_group) "
        "under their ISCO-08 unit groups. Loading it again changes nothing; a bad file writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_("the ESCO occupations file (CSV)"))
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help=_("print a JSON summary as the last line")
        )

    def handle(self, *args: Any, path: str, as_json: bool, **options: Any) -> None:
        try:
            report = load_esco(Path(path))
        except FileNotFoundError as error:
            raise CommandError(_("%(path)s: no such file.") % {"path": path}) from error
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(_("%(path)s: nothing loaded. %(error)s") % {"path": path, "error": error}) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("%(read)d ESCO occupations read: %(loaded)d loaded, %(unchanged)d unchanged.")
                % {"read": report.read, "loaded": report.loaded, "unchanged": report.unchanged}
            )
        )
        if as_json:
            self.stdout.write(json.dumps({"read": report.read, "loaded": report.loaded, "unchanged": report.unchanged}))
