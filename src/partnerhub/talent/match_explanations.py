"""A suggestion in words: each factor, the safeguards and the override, as pages, exports and the API say them."""

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partnerhub.talent.matching import FACTORS, Match, MatchSettings, SafeguardEffect

FACTOR_LABELS = {
    "occupation": gettext_lazy("Occupation fit"),
    "volume": gettext_lazy("Volume fit"),
    "language": gettext_lazy("Language"),
    "cooperation": gettext_lazy("Existing cooperation"),
}


@dataclass(frozen=True)
class FactorLine:
    name: str
    label: str
    value: float
    weight: float
    explanation: str


def factor_lines(match: Match, settings: MatchSettings) -> list[FactorLine]:
    explain = {
        "occupation": explain_occupation,
        "volume": explain_volume,
        "language": explain_language,
        "cooperation": explain_cooperation,
    }
    return [
        FactorLine(name, str(FACTOR_LABELS[name]), match.factor(name), settings.weights[name], explain[name](match))
        for name in FACTORS
    ]


def explain_occupation(match: Match) -> str:
    need, supply = match.need, match.supply
    if need.occupation == supply.occupation:
        return _("Same unit group: %(code)s %(title)s.") % {"code": need.occupation, "title": need.occupation_title}
    return _("Same minor group %(group)s: the need is in %(need)s, the supply in %(supply)s %(title)s.") % {
        "group": need.minor_group,
        "need": need.occupation,
        "supply": supply.occupation,
        "title": supply.occupation_title,
    }


def explain_volume(match: Match) -> str:
    return _("%(supply)s people a year offered for %(need)s sought (%(records)s supply records added up).") % {
        "supply": match.supply.people_per_year,
        "need": match.need.people_per_year,
        "records": match.supply.records,
    }


def explain_language(match: Match) -> str:
    need, supply = match.need, match.supply
    if not need.languages:
        return _("The need names no language.")
    shared = sorted(need.languages & supply.languages)
    if shared:
        return _("Language in common: %(languages)s.") % {"languages": ", ".join(shared)}
    if not supply.languages:
        return _("The supply names no language: unknown (%(languages)s sought).") % {
            "languages": ", ".join(sorted(need.languages))
        }
    return _("No language in common: %(need)s sought, %(supply)s offered.") % {
        "need": ", ".join(sorted(need.languages)),
        "supply": ", ".join(sorted(supply.languages)),
    }


def explain_cooperation(match: Match) -> str:
    if match.cooperation:
        return _("Talent Partnership in place: %(titles)s.") % {
            "titles": "; ".join(f"{p.title} ({p.status})" for p in match.cooperation)
        }
    if match.engagements:
        return _("%(count)s engagements on legal migration of %(member_state)s's organisations in %(country)s.") % {
            "count": match.engagements,
            "member_state": match.need.member_state_name,
            "country": match.supply.country_name,
        }
    return _("No Talent Partnership and no engagement on legal migration between them that you may see.")


def safeguard_text(match: Match, settings: MatchSettings) -> str:
    """What the safeguards did to the suggestion, with the list edition and its basis; "" when nothing."""
    parts: list[str] = []
    edition = match.safeguard_edition
    if edition is not None:
        listed = _("%(country)s is on %(edition)s (basis: %(basis)s), which covers %(occupation)s.") % {
            "country": match.supply.country_name,
            "edition": edition.name,
            "basis": match.safeguard_basis or _("not stated"),
            "occupation": match.supply.occupation,
        }
        parts.append(listed + " " + _effect_text(match, settings))
    if match.shortage_applied:
        parts.append(
            _("The partner reports a shortage in %(occupation)s itself: lowered by the factor %(factor)s.")
            % {"occupation": match.supply.occupation, "factor": settings.shortage_factor}
        )
    elif match.supply.shortage and match.override is not None:
        parts.append(_("The partner reports a shortage in this occupation itself; the override lifts its effect."))
    return " ".join(parts)


def _effect_text(match: Match, settings: MatchSettings) -> str:
    if match.safeguard_effect == SafeguardEffect.LIFTED:
        return _("A coordinator allowed the suggestion: the safeguard's effect is lifted.")
    if match.safeguard_effect == SafeguardEffect.LOWERED and match.agreement is not None:
        return _(
            "The active Talent Partnership %(title)s covers the occupation (a government-to-government "
            "agreement, which the WHO code allows): lowered by the factor %(factor)s."
        ) % {"title": match.agreement.title, "factor": settings.safeguard_factor}
    return _("No government-to-government agreement covers the occupation: blocked.")


def override_text(match: Match) -> str:
    override = match.override
    if override is None:
        return ""
    values = {
        "coordinator": override.decided_by or _("a former user"),
        "date": date_format(override.decided_on),
        "reason": override.reason,
    }
    if override.decision == "allow":
        return _("Allowed by %(coordinator)s on %(date)s: %(reason)s") % values
    return _("Blocked by %(coordinator)s on %(date)s: %(reason)s") % values


def blocked_reason(match: Match, settings: MatchSettings) -> str:
    if match.override is not None and match.override.decision == "block":
        return override_text(match)
    return safeguard_text(match, settings)
