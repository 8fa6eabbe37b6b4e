"""IATI 2.03 activity XML of the hub's public engagements.

Only ``public`` engagements are ever written, whoever asks: IATI is public
data. The caller passes engagements already limited by ``visible_to`` and the
list filters; ``public_only`` narrows them to the public ones.

The file is written as a stream (``lxml.etree.xmlfile``): one activity is
built, written and dropped at a time, and the engagements are read in chunks,
so memory does not grow with the number of activities.

Every field the importer reads is written back so that export → import gives
the same engagement. What the registry has no column for comes from
``Engagement.iati_extra`` (narratives in other languages, regions, policy
markers, tags, budget periods, related activities, other transaction types).

Choices the standard forces on records entered in the hub:

- An engagement without an IATI identifier gets a stable one: the owner's
  IATI organisation identifier (else ``settings.IATI_EXPORT_PREFIX``), then
  ``-PH-`` and the record number, e.g. ``XI-IATI-EC_INTPA-PH-42``. An owner
  without an IATI identifier is reported as ``<prefix>-ORG-<id>``.
- An activity needs a participating organisation and a date: without any,
  the owner takes part as Accountable (role 2) and the record's creation day
  is the planned start.
- Budgets need a period: the one the publisher gave, else the engagement's
  start and end dates, else the value date.
- last-updated-datetime is the publisher's for an imported activity (left
  out if it gave none) and the hub's last change for a record entered here.
- Roles: funder 1, lead 2, counterpart 2 (Accountable, as partner
  ministries usually are), extending 3, implementer 4. A counterpart comes
  back from an import as lead.
- Notes, the Action Plan reference, themes, kind and instrument stay in the
  hub; the organisation's own reference is given as other-identifier A1.
"""

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import groupby

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from lxml import etree

from partnerhub.access.models import Organisation, OrganisationKind
from partnerhub.core.sharing import SharingLevel
from partnerhub.iati.mapping import (
    DATE_FIELD_BY_TYPE,
    EU_LANGUAGES,
    MONEY_KIND_BY_TRANSACTION_TYPE,
    STATUS_BY_CODE,
    parse_date,
    parse_decimal,
)
from partnerhub.registry.models import (
    Engagement,
    EngagementCountry,
    EngagementLink,
    LinkKind,
    MoneyKind,
    MoneyLine,
    Participation,
    ParticipationRole,
    Provenance,
)

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CHUNK_SIZE = 500
CENT = Decimal("0.01")
PARAGRAPH_BREAK = "\n\n"
GENERAL_DESCRIPTION = "1"
ACCOUNTABLE = "2"
OWN_REFERENCE_TYPE = "A1"

STATUS_CODES: dict[str, str] = {status: code for code, status in STATUS_BY_CODE.items()}
DATE_TYPES = {name: code for code, name in DATE_FIELD_BY_TYPE.items()}
TRANSACTION_TYPES: dict[str, str] = {kind: code for code, kind in MONEY_KIND_BY_TRANSACTION_TYPE.items()}
ROLE_CODES: dict[str, str] = {
    ParticipationRole.FUNDER: "1",
    ParticipationRole.LEAD: ACCOUNTABLE,
    ParticipationRole.COUNTERPART: ACCOUNTABLE,
    ParticipationRole.EXTENDING: "3",
    ParticipationRole.IMPLEMENTER: "4",
}
# IATI RelatedActivityType: 1 parent, 3 sibling, 4 co-funded.
RELATION_TYPES = {
    LinkKind.PART_OF: "1",
    LinkKind.FUNDED_BY: "4",
    LinkKind.FOLLOWS: "3",
    LinkKind.RELATED: "3",
}
# IATI OrganisationType: 10 government, 15 other public sector (as the
# Commission's services report themselves), 21 international NGO, 40
# multilateral, 90 other.
ORGANISATION_TYPES: dict[str, str] = {
    OrganisationKind.EU_INSTITUTION: "15",
    OrganisationKind.EU_DELEGATION: "15",
    OrganisationKind.MS_MINISTRY: "10",
    OrganisationKind.MS_AGENCY: "10",
    OrganisationKind.MS_EMBASSY: "10",
    OrganisationKind.PARTNER_AUTHORITY: "10",
    OrganisationKind.INTERNATIONAL: "40",
    OrganisationKind.NGO: "21",
    OrganisationKind.OTHER: "90",
}
XSD_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
XSD_INT = re.compile(r"^[+-]?\d{1,9}$")


# -- selection ---------------------------------------------------------------


def public_only(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    """Public engagements only, whatever else the caller may see."""
    return engagements.filter(sharing_level=SharingLevel.PUBLIC)


def with_export_relations(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    """Everything an activity shows, in a fixed number of queries per chunk."""
    public_links = (
        EngagementLink.objects.filter(from_iati=False, target__sharing_level=SharingLevel.PUBLIC)
        .select_related("target__owner")
        .order_by("pk")
    )
    # django-stubs wants every Prefetch of one call to prefetch the same model.
    return engagements.select_related("owner").prefetch_related(  # type: ignore[type-var]
        Prefetch("country_shares", queryset=EngagementCountry.objects.select_related("country")),
        Prefetch("participations", queryset=Participation.objects.select_related("organisation")),
        Prefetch("money_lines", queryset=MoneyLine.objects.order_by("pk")),
        "sectors",
        Prefetch("links_out", queryset=public_links, to_attr="public_links"),
    )


# -- the file ----------------------------------------------------------------


class _Chunks:
    """Collects what ``xmlfile`` writes, to be handed out piece by piece."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data: bytes, /) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def iati_xml_chunks(engagements: QuerySet, *, prefix: str | None = None) -> Iterator[bytes]:
    """The IATI file, one activity per chunk. ``engagements`` must hold at least
    one public engagement: the standard wants one activity or more."""
    prefix = prefix or settings.IATI_EXPORT_PREFIX
    buffer = _Chunks()
    generated = timezone.now().replace(microsecond=0).isoformat()
    with etree.xmlfile(buffer, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("iati-activities", {"version": IATI_VERSION, "generated-datetime": generated}):
            rows = with_export_relations(public_only(engagements))
            for engagement in rows.iterator(chunk_size=CHUNK_SIZE):
                activity = activity_element(engagement, prefix)
                etree.indent(activity, level=1)
                xf.write("\n  ", activity)
                xf.flush()
                yield buffer.take()
            xf.write("\n")
    yield buffer.take()


def write_iati_file(engagements: QuerySet, stream, *, prefix: str | None = None) -> None:
    for chunk in iati_xml_chunks(engagements, prefix=prefix):
        stream.write(chunk)


# -- one activity ------------------------------------------------------------


def activity_element(engagement: Engagement, prefix: str) -> etree._Element:
    """One ``iati-activity``, its children in the order the schema requires."""
    extra = engagement.iati_extra if isinstance(engagement.iati_extra, dict) else {}
    activity = etree.Element("iati-activity", _activity_attributes(engagement, extra))
    _sub(activity, "iati-identifier").text = iati_identifier_of(engagement, prefix)
    _reporting_org(activity, engagement, extra, prefix)
    _title(activity, engagement, extra)
    _descriptions(activity, engagement, extra)
    _participating_orgs(activity, engagement)
    _other_identifier(activity, engagement)
    _sub(activity, "activity-status", code=STATUS_CODES.get(engagement.status, "1"))
    _activity_dates(activity, engagement)
    _recipient_countries(activity, engagement, extra)
    _recipient_regions(activity, extra)
    _sectors(activity, engagement)
    _tags(activity, extra)
    _policy_markers(activity, extra)
    _money(activity, engagement, extra)
    _related_activities(activity, engagement, extra, prefix)
    return activity


def iati_identifier_of(engagement: Engagement, prefix: str) -> str:
    if engagement.iati_identifier:
        return engagement.iati_identifier
    return f"{engagement.owner.iati_identifier or prefix}-PH-{engagement.pk}"


def _sub(
    parent: etree._Element, tag: str, text: str | None = None, *, required: tuple[str, ...] = (), **attributes
) -> etree._Element:
    """A child element; empty attributes are left out unless the schema requires them."""
    element = etree.SubElement(
        parent,
        tag,
        {
            name.replace("_", "-"): value or ""
            for name, value in attributes.items()
            if value not in (None, "") or name in required
        },
    )
    if text is not None:
        element.text = text
    return element


def _narrative(parent: etree._Element, text: str, language: str | None = None) -> None:
    narrative = _sub(parent, "narrative", text)
    if language:
        narrative.set(XML_LANG, language)


def _activity_attributes(engagement: Engagement, extra: dict) -> dict[str, str]:
    attributes = {XML_LANG: engagement.language}
    updated = last_updated(engagement)
    if updated is not None:
        attributes["last-updated-datetime"] = updated.isoformat()
    if _text(extra.get("default_currency")):
        attributes["default-currency"] = _text(extra["default_currency"])
    if engagement.humanitarian:
        attributes["humanitarian"] = "1"
    if XSD_INT.match(_text(extra.get("hierarchy"))):
        attributes["hierarchy"] = _text(extra["hierarchy"])
    return attributes


def last_updated(engagement: Engagement):
    """The publisher's date for an imported activity (none if it gave none); the
    hub's last change for an engagement entered here."""
    if engagement.iati_last_updated or engagement.provenance == Provenance.IATI:
        return engagement.iati_last_updated
    return engagement.updated_at


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _entries(extra: dict, key: str) -> list[dict]:
    return [entry for entry in _list_of(extra, key) if isinstance(entry, dict)]


def _dict_of(extra: dict, key: str) -> dict:
    value = extra.get(key)
    return value if isinstance(value, dict) else {}


def _list_of(extra: dict, key: str) -> list:
    value = extra.get(key)
    return value if isinstance(value, list) else []


# -- organisations -----------------------------------------------------------


def organisation_type(organisation: Organisation) -> str:
    return ORGANISATION_TYPES.get(organisation.kind, "90")


def _reporting_org(activity, engagement: Engagement, extra: dict, prefix: str) -> None:
    owner = engagement.owner
    stated = _dict_of(extra, "reporting_org")
    ref = owner.iati_identifier or _text(stated.get("ref")) or f"{prefix}-ORG-{owner.pk}"
    same_as_stated = ref == _text(stated.get("ref"))
    org_type = _text(stated.get("type")) if same_as_stated else ""
    element = _sub(activity, "reporting-org", ref=ref, type=org_type or organisation_type(owner))
    _narrative(element, (_text(stated.get("name")) if same_as_stated else "") or owner.name)


def _participating_orgs(activity, engagement: Engagement) -> None:
    participations = list(engagement.participations.all())
    if not participations:
        element = _sub(
            activity,
            "participating-org",
            ref=engagement.owner.iati_identifier,
            type=organisation_type(engagement.owner),
            role=ACCOUNTABLE,
        )
        _narrative(element, engagement.owner.name)
    for participation in participations:
        organisation = participation.organisation
        element = _sub(
            activity,
            "participating-org",
            ref=organisation.iati_identifier,
            type=organisation_type(organisation),
            role=ROLE_CODES[participation.role],
        )
        _narrative(element, organisation.name)


def _other_identifier(activity, engagement: Engagement) -> None:
    if engagement.external_reference:
        _sub(activity, "other-identifier", ref=engagement.external_reference, type=OWN_REFERENCE_TYPE)


# -- texts -------------------------------------------------------------------


def _stored_narratives(extra: dict, key: str) -> list[dict]:
    return [n for n in _entries(_dict_of(extra, "narratives"), key) if _text(n.get("text"))]


def _language_attribute(language: str, engagement: Engagement) -> str | None:
    """Narratives in the activity's language inherit it; others say theirs."""
    return None if not language or language == engagement.language else language


def _stored_titles(extra: dict) -> list[tuple[str, str]]:
    return [(_text(n.get("lang")), n["text"]) for n in _stored_narratives(extra, "title")]


def _imported_title(stored: list[tuple[str, str]], language: str) -> tuple[str, str] | None:
    """The narrative the importer takes as title: the activity's language, else
    the first in an EU language, else the first."""
    for wanted in (lambda lang: lang == language, lambda lang: lang in EU_LANGUAGES, lambda lang: True):
        for narrative in stored:
            if wanted(narrative[0]):
                return narrative
    return None


def _title(activity, engagement: Engagement, extra: dict) -> None:
    stored = _stored_titles(extra)
    chosen = _imported_title(stored, engagement.language)
    if chosen is None and engagement.title == engagement.iati_identifier:
        # The publisher gave no title and the identifier stood in: give none back.
        _narrative(_sub(activity, "title"), "")
        return
    if chosen is None or chosen[1] != engagement.title:
        # The title was changed in the hub: it replaces the narratives in its language.
        stored = [(engagement.language, engagement.title)] + [
            (language, text) for language, text in stored if language != engagement.language
        ]
    title = _sub(activity, "title")
    for language, text in stored:
        _narrative(title, text, _language_attribute(language, engagement))


def _descriptions(activity, engagement: Engagement, extra: dict) -> None:
    stored = [
        (_text(n.get("type")) or GENERAL_DESCRIPTION, _text(n.get("lang")), n["text"])
        for n in _stored_narratives(extra, "description")
    ]
    chosen = _imported_title(_stored_titles(extra), engagement.language)
    title_language = chosen[0] if chosen and chosen[1] == engagement.title else engagement.language
    if not _description_unchanged(stored, engagement, title_language):
        stored = _with_hub_description(stored, engagement)
    if not stored:
        # The schema wants a description; an empty narrative reads back as none.
        _narrative(_sub(activity, "description"), "")
        return
    for kind, run in groupby(stored, key=lambda narrative: narrative[0]):
        element = _sub(activity, "description", type=None if kind == GENERAL_DESCRIPTION else kind)
        for _kind, language, text in run:
            _narrative(element, text, _language_attribute(language, engagement))


def _description_unchanged(stored, engagement: Engagement, title_language: str) -> bool:
    """Whether the stored narratives still read as the engagement's description,
    the way the importer chose it: the general narratives in the title's
    language joined, else the English or first general one."""
    general = [(language, text) for kind, language, text in stored if kind == GENERAL_DESCRIPTION]
    own = [text for language, text in general if language == title_language]
    if own:
        return PARAGRAPH_BREAK.join(own) == engagement.description
    english = [text for language, text in general if language == "en"]
    fallback = (english or [text for _language, text in general] or [""])[0]
    return fallback == engagement.description


def _with_hub_description(stored, engagement: Engagement):
    """The description as the hub holds it, one narrative per paragraph (the
    importer joins them again), before the other languages and types."""
    paragraphs = [p.strip() for p in engagement.description.split(PARAGRAPH_BREAK) if p.strip()]
    own = [(GENERAL_DESCRIPTION, engagement.language, paragraph) for paragraph in paragraphs]
    others = [
        (kind, language, text)
        for kind, language, text in stored
        if not (kind == GENERAL_DESCRIPTION and language == engagement.language)
    ]
    general = [n for n in others if n[0] == GENERAL_DESCRIPTION]
    return own + general + [n for n in others if n[0] != GENERAL_DESCRIPTION]


# -- dates and places --------------------------------------------------------


def _activity_dates(activity, engagement: Engagement) -> None:
    dates = [
        (DATE_TYPES[name], getattr(engagement, name))
        for name in ("planned_start", "actual_start", "planned_end", "actual_end")
        if getattr(engagement, name)
    ]
    if not dates:
        # The standard wants one date at least; the day the record was made stands in.
        dates = [(DATE_TYPES["planned_start"], timezone.localdate(engagement.created_at))]
    for code, day in dates:
        _sub(activity, "activity-date", type=code, iso_date=day.isoformat())


def _recipient_countries(activity, engagement: Engagement, extra: dict) -> None:
    stated = _dict_of(extra, "country_percentages")
    for share in engagement.country_shares.all():
        code = share.country.iso2
        _sub(activity, "recipient-country", code=code, percentage=_percentage(share.share, stated.get(code)))
    for code in dict.fromkeys(_text(code) for code in _list_of(extra, "unmatched_countries")):
        if code:
            _sub(activity, "recipient-country", code=code, percentage=_percentage(None, stated.get(code)))


def _percentage(share: Decimal | None, stated) -> str | None:
    """The publisher's own wording of a percentage while it still says the same."""
    stated = _text(stated)
    if XSD_DECIMAL.match(stated) and (share is None or Decimal(stated).quantize(CENT) == share):
        return stated
    return None if share is None else _plain(share)


def _plain(number: Decimal) -> str:
    return f"{number:f}"


def _recipient_regions(activity, extra: dict) -> None:
    for region in _entries(extra, "regions"):
        percentage = _text(region.get("percentage"))
        _sub(
            activity,
            "recipient-region",
            code=_text(region.get("code")),
            vocabulary=_text(region.get("vocabulary")),
            percentage=percentage if XSD_DECIMAL.match(percentage) else None,
        )


def _sectors(activity, engagement: Engagement) -> None:
    for sector in engagement.sectors.all():
        _sub(
            activity,
            "sector",
            vocabulary=sector.vocabulary,
            code=sector.code,
            percentage=None if sector.percentage is None else _plain(sector.percentage),
        )


def _tags(activity, extra: dict) -> None:
    for tag in _entries(extra, "tags"):
        element = _sub(
            activity,
            "tag",
            vocabulary=_text(tag.get("vocabulary")),
            code=_text(tag.get("code")),
            required=("vocabulary", "code"),
        )
        if _text(tag.get("text")):
            _narrative(element, _text(tag["text"]))


def _policy_markers(activity, extra: dict) -> None:
    for marker in _entries(extra, "policy_markers"):
        _sub(
            activity,
            "policy-marker",
            vocabulary=_text(marker.get("vocabulary")),
            code=_text(marker.get("code")),
            significance=_text(marker.get("significance")),
        )


# -- money -------------------------------------------------------------------


def _money(activity, engagement: Engagement, extra: dict) -> None:
    lines = list(engagement.money_lines.all())
    without_rate = [entry for entry in _entries(extra, "money_without_eur_rate") if _amount_of(entry)]
    _budgets(
        activity,
        engagement,
        extra,
        [line for line in lines if line.kind == MoneyKind.BUDGET],
        [entry for entry in without_rate if entry.get("kind") == MoneyKind.BUDGET],
    )
    for line in lines:
        if line.kind in TRANSACTION_TYPES:
            _transaction(
                activity,
                TRANSACTION_TYPES[line.kind],
                line.amount,
                line.currency,
                (line.transaction_date or line.value_date, line.value_date),
                line,
            )
    for entry in without_rate:
        amount, value_date = _amount_of(entry), parse_date(entry.get("value_date"))
        if entry.get("kind") in TRANSACTION_TYPES and amount is not None and value_date is not None:
            _transaction(
                activity,
                TRANSACTION_TYPES[entry["kind"]],
                amount,
                _text(entry.get("currency")),
                (parse_date(entry.get("transaction_date")) or value_date, value_date),
            )
    for entry in _entries(extra, "other_transactions"):
        _other_transaction(activity, entry)


def _amount_of(entry: dict) -> Decimal | None:
    amount = parse_decimal(_text(entry.get("amount")))
    return amount if amount is not None and parse_date(entry.get("value_date")) else None


def _budgets(activity, engagement: Engagement, extra: dict, lines: list, without_rate: list) -> None:
    """Budgets in the publisher's order, each with its type, status and period."""
    pending = [(line.amount, line.currency, line.value_date, True) for line in lines]
    pending += [(_amount_of(e), _text(e.get("currency")), parse_date(e["value_date"]), False) for e in without_rate]
    for stated in _entries(extra, "budgets"):
        if stated.get("superseded") is True:
            _superseded_budget(activity, stated)
            continue
        match = next((money for money in pending if _is_stated_budget(stated, money)), None)
        if match is not None:
            pending.remove(match)
            _budget(activity, engagement, match[:3], stated)
        else:
            _unread_budget(activity, stated)
    for money in pending:
        _budget(activity, engagement, money[:3], {})


def _is_stated_budget(stated: dict, money: tuple) -> bool:
    """Whether the importer made this money of that budget: a money line keeps its
    currency and value date in the stated budget, money kept aside keeps neither."""
    amount, currency, value_date, is_line = money
    value = parse_decimal(_text(stated.get("value")))
    if value is None or value.quantize(CENT) != amount.quantize(CENT):
        return False
    expected = (currency, value_date.isoformat()) if is_line else ("", "")
    return (_text(stated.get("currency")), _text(stated.get("value_date"))) == expected


def _unread_budget(activity, stated: dict) -> None:
    """A budget the importer could not turn into money (a zero or negative value, a missing
    currency) is given back as stated, so that the same finding is made again.
    One it did read but that is gone from the money now was removed in the hub."""
    value = _text(stated.get("value"))
    start, end = parse_date(stated.get("period_start")), parse_date(stated.get("period_end"))
    if _text(stated.get("currency")) or not (XSD_DECIMAL.match(value) and start and end):
        return
    element = _sub(activity, "budget", type=_text(stated.get("type")), status=_text(stated.get("status")))
    _sub(element, "period-start", iso_date=start.isoformat())
    _sub(element, "period-end", iso_date=end.isoformat())
    # Without a value date the importer takes the period's start: say so outright.
    _sub(element, "value", value, currency=_text(stated.get("stated_currency")), value_date=start.isoformat())


def _superseded_budget(activity, stated: dict) -> None:
    """An original budget a revised one replaced: never counted in the hub, given
    back as the publisher stated it."""
    value = _text(stated.get("value"))
    start, end = parse_date(stated.get("period_start")), parse_date(stated.get("period_end"))
    if not (XSD_DECIMAL.match(value) and start and end):
        return
    value_date = parse_date(stated.get("value_date")) or start
    element = _sub(activity, "budget", type=_text(stated.get("type")), status=_text(stated.get("status")))
    _sub(element, "period-start", iso_date=start.isoformat())
    _sub(element, "period-end", iso_date=end.isoformat())
    _sub(element, "value", value, currency=_text(stated.get("currency")), value_date=value_date.isoformat())


def _budget(activity, engagement: Engagement, money: tuple, stated: dict) -> None:
    amount, currency, value_date = money
    start, end = _budget_period(engagement, stated, value_date)
    element = _sub(activity, "budget", type=_text(stated.get("type")), status=_text(stated.get("status")))
    _sub(element, "period-start", iso_date=start.isoformat())
    _sub(element, "period-end", iso_date=end.isoformat())
    # The publisher's wording of the amount (matched to this one) where it is a plain decimal.
    value = _text(stated.get("value"))
    _sub(
        element,
        "value",
        value if XSD_DECIMAL.match(value) else _plain(amount),
        currency=currency,
        value_date=value_date.isoformat(),
    )


def _budget_period(engagement: Engagement, stated: dict, value_date: date) -> tuple[date, date]:
    start, end = parse_date(stated.get("period_start")), parse_date(stated.get("period_end"))
    if start and end:
        return start, end
    start = engagement.start_date or value_date
    end = engagement.end_date if engagement.end_date and engagement.end_date >= start else max(start, value_date)
    return start, end


def _transaction(
    activity, type_code: str, amount: Decimal, currency: str, dates: tuple[date, date], line: MoneyLine | None = None
) -> None:
    """``dates``: the transaction date and the value date, each given back as it was read."""
    transaction_date, value_date = dates
    element = _sub(activity, "transaction")
    _sub(element, "transaction-type", code=type_code)
    _sub(element, "transaction-date", iso_date=transaction_date.isoformat())
    _sub(element, "value", _plain(amount), currency=currency, value_date=value_date.isoformat())
    if line is None:
        return
    if line.provider_ref or line.provider_activity:
        _sub(element, "provider-org", ref=line.provider_ref, provider_activity_id=line.provider_activity)
    if line.receiver_ref or line.receiver_activity:
        _sub(element, "receiver-org", ref=line.receiver_ref, receiver_activity_id=line.receiver_activity)


def _other_transaction(activity, entry: dict) -> None:
    """Transaction types the registry keeps no money line for (loan repayments,
    interest, purchases of equity…), given back as the publisher stated them."""
    value, type_code = _text(entry.get("value")), _text(entry.get("type"))
    transaction_date = parse_date(entry.get("transaction_date")) or parse_date(entry.get("value_date"))
    if not (type_code and XSD_DECIMAL.match(value) and transaction_date):
        return
    value_date = parse_date(entry.get("value_date")) or transaction_date
    element = _sub(activity, "transaction")
    _sub(element, "transaction-type", code=type_code)
    _sub(element, "transaction-date", iso_date=transaction_date.isoformat())
    _sub(element, "value", value, currency=_text(entry.get("currency")), value_date=value_date.isoformat())


# -- related activities ------------------------------------------------------


def _related_activities(activity, engagement: Engagement, extra: dict, prefix: str) -> None:
    """What the publisher stated, then the links users made in the hub to other
    public engagements."""
    stated = [(_text(r.get("ref")), _text(r.get("type"))) for r in _entries(extra, "related_activities")]
    stated = [(ref, kind) for ref, kind in stated if ref]
    added = [
        (iati_identifier_of(link.target, prefix), RELATION_TYPES[link.kind])
        for link in getattr(engagement, "public_links", [])
    ]
    for ref, kind in stated + [relation for relation in dict.fromkeys(added) if relation not in stated]:
        _sub(activity, "related-activity", ref=ref, type=kind, required=("type",))
