"""Who reviews pairs, the review itself, pairs in words, and the summary on a country's profile."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerhub.access.models import Organisation
from partnerhub.analysis.models import OverlapDecision, OverlapPair, OverlapRun
from partnerhub.analysis.overlaps.portfolio import current_fingerprints
from partnerhub.core.history import record_change, record_event
from partnerhub.core.models import ObjectChange
from partnerhub.core.visibility import can_decide_overlaps, overlap_deciding_organisations
from partnerhub.geo.models import Country

RUN_STALLED_AFTER = timedelta(hours=2)
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


def _refuse_decision() -> None:
    raise PermissionDenied(_("Only coordinators and administrators of EU institutions and Member State "
                             "bodies who see both engagements record decisions on possible overlaps."))


def decide_overlap(pair: OverlapPair, decision: str, note: str = "", *, acting_user) -> OverlapPair:
    """Record a reviewer's decision on a pair the reviewer sees, with its history and the event
    ``overlap.decided``."""
    with transaction.atomic(durable=True):
        require_overlap_reviewer(acting_user)
        locked = OverlapPair.objects.visible_to(acting_user).select_for_update(of=("self",)).filter(
            pk=pair.pk).first()
        if locked is None:
            _refuse_decision()
        note = _checked_decision(decision, note)
        before = {"decision": locked.decision, "decision_note": locked.decision_note}
        _take_decision(locked, decision, note, acting_user)
        record_change(locked, ObjectChange.Action.UPDATE, before,
                      {"decision": locked.decision, "decision_note": locked.decision_note}, user=acting_user)
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
    pair.save(update_fields=["decision", "decision_note", "decided_by", "decided_at", "first_fingerprint",
                             "second_fingerprint", "explanation"])


# -- in words ----------------------------------------------------------------------------

def explanation_sentence(pair) -> str:
    """Why the pair was raised, in the reader's language: "same country Morocco, theme Sustainable
    reintegration, 2023–2025 overlap, text similarity 0.71, same implementer IOM"."""
    explanation = (getattr(pair, "explanation", pair) or {}) if not isinstance(pair, dict) else pair
    parts = []
    countries = [item["name"] for item in explanation.get("countries", [])]
    if countries:
        parts.append(ngettext("same country %(names)s", "same countries %(names)s", len(countries))
                     % {"names": ", ".join(countries)})
    themes = [item["name"] for item in explanation.get("themes", [])]
    if themes:
        parts.append(ngettext("theme %(names)s", "themes %(names)s", len(themes)) % {"names": ", ".join(themes)})
    parts.append(period_phrase(explanation))
    if "text_similarity" in explanation:
        parts.append(_("text similarity %(value)s") % {
            "value": number_format(explanation["text_similarity"], decimal_pos=2)})
    implementers = [item["name"] for item in explanation.get("same_implementers", [])]
    if implementers:
        parts.append(ngettext("same implementer %(names)s", "same implementers %(names)s", len(implementers))
                     % {"names": ", ".join(implementers)})
    return ", ".join(part for part in parts if part)


def period_phrase(explanation: dict) -> str:
    period = explanation.get("period")
    if period is None:
        undated = explanation.get("undated", [])
        return _("periods not recorded") if len(undated) > 1 else _("period not recorded on one side")
    first, last = (_year(period.get(key)) for key in ("from", "until"))
    if first and last:
        return _("%(year)s overlap") % {"year": first} if first == last else (
            _("%(first)s–%(last)s overlap") % {"first": first, "last": last})
    if first:
        return _("overlap since %(year)s") % {"year": first}
    if last:
        return _("overlap until %(year)s") % {"year": last}
    return _("overlapping periods")


def _year(value: str | None) -> str:
    return value[:4] if value else ""


def previous_decision_sentence(pair: OverlapPair) -> str:
    """For a reopened pair: "Marked complementary by Anna Weber on 3 March 2026; the GIZ engagement
    changed since." Empty otherwise."""
    previous = (pair.explanation or {}).get("previous_decision")
    if not previous or pair.decision != OverlapDecision.PENDING:
        return ""
    label = OverlapDecision(previous["decision"]).label if previous.get("decision") in OverlapDecision.values else ""
    when = previous.get("decided_at")
    sentence = _("Marked “%(decision)s” by %(who)s on %(day)s.") % {
        "decision": label, "who": previous.get("decided_by") or _("a former user"),
        "day": date_format(date.fromisoformat(when[:10]), "DATE_FORMAT") if when else "…"}
    changed = [item.get("owner") or "" for item in previous.get("changed", [])]
    if len(changed) == 1:
        sentence += " " + _("The %(owner)s engagement changed since.") % {"owner": changed[0]}
    elif changed:
        sentence += " " + _("Both engagements changed since.")
    return sentence


# -- on the country profile ----------------------------------------------------------

def pairs_to_review(user):
    """The pending pairs whose two sides ``user`` sees, best first."""
    return OverlapPair.objects.visible_to(user).filter(decision=OverlapDecision.PENDING)


def active_run(country: Country | None) -> OverlapRun | None:
    """A run waiting or running that covers ``country`` (None: a run over the whole portfolio).
    A run that has shown no end for ``RUN_STALLED_AFTER`` is taken for lost (its worker stopped)."""
    runs = OverlapRun.objects.filter(
        Q(status=OverlapRun.Status.QUEUED)
        | Q(status=OverlapRun.Status.RUNNING, started_at__gte=timezone.now() - RUN_STALLED_AFTER))
    scope = Q(country__isnull=True) if country is None else Q(country__isnull=True) | Q(country=country)
    return runs.filter(scope).order_by("created_at", "pk").first()


def last_finished_run(country: Country) -> OverlapRun | None:
    runs = OverlapRun.objects.filter(Q(country=country) | Q(country__isnull=True), status=OverlapRun.Status.DONE)
    return runs.order_by("-finished_at", "-pk").first()


def overlaps_for_country(user, country: Country, limit: int = 5) -> dict:
    """What the country profile shows: the best pairs to review, how many there are (of those the
    user sees), the last finished run covering the country and any run waiting or running."""
    from django.urls import reverse

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
        "list_url": f"{reverse('analysis:overlap_list')}?country={country.iso3}",
        "run_url": reverse("analysis:overlap_country_run", args=[country.iso3]),
    }
