"""Every write to the engagement registry goes through these functions.

Pages, API, commands and tests call the same services: each runs in one
transaction, checks the rules, writes the field-level history and the named
events, and raises ``ValidationError`` keyed by field when the input breaks a
rule, before anything is written.
"""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from partnerhub.access.models import Organisation
from partnerhub.core.concurrency import claim_version, give_back_version
from partnerhub.core.history import diff_snapshots, record_change, record_event
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.signals import one_update_per_record, records_changed
from partnerhub.core.types import AnyUser
from partnerhub.core.visibility import can_edit, can_edit_for
from partnerhub.geo.models import Country
from partnerhub.registry.models import TRANSACTION_PARTIES as CHAIN_FIELDS
from partnerhub.registry.models import (
    DataSource,
    Engagement,
    EngagementCountry,
    EngagementLink,
    EngagementTheme,
    MoneyLine,
    Participation,
    Provenance,
    Theme,
)
from partnerhub.registry.money import known_currencies, negative_amount_problem, to_eur

if TYPE_CHECKING:
    from django.contrib.auth.models import User

HUNDRED = Decimal("100")
# Money columns hold 16 digits before the point; conversion to EUR may grow an
# amount a few times (one Kuwaiti dinar is over three euros), so stay well below.
LARGEST_AMOUNT = Decimal("1e14")
SHARE_TOLERANCE = Decimal("0.05")
# Who passed a money line's money to whom, as an IATI import read it.
# What an import read of a money line that forms and the API do not carry.
IMPORTED_MONEY_FIELDS = (*CHAIN_FIELDS, "transaction_date", "period_start")

# Scalar fields a user sets directly on an engagement.
SCALAR_FIELDS = (
    "kind",
    "title",
    "description",
    "language",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "instrument",
    "external_reference",
    "sharing_level",
    "humanitarian",
    "action_plan_reference",
    "notes",
)


@dataclass
class MoneyInput:
    kind: str
    amount: Decimal
    currency: str
    value_date: date
    # The funding chain an import read; kept as it is when the engagement is edited.
    provider_ref: str = ""
    provider_activity: str = ""
    receiver_ref: str = ""
    receiver_activity: str = ""
    transaction_date: date | None = None
    period_start: date | None = None
    # Only a correction may be negative, and never a budget.
    is_correction: bool = False


@dataclass
class EngagementInput:
    """A whole engagement as submitted by a form, the API or an importer."""

    owner: Organisation | None
    fields: dict[str, Any]
    countries: list[tuple[Country, Decimal | None]] = field(default_factory=list)
    themes: list[tuple[Theme, Decimal | None]] = field(default_factory=list)
    participations: list[tuple[Organisation, str]] = field(default_factory=list)
    money: list[MoneyInput] = field(default_factory=list)
    links: list[tuple[Engagement, str]] = field(default_factory=list)
    shared_with_organisations: list[Organisation] = field(default_factory=list)
    shared_with_countries: list[Country] = field(default_factory=list)
    # An import's file and what it found in the row; None leaves the engagement's as they are.
    source: DataSource | None = None
    import_findings: list[dict[str, Any]] | None = None


# What a rule finds wrong: (field, message) pairs.
Problems = Iterator[tuple[str, str]]


def create_engagement(
    data: EngagementInput, *, acting_user: AnyUser, provenance: str = "manual", is_demo: bool = False
) -> Engagement:
    _require_owner_editor(data.owner, acting_user)
    _check_rules(data, acting_user, engagement=None)
    with transaction.atomic(), one_update_per_record():
        engagement = Engagement(
            owner=data.owner,
            provenance=provenance,
            is_demo=is_demo,
            created_by=_user_or_none(acting_user),
            updated_by=_user_or_none(acting_user),
        )
        _apply(engagement, data, acting_user)
        record_change(engagement, ObjectChange.Action.CREATE, {}, snapshot(engagement), user=acting_user)
        # Its countries, themes and the rest were written in bulk, without signals.
        records_changed.send(sender=Engagement, pks=[engagement.pk])
        record_event("engagement.created", engagement, user=acting_user, sharing_level=engagement.sharing_level)
    return engagement


def update_engagement(
    engagement: Engagement, data: EngagementInput, *, acting_user: AnyUser, read_version: int | None = None
) -> Engagement:
    """``read_version`` is the version the editor read: when the engagement moved on since,
    ``EditConflict`` is raised and nothing is written. Imports pass None: they overwrite by design."""
    if not can_edit(acting_user, engagement):
        raise PermissionDenied(_("Only editors of the owner organisation may change this engagement."))
    owner = _require_owner_editor(data.owner, acting_user)
    _check_rules(data, acting_user, engagement=engagement)
    with transaction.atomic(), one_update_per_record():
        locked = Engagement.objects.unrestricted("re-reads, locked, the record can_edit allowed above")
        claim_version(locked, engagement.pk, read_version)
        engagement = locked.select_for_update().get(pk=engagement.pk)
        before = snapshot(engagement)
        old_level = engagement.sharing_level
        engagement.owner = owner
        engagement.updated_by = _user_or_none(acting_user)
        _apply(engagement, data, acting_user)
        after = snapshot(engagement)
        record_change(engagement, ObjectChange.Action.UPDATE, before, after, user=acting_user)
        if not diff_snapshots(before, after):
            give_back_version(locked, engagement)
        records_changed.send(sender=Engagement, pks=[engagement.pk])
        if old_level != engagement.sharing_level:
            record_event(
                "engagement.sharing_changed", engagement, user=acting_user, old=old_level, new=engagement.sharing_level
            )
    return engagement


def delete_engagement(engagement: Engagement, *, acting_user: AnyUser) -> None:
    if not can_edit(acting_user, engagement):
        raise PermissionDenied(_("Only editors of the owner organisation may delete this engagement."))
    with transaction.atomic():
        record_change(engagement, ObjectChange.Action.DELETE, snapshot(engagement), {}, user=acting_user)
        record_event("engagement.deleted", engagement, user=acting_user)
        engagement.delete()


def change_sharing_level(
    engagement: Engagement,
    level: str,
    *,
    acting_user: AnyUser,
    organisations: Iterable[Organisation] = (),
    countries: Iterable[Country] = (),
) -> Engagement:
    """Widen or narrow the circle without touching anything else."""
    data = input_from_engagement(engagement)
    data.fields["sharing_level"] = level
    data.shared_with_organisations = list(organisations)
    data.shared_with_countries = list(countries)
    return update_engagement(engagement, data, acting_user=acting_user)


def log_confidential_access(engagement: Engagement, action: str, *, acting_user: AnyUser) -> None:
    """Owners learn who viewed or exported their restricted and originator records."""
    if SharingLevel.is_confidential(engagement.sharing_level) and acting_user.is_authenticated:
        record_event(f"engagement.{action}", engagement, user=acting_user)


def log_confidential_export(engagements: Iterable[Engagement], *, acting_user: AnyUser) -> None:
    for engagement in engagements:
        log_confidential_access(engagement, "exported", acting_user=acting_user)


# -- reading an engagement back as input (for partial updates) -------------


def input_from_engagement(engagement: Engagement) -> EngagementInput:
    return EngagementInput(
        owner=engagement.owner,
        fields={name: getattr(engagement, name) for name in SCALAR_FIELDS},
        countries=[(s.country, s.share) for s in engagement.country_shares.select_related("country")],
        themes=[(s.theme, s.share) for s in engagement.theme_shares.select_related("theme")],
        participations=[(p.organisation, p.role) for p in engagement.participations.select_related("organisation")],
        money=[
            MoneyInput(
                m.kind,
                m.amount,
                m.currency,
                m.value_date,
                m.provider_ref,
                m.provider_activity,
                m.receiver_ref,
                m.receiver_activity,
                m.transaction_date,
                m.period_start,
                m.is_correction,
            )
            for m in engagement.money_lines.all()
        ],
        links=[(link.target, link.kind) for link in engagement.links_out.select_related("target")],
        shared_with_organisations=list(engagement.shared_with_organisations.all()),
        shared_with_countries=list(engagement.shared_with_countries.all()),
    )


# -- rules -----------------------------------------------------------------


def _require_owner_editor(owner: Organisation | None, user: AnyUser) -> Organisation:
    if owner is None or not can_edit_for(user, owner.pk):
        raise ValidationError({"owner": _("You can only record engagements for an organisation you edit for.")})
    return owner


def _check_rules(data: EngagementInput, user: AnyUser, engagement: Engagement | None) -> None:
    errors: dict[str, list[str]] = {}
    for check in (_check_dates, _check_shares, _check_participations, _check_money, _check_links, _check_circle):
        for name, message in check(data, user, engagement):
            errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)


def _check_dates(data: EngagementInput, user: AnyUser, engagement: Engagement | None) -> Problems:
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        first, last = data.fields.get(start), data.fields.get(end)
        if first and last and last < first:
            yield end, _("The end date is before the start date.")


def _check_shares(data: EngagementInput, user: AnyUser, engagement: Engagement | None) -> Problems:
    for name, rows in (("countries", data.countries), ("themes", data.themes)):
        keys = [item.pk for item, _share in rows]
        if len(keys) != len(set(keys)):
            yield name, _("The same entry is listed twice.")
        shares = [share for _item, share in rows]
        given = [share for share in shares if share is not None]
        if given and len(given) != len(shares):
            yield name, _("Give a share for every entry, or for none.")
        elif given and _shares_do_not_fit(name, sum(given, Decimal(0)), engagement):
            yield name, _("The shares add up to %(total)s %%, not 100 %%.") % {"total": sum(given)}


def _shares_do_not_fit(name: str, total: Decimal, engagement: Engagement | None) -> bool:
    """Country shares may leave room for the engagement's recipient regions (IATI splits
    100 % over both); otherwise shares add up to 100 %."""
    if name == "countries" and engagement is not None and engagement.region_shares.exists():
        return total > HUNDRED + SHARE_TOLERANCE
    return abs(total - HUNDRED) > SHARE_TOLERANCE


def _check_participations(data: EngagementInput, user: AnyUser, engagement: Engagement | None) -> Problems:
    duplicates = [key for key, n in Counter((o.pk, r) for o, r in data.participations).items() if n > 1]
    if duplicates:
        yield "participations", _("An organisation is listed twice in the same role.")


def _check_money(data: EngagementInput, user: AnyUser, engagement: Engagement | None) -> Problems:
    currencies = known_currencies() | {"EUR"}
    for line in data.money:
        if line.currency.upper() not in currencies:
            yield "money", _("No ECB reference rate exists for the currency %(code)s.") % {"code": line.currency}
        if line.amount == 0:
            yield "money", _("An amount of zero says nothing: leave the line out.")
        elif abs(line.amount) >= LARGEST_AMOUNT:
            yield "money", _("The amount %(amount)s is too large to be real.") % {"amount": line.amount}
        problem = negative_amount_problem(line.kind, line.amount, is_correction=line.is_correction)
        if problem:
            yield "money", problem


def _check_links(data: EngagementInput, user: AnyUser, engagement: Engagement | None) -> Problems:
    """Targets must be visible to the editor, or already linked by someone who saw them."""
    targets = [target.pk for target, _kind in data.links]
    allowed = set(Engagement.objects.visible_to(user).filter(pk__in=targets).values_list("pk", flat=True))
    if engagement is not None:
        allowed |= set(engagement.links_out.values_list("target_id", flat=True))
    for target, _kind in data.links:
        if engagement is not None and target.pk == engagement.pk:
            yield "links", _("An engagement cannot be linked to itself.")
        elif target.pk not in allowed:
            yield "links", _("Engagement %(id)s does not exist.") % {"id": target.pk}
    if len(set((t.pk, k) for t, k in data.links)) != len(data.links):
        yield "links", _("The same link is listed twice.")


def _check_circle(data: EngagementInput, user: AnyUser, engagement: Engagement | None) -> Problems:
    if data.fields.get("sharing_level") != SharingLevel.RESTRICTED:
        return
    for country in data.shared_with_countries:
        if not country.is_eu_member:
            yield "shared_with_countries", _("%(country)s is not an EU Member State.") % {"country": country.name}


# -- writing ---------------------------------------------------------------


def _apply(engagement: Engagement, data: EngagementInput, acting_user: AnyUser) -> None:
    for name in SCALAR_FIELDS:
        if name in data.fields:
            setattr(engagement, name, data.fields[name])
    if data.source is not None:
        engagement.source = data.source
    if data.import_findings is not None:
        engagement.import_findings = data.import_findings
    engagement.save()
    _replace_children(engagement, data)
    _replace_links(engagement, data, acting_user)
    restricted = engagement.sharing_level == SharingLevel.RESTRICTED
    engagement.shared_with_organisations.set(data.shared_with_organisations if restricted else [])
    engagement.shared_with_countries.set(data.shared_with_countries if restricted else [])


def _replace_children(engagement: Engagement, data: EngagementInput) -> None:
    engagement.country_shares.all().delete()
    EngagementCountry.objects.bulk_create(
        EngagementCountry(engagement=engagement, country=c, share=s) for c, s in data.countries
    )
    _replace_themes(engagement, data.themes)
    engagement.participations.all().delete()
    Participation.objects.bulk_create(
        Participation(engagement=engagement, organisation=o, role=r) for o, r in data.participations
    )
    _replace_money(engagement, data.money)


def _replace_money(engagement: Engagement, lines: list[MoneyInput]) -> None:
    """A line kept as it was keeps the funding chain and the dates an import read,
    even when the form or the API that resubmits it does not carry them."""
    chains: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for existing in engagement.money_lines.all():
        chains.setdefault(_money_key(existing), []).append(_chain(existing))
    engagement.money_lines.all().delete()
    rows = []
    for line in lines:
        earlier = chains.get(_money_key(line))
        if earlier and not any(_chain(line)):
            line = replace(line, **dict(zip(IMPORTED_MONEY_FIELDS, earlier.pop(0), strict=True)))
        rows.append(_money_line(engagement, line))
    MoneyLine.objects.bulk_create(rows)


def _money_key(line: MoneyInput | MoneyLine) -> tuple[Any, ...]:
    return line.kind, Decimal(line.amount), line.currency.upper(), line.value_date


def _chain(line: MoneyInput | MoneyLine) -> tuple[Any, ...]:
    return tuple(getattr(line, name) for name in IMPORTED_MONEY_FIELDS)


def _replace_themes(engagement: Engagement, themes: list[tuple[Theme, Decimal | None]]) -> None:
    """A theme kept as it was keeps its origin (a classifier's suggestion stays one,
    with its explanation); a new or re-weighted theme is the user's choice."""
    previous = {row.theme_id: row for row in engagement.theme_shares.all()}
    engagement.theme_shares.all().delete()
    rows = []
    for theme, share in themes:
        row = EngagementTheme(engagement=engagement, theme=theme, share=share)
        earlier = previous.get(theme.pk)
        if earlier is not None and earlier.share == share:
            row.assigned_by, row.confidence = earlier.assigned_by, earlier.confidence
            row.explanation = earlier.explanation
        rows.append(row)
    EngagementTheme.objects.bulk_create(rows)


def _replace_links(engagement: Engagement, data: EngagementInput, acting_user: AnyUser) -> None:
    """Links to records the editor cannot see stay as they are: the editor could
    neither see them in the form nor mean to remove them."""
    targets = list(engagement.links_out.values_list("target_id", flat=True))
    # The editor's visible targets among this record's own (not every visible record: a long subquery).
    visible = Engagement.objects.visible_to(acting_user).filter(pk__in=targets).values("pk")
    stated_by_publisher = set(engagement.links_out.filter(from_iati=True).values_list("target_id", "kind"))
    engagement.links_out.filter(target__in=visible).delete()
    kept = set(engagement.links_out.values_list("target_id", "kind"))
    EngagementLink.objects.bulk_create(
        EngagementLink(source=engagement, target=t, kind=k, from_iati=(t.pk, k) in stated_by_publisher)
        for t, k in data.links
        if (t.pk, k) not in kept
    )


def _money_line(engagement: Engagement, line: MoneyInput) -> MoneyLine:
    amount_eur, rate_date = to_eur(line.amount, line.currency, line.value_date)
    return MoneyLine(
        engagement=engagement,
        kind=line.kind,
        amount=line.amount,
        currency=line.currency.upper(),
        value_date=line.value_date,
        amount_eur=amount_eur,
        eur_rate_date=rate_date,
        provider_ref=line.provider_ref,
        provider_activity=line.provider_activity,
        receiver_ref=line.receiver_ref,
        receiver_activity=line.receiver_activity,
        transaction_date=line.transaction_date,
        period_start=line.period_start,
        is_correction=line.is_correction,
    )


# -- history snapshot ------------------------------------------------------


def snapshot(engagement: Engagement) -> dict[str, Any]:
    """What the history compares: readable values, children folded into text.

    Links name the other engagement by its id only, never by its title: it may be
    hidden from some readers of this history, and ``history_display`` names it to
    those who may see it.
    """
    values: dict[str, Any] = {name: _plain(getattr(engagement, name)) for name in SCALAR_FIELDS}
    values["owner"] = str(engagement.owner)
    values["countries"] = _joined(
        f"{s.country.iso3}{_pct(s.share)}" for s in engagement.country_shares.select_related("country")
    )
    values["regions"] = _joined(
        f"{s.region.code}{_pct(s.share)}" for s in engagement.region_shares.select_related("region")
    )
    values["themes"] = _joined(
        f"{s.theme.code}{_pct(s.share)}" for s in engagement.theme_shares.select_related("theme")
    )
    values["participations"] = _joined(
        f"{p.organisation.short_name} ({p.role})" for p in engagement.participations.select_related("organisation")
    )
    values["money"] = _joined(
        f"{m.kind} {m.amount} {m.currency} {m.value_date.isoformat()}" for m in engagement.money_lines.all()
    )
    values["links"] = _joined(f"{link.kind} {link.target_id}" for link in engagement.links_out.all())
    values["shared_with_organisations"] = _joined(o.short_name for o in engagement.shared_with_organisations.all())
    values["shared_with_countries"] = _joined(c.iso3 for c in engagement.shared_with_countries.all())
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _pct(share: Decimal | None) -> str:
    return "" if share is None else f" {share.normalize():f} %"


def _joined(parts: Iterable[str]) -> str:
    return "; ".join(sorted(parts))


def _user_or_none(user: AnyUser) -> "User | None":
    return user if user is not None and user.is_authenticated else None


# -- withdrawn by the publisher --------------------------------------------


def mark_withdrawn_by_publisher(engagement_ids: Iterable[int], *, when: datetime) -> int:
    """Flag imported engagements whose activity vanished from the publisher's files.

    Never deleted: the record, its links and its history stay, and the history
    says when it was withdrawn. Only IATI-imported engagements are flagged,
    and only those not flagged yet; returns how many were."""
    return _set_withdrawn(engagement_ids, when)


def mark_stated_again(engagement_ids: Iterable[int]) -> int:
    """Clear the flag of engagements whose activity the publisher states again."""
    return _set_withdrawn(engagement_ids, None)


def _set_withdrawn(engagement_ids: Iterable[int], when: datetime | None) -> int:
    ids = list(engagement_ids)
    changed = []
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            rows = (
                Engagement.objects.unrestricted("the IATI sync acts for the publisher, as the import does")
                .filter(pk__in=ids[start : start + 500], provenance=Provenance.IATI)
                .filter(withdrawn_at__isnull=when is not None)
                .select_related("owner")
            )
            for engagement in rows:
                before = {"withdrawn_at": _plain_moment(engagement.withdrawn_at)}
                engagement.withdrawn_at = when
                # An editor who opened the record before is refused, and told why.
                engagement.version = F("version") + 1
                engagement.save(update_fields=["withdrawn_at", "version", "updated_at"])
                record_change(
                    engagement, ObjectChange.Action.UPDATE, before, {"withdrawn_at": _plain_moment(when)}, user=None
                )
                changed.append(engagement.pk)
        if changed:
            records_changed.send(sender=Engagement, pks=changed)
    return len(changed)


def _plain_moment(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None
