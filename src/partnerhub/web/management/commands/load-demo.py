from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from partnerhub.registry.models import Theme
from partnerhub.web.demo import DEMO_PASSWORD, DemoError, DemoLogin, build_demo


class Command(BaseCommand):
    help = (
        "Build the demo portfolio (invented engagements, real organisations) and one demo log-in "
        "per confidentiality circle. Idempotent. For demonstration databases only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-in-production",
            action="store_true",
            help="Build the demo even though PARTNERHUB_PRODUCTION is on (it creates log-ins "
            "with a published password).",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["allow_in_production"]:
            raise CommandError(
                _(
                    "This is a production site: the demo accounts have a published "
                    "password. Use --allow-in-production to build it anyway."
                )
            )
        if not Theme.objects.exists():
            call_command("load-reference", stdout=self.stdout)
        try:
            summary = build_demo(stdout=self.stdout)
        except DemoError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        self.stdout.write(format_table(summary.logins))
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                _(
                    "Every demo account uses the password %(password)s. It is published here: use these "
                    "accounts on demo databases only."
                )
                % {"password": DEMO_PASSWORD}
            )
        )


def format_table(logins: list[DemoLogin]) -> str:
    """The log-ins as a plain-text table; the last column is left ragged."""
    rows = [
        (_("username"), _("organisation"), _("role"), _("sees")),
        *((login.username, login.organisation, login.role, login.circle) for login in logins),
    ]
    widths = [max(len(str(row[column])) for row in rows) for column in range(3)]
    rule = ["-" * width for width in [*widths, len(str(rows[0][3]))]]
    return "\n".join(_line(row, widths) for row in [rows[0], rule, *rows[1:]])


def _line(row, widths: list[int]) -> str:
    cells = [str(cell).ljust(width) for cell, width in zip(row[:3], widths, strict=True)]
    return "  ".join([*cells, str(row[3])]).rstrip()
