"""The safeguard lists as the matching engine reads them: every edition with its listed countries.

Which edition applies is decided by date in the engine (``matching.edition_in_force``): several
editions may stand side by side, and the newest in force on the matching date wins. Safeguard lists
are public reference data, read in two queries whatever their size.
"""

from collections import defaultdict
from datetime import date

from partnerhub.talent.matching import SafeguardEdition, edition_in_force
from partnerhub.talent.models import SafeguardList, SafeguardListing


def load_editions() -> tuple[SafeguardEdition, ...]:
    """Every safeguard list edition, newest first, with its countries (id → basis)."""
    listings: dict[int, dict[int, str]] = defaultdict(dict)
    for list_id, country_id, basis in SafeguardListing.objects.values_list("safeguard_list_id", "country_id", "basis"):
        listings[list_id][country_id] = basis
    return tuple(
        SafeguardEdition(
            name=safeguard_list.name,
            in_force_from=safeguard_list.in_force_from,
            in_force_until=safeguard_list.in_force_until,
            covers=tuple(safeguard_list.covered_codes),
            listings=listings.get(safeguard_list.pk, {}),
            source_url=safeguard_list.source_url,
        )
        for safeguard_list in SafeguardList.objects.order_by("-in_force_from", "name")
    )


def list_in_force(day: date) -> SafeguardEdition | None:
    """The edition the matching applies on ``day``."""
    return edition_in_force(load_editions(), day)
