"""What pages read about overlaps: the pairs to review, the runs covering a country, a country's summary."""

from django.db.models import Q
from django.urls import reverse

from partnerhub.core.jobs import still_active
from partnerhub.geo.models import Country
from partnerhub.overlaps.models import OverlapDecision, OverlapPair, OverlapRun
from partnerhub.overlaps.sentences import explanation_sentence
from partnerhub.overlaps.services import may_review_overlaps


def pairs_to_review(user):
    """The pending pairs whose two sides ``user`` sees, best first."""
    return OverlapPair.objects.visible_to(user).filter(decision=OverlapDecision.PENDING)


def active_run(country: Country | None) -> OverlapRun | None:
    """A run waiting or running that covers ``country`` (None: a run over the whole portfolio).
    A running run that seems stalled (``core.jobs.STALLED_AFTER`` without a sign of life) is taken for
    lost: its worker stopped, and a new run may be queued."""
    runs = OverlapRun.objects.filter(still_active())
    scope = Q(country__isnull=True) if country is None else Q(country__isnull=True) | Q(country=country)
    return runs.filter(scope).order_by("created_at", "pk").first()


def last_finished_run(country: Country) -> OverlapRun | None:
    runs = OverlapRun.objects.filter(Q(country=country) | Q(country__isnull=True), status=OverlapRun.Status.DONE)
    return runs.order_by("-finished_at", "-pk").first()


def overlaps_for_country(user, country: Country, limit: int = 5) -> dict:
    """What the country profile shows: the best pairs to review, how many there are (of those the
    user sees), the last finished run covering the country and any run waiting or running."""
    to_review = pairs_to_review(user).filter(countries=country)
    pairs = list(to_review.select_related("first__owner", "second__owner").order_by("-score", "pk")[:limit])
    for pair in pairs:
        pair.sentence = explanation_sentence(pair)
    return {
        "country": country,
        "pairs": pairs,
        "count": to_review.count(),
        "last_run": last_finished_run(country),
        "active_run": active_run(country),
        "may_run": may_review_overlaps(user),
        "list_url": f"{reverse('overlaps:overlap_list')}?country={country.iso3}",
        "run_url": reverse("overlaps:overlap_country_run", args=[country.iso3]),
    }
