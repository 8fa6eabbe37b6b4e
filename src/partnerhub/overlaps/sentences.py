"""A possible overlap in words: why it was raised, and the decision a change of one side reopened."""

from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partnerhub.overlaps.models import OverlapDecision, OverlapPair


def explanation_sentence(pair) -> str:
    """Why the pair was raised, in the reader's language: "same country Morocco, theme Sustainable
    reintegration, 2023–2025 overlap, text similarity 0.71, same implementer IOM"."""
    explanation = (getattr(pair, "explanation", pair) or {}) if not isinstance(pair, dict) else pair
    parts = []
    countries = [item["name"] for item in explanation.get("countries", [])]
    if countries:
        parts.append(
            ngettext("same country %(names)s", "same countries %(names)s", len(countries))
            % {"names": ", ".join(countries)}
        )
    themes = [item["name"] for item in explanation.get("themes", [])]
    if themes:
        parts.append(ngettext("theme %(names)s", "themes %(names)s", len(themes)) % {"names": ", ".join(themes)})
    parts.append(period_phrase(explanation))
    if "text_similarity" in explanation:
        parts.append(
            _("text similarity %(value)s") % {"value": number_format(explanation["text_similarity"], decimal_pos=2)}
        )
    implementers = [item["name"] for item in explanation.get("same_implementers", [])]
    if implementers:
        parts.append(
            ngettext("same implementer %(names)s", "same implementers %(names)s", len(implementers))
            % {"names": ", ".join(implementers)}
        )
    return ", ".join(part for part in parts if part)


def period_phrase(explanation: dict) -> str:
    period = explanation.get("period")
    if period is None:
        undated = explanation.get("undated", [])
        return _("periods not recorded") if len(undated) > 1 else _("period not recorded on one side")
    first, last = (_year(period.get(key)) for key in ("from", "until"))
    if first and last:
        return (
            _("%(year)s overlap") % {"year": first}
            if first == last
            else (_("%(first)s–%(last)s overlap") % {"first": first, "last": last})
        )
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
        "decision": label,
        "who": previous.get("decided_by") or _("a former user"),
        "day": date_format(date.fromisoformat(when[:10]), "DATE_FORMAT") if when else "…",
    }
    changed = [item.get("owner") or "" for item in previous.get("changed", [])]
    if len(changed) == 1:
        sentence += " " + _("The %(owner)s engagement changed since.") % {"owner": changed[0]}
    elif changed:
        sentence += " " + _("Both engagements changed since.")
    return sentence
