"""``partnerhub refresh-figures``: computes the counted-once rows of every country again."""

import time
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.analysis.figures.counted import rebuild_all
from partnerhub.core.commands import TranslatedCommand
from partnerhub.core.dataversion import data_changed


class Command(TranslatedCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # django-stubs types help as str only
        "Compute the counted-once money of every engagement in every partner country again, after "
        "data was changed outside the hub's services and imports (a bulk load, a change by hand)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        countries = rebuild_all()
        data_changed()  # figures kept in the cache were made from the rows just replaced
        self.stdout.write(
            self.style.SUCCESS(
                _("Counted-once money computed again for %(countries)s countries in %(seconds).1f s.")
                % {"countries": countries, "seconds": time.monotonic() - started}
            )
        )
