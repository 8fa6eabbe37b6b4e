"""Found pairs: their score and explanation, and saving them so that decisions last."""

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from partnerhub.access.models import Organisation
from partnerhub.core.history import record_change
from partnerhub.core.models import ObjectChange
from partnerhub.geo.models import Country
from partnerhub.overlaps.finder.portfolio import NO_END, NO_START, OVERLAP_FINDER, Portfolio, ThemeTree
from partnerhub.overlaps.models import OverlapDecision, OverlapPair
from partnerhub.registry.models import EngagementCountry, Theme

SCORE_WEIGHTS = {"text": 0.6, "themes": 0.15, "time": 0.15, "implementer": 0.1}
SAVE_BATCH = 1000


@dataclass
class FoundPair:
    first_id: int
    second_id: int
    text_similarity: float
    score: float
    explanation: dict
    country_ids: list[int]
    first_fingerprint: str
    second_fingerprint: str


@dataclass
class Names:
    """Readable names of what explanations mention, loaded once per run."""

    countries: dict[int, tuple[str, str]]
    themes: dict[int, tuple[str, str]]
    organisations: dict[int, str]

    @classmethod
    def load(cls, country_ids: set[int], theme_ids: set[int], organisation_ids: set[int]) -> "Names":
        return cls(
            countries={
                pk: (iso3, name)
                for pk, iso3, name in Country.objects.filter(pk__in=country_ids).values_list("pk", "iso3", "name")
            },
            themes={
                pk: (code, name)
                for pk, code, name in Theme.objects.filter(pk__in=theme_ids).values_list("pk", "code", "name")
            },
            organisations={
                organisation.pk: organisation.short_name
                for organisation in Organisation.objects.filter(pk__in=organisation_ids).only("name", "acronym")
            },
        )


def describe_pairs(
    portfolio: Portfolio, tree: ThemeTree, first: np.ndarray, second: np.ndarray, similarities: np.ndarray
) -> list[FoundPair]:
    shared = [(int(i), int(j), float(s)) for i, j, s in zip(first, second, similarities, strict=True)]
    names = Names.load(
        {c for i, j, _s in shared for c in set(portfolio.countries[i]) & set(portfolio.countries[j])},
        {t for i, j, _s in shared for t in tree.shared(portfolio.themes[i], portfolio.themes[j])},
        {o for i, j, _s in shared for o in portfolio.implementers[i] & portfolio.implementers[j]},
    )
    today = timezone.localdate().toordinal()
    return [describe_pair(portfolio, tree, names, i, j, similarity, today) for i, j, similarity in shared]


def describe_pair(
    portfolio: Portfolio, tree: ThemeTree, names: Names, i: int, j: int, similarity: float, today: int
) -> FoundPair:
    country_ids = sorted(set(portfolio.countries[i]) & set(portfolio.countries[j]))
    theme_ids = tree.shared(portfolio.themes[i], portfolio.themes[j])
    implementer_ids = sorted(
        portfolio.implementers[i] & portfolio.implementers[j], key=lambda pk: names.organisations.get(pk, "")
    )
    theme_share = min(1.0, len(theme_ids) / max(len(portfolio.themes[i]), len(portfolio.themes[j])))
    period, time_share = shared_period(portfolio, i, j, today)
    parts = {
        "text": SCORE_WEIGHTS["text"] * similarity,
        "themes": SCORE_WEIGHTS["themes"] * theme_share,
        "time": SCORE_WEIGHTS["time"] * time_share,
        "implementer": SCORE_WEIGHTS["implementer"] if implementer_ids else 0.0,
    }
    explanation = {
        "countries": [{"iso3": names.countries[c][0], "name": names.countries[c][1]} for c in country_ids],
        "themes": [{"code": names.themes[t][0], "name": names.themes[t][1]} for t in theme_ids],
        "period": period,
        "undated": [side for side, row in (("first", i), ("second", j)) if not portfolio.dated[row]],
        "text_similarity": round(similarity, 4),
        "theme_share": round(theme_share, 4),
        "time_share": round(time_share, 4),
        "same_implementers": [{"id": pk, "name": names.organisations.get(pk, "")} for pk in implementer_ids],
        "score_parts": {name: round(value, 4) for name, value in parts.items()},
    }
    return FoundPair(
        first_id=int(portfolio.ids[i]),
        second_id=int(portfolio.ids[j]),
        text_similarity=round(similarity, 4),
        score=round(min(1.0, sum(parts.values())), 4),
        explanation=explanation,
        country_ids=country_ids,
        first_fingerprint=portfolio.fingerprints[i],
        second_fingerprint=portfolio.fingerprints[j],
    )


def shared_period(portfolio: Portfolio, i: int, j: int, today: int) -> tuple[dict | None, float]:
    """The common period ({"from", "until"}, None for an open side) and the share of the shorter
    period it covers. An open end counts as running until today (or its start, if later)."""
    if not (portfolio.dated[i] and portfolio.dated[j]):
        return None, 0.0
    starts = [int(portfolio.starts[row]) for row in (i, j)]
    ends = [int(portfolio.ends[row]) for row in (i, j)]
    first_day, last_day = max(starts), min(ends)
    period = {"from": _iso(first_day), "until": _iso(last_day)}
    measured_ends = [end if end != NO_END else max(today, start) for start, end in zip(starts, ends, strict=True)]
    lengths = [end - start + 1 for start, end in zip(starts, measured_ends, strict=True) if start != NO_START]
    if not lengths:
        return period, 1.0
    common = min(measured_ends) - max(starts) + 1 if first_day != NO_START else min(lengths)
    return period, max(0.0, min(1.0, common / min(lengths)))


def _iso(day: int) -> str | None:
    return None if day in (NO_START, NO_END) else date.fromordinal(day).isoformat()


PAIR_FIELDS = (
    "pk",
    "first_id",
    "second_id",
    "decision",
    "first_fingerprint",
    "second_fingerprint",
    "score",
    "text_similarity",
    "explanation",
    "decided_by_id",
    "decided_at",
    "decision_note",
)
REFRESHED_FIELDS = ["score", "text_similarity", "explanation", "first_fingerprint", "second_fingerprint"]
REOPENED_FIELDS = [*REFRESHED_FIELDS, "decision", "decision_note", "decided_by", "decided_at", "found_at"]


@dataclass
class StoredPair:
    pk: int
    first_id: int
    second_id: int
    decision: str
    first_fingerprint: str
    second_fingerprint: str
    score: float
    text_similarity: float
    explanation: dict
    decided_by_id: int | None
    decided_at: datetime | None
    decision_note: str
    country_ids: set[int] = field(default_factory=set)


@dataclass
class SavedCounts:
    new: int = 0
    updated: int = 0
    reopened: int = 0
    kept_decisions: int = 0
    removed: int = 0


def save_found_pairs(found: list[FoundPair], country: Country | None, portfolio: Portfolio) -> SavedCounts:
    """Upsert the pairs in one transaction: decisions stay unless a side changed; pending
    pairs no longer found go; decided ones stay as history."""
    now, report = timezone.now(), SavedCounts()
    with transaction.atomic():
        stored = _stored_pairs(country)
        created: list[FoundPair] = []
        refreshed: list[OverlapPair] = []
        reopened: list[tuple[StoredPair, FoundPair]] = []
        matched: list[tuple[StoredPair, FoundPair]] = []
        for pair in found:
            earlier = stored.pop((pair.first_id, pair.second_id), None)
            if earlier is None:
                created.append(pair)
                continue
            matched.append((earlier, pair))
            if earlier.decision != OverlapDecision.PENDING and not _sides_changed(earlier, pair):
                report.kept_decisions += 1
                _refresh_if_changed(earlier, pair, refreshed)
            elif earlier.decision != OverlapDecision.PENDING:
                reopened.append((earlier, pair))
            elif _refresh_if_changed(earlier, pair, refreshed):
                report.updated += 1
        _create(created, now)
        OverlapPair.objects.unrestricted(OVERLAP_FINDER).bulk_update(refreshed, REFRESHED_FIELDS, batch_size=SAVE_BATCH)
        _reopen(reopened, portfolio, now)
        _replace_countries(matched)
        report.removed = _remove_pending([pair for pair in stored.values() if pair.decision == OverlapDecision.PENDING])
        report.new, report.reopened = len(created), len(reopened)
    return report


def _stored_pairs(country: Country | None) -> dict[tuple[int, int], StoredPair]:
    """The pairs this run may change: all of them, or those sharing ``country`` (stored as sharing
    it, or with both sides in it now). They stay locked until the run has saved, so that a decision
    taken meanwhile waits rather than being overwritten (PostgreSQL; SQLite has one writer anyway)."""
    pairs = OverlapPair.objects.unrestricted(OVERLAP_FINDER)
    if country is not None:
        in_country = EngagementCountry.objects.filter(country=country)
        pairs = OverlapPair.objects.unrestricted(OVERLAP_FINDER).filter(
            pk__in=OverlapPair.objects.filter(
                Q(countries=country)
                | Q(
                    Exists(in_country.filter(engagement=OuterRef("first"))),
                    Exists(in_country.filter(engagement=OuterRef("second"))),
                )
            ).values("pk")
        )
    stored = {(row[1], row[2]): StoredPair(*row) for row in pairs.select_for_update().values_list(*PAIR_FIELDS)}
    by_pk = {pair.pk: pair for pair in stored.values()}
    through = OverlapPair.countries.through.objects.filter(overlappair_id__in=pairs.values("pk"))
    for pair_id, country_id in through.values_list("overlappair_id", "country_id"):
        if pair_id in by_pk:
            by_pk[pair_id].country_ids.add(country_id)
    return stored


def _sides_changed(earlier: StoredPair, pair: FoundPair) -> list[str]:
    return [
        side
        for side in ("first", "second")
        if getattr(earlier, f"{side}_fingerprint") != getattr(pair, f"{side}_fingerprint")
    ]


def _refresh_if_changed(earlier: StoredPair, pair: FoundPair, refreshed: list[OverlapPair]) -> bool:
    explanation = _carry_previous_decision(earlier, pair.explanation)
    changed = (
        earlier.score != pair.score
        or earlier.text_similarity != pair.text_similarity
        or earlier.explanation != explanation
        or earlier.first_fingerprint != pair.first_fingerprint
        or earlier.second_fingerprint != pair.second_fingerprint
    )
    if changed:
        refreshed.append(
            OverlapPair(
                pk=earlier.pk,
                score=pair.score,
                text_similarity=pair.text_similarity,
                explanation=explanation,
                first_fingerprint=pair.first_fingerprint,
                second_fingerprint=pair.second_fingerprint,
            )
        )
    return changed


def _carry_previous_decision(earlier: StoredPair, explanation: dict) -> dict:
    """A reopened pair keeps saying how it was judged before, until it is judged again."""
    previous = (earlier.explanation or {}).get("previous_decision")
    if previous and earlier.decision == OverlapDecision.PENDING:
        return {**explanation, "previous_decision": previous}
    return explanation


def _create(found: list[FoundPair], now) -> None:
    pairs = [
        OverlapPair(
            first_id=pair.first_id,
            second_id=pair.second_id,
            score=pair.score,
            text_similarity=pair.text_similarity,
            explanation=pair.explanation,
            first_fingerprint=pair.first_fingerprint,
            second_fingerprint=pair.second_fingerprint,
            found_at=now,
        )
        for pair in found
    ]
    OverlapPair.objects.bulk_create(pairs, batch_size=SAVE_BATCH)
    through = OverlapPair.countries.through
    through.objects.bulk_create(
        (
            through(overlappair_id=pair.pk, country_id=country_id)
            for pair, data in zip(pairs, found, strict=True)
            for country_id in data.country_ids
        ),
        batch_size=SAVE_BATCH,
    )


def _reopen(reopened: list[tuple[StoredPair, FoundPair]], portfolio: Portfolio, now) -> None:
    """Back to "to review", saying who decided what and which side changed since."""
    deciders = {
        user.pk: user
        for user in get_user_model().objects.filter(pk__in={earlier.decided_by_id for earlier, _pair in reopened})
    }
    owners = (
        {
            organisation.pk: organisation.short_name
            for organisation in Organisation.objects.filter(pk__in=set(portfolio.owners.tolist())).only(
                "name", "acronym"
            )
        }
        if reopened
        else {}
    )
    owner_name_of = (
        {
            engagement_id: owners.get(owner_id, "")
            for engagement_id, owner_id in zip(portfolio.ids.tolist(), portfolio.owners.tolist(), strict=True)
        }
        if reopened
        else {}
    )
    updated = []
    for earlier, pair in reopened:
        decider = deciders.get(earlier.decided_by_id) if earlier.decided_by_id is not None else None
        previous = {
            "decision": earlier.decision,
            "decided_by": (decider.get_full_name() or decider.get_username()) if decider else "",
            "decided_at": earlier.decided_at.isoformat() if earlier.decided_at else None,
            "note": earlier.decision_note,
            "changed": [
                {"side": side, "owner": owner_name_of.get(getattr(pair, f"{side}_id"), "")}
                for side in _sides_changed(earlier, pair)
            ],
        }
        updated.append(
            OverlapPair(
                pk=earlier.pk,
                first_id=pair.first_id,
                second_id=pair.second_id,
                score=pair.score,
                text_similarity=pair.text_similarity,
                explanation={**pair.explanation, "previous_decision": previous},
                first_fingerprint=pair.first_fingerprint,
                second_fingerprint=pair.second_fingerprint,
                decision=OverlapDecision.PENDING,
                decision_note="",
                decided_by=None,
                decided_at=None,
                found_at=now,
            )
        )
        record_change(
            updated[-1],
            ObjectChange.Action.UPDATE,
            {"decision": earlier.decision},
            {"decision": OverlapDecision.PENDING},
            user=None,
        )
    OverlapPair.objects.unrestricted(OVERLAP_FINDER).bulk_update(updated, REOPENED_FIELDS, batch_size=SAVE_BATCH)


def _replace_countries(matched: list[tuple[StoredPair, FoundPair]]) -> None:
    """Stored pairs whose shared countries changed get the new ones."""
    changed = [
        (earlier.pk, pair.country_ids) for earlier, pair in matched if earlier.country_ids != set(pair.country_ids)
    ]
    if not changed:
        return
    through = OverlapPair.countries.through
    through.objects.filter(overlappair_id__in=[pk for pk, _countries in changed]).delete()
    through.objects.bulk_create(
        (through(overlappair_id=pk, country_id=country_id) for pk, countries in changed for country_id in countries),
        batch_size=SAVE_BATCH,
    )


def _remove_pending(pairs: list[StoredPair]) -> int:
    """Pending pairs this run no longer finds; decided pairs stay (the decision is history)."""
    ids = [pair.pk for pair in pairs]
    for start in range(0, len(ids), SAVE_BATCH):
        OverlapPair.objects.unrestricted(OVERLAP_FINDER).filter(
            pk__in=ids[start : start + SAVE_BATCH], decision=OverlapDecision.PENDING
        ).delete()
    return len(ids)
