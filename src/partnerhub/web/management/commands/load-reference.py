from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from partnerhub.geo.reference import load_countries, load_recipient_regions, load_routes
from partnerhub.registry.reference import load_instruments, load_themes


class Command(BaseCommand):
    help = "Load countries, regions, routes, themes and instruments (idempotent)."

    def handle(self, *args, **options):
        counts = {
            "countries": load_countries(),
            "routes": load_routes(),
            "regions": load_recipient_regions(),
            "themes": load_themes(),
            "instruments": load_instruments(),
        }
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Reference data loaded: %(countries)d countries, %(routes)d routes, "
                    "%(themes)d themes, %(instruments)d instruments."
                )
                % counts
            )
        )
