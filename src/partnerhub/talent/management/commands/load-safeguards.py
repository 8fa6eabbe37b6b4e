"""``partnerhub load-safeguards LISTS COUNTRIES``: adds or updates safeguard list editions from files in the
format of the hub's own fixtures, for an edition the hub does not ship (for example an earlier WHO list,
from a copy whose source the file names)."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.core.commands import TranslatedCommand
from partnerhub.talent.loading import load_safeguard_lists
from partnerhub.talent.models import SafeguardList


class Command(TranslatedCommand):
    # Translated when argparse formats it; django-stubs types help as str only.
    help = gettext_lazy(  # type: ignore[assignment]
        "Load safeguard list editions (columns list, published, in_force_from, in_force_until, covers_isco, "
        "source_url, note) and their countries (columns list, iso3, who_region, basis, confidence). "
        "Loading again changes nothing; a bad file writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("lists", help=_("the file of list editions (CSV)"))
        parser.add_argument("countries", help=_("the file of listed countries (CSV)"))

    def handle(self, *args: Any, lists: str, countries: str, **options: Any) -> None:
        for path in (lists, countries):
            if not Path(path).is_file():
                raise CommandError(_("%(path)s: no such file.") % {"path": path})
        try:
            loaded = load_safeguard_lists(Path(lists), Path(countries))
        except (ValueError, UnicodeDecodeError) as error:
            raise CommandError(_("Nothing loaded. %(error)s") % {"error": error}) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("%(loaded)d safeguard list editions loaded; %(total)d held in all.")
                % {"loaded": loaded, "total": SafeguardList.objects.count()}
            )
        )
