"""The audiences counted rows name, and which of them a reader may read.

An engagement's audience is what ``core.visibility.audience_of`` says of it: its sharing level, owner,
and the organisations, Member States or partner countries that level consults. Whether a reader may read
an engagement depends on nothing else, so the counted rows carry their engagement's audience
(``CountedAudience``) and a reader's rows are those of the audiences ``visibility_q`` lets them read —
the rule ``Engagement.objects.visible_to`` applies, decided on a few thousand audiences instead of on
every engagement. Rows are rewritten whenever their engagement changes (``counted_signals``), its
sharing lists included, so an audience never goes stale.
"""

import json
from collections.abc import Iterable
from typing import Any, cast

from django.db.models import QuerySet, prefetch_related_objects

from partnerhub.analysis.models import CountedAudience
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.visibility import audience_of, circle_of, reads_audience, visibility_q
from partnerhub.registry.models import Engagement

CHUNK = 5_000
# ``audience_of``'s keys, and the audience's many-to-many field holding each list.
_LISTS = {
    "organisations": "shared_with_organisations",
    "member_states": "shared_with_countries",
    "countries": CountedAudience.PARTNER_COUNTRIES_FIELD,
}


def readable_audiences(user: Any) -> "QuerySet[CountedAudience, Any]":
    """The audiences ``user`` may read (a subquery for the rows' ``audience_id``)."""
    rule = visibility_q(circle_of(user), cast("Any", CountedAudience))
    return CountedAudience.objects.filter(rule).values("pk")


def levels_read_whole(user: Any) -> list[str]:
    """The sharing levels of which ``user`` may read every record, whatever its owner and lists (the EU
    side reads every partner-level record): the sums of those levels are read whole."""
    circle = circle_of(user)
    return [level for level in SharingLevel.values if reads_audience(circle, {"level": level, "owner": None})]


def audience_ids(engagement_ids: Iterable[int]) -> dict[int, int]:
    """The audience of each engagement, written first where no row holds it yet."""
    audiences: dict[int, dict[str, Any]] = {}
    ids = sorted(set(engagement_ids))
    for start in range(0, len(ids), CHUNK):
        audiences.update(_audiences_of(ids[start : start + CHUNK]))
    keys = {pk: _key(audience) for pk, audience in audiences.items()}
    known = _known(set(keys.values()))
    missing = {keys[pk]: audience for pk, audience in audiences.items() if keys[pk] not in known}
    if missing:
        _create(missing)
        known = _known(set(keys.values()))
    return {pk: known[key] for pk, key in keys.items()}


def _audiences_of(ids: list[int]) -> dict[int, dict[str, Any]]:
    records = list(
        Engagement.objects.unrestricted("counted rows name the audience of every engagement")
        .filter(pk__in=ids)
        .only("pk", "sharing_level", "owner_id")
    )
    # Only the lists a level consults are read (``audience_of`` reads no other).
    restricted = [record for record in records if record.sharing_level == SharingLevel.RESTRICTED]
    partner = [record for record in records if record.sharing_level == SharingLevel.PARTNER]
    prefetch_related_objects(restricted, "shared_with_organisations", "shared_with_countries")
    prefetch_related_objects(partner, Engagement.PARTNER_COUNTRIES_FIELD)
    return {record.pk: audience_of(record) for record in records}


def _key(audience: dict[str, Any]) -> str:
    return json.dumps(audience, sort_keys=True, separators=(",", ":"))


def _known(keys: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    listed = sorted(keys)
    for start in range(0, len(listed), CHUNK):
        found.update(CountedAudience.objects.filter(key__in=listed[start : start + CHUNK]).values_list("key", "pk"))
    return found


def _create(audiences: dict[str, dict[str, Any]]) -> None:
    """Writes these audiences and their lists; another process writing the same one at the same time
    is harmless (the key is unique, the lists the same)."""
    CountedAudience.objects.bulk_create(
        [
            CountedAudience(key=key, sharing_level=audience["level"], owner_id=audience["owner"])
            for key, audience in audiences.items()
        ],
        ignore_conflicts=True,
    )
    created = _known(set(audiences))
    for list_name, field_name in _LISTS.items():
        descriptor = getattr(CountedAudience, field_name)
        through = descriptor.through
        target = descriptor.field.m2m_reverse_field_name() + "_id"
        through.objects.bulk_create(
            [
                through(countedaudience_id=created[key], **{target: target_id})
                for key, audience in audiences.items()
                for target_id in audience.get(list_name, ())
            ],
            ignore_conflicts=True,
        )
