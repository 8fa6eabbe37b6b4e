"""One record of each registered confidential model, hidden from everyone outside its owner.

The registrations name these functions (``core.confidential.register(…, factory=…)``);
the leak walker plants one record from each, with ``secret`` where a page could print it.
"""

from datetime import date

from partnerhub.analysis.models import PartnerPriority, PriorityComment
from partnerhub.geo.models import Country, RecipientRegion
from partnerhub.overlaps.models import OverlapPair
from partnerhub.registry.models import EngagementLink, EngagementRegion, EngagementSector, Participation, Theme

HIDDEN_AMOUNT = "777777"


def hidden_engagement(cast, *, secret: str, **fields):
    return cast.engagement(cast.german_interior, cast.german_ministry_editor, sharing_level="originator",
                           title=secret, **fields)


def hidden_money_line(cast, *, secret: str):
    return hidden_engagement(cast, secret=secret, amount=HIDDEN_AMOUNT).money_lines.get()


def hidden_country_share(cast, *, secret: str):
    return hidden_engagement(cast, secret=secret).country_shares.get()


def hidden_theme_share(cast, *, secret: str):
    return hidden_engagement(cast, secret=secret).theme_shares.get()


def hidden_region_share(cast, *, secret: str):
    engagement = hidden_engagement(cast, secret=secret, countries=())
    return EngagementRegion.objects.create(engagement=engagement, region=RecipientRegion.objects.get(code="189"))


def hidden_participation(cast, *, secret: str):
    return Participation.objects.create(engagement=hidden_engagement(cast, secret=secret), organisation=cast.iom,
                                        role="implementer")


def hidden_sector(cast, *, secret: str):
    return EngagementSector.objects.create(engagement=hidden_engagement(cast, secret=secret), code="15190")


def hidden_link(cast, *, secret: str):
    return EngagementLink.objects.create(source=hidden_engagement(cast, secret=secret),
                                         target=hidden_engagement(cast, secret=f"{secret}-target"), kind="related")


def hidden_priority(cast, *, secret: str):
    return PartnerPriority.objects.create(
        owner=cast.german_interior, country=Country.objects.get(iso3="MAR"), theme=Theme.objects.get(code="DEV-REMIT"),
        description=secret, source=secret, stated_on=date(2025, 1, 1), sharing_level="originator")


def hidden_priority_comment(cast, *, secret: str):
    return PriorityComment.objects.create(priority=hidden_priority(cast, secret=secret),
                                          organisation=cast.german_interior, author=cast.german_ministry_editor,
                                          text=secret)


def hidden_overlap_pair(cast, *, secret: str):
    """Hidden by one side only: the other is public, as the finder pairs them."""
    hidden = hidden_engagement(cast, secret=secret)
    public = cast.engagement(cast.iom, cast.iom_officer, sharing_level="public", title="An open programme")
    first, second = sorted((hidden, public), key=lambda engagement: engagement.pk)
    pair = OverlapPair.objects.create(first=first, second=second, score=0.9, text_similarity=0.8,
                                      first_fingerprint="a", second_fingerprint="b", found_at=first.created_at,
                                      decision_note=secret)
    pair.countries.set([Country.objects.get(iso3="MAR")])
    return pair
