"""One record of each registered confidential model, hidden from everyone outside its owner,
and one change of it through its app's service.

The registrations name these functions (``core.confidential.register(…, factory=…, edit=…)``);
the leak walker plants one record from each factory, with ``secret`` where a page could print it,
and the permission tests (``test_permissions_per_model.py``) change it with its edit.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from partnerhub.access.models import Role
from partnerhub.analysis.models import PartnerPriority, PriorityComment
from partnerhub.analysis.services import comment_on_priority, update_priority
from partnerhub.geo.models import Country, RecipientRegion
from partnerhub.overlaps.models import OverlapPair
from partnerhub.overlaps.services import decide_overlap
from partnerhub.registry.models import EngagementLink, EngagementRegion, EngagementSector, Participation, Theme
from partnerhub.registry.services import input_from_engagement, update_engagement
from tests.support.personas import make_user

HIDDEN_AMOUNT = "777777"


def hidden_engagement(cast, *, secret: str, **fields):
    return cast.engagement(
        cast.german_interior, cast.german_ministry_editor, sharing_level="originator", title=secret, **fields
    )


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
    return Participation.objects.create(
        engagement=hidden_engagement(cast, secret=secret), organisation=cast.iom, role="implementer"
    )


def hidden_sector(cast, *, secret: str):
    return EngagementSector.objects.create(engagement=hidden_engagement(cast, secret=secret), code="15190")


def hidden_link(cast, *, secret: str):
    return EngagementLink.objects.create(
        source=hidden_engagement(cast, secret=secret),
        target=hidden_engagement(cast, secret=f"{secret}-target"),
        kind="related",
    )


def hidden_priority(cast, *, secret: str):
    return PartnerPriority.objects.create(
        owner=cast.german_interior,
        country=Country.objects.get(iso3="MAR"),
        theme=Theme.objects.get(code="DEV-REMIT"),
        description=secret,
        source=secret,
        stated_on=date(2025, 1, 1),
        sharing_level="originator",
    )


def hidden_priority_comment(cast, *, secret: str):
    return PriorityComment.objects.create(
        priority=hidden_priority(cast, secret=secret),
        organisation=cast.german_interior,
        author=cast.german_ministry_editor,
        text=secret,
    )


def hidden_overlap_pair(cast, *, secret: str):
    """Hidden by one side only: the other is public, as the finder pairs them."""
    hidden = hidden_engagement(cast, secret=secret)
    public = cast.engagement(cast.iom, cast.iom_officer, sharing_level="public", title="An open programme")
    first, second = sorted((hidden, public), key=lambda engagement: engagement.pk)
    pair = OverlapPair.objects.create(
        first=first,
        second=second,
        score=0.9,
        text_similarity=0.8,
        first_fingerprint="a",
        second_fingerprint="b",
        found_at=first.created_at,
        decision_note=secret,
    )
    pair.countries.set([Country.objects.get(iso3="MAR")])
    return pair


# -- one change of each, as its owner would make it through the service -------------------------------------


def _update(cast, engagement, change) -> None:
    data = input_from_engagement(engagement)
    change(data)
    update_engagement(engagement, data, acting_user=cast.german_ministry_editor)


def retitle(cast, engagement) -> None:
    _update(cast, engagement, lambda data: data.fields.update(title=f"{engagement.title} (revised)"))


def retitle_parent(cast, row) -> None:
    """Rows an IATI import writes change with their engagement, through its service."""
    retitle(cast, row.engagement)


def change_money(cast, line) -> None:
    def double(data):
        data.money = [replace(money, amount=money.amount * 2) for money in data.money]

    _update(cast, line.engagement, double)


def change_country_share(cast, share) -> None:
    _update(cast, share.engagement, lambda data: setattr(data, "countries", [(share.country, Decimal("100"))]))


def change_theme_share(cast, share) -> None:
    _update(cast, share.engagement, lambda data: setattr(data, "themes", [(share.theme, Decimal("100"))]))


def change_participation(cast, participation) -> None:
    _update(
        cast,
        participation.engagement,
        lambda data: setattr(data, "participations", [(participation.organisation, "funder")]),
    )


def change_link(cast, link) -> None:
    _update(cast, link.source, lambda data: setattr(data, "links", [(link.target, "follows")]))


def restate_priority(cast, priority) -> None:
    update_priority(
        priority, {"description": f"{priority.description} (restated)"}, acting_user=cast.german_ministry_editor
    )


def comment_again(cast, comment) -> None:
    comment_on_priority(comment.priority, "A second thought", acting_user=cast.german_ministry_editor)


def decide_pair(cast, pair) -> None:
    reviewer = make_user("bmi.reviewer", cast.german_interior, Role.COORDINATOR)
    decide_overlap(pair, "complementary", note="Checked with the desk", acting_user=reviewer)
