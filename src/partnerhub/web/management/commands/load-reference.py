from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from partnerhub.geo.reference import load_countries, load_recipient_regions, load_routes
from partnerhub.registry.reference import load_instruments, load_themes
from partnerhub.talent.loading import load_occupations, load_safeguard_lists


class Command(BaseCommand):
    help = "Load countries, regions, routes, themes, instruments, ISCO-08 occupations and safeguard lists (idempotent)."

    def handle(self, *args, **options):
        counts = {
            "countries": load_countries(),
            "routes": load_routes(),
            "regions": load_recipient_regions(),
            "themes": load_themes(),
            "instruments": load_instruments(),
            "occupations": load_occupations(),
            "safeguard_lists": load_safeguard_lists(),
        }
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Reference data loaded: %(countries)d countries, %(routes)d routes, "
                    "%(themes)d themes, %(instruments)d instruments, %(occupations)d ISCO-08 occupation groups, "
                    "%(safeguard_lists)d safeguard lists."
                )
                % counts
            )
        )
