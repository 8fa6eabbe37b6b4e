"""Who reviews possible overlaps, and the review itself: one check, one refusal, one write."""

from typing import NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.core.history import record_change, record_event
from partnerhub.core.models import ObjectChange
from partnerhub.core.visibility import can_decide_overlaps, overlap_deciding_organisations
from partnerhub.overlaps.finder.portfolio import current_fingerprints
from partnerhub.overlaps.models import OverlapDecision, OverlapPair

DECISIONS = [choice for choice in OverlapDecision.values if choice != OverlapDecision.PENDING]
NOTE_MAX_LENGTH = 2000


def reviewing_organisations(user) -> list[Organisation]:
    """EU-side organisations in which ``user`` is a coordinator or an administrator."""
    return overlap_deciding_organisations(user)


def may_review_overlaps(user) -> bool:
    """Coordinators and administrators on the EU side review pairs (of which they see both sides)
    and start the finder for a country (``core.visibility.can_decide_overlaps``)."""
    return can_decide_overlaps(user)


def require_overlap_reviewer(user) -> None:
    """The one refusal of a decision on a possible overlap: the page, the API and the service say the same."""
    if not can_decide_overlaps(user):
        _refuse_decision()


def _refuse_decision() -> NoReturn:
    raise PermissionDenied(
        _(
            "Only coordinators and administrators of EU institutions and Member State "
            "bodies who see both engagements record decisions on possible overlaps."
        )
    )


def decide_overlap(pair: OverlapPair, decision: str, note: str = "", *, acting_user) -> OverlapPair:
    """Record a reviewer's decision on a pair the reviewer sees, with its history and the event
    ``overlap.decided``."""
    with transaction.atomic(durable=True):
        require_overlap_reviewer(acting_user)
        locked = OverlapPair.objects.visible_to(acting_user).select_for_update(of=("self",)).filter(pk=pair.pk).first()
        if locked is None:
            _refuse_decision()
        note = _checked_decision(decision, note)
        before = {"decision": locked.decision, "decision_note": locked.decision_note}
        _take_decision(locked, decision, note, acting_user)
        record_change(
            locked,
            ObjectChange.Action.UPDATE,
            before,
            {"decision": locked.decision, "decision_note": locked.decision_note},
            user=acting_user,
        )
        record_event("overlap.decided", locked, user=acting_user, decision=decision)
    return locked


def _checked_decision(decision: str, note: str) -> str:
    """The note as kept; ``ValidationError`` keyed by field for a decision or a note out of bounds."""
    note = (note or "").strip()
    errors = {}
    if decision not in DECISIONS:
        errors["decision"] = _("Choose one of: duplicate, complementary, not related.")
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("Keep the note under %(n)d characters.") % {"n": NOTE_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    return note


def _take_decision(pair: OverlapPair, decision: str, note: str, acting_user) -> None:
    # The sides as the reviewer saw them now: a later change of either reopens the pair.
    fingerprints = current_fingerprints([pair.first_id, pair.second_id])
    pair.first_fingerprint = fingerprints.get(pair.first_id, pair.first_fingerprint)
    pair.second_fingerprint = fingerprints.get(pair.second_id, pair.second_fingerprint)
    pair.decision, pair.decision_note = decision, note
    pair.decided_by, pair.decided_at = acting_user, timezone.now()
    pair.explanation = {key: value for key, value in (pair.explanation or {}).items() if key != "previous_decision"}
    pair.save(
        update_fields=[
            "decision",
            "decision_note",
            "decided_by",
            "decided_at",
            "first_fingerprint",
            "second_fingerprint",
            "explanation",
        ]
    )
