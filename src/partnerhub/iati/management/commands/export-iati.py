import os
import sys
import tempfile
from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerhub.iati.export import public_only, write_iati_file
from partnerhub.registry.filters import EngagementFilter
from partnerhub.registry.models import Engagement

# (option, filter field, repeatable): the filters of the engagement list.
FILTER_OPTIONS = (
    ("country", "country", True),
    ("theme", "theme", True),
    ("organisation", "organisation", True),
    ("instrument", "instrument", True),
    ("kind", "kind", True),
    ("status", "status", True),
    ("year_from", "year_from", False),
    ("year_to", "year_to", False),
    ("q", "q", False),
)


class Command(BaseCommand):
    help = _(
        "Write the public engagements, filtered like the engagement list, as an IATI 2.03 "
        "activity file. Restricted, originator, EU and partner records are never written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help=_("file to write, or - for the standard output"))
        parser.add_argument("--country", action="append", default=[], help=_("partner country (ISO alpha-3)"))
        parser.add_argument("--theme", action="append", default=[], help=_("theme code, sub-themes included"))
        parser.add_argument(
            "--organisation", action="append", default=[], help=_("organisation id, as owner or participant")
        )
        parser.add_argument("--instrument", action="append", default=[], help=_("funding instrument code"))
        parser.add_argument("--kind", action="append", default=[], help=_("kind of engagement"))
        parser.add_argument("--status", action="append", default=[], help=_("status"))
        parser.add_argument("--year-from", help=_("active in or after this year"))
        parser.add_argument("--year-to", help=_("active in or before this year"))
        parser.add_argument("--q", help=_("words in title, description or references"))

    def handle(self, *args, output, **options):
        engagements = public_only(selection(filter_query(options))).in_stable_order()
        count = engagements.count()
        if not count:
            raise CommandError(
                _(
                    "No public engagement matches these filters: an IATI file needs one "
                    "activity at least. Nothing was written."
                )
            )
        if output == "-":
            write_iati_file(engagements, sys.stdout.buffer)
        else:
            write_atomically(Path(output), engagements)
        message = ngettext(
            "%(count)d activity written to %(file)s.", "%(count)d activities written to %(file)s.", count
        ) % {"count": count, "file": output}
        (self.stderr if output == "-" else self.stdout).write(self.style.SUCCESS(message))


def filter_query(options: dict) -> QueryDict:
    """The query string the list page would receive for the same filters."""
    query = QueryDict(mutable=True)
    for option, field, repeatable in FILTER_OPTIONS:
        value = options.get(option)
        if repeatable and value:
            query.setlist(field, [str(item) for item in value])
        elif not repeatable and value not in (None, ""):
            query[field] = str(value)
    return query


def selection(query: QueryDict):
    """What an anonymous visitor sees (the public records), filtered; a bad
    filter value stops the command, naming the option."""
    engagement_filter = EngagementFilter(query, queryset=Engagement.objects.visible_to(AnonymousUser()))
    if not engagement_filter.is_valid():
        raise CommandError(
            "\n".join(
                f"--{field.replace('_', '-')}: {message}"
                for field, messages in engagement_filter.errors.items()
                for message in messages
            )
        )
    return engagement_filter.qs


def write_atomically(path: Path, engagements) -> None:
    """Written next to its place, then moved there: a failure leaves no half file."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise CommandError(_("The folder %(folder)s does not exist.") % {"folder": directory})
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            write_iati_file(engagements, stream)
        os.chmod(temporary, 0o666 & ~current_umask())  # mkstemp makes it private
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
