import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.core.commands import TranslatedCommand
from partnerhub.geo.models import Country
from partnerhub.overlaps.finder import OverlapProgress, OverlapRunReport
from partnerhub.overlaps.tasks import execute_run, record_foreground_run

STAGES = {
    "loading": gettext_lazy("Loading the engagements…"),
    "vectorising": gettext_lazy("Reading the texts…"),
    "comparing": gettext_lazy("Comparing: %(done)d of %(total)d blocks"),
    "saving": gettext_lazy("Saving the pairs…"),
}


class Command(TranslatedCommand):
    # Translated when argparse formats it; django-stubs types help as str only.
    help = gettext_lazy(  # type: ignore[assignment]
        "Find possible overlaps: pairs of engagements by different owners in the same partner country, "
        "on the same theme, in overlapping periods, with similar texts. Runs over the whole portfolio, "
        "or over one partner country with --country; reviewed pairs keep their decision unless a side changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--country", metavar="ISO3", help=_("only the pairs sharing this partner country"))
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help=_("print a JSON summary as the last line")
        )

    def handle(self, *args, country=None, as_json=False, **options):
        partner = _partner_country(country) if country else None
        run = record_foreground_run(partner)
        report = execute_run(run, progress=self._show_stage if options["verbosity"] > 1 else None)
        if report is None:
            raise CommandError(run.error_message)
        if as_json:
            self.stdout.write(json.dumps(report.as_dict()))
        else:
            self.stdout.write(self.style.SUCCESS(summary(report)))

    def _show_stage(self, progress: OverlapProgress) -> None:
        self.stderr.write(
            str(STAGES.get(progress.stage, progress.stage)) % {"done": progress.done, "total": progress.total},
            style_func=str,
        )


def _partner_country(code: str) -> Country:
    country = Country.objects.partners().filter(iso3=code.strip().upper()).first()
    if country is None:
        raise CommandError(
            _(
                "--country: %(code)s is not the ISO 3166 alpha-3 code of a partner country "
                "(a country outside the EU), e.g. MAR."
            )
            % {"code": code}
        )
    return country


def summary(report: OverlapRunReport) -> str:
    scope = report.country or _("the whole portfolio")
    return _(
        "%(scope)s — engagements: %(engagements)d, blocks: %(blocks)d, candidate pairs compared: "
        "%(candidates_compared)d, pairs found: %(pairs_found)d (new: %(new)d, reopened after a change: "
        "%(reopened)d, decisions kept: %(kept_decisions)d, updated: %(updated)d, no longer found: %(removed)d); "
        "%(seconds).1f s."
    ) % {**report.as_dict(), "scope": scope}
