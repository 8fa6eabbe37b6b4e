"""``partnerhub rebuild-search-index``: writes the whole search index again from the records."""

import time
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.core.commands import TranslatedCommand
from partnerhub.search.indexer import rebuild


class Command(TranslatedCommand):
    help = gettext_lazy(  # type: ignore[assignment]  # django-stubs types help as str only
        "Write the search index again from every searchable record, in batches, and print the count of each type."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def report(kind: str, count: int) -> None:
            self.stdout.write(_("%(kind)s: %(count)s indexed") % {"kind": kind, "count": count})

        counts = rebuild(report)
        self.stdout.write(
            self.style.SUCCESS(
                _("Search index rebuilt: %(total)s records in %(seconds).1f s.")
                % {"total": sum(counts.values()), "seconds": time.monotonic() - started}
            )
        )
