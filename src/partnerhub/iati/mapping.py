"""One ``iati-activity`` element → one plain ``ActivityRecord`` and its findings.

Nothing here touches the database: the record holds codes and references
(ISO country codes, organisation identifiers and names) that the import
service resolves in bulk. Each problem becomes a finding in one of three
tiers: ``critical`` (the activity is rejected), ``error`` (the activity is
imported, the field dropped and flagged) or ``warning``.
"""

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from partnerhub.iati.parser import SUPPORTED_VERSIONS, unsupported_version_message
from partnerhub.registry.models import EngagementStatus, Language, MoneyKind, ParticipationRole
from partnerhub.registry.money import known_currencies, to_eur

CRITICAL, ERROR, WARNING = "critical", "error", "warning"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
SHARE_TOLERANCE = Decimal("0.05")
REGION_VOCABULARY_DAC = "1"  # IATI's Region codelist, the OECD DAC regions
# The registry's money columns hold 16 digits before the point.
LARGEST_AMOUNT = Decimal("1e14")
# Part of every activity's fingerprint: raise it when the reading of an activity
# changes (the mapping, or how its organisations are matched), so that the next
# import rewrites what the previous reading wrote.
MAPPING_REVISION = b"iati-mapping-4"
IDENTIFIER_MAX_LENGTH = 200
TITLE_MAX_LENGTH = 500
REFERENCE_MAX_LENGTH = 200
SECTOR_CODE_MAX_LENGTH = 40
SECTOR_VOCABULARY_MAX_LENGTH = 10
EU_LANGUAGES = frozenset(Language.values)

STATUS_BY_CODE = {
    "1": EngagementStatus.PIPELINE,
    "2": EngagementStatus.IMPLEMENTATION,
    "3": EngagementStatus.FINALISATION,
    "4": EngagementStatus.CLOSED,
    "5": EngagementStatus.CANCELLED,
    "6": EngagementStatus.SUSPENDED,
}
DATE_FIELD_BY_TYPE = {"1": "planned_start", "2": "actual_start", "3": "planned_end", "4": "actual_end"}
# Some 2.0x files still use the 1.0x words.
LEGACY_DATE_TYPES = {"start-planned": "1", "start-actual": "2", "end-planned": "3", "end-actual": "4"}
ROLE_BY_CODE = {
    "1": ParticipationRole.FUNDER,
    "2": ParticipationRole.LEAD,
    "3": ParticipationRole.EXTENDING,
    "4": ParticipationRole.IMPLEMENTER,
}
LEGACY_ROLES = {"funding": "1", "accountable": "2", "extending": "3", "implementing": "4"}
MONEY_KIND_BY_TRANSACTION_TYPE = {
    "1": MoneyKind.INCOMING,
    "2": MoneyKind.COMMITMENT,
    "3": MoneyKind.DISBURSEMENT,
    "4": MoneyKind.EXPENDITURE,
}
LEGACY_TRANSACTION_TYPES = {"IF": "1", "C": "2", "D": "3", "E": "4"}
# IATI BudgetType: 1 original, 2 revised (the type is required; a missing one reads as original).
ORIGINAL_BUDGET = ("1", "")
REVISED_BUDGET = "2"

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(T[0-9:.]+)?(Z|[+-]\d{2}:?\d{2})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_ecb_currencies = lru_cache(maxsize=1)(known_currencies)


@dataclass
class Finding:
    tier: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"tier": self.tier, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class OrganisationReference:
    """An organisation as a file names it: IATI identifier, name, type code."""

    ref: str
    name: str
    type: str = ""


@dataclass
class MoneyRecord:
    kind: str
    amount: Decimal
    currency: str
    value_date: date
    amount_eur: Decimal
    eur_rate_date: date | None
    provider_ref: str = ""
    provider_activity: str = ""
    receiver_ref: str = ""
    receiver_activity: str = ""
    # The year a line counts in comes from these, never from the value date
    # (IATI's exchange-rate date, which some publishers set to their extraction day).
    transaction_date: date | None = None
    period_start: date | None = None
    is_correction: bool = False


@dataclass
class SectorRecord:
    vocabulary: str
    code: str
    percentage: Decimal | None = None


@dataclass
class ActivityRecord:
    iati_identifier: str
    line: int
    reporting_org: OrganisationReference | None = None
    title: str = ""
    description: str = ""
    language: str = Language.EN
    status: str = EngagementStatus.PIPELINE
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    humanitarian: bool = False
    last_updated: datetime | None = None
    countries: list[tuple[str, Decimal | None]] = field(default_factory=list)
    # Recipient regions of IATI's Region codelist (vocabulary 1) and their shares.
    regions: list[tuple[str, Decimal | None]] = field(default_factory=list)
    sectors: list[SectorRecord] = field(default_factory=list)
    participations: list[tuple[OrganisationReference, str]] = field(default_factory=list)
    money: list[MoneyRecord] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    source_digest: str = ""

    @property
    def is_rejected(self) -> bool:
        return any(finding.tier == CRITICAL for finding in self.findings)

    @property
    def reporter(self) -> OrganisationReference:
        """The reporting organisation of a record that is not rejected: one without is."""
        if self.reporting_org is None:
            raise ValueError(f"activity {self.iati_identifier!r} has no reporting-org: it is rejected")
        return self.reporting_org

    def flag(self, tier: str, field_name: str, message: str) -> None:
        self.findings.append(Finding(tier, field_name, message))

    def add_extra(self, key: str, value: Any) -> None:
        self.extra.setdefault(key, []).append(value)


def map_activity(element: etree._Element, *, line: int, version: str, warnings: Sequence[str] = ()) -> ActivityRecord:
    """Read one activity; the record's findings say what could not be read."""
    record = ActivityRecord(iati_identifier=identifier_of(element), line=line)
    if version not in SUPPORTED_VERSIONS:
        record.flag(CRITICAL, "version", unsupported_version_message(version))
        return record
    for message in warnings:
        record.flag(WARNING, "version", message)
    _read_identifier(record)
    _read_activity_attributes(record, element, version)
    reader = _ActivityReader(
        record, _language_of(element) or "en", _currency_or_none(record, element.get("default-currency"))
    )
    handlers = reader.HANDLERS
    for child in element:
        handler = handlers.get(tag_of(child))
        if handler is not None:
            handler(reader, child)
    reader.finish()
    record.source_digest = _digest(element)
    return record


def _digest(element: etree._Element) -> str:
    """The activity as published, and the mapping revision that read it."""
    return hashlib.sha256(etree.tostring(element, with_tail=False) + MAPPING_REVISION).hexdigest()


# -- identity and attributes -----------------------------------------------


def identifier_of(element: etree._Element) -> str:
    return " ".join((element.findtext("iati-identifier") or "").split())


def tag_of(element: etree._Element) -> str:
    """A parsed element's tag; a comment or processing instruction has none."""
    tag = element.tag
    return tag if isinstance(tag, str) else ""


def classifier_inputs(element: etree._Element) -> tuple[list[tuple[str, str]], list[str]]:
    """What the migration classifier reads, without reading the rest: the title and
    description texts, and the DAC purpose codes of the activity and its transactions."""
    texts: list[tuple[str, str]] = []
    codes: list[str] = []
    for child in element:
        tag = tag_of(child)
        if tag == "title" or tag == "description":
            texts += [
                (tag, narrative.text.strip())
                for narrative in child
                if narrative.tag == "narrative" and narrative.text and not narrative.text.isspace()
            ]
        elif tag == "sector":
            codes.append(_dac_code(child))
        elif tag == "transaction":
            codes += [_dac_code(sector) for sector in child.iterfind("sector")]
    return texts, [code for code in codes if code]


def _dac_code(sector: etree._Element) -> str:
    vocabulary = (sector.get("vocabulary") or "1").strip().upper()
    return (sector.get("code") or "").strip() if vocabulary in ("1", "2", "DAC") else ""


def _read_identifier(record: ActivityRecord) -> None:
    if not record.iati_identifier:
        record.flag(CRITICAL, "iati-identifier", _("the activity has no iati-identifier"))
    elif len(record.iati_identifier) > IDENTIFIER_MAX_LENGTH:
        record.flag(
            CRITICAL,
            "iati-identifier",
            _("the iati-identifier is longer than %(n)d characters") % {"n": IDENTIFIER_MAX_LENGTH},
        )


def _read_activity_attributes(record: ActivityRecord, element: etree._Element, version: str) -> None:
    record.humanitarian = (element.get("humanitarian") or "").strip().lower() in ("1", "true")
    record.extra["version"] = version
    for name in ("hierarchy", "default-currency"):
        value = element.get(name)
        if value:
            record.extra[name.replace("-", "_")] = value.strip()
    raw_updated = element.get("last-updated-datetime")
    if raw_updated:
        record.last_updated = parse_datetime(raw_updated)
        if record.last_updated is None:
            record.flag(
                WARNING,
                "last-updated-datetime",
                _("last-updated-datetime '%(value)s' is not a date and time") % {"value": raw_updated},
            )


def _language_of(element: etree._Element, default: str = "") -> str:
    raw = element.get(XML_LANG)
    return raw.strip().lower().split("-")[0] if raw and raw.strip() else default


def _currency_or_none(record: ActivityRecord, raw: str | None) -> str | None:
    code = (raw or "").strip().upper()
    if not code:
        return None
    if not _CURRENCY.match(code):
        record.flag(
            ERROR, "default-currency", _("default-currency '%(value)s' is not a currency code") % {"value": raw}
        )
        return None
    return code


# -- parsing helpers -------------------------------------------------------


def parse_decimal(raw: str | None) -> Decimal | None:
    text = (raw or "").strip()
    if not _NUMBER.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


@lru_cache(maxsize=8192)
def parse_date(raw: str | None) -> date | None:
    """An ISO date (a time or zone after it is ignored); ``None`` if there is none."""
    match = _ISO_DATE.match((raw or "").strip())
    if match is None:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def parse_datetime(raw: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        day = parse_date(raw)
        if day is None:
            return None
        moment = datetime(day.year, day.month, day.day)  # noqa: DTZ001 - made aware below
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=timezone.get_fixed_timezone(0))
    return moment


def _narratives(element: etree._Element, default_language: str, *, one_line: bool = True) -> list[tuple[str, str]]:
    """(language, text) of each non-empty narrative; ``one_line`` folds line breaks and runs of spaces."""
    found = []
    for narrative in element:
        if narrative.tag == "narrative" and narrative.text:
            text = " ".join(narrative.text.split()) if one_line else narrative.text.strip()
            if text:
                found.append((_language_of(narrative, default_language), text))
    return found


def _english_or_first(narratives: list[tuple[str, str]]) -> str:
    for language, text in narratives:
        if language == "en":
            return text
    return narratives[0][1] if narratives else ""


def _percentage(raw: str | None) -> Decimal | None:
    value = parse_decimal(raw)
    if value is None or not Decimal(0) <= value <= HUNDRED:
        return None
    return value.quantize(CENT, ROUND_HALF_UP)


def _clip(text: str, limit: int) -> str:
    return text.strip()[:limit]


class _ActivityReader:
    """Reads an activity's children into the record, one handler per element."""

    def __init__(self, record: ActivityRecord, default_language: str, default_currency: str | None):
        self.record = record
        self.default_language = default_language
        self.default_currency = default_currency
        self.titles: list[tuple[str, str]] = []
        self.descriptions: list[tuple[str, str, str]] = []
        self.dates: dict[str, date] = {}
        self.country_percentages: list[tuple[str, str | None]] = []
        self.region_percentages: list[tuple[str, str | None]] = []
        self.transaction_countries: list[str] = []
        self.transaction_sectors: list[SectorRecord] = []
        self.policy_markers: list[dict[str, str]] = []
        self.related: list[dict[str, str]] = []
        self.status_seen = False
        self.revised_periods: list[tuple[date | None, date | None]] | None = None

    # -- texts ---------------------------------------------------------------

    def title(self, element):
        self.titles.extend(_narratives(element, self.default_language))

    def description(self, element):
        kind = (element.get("type") or "1").strip()
        for language, text in _narratives(element, self.default_language, one_line=False):
            self.descriptions.append((kind, language, text))

    def _finish_texts(self):
        record = self.record
        narratives = {}
        if self.titles:
            narratives["title"] = [{"lang": lang, "text": text} for lang, text in self.titles]
        if self.descriptions:
            narratives["description"] = [
                {"type": kind, "lang": lang, "text": text} for kind, lang, text in self.descriptions
            ]
        if narratives:
            record.extra["narratives"] = narratives
        self._choose_title_and_description()

    def _choose_title_and_description(self):
        record = self.record
        language, title = self._preferred(self.titles)
        if not title:
            record.flag(ERROR, "title", _("the activity has no title: its identifier stands in"))
            title = record.iati_identifier
        elif language not in EU_LANGUAGES:
            record.flag(
                WARNING, "title", _("the title is in '%(language)s', not an EU language") % {"language": language}
            )
        if len(title) > TITLE_MAX_LENGTH:
            record.flag(WARNING, "title", _("the title was cut to %(n)d characters") % {"n": TITLE_MAX_LENGTH})
        record.title = title[:TITLE_MAX_LENGTH]
        record.language = language if language in EU_LANGUAGES else Language.EN
        general = [(lang, text) for kind, lang, text in self.descriptions if kind == "1"]
        record.description = "\n\n".join(text for lang, text in general if lang == language) or (
            _english_or_first(general)
        )

    def _preferred(self, narratives: list[tuple[str, str]]) -> tuple[str, str]:
        """The narrative in the activity's language if it is an EU one, else the
        first in an EU language, else the first of all."""
        for wanted in (
            lambda lang: lang == self.default_language and lang in EU_LANGUAGES,
            lambda lang: lang in EU_LANGUAGES,
            lambda lang: True,
        ):
            for language, text in narratives:
                if wanted(language):
                    return language, text
        return self.default_language, ""

    # -- organisations -------------------------------------------------------

    def organisation(self, element) -> OrganisationReference | None:
        ref = _clip(element.get("ref") or "", 100)
        name = _clip(_english_or_first(_narratives(element, self.default_language)) or (element.text or ""), 255)
        if not ref and not name:
            return None
        return OrganisationReference(ref=ref, name=name, type=(element.get("type") or "").strip())

    def reporting_org(self, element):
        reference = self.organisation(element)
        if reference is None:
            return
        self.record.reporting_org = reference
        self.record.extra["reporting_org"] = {"ref": reference.ref, "type": reference.type, "name": reference.name}

    def participating_org(self, element):
        raw_role = (element.get("role") or "").strip()
        code = LEGACY_ROLES.get(raw_role.lower(), raw_role)
        role = ROLE_BY_CODE.get(code)
        reference = self.organisation(element)
        if role is None:
            self.record.flag(
                WARNING,
                "participating-org",
                _("participating-org role '%(role)s' is not an IATI role: left out") % {"role": raw_role},
            )
        elif reference is None:
            self.record.flag(WARNING, "participating-org", _("a participating-org has neither ref nor name: left out"))
        else:
            if code != raw_role:
                self.record.flag(
                    WARNING,
                    "participating-org",
                    _("role '%(role)s' read as code %(code)s") % {"role": raw_role, "code": code},
                )
            self.record.participations.append((reference, role))

    # -- status and dates ----------------------------------------------------

    def activity_status(self, element):
        self.status_seen = True
        code = (element.get("code") or "").strip()
        if code in STATUS_BY_CODE:
            self.record.status = STATUS_BY_CODE[code]
        else:
            self.record.flag(
                ERROR, "activity-status", _("activity-status '%(code)s' is not a status code (1–6)") % {"code": code}
            )

    def activity_date(self, element):
        raw_type = (element.get("type") or "").strip()
        code = LEGACY_DATE_TYPES.get(raw_type, raw_type)
        name = DATE_FIELD_BY_TYPE.get(code)
        raw = (element.get("iso-date") or element.text or "").strip()
        day = parse_date(raw)
        if name is None:
            self.record.flag(
                WARNING, "activity-date", _("activity-date type '%(type)s' is unknown: left out") % {"type": raw_type}
            )
        elif day is None:
            self.record.flag(
                ERROR,
                "activity-date",
                _("activity-date type %(type)s: '%(value)s' is not a date") % {"type": raw_type, "value": raw},
            )
        else:
            self.dates[name] = day

    def _finish_dates(self):
        record = self.record
        for name, day in self.dates.items():
            setattr(record, name, day)
        for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
            first, last = getattr(record, start), getattr(record, end)
            if first and last and last < first:
                record.flag(
                    ERROR,
                    "activity-date",
                    _("the %(end)s date %(last)s is before the start date %(first)s: end date dropped")
                    % {"end": end.replace("_", " "), "last": last, "first": first},
                )
                setattr(record, end, None)

    # -- geography and sectors -----------------------------------------------

    def recipient_country(self, element):
        code = (element.get("code") or "").strip().upper()
        if not code:
            self.record.flag(ERROR, "recipient-country", _("a recipient-country has no code: left out"))
            return
        self.country_percentages.append((code, element.get("percentage")))

    def recipient_region(self, element):
        code = (element.get("code") or "").strip()
        if not code:
            self.record.flag(ERROR, "recipient-region", _("a recipient-region has no code: left out"))
            return
        vocabulary = (element.get("vocabulary") or REGION_VOCABULARY_DAC).strip()
        self.record.add_extra(
            "regions",
            {
                "code": code,
                "vocabulary": vocabulary,
                "percentage": (element.get("percentage") or "").strip(),
            },
        )
        if vocabulary == REGION_VOCABULARY_DAC:
            self.region_percentages.append((code, element.get("percentage")))

    def _finish_places(self):
        """Countries and regions with their shares. IATI splits 100 % over the recipient
        countries and regions together: a country keeps its stated share when the regions
        take the rest, and a blank region takes what the countries leave."""
        codes = [code for code, _raw in self.country_percentages]
        if len(set(codes)) != len(codes):
            self.record.flag(WARNING, "recipient-country", _("a recipient country is listed twice"))
        if any(raw for _code, raw in self.country_percentages):
            self.record.extra["country_percentages"] = {
                code: (raw or "").strip() for code, raw in self.country_percentages
            }
        countries, regions = _stated_shares(self.country_percentages), _stated_shares(self.region_percentages)
        regions_blank = bool(self.region_percentages) and not any(
            (raw or "").strip() for _code, raw in self.region_percentages
        )
        if countries and regions and _adds_up(countries + regions):
            pass
        elif countries and (_adds_up(countries) or regions_blank and sum(countries) < HUNDRED):
            regions = None
        elif not codes and regions and _adds_up(regions):
            pass
        else:
            countries = regions = None
        if codes:
            self.record.countries = _with_shares(self.country_percentages, countries)
        else:
            self.record.countries = [(code, None) for code in dict.fromkeys(self.transaction_countries)]
        self.record.regions = _with_shares(self.region_percentages, regions)

    def sector(self, element, *, transaction: bool = False):
        vocabulary = (element.get("vocabulary") or "1").strip()
        if vocabulary.upper() == "DAC":
            vocabulary = "1"
        code = (element.get("code") or "").strip()
        if not code:
            self.record.flag(ERROR, "sector", _("a sector has no code: left out"))
            return
        if len(code) > SECTOR_CODE_MAX_LENGTH or len(vocabulary) > SECTOR_VOCABULARY_MAX_LENGTH:
            self.record.flag(
                ERROR,
                "sector",
                _("sector '%(code)s' (vocabulary '%(vocabulary)s') is too long to be a code: left out")
                % {"code": code, "vocabulary": vocabulary},
            )
            return
        if transaction:
            self.transaction_sectors.append(SectorRecord(vocabulary, code))
            return
        raw = element.get("percentage")
        percentage = _percentage(raw)
        if raw and percentage is None:
            self.record.flag(
                WARNING,
                "sector",
                _("sector %(code)s: percentage '%(value)s' is not between 0 and 100: left out")
                % {"code": code, "value": raw},
            )
        self.record.sectors.append(SectorRecord(vocabulary, code, percentage))

    def _finish_sectors(self):
        known = {(s.vocabulary, s.code) for s in self.record.sectors}
        for sector in self.transaction_sectors:
            if (sector.vocabulary, sector.code) not in known:
                known.add((sector.vocabulary, sector.code))
                self.record.sectors.append(sector)

    # -- markers, tags, links ------------------------------------------------

    def policy_marker(self, element):
        get = element.get
        self.policy_markers.append(
            {
                "vocabulary": (get("vocabulary") or "1").strip(),
                "code": (get("code") or "").strip(),
                "significance": (get("significance") or "").strip(),
            }
        )

    def tag(self, element):
        self.record.add_extra(
            "tags",
            {
                "vocabulary": (element.get("vocabulary") or "").strip(),
                "code": (element.get("code") or "").strip(),
                "text": _english_or_first(_narratives(element, self.default_language)),
            },
        )

    def related_activity(self, element):
        ref = (element.get("ref") or "").strip()
        if not ref:
            self.record.flag(WARNING, "related-activity", _("a related-activity has no ref: left out"))
            return
        self.related.append({"ref": ref[:IDENTIFIER_MAX_LENGTH], "type": (element.get("type") or "").strip()})

    # -- money -------------------------------------------------------------

    def budget(self, element):
        stated = _stated_budget(element)
        if self.revised_periods is None:
            # Whether a revised budget replaces this one depends on every budget of the activity.
            others = map(_stated_budget, element.getparent().iterfind("budget"))
            self.revised_periods = [_period(other) for other in others if other["type"] == REVISED_BUDGET]
        if stated["type"] in ORIGINAL_BUDGET and any(
            _overlap(_period(stated), revised) for revised in self.revised_periods
        ):
            self._superseded_budget(stated)
        else:
            self._counted_budget(stated)

    def _counted_budget(self, stated: dict):
        value = stated["value"]
        line = self._money(MoneyKind.BUDGET, value, parse_date(stated["period_start"]), ("budget", ""))
        if line is not None:
            line.period_start = parse_date(stated["period_start"])
            self.record.money.append(line)
        entry = {
            **stated,
            "value": (value.text or "").strip() if value is not None else "",
            "currency": line.currency if line else "",
            "value_date": line.value_date.isoformat() if line else "",
        }
        amount = parse_decimal(value.text) if value is not None else None
        if line is None and amount is not None and amount < 0 and (value.get("currency") or "").strip():
            # Left out for being negative: the export gives the currency back as stated.
            entry["stated_currency"] = value.get("currency").strip()
        self.record.add_extra("budgets", entry)

    def _superseded_budget(self, stated: dict):
        """An original budget a revised one of the same period replaces: kept for
        the export as stated, never counted (else the period would count twice)."""
        value = stated["value"]
        self.record.flag(
            WARNING,
            "budget",
            _(
                "the original budget of %(start)s to %(end)s is replaced by the "
                "revised budget of the same period: only the revised one counts"
            )
            % {"start": stated["period_start"] or "?", "end": stated["period_end"] or "?"},
        )
        self.record.add_extra(
            "budgets",
            {
                **stated,
                "superseded": True,
                "value": (value.text or "").strip() if value is not None else "",
                "currency": ((value.get("currency") if value is not None else "") or "").strip().upper()
                or self.default_currency
                or "",
                "value_date": ((value.get("value-date") if value is not None else "") or "").strip(),
            },
        )

    def transaction(self, element):
        raw_type = transaction_date = ""
        value = provider = receiver = None
        for child in element:
            tag = child.tag
            if tag == "transaction-type":
                raw_type = (child.get("code") or "").strip()
            elif tag == "value":
                value = child
            elif tag == "transaction-date":
                transaction_date = child.get("iso-date")
            elif tag == "provider-org":
                provider = child
            elif tag == "receiver-org":
                receiver = child
            elif tag == "sector":
                self.sector(child, transaction=True)
            elif tag == "recipient-country" and child.get("code"):
                self.transaction_countries.append(child.get("code").strip().upper())
        code = self._transaction_type(raw_type)
        fallback = parse_date(transaction_date)
        kind = MONEY_KIND_BY_TRANSACTION_TYPE.get(code)
        if kind is None:
            self._other_transaction(code, value, fallback)
            return
        line = self._money(kind, value, fallback, ("transaction", code))
        if line is not None:
            line.transaction_date = fallback
            _add_funding_chain(line, provider, receiver)
            self.record.money.append(line)

    def _transaction_type(self, raw_type: str) -> str:
        code = LEGACY_TRANSACTION_TYPES.get(raw_type, raw_type)
        if code != raw_type:
            self.record.flag(
                WARNING,
                "transaction",
                _("transaction type '%(type)s' read as code %(code)s") % {"type": raw_type, "code": code},
            )
        return code

    def _other_transaction(self, code, value, fallback):
        if not code:
            self.record.flag(ERROR, "transaction", _("a transaction has no transaction-type: left out"))
            return
        self.record.add_extra(
            "other_transactions",
            {
                "type": code,
                "value": (value.text or "").strip() if value is not None else "",
                "currency": (value.get("currency") or "").strip() if value is not None else "",
                "value_date": (value.get("value-date") or "").strip() if value is not None else "",
                "transaction_date": fallback.isoformat() if fallback else "",
            },
        )

    def _money(self, kind: str, value, fallback_date: date | None, where: tuple[str, str]) -> MoneyRecord | None:
        """A money line, or ``None`` with a finding saying why it was left out."""
        if value is None:
            self._flag_money(ERROR, where, _("%(where)s has no value: left out"))
            return None
        amount = self._negative_checked(self._amount(value, where), where)
        currency = self._currency(value, where)
        value_date = self._value_date(value, fallback_date, where)
        if amount is None or currency is None or value_date is None:
            return None
        line = self._converted(kind, amount, currency, (value_date, fallback_date), where)
        if line is not None:
            line.is_correction = amount < 0
        return line

    def _negative_checked(self, amount: Decimal | None, where) -> Decimal | None:
        """IATI allows negative transactions as corrections of earlier ones; a budget is never negative."""
        if amount is None or amount > 0:
            return amount
        if where[0] == "budget":
            self._flag_money(
                ERROR,
                where,
                _("%(where)s: value %(value)s is negative, which a budget cannot be: left out"),
                value=amount,
            )
            return None
        self._flag_money(
            WARNING,
            where,
            _("%(where)s: value %(value)s is negative: kept as a correction of an earlier transaction"),
            value=amount,
        )
        return amount

    def _flag_money(self, tier: str, where: tuple[str, str], message: str, **values) -> None:
        """Findings on money name the element; the label is only built when needed."""
        element, code = where
        label = _("budget") if element == "budget" else _("transaction (type %(type)s)") % {"type": code or "?"}
        self.record.flag(tier, element, message % {"where": label, **values})

    def _amount(self, value, where) -> Decimal | None:
        raw = (value.text or "").strip()
        amount = parse_decimal(raw)
        if amount is None:
            self._flag_money(ERROR, where, _("%(where)s: value '%(value)s' is not a number: left out"), value=raw)
            return None
        if abs(amount) >= LARGEST_AMOUNT:
            self._flag_money(ERROR, where, _("%(where)s: value %(value)s is too large to be real: left out"), value=raw)
            return None
        rounded = amount.quantize(CENT, ROUND_HALF_UP)
        if rounded == 0:
            message = (
                _("%(where)s: the value is zero: left out")
                if amount == 0
                else _("%(where)s: value %(value)s rounds to zero: left out")
            )
            self._flag_money(WARNING, where, message, value=raw)
            return None
        return rounded

    def _currency(self, value, where) -> str | None:
        raw = (value.get("currency") or "").strip()
        code = raw.upper() or self.default_currency
        if code is None:
            self._flag_money(ERROR, where, _("%(where)s: no currency and no default-currency: left out"))
        elif not _CURRENCY.match(code):
            self._flag_money(
                ERROR, where, _("%(where)s: currency '%(value)s' is not a currency code: left out"), value=raw
            )
            return None
        return code

    def _value_date(self, value, fallback: date | None, where) -> date | None:
        raw = value.get("value-date")
        day = parse_date(raw) if raw else fallback
        if day is None:
            self._flag_money(
                ERROR, where, _("%(where)s: value-date '%(value)s' is not a date: left out"), value=(raw or "").strip()
            )
        return day

    def _converted(self, kind, amount, currency, dates, where) -> MoneyRecord | None:
        """``dates``: the value date and the transaction date or budget period start."""
        value_date, dated = dates
        if currency != "EUR" and currency not in _ecb_currencies():
            self._flag_money(
                ERROR,
                where,
                _("%(where)s: the ECB publishes no rate for %(currency)s, so it has no value in EUR: kept aside"),
                currency=currency,
            )
            self.record.add_extra(
                "money_without_eur_rate",
                {
                    "kind": kind,
                    "amount": str(amount),
                    "currency": currency,
                    "value_date": value_date.isoformat(),
                    "transaction_date": dated.isoformat() if dated and where[0] == "transaction" else "",
                },
            )
            return None
        amount_eur, rate_date = to_eur(amount, currency, value_date)
        return MoneyRecord(kind, amount, currency, value_date, amount_eur, rate_date)

    # -- end -----------------------------------------------------------------

    def finish(self):
        if self.policy_markers:
            self.record.extra["policy_markers"] = self.policy_markers
        if self.related:
            self.record.extra["related_activities"] = self.related
        if not self.status_seen:
            self.record.flag(WARNING, "activity-status", _("the activity has no activity-status"))
        if self.record.reporting_org is None:
            self.record.flag(CRITICAL, "reporting-org", _("the activity has no reporting-org"))
        self._finish_texts()
        self._finish_dates()
        self._finish_places()
        self._finish_sectors()

    HANDLERS: ClassVar[dict[str, Callable[["_ActivityReader", etree._Element], None]]] = {
        "title": title,
        "description": description,
        "reporting-org": reporting_org,
        "participating-org": participating_org,
        "activity-status": activity_status,
        "activity-date": activity_date,
        "recipient-country": recipient_country,
        "recipient-region": recipient_region,
        "sector": sector,
        "policy-marker": policy_marker,
        "tag": tag,
        "related-activity": related_activity,
        "budget": budget,
        "transaction": transaction,
    }


def _stated_shares(pairs: list[tuple[str, str | None]]) -> list[Decimal] | None:
    """The percentages when each code is listed once with one above zero; else None."""
    stated = [_percentage(raw) for _code, raw in pairs]
    percentages = [percentage for percentage in stated if percentage is not None]
    codes = [code for code, _raw in pairs]
    if not pairs or len(set(codes)) != len(codes) or len(percentages) != len(stated) or min(percentages) <= 0:
        return None
    return percentages


def _adds_up(percentages: list[Decimal]) -> bool:
    return abs(sum(percentages) - HUNDRED) <= SHARE_TOLERANCE


def _with_shares(pairs: list[tuple[str, str | None]], shares: list[Decimal] | None) -> list[tuple[str, Decimal | None]]:
    """Each code once (the last mention wins), with its share or blank."""
    codes = [code for code, _raw in pairs]
    listed: Sequence[Decimal | None] = shares or [None] * len(codes)
    return list(dict(zip(codes, listed, strict=True)).items())


def _stated_budget(element: etree._Element) -> dict:
    """A budget's type, status, period (as written) and value element."""
    stated: dict[str, Any] = {
        "type": (element.get("type") or "").strip(),
        "status": (element.get("status") or "").strip(),
        "period_start": "",
        "period_end": "",
        "value": None,
    }
    for child in element:
        tag = child.tag
        if tag == "value":
            stated["value"] = child
        elif tag == "period-start":
            stated["period_start"] = (child.get("iso-date") or "").strip()
        elif tag == "period-end":
            stated["period_end"] = (child.get("iso-date") or "").strip()
    return stated


def _period(stated: dict) -> tuple[date | None, date | None]:
    return parse_date(stated["period_start"]), parse_date(stated["period_end"])


def _overlap(period, other) -> bool:
    """Whether two budget periods share a day; a period without both ends shares none."""
    if None in period or None in other:
        return False
    return period[0] <= other[1] and other[0] <= period[1]


def _add_funding_chain(line: MoneyRecord, provider, receiver) -> None:
    if provider is not None:
        line.provider_ref = _clip(provider.get("ref") or "", REFERENCE_MAX_LENGTH)
        line.provider_activity = _clip(provider.get("provider-activity-id") or "", REFERENCE_MAX_LENGTH)
    if receiver is not None:
        line.receiver_ref = _clip(receiver.get("ref") or "", REFERENCE_MAX_LENGTH)
        line.receiver_activity = _clip(receiver.get("receiver-activity-id") or "", REFERENCE_MAX_LENGTH)
