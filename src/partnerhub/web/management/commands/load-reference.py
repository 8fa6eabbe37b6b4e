from django.core.management.base import BaseCommand

from partnerhub.geo.reference import load_countries, load_routes
from partnerhub.registry.reference import load_instruments, load_themes


class Command(BaseCommand):
    help = "Load countries, regions, routes, themes and instruments (idempotent)."

    def handle(self, *args, **options):
        counts = {
            "countries": load_countries(),
            "routes": load_routes(),
            "themes": load_themes(),
            "instruments": load_instruments(),
        }
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {summary}."))
