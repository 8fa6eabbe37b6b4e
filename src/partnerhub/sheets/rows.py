"""Turning one spreadsheet row into an engagement draft and its findings.

Three tiers: a *critical* finding keeps the row out (no reference, no title,
no kind, a sharing level that cannot be read); an *error* leaves one field
empty and flags it on the engagement; a *warning* only informs. The draft is
checked here against the registry's rules (shares adding up, dates in
order, known currencies) so that the services accept every row that is not
critical.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import import_module
from typing import Any, cast

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partnerhub.core.sharing import SharingLevel
from partnerhub.registry.models import Engagement, EngagementStatus, Language
from partnerhub.registry.money import negative_amount_problem
from partnerhub.registry.services import HUNDRED, LARGEST_AMOUNT, SHARE_TOLERANCE, MoneyInput
from partnerhub.sheets.columns import (
    COLUMN_KEYS,
    CORRECTABLE_KINDS,
    COUNTRY_SLOTS,
    MONEY_KINDS,
    ORGANISATION_SLOTS,
    THEME_SLOTS,
)
from partnerhub.sheets.findings import Finding, Tier
from partnerhub.sheets.matching import Lookups, Match, Vocabulary, theme_label
from partnerhub.sheets.reader import SheetContent, SheetRow

CENT = Decimal("0.01")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%y", "%d.%m.%y")
LIST_SEPARATORS = re.compile(r"[;\n]+")
ENTRY_WITH_SHARE = re.compile(r"^(?P<name>.*?)(?:\s+(?P<share>\d+(?:[.,]\d+)?)\s*%?)?$")
SEPARATOR_NOISE = re.compile(r"[\s\u00a0\u202f'’]")


def _max_length(field_name: str) -> int:
    """The length limit of one of Engagement's CharFields, which Django requires of each."""
    field = cast(models.CharField, Engagement._meta.get_field(field_name))
    return cast(int, field.max_length)


REFERENCE_LENGTH = _max_length("external_reference")
TITLE_LENGTH = _max_length("title")
ACTION_PLAN_LENGTH = _max_length("action_plan_reference")
DATE_PAIRS = (("planned_start", "planned_end"), ("actual_start", "actual_end"))
SUGGESTED_THEMES = 3
# Far beyond any amount or share; keeps rounding to the cent within decimal's precision.
LARGEST_EXPONENT = 20

# Fields with a default: left empty, a new engagement takes the default and an
# existing one keeps what the hub holds.
DEFAULTS = {
    "language": Language.EN,
    "status": EngagementStatus.PIPELINE,
    "sharing_level": SharingLevel.ORIGINATOR,
    "humanitarian": False,
}


class Unreadable(ValueError):
    """A cell whose text cannot be read as the value its column wants."""


@dataclass
class RowDraft:
    number: int
    reference: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    countries: list = field(default_factory=list)
    themes: list = field(default_factory=list)
    participations: list = field(default_factory=list)
    money: list[MoneyInput] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.fields.get("title", "")

    @property
    def critical(self) -> bool:
        return any(finding.tier == Tier.CRITICAL for finding in self.findings)

    def engagement_findings(self) -> list[dict[str, str]]:
        """What the engagement keeps: its errors and warnings."""
        return [finding.for_engagement() for finding in self.findings if finding.tier != Tier.CRITICAL]


def analyse(content: SheetContent, lookups: Lookups) -> list[RowDraft]:
    drafts = [RowAnalysis(row, lookups).run() for row in content.rows]
    _refuse_repeated_references(drafts)
    return drafts


def _refuse_repeated_references(drafts: list[RowDraft]) -> None:
    first_row: dict[str, int] = {}
    for draft in drafts:
        if not draft.reference:
            continue
        if draft.reference in first_row:
            draft.findings.append(
                Finding(
                    Tier.CRITICAL,
                    _("The reference “%(reference)s” is already used on row %(row)s; each engagement needs its own.")
                    % {"reference": draft.reference, "row": first_row[draft.reference]},
                    row=draft.number,
                    column="reference",
                )
            )
        else:
            first_row[draft.reference] = draft.number


def column_position(finding: Finding) -> int:
    """Findings read in the order of the columns; those about the whole row come first."""
    return COLUMN_KEYS.index(finding.column) + 1 if finding.column in COLUMN_KEYS else 0


# -- reading cells -----------------------------------------------------------


def parse_date(text: str) -> date:
    candidate = text.strip().split("T")[0].split(" ")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(candidate, pattern).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    raise Unreadable(_("“%(value)s” is not a date; write it as YYYY-MM-DD or DD/MM/YYYY.") % {"value": text})


def parse_number(text: str, *, grouping: bool = True) -> Decimal:
    """``1500000``, ``1 500 000,50``, ``1,500,000.50`` and ``1.500.000,50`` all read.

    A single separator followed by exactly three digits ("1.500", "1,500") could
    mean a thousand and a half or one and a half: refused rather than guessed.
    """
    cleaned = SEPARATOR_NOISE.sub("", text).removesuffix("%")
    if grouping:
        cleaned = _without_grouping(cleaned, text)
    cleaned = cleaned.replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or abs(number.adjusted()) > LARGEST_EXPONENT:
        raise Unreadable(_("“%(value)s” is not a number.") % {"value": text})
    return number


def _without_grouping(cleaned: str, text: str) -> str:
    commas, dots = cleaned.count(","), cleaned.count(".")
    if commas and dots:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        return cleaned.replace("." if decimal_mark == "," else ",", "")
    if commas > 1 or dots > 1:
        return cleaned.replace("," if commas else ".", "")
    whole, _mark, fraction = cleaned.replace(",", ".").partition(".")
    if _mark and len(fraction) == 3 and 1 <= len(whole.lstrip("+-")) <= 3 and whole.lstrip("+-") != "0":
        raise Unreadable(
            _(
                "“%(value)s” could be read two ways (with a decimal point or a thousands separator); "
                "write the number without thousands separators."
            )
            % {"value": text}
        )
    return cleaned


def parse_share(text: str) -> Decimal:
    share = parse_number(text, grouping=False).quantize(CENT, ROUND_HALF_UP)
    if not Decimal("0") < share <= HUNDRED:
        raise Unreadable(_("A share is a percentage above 0 and at most 100, not “%(value)s”.") % {"value": text})
    return share


def describe_miss(text: str, match: Match, what: str) -> str:
    """``'Marocco' is not a country; did you mean Morocco (MAR)?``"""
    if match.candidates:
        return _("“%(value)s” could be any of %(candidates)s: write the code instead.") % {
            "value": text,
            "candidates": "; ".join(match.candidates),
        }
    if match.suggestion:
        return _("“%(value)s” is not %(what)s; did you mean %(suggestion)s?") % {
            "value": text,
            "what": what,
            "suggestion": match.suggestion,
        }
    return _("“%(value)s” is not %(what)s.") % {"value": text, "what": what}


# -- one row -----------------------------------------------------------------


class RowAnalysis:
    def __init__(self, row: SheetRow, lookups: Lookups):
        self.cells = row.cells
        self.lookups = lookups
        self.draft = RowDraft(row.number, findings=list(row.findings))

    def run(self) -> RowDraft:
        self._identity()
        self._texts()
        self._choices()
        self._dates()
        self.draft.countries = self._shared_list(
            "country", COUNTRY_SLOTS, self.lookups.countries, _("a country"), extra_column="other_countries"
        )
        self.draft.themes = self._shared_list("theme", THEME_SLOTS, self.lookups.themes, _("a theme"))
        if not self.draft.themes:
            self._suggest_themes()
        self._instrument()
        self._participations()
        self._money()
        self.draft.findings.sort(key=column_position)
        return self.draft

    # findings

    def add(self, tier: str, column: str | None, reason: str) -> None:
        self.draft.findings.append(Finding(tier, reason, row=self.draft.number, column=column))

    def text(self, column: str) -> str:
        return self.cells.get(column, "")

    def lookup(self, column: str, vocabulary: Vocabulary, what: str, *, tier: str = Tier.ERROR, consequence: str = ""):
        """The entry the cell names, or None with a finding (nothing for an empty cell)."""
        value = self.text(column)
        if not value:
            return None
        match = vocabulary.find(value)
        if not match.found:
            self.add(tier, column, " ".join(filter(None, (describe_miss(value, match, what), consequence))))
        return match.item

    # columns

    def _identity(self) -> None:
        reference, title = self.text("reference"), self.text("title")
        if not reference:
            self.add(
                Tier.CRITICAL,
                "reference",
                _(
                    "No reference: give each engagement your own reference, so that "
                    "a later import updates it instead of adding it twice."
                ),
            )
        elif len(reference) > REFERENCE_LENGTH:
            self.add(
                Tier.CRITICAL,
                "reference",
                _("The reference is longer than %(limit)s characters.") % {"limit": REFERENCE_LENGTH},
            )
        if not title:
            self.add(Tier.CRITICAL, "title", _("No title: every engagement needs one."))
        elif len(title) > TITLE_LENGTH:
            self.add(
                Tier.CRITICAL, "title", _("The title is longer than %(limit)s characters.") % {"limit": TITLE_LENGTH}
            )
        self.draft.reference = reference
        self.draft.fields.update(external_reference=reference, title=title)
        if not self.text("kind"):
            self.add(
                Tier.CRITICAL,
                "kind",
                _(
                    "No kind: say whether this is a project, programme, dialogue, "
                    "agreement, negotiation, mission or other."
                ),
            )
        self.draft.fields["kind"] = self.lookup(
            "kind",
            self.lookups.kinds,
            _("a kind of engagement"),
            tier=Tier.CRITICAL,
            consequence=_("The row was not imported."),
        )

    def _texts(self) -> None:
        self.draft.fields["description"] = self.text("description")
        self.draft.fields["notes"] = self.text("notes")
        reference = self.text("action_plan_reference")
        if len(reference) > ACTION_PLAN_LENGTH:
            self.add(
                Tier.ERROR,
                "action_plan_reference",
                _("Longer than %(limit)s characters; left empty.") % {"limit": ACTION_PLAN_LENGTH},
            )
            reference = ""
        self.draft.fields["action_plan_reference"] = reference

    def _choices(self) -> None:
        self._choice("language", self.lookups.languages, _("a language of the list"))
        self._choice("status", self.lookups.statuses, _("a status of the list"))
        self._choice("humanitarian", self.lookups.yes_no, _("yes or no"))
        if self.text("sharing_level"):
            level = self.lookup(
                "sharing_level",
                self.lookups.sharing_levels,
                _("a sharing level"),
                tier=Tier.CRITICAL,
                consequence=_("The row was not imported: its readers are never guessed."),
            )
            if level is not None:
                self.draft.fields["sharing_level"] = level
        else:
            self.add(
                Tier.WARNING,
                "sharing_level",
                _(
                    "No sharing level: a new engagement is recorded as originator (your organisation only); an "
                    "existing one keeps its level."
                ),
            )

    def _choice(self, column: str, vocabulary: Vocabulary, what: str) -> None:
        value = self.lookup(
            column, vocabulary, what, consequence=_("Left as it was, or at its default for a new engagement.")
        )
        if value is not None:
            self.draft.fields[column] = value

    def _dates(self) -> None:
        for column in ("planned_start", "planned_end", "actual_start", "actual_end"):
            self.draft.fields[column] = self._date(column)
        for start, end in DATE_PAIRS:
            first, last = self.draft.fields[start], self.draft.fields[end]
            if first and last and last < first:
                self.add(Tier.ERROR, end, _("The end date is before the start date; the end date was left empty."))
                self.draft.fields[end] = None

    def _date(self, column: str, consequence: str = "") -> date | None:
        if not self.text(column):
            return None
        try:
            return parse_date(self.text(column))
        except Unreadable as problem:
            self.add(Tier.ERROR, column, f"{problem} {consequence or _('Left empty.')}")
            return None

    # lists with shares

    def _shared_list(
        self, prefix: str, slots: int, vocabulary: Vocabulary, what: str, extra_column: str | None = None
    ) -> list:
        entries: list[tuple[Any, Decimal | None, str]] = []
        for slot in range(1, slots + 1):
            column = f"{prefix}_{slot}"
            entry = self._slot_entry(column, f"{column}_share", vocabulary, what)
            if entry is not None:
                entries.append(entry)
        if extra_column:
            entries.extend(self._listed_entries(extra_column, vocabulary, what))
        return self._checked_shares(self._without_repeats(entries), prefix)

    def _slot_entry(self, column: str, share_column: str, vocabulary: Vocabulary, what: str):
        item = self.lookup(column, vocabulary, what, consequence=_("It was left out."))
        if item is None:
            if self.text(share_column) and not self.text(column):
                self.add(Tier.WARNING, share_column, _("A share without an entry beside it was ignored."))
            return None
        return item, self._share(share_column), column

    def _share(self, column: str, text: str | None = None) -> Decimal | None:
        text = self.text(column) if text is None else text
        if not text:
            return None
        try:
            return parse_share(text)
        except Unreadable as problem:
            self.add(Tier.ERROR, column, f"{problem} {_('Left empty.')}")
            return None

    def _listed_entries(self, column: str, vocabulary: Vocabulary, what: str):
        for part in LIST_SEPARATORS.split(self.text(column)):
            parsed = ENTRY_WITH_SHARE.match(part.strip())
            name = parsed.group("name").strip() if parsed else ""
            if parsed is None or not name:
                continue
            match = vocabulary.find(name)
            if not match.found:
                self.add(Tier.ERROR, column, f"{describe_miss(name, match, what)} {_('It was left out.')}")
                continue
            yield match.item, self._share(column, parsed.group("share") or ""), column

    def _without_repeats(self, entries):
        seen, kept = set(), []
        for item, share, column in entries:
            if item.pk in seen:
                self.add(
                    Tier.WARNING, column, _("%(entry)s is listed twice; the second was ignored.") % {"entry": item}
                )
                continue
            seen.add(item.pk)
            kept.append((item, share, column))
        return kept

    def _checked_shares(self, entries, prefix: str) -> list:
        shares = [share for _item, share, _column in entries]
        given = [share for share in shares if share is not None]
        problem = ""
        if given and len(given) != len(shares):
            problem = _("Shares were given for some entries but not all; all shares were left empty.")
        elif given and abs(sum(given) - HUNDRED) > SHARE_TOLERANCE:
            problem = _("The shares add up to %(total)s %%, not 100 %%; all shares were left empty.") % {
                "total": sum(given)
            }
        if problem:
            self.add(Tier.ERROR, f"{prefix}_1_share", problem)
            return [(item, None) for item, _share, _column in entries]
        return [(item, share) for item, share, _column in entries]

    def _suggest_themes(self) -> None:
        suggestions = suggest_themes(self.draft.title, self.draft.fields.get("description", ""), self.lookups)
        if suggestions:
            self.add(
                Tier.WARNING,
                "theme_1",
                _("No theme given; suggested: %(themes)s.") % {"themes": "; ".join(suggestions)},
            )
        else:
            self.add(Tier.WARNING, "theme_1", _("No theme given."))

    # instrument, organisations, money

    def _instrument(self) -> None:
        self.draft.fields["instrument"] = self.lookup(
            "instrument", self.lookups.instruments, _("an instrument"), consequence=_("Left empty.")
        )

    def _participations(self) -> None:
        seen = set()
        for slot in range(1, ORGANISATION_SLOTS + 1):
            column, role_column = f"organisation_{slot}", f"organisation_{slot}_role"
            organisation = self.lookup(
                column,
                self.lookups.organisations,
                _("an organisation known to the hub"),
                consequence=_("It was left out."),
            )
            if organisation is None:
                if self.text(role_column) and not self.text(column):
                    self.add(Tier.WARNING, role_column, _("A role without an organisation beside it was ignored."))
                continue
            role = self._role(role_column)
            if role is None or (organisation.pk, role) in seen:
                if role is not None:
                    self.add(
                        Tier.WARNING,
                        column,
                        _("%(organisation)s is listed twice in the same role; the second was ignored.")
                        % {"organisation": organisation},
                    )
                continue
            seen.add((organisation.pk, role))
            self.draft.participations.append((organisation, role))

    def _role(self, column: str) -> str | None:
        if not self.text(column):
            self.add(Tier.ERROR, column, _("No role given for the organisation; it was left out."))
            return None
        return self.lookup(
            column,
            self.lookups.roles,
            _("a role (funder, implementer, lead, counterpart or extending)"),
            consequence=_("The organisation was left out."),
        )

    def _money(self) -> None:
        for kind in MONEY_KINDS:
            line = self._money_line(kind)
            if line is not None:
                self.draft.money.append(line)

    def _money_line(self, kind: str) -> MoneyInput | None:
        amount_column = f"{kind}_amount"
        if not self.text(amount_column):
            if self.text(f"{kind}_currency") or self.text(f"{kind}_date"):
                self.add(Tier.WARNING, amount_column, _("A currency or date without an amount was ignored."))
            return None
        is_correction = self._is_correction(kind)
        amount = self._amount(amount_column)
        if amount is not None:
            problem = negative_amount_problem(kind, amount, is_correction=is_correction)
            if problem:
                self.add(Tier.ERROR, amount_column, f"{problem} {_('The amount was left out.')}")
                amount = None
        currency = self._currency(f"{kind}_currency")
        value_date = self._value_date(f"{kind}_date")
        if amount is None or currency is None or value_date is None:
            return None
        return MoneyInput(kind, amount, currency, value_date, is_correction=is_correction)

    def _is_correction(self, kind: str) -> bool:
        column = f"{kind}_correction"
        if kind not in CORRECTABLE_KINDS or not self.text(column):
            return False
        return bool(
            self.lookup(
                column, self.lookups.yes_no, _("yes or no"), consequence=_("Read as no: a negative amount is refused.")
            )
        )

    def _amount(self, column: str) -> Decimal | None:
        try:
            amount = parse_number(self.text(column)).quantize(CENT, ROUND_HALF_UP)
        except Unreadable as problem:
            self.add(Tier.ERROR, column, str(problem) + " " + _("The amount was left out."))
            return None
        if amount == 0:
            self.add(Tier.WARNING, column, _("An amount of zero says nothing; it was left out."))
        elif abs(amount) >= LARGEST_AMOUNT:
            self.add(Tier.ERROR, column, _("The amount is too large to be real; it was left out."))
        else:
            return amount
        return None

    def _currency(self, column: str) -> str | None:
        if not self.text(column):
            self.add(Tier.ERROR, column, _("No currency given; the amount was left out."))
            return None
        return self.lookup(
            column,
            self.lookups.currencies,
            _("a currency with an ECB reference rate"),
            consequence=_("The amount was left out."),
        )

    def _value_date(self, column: str) -> date | None:
        if self.text(column):
            return self._date(column, consequence=_("The amount was left out."))
        start = self.draft.fields.get("actual_start") or self.draft.fields.get("planned_start")
        if start is None:
            self.add(Tier.ERROR, column, _("No value date and no start date; the amount was left out."))
            return None
        self.add(
            Tier.WARNING,
            column,
            _("No value date; the start date %(date)s was used.") % {"date": date_format(start, "DATE_FORMAT")},
        )
        return start


# -- theme suggestions ---------------------------------------------------------


def suggest_themes(title: str, description: str, lookups: Lookups) -> list[str]:
    """Themes the migration classifier reads in the text, for rows that give none."""
    classify = _classifier()
    if classify is None or not (title or description):
        return []
    result = classify([("title", title), ("description", description)], [])
    suggestions = sorted(result.themes, key=lambda suggestion: -suggestion.confidence)[:SUGGESTED_THEMES]
    labels = []
    for suggestion in suggestions:
        theme = lookups.themes_by_code.get(suggestion.theme_code)
        if suggestion.explanation:
            # The explanation names the theme already: "'réintégration' in title → Sustainable reintegration".
            labels.append(f"{suggestion.explanation} ({suggestion.theme_code})")
        else:
            labels.append(theme_label(theme) if theme else suggestion.theme_code)
    return labels


def _classifier():
    """The IATI import's classifier, when that app provides it."""
    try:
        return import_module("partnerhub.iati.classifier").classify
    except (ImportError, AttributeError):
        return None
