"""The one-click country brief, as DOCX (editable in Word) and as PDF.

Every figure comes from the ``CountryProfile`` the profile page renders, for the
same viewer: the brief computes nothing, it only formats. ``build_brief`` turns
the profile (and the overlaps under review) into a list of blocks — headings,
paragraphs, tables, charts — with every text already translated and every
amount already formatted; the DOCX writer and the PDF template render those
same blocks, so the two files cannot disagree with each other or with the page.

Charts are the page's chart descriptions (``analysis.figures.charts``) drawn
as PNG (``brief/charts.py``); the same bytes go into the DOCX and, as data:
URIs, into the PDF. WeasyPrint may fetch nothing but data: URIs.
"""

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from partnerhub.access.models import Organisation
from partnerhub.analysis.brief.charts import bar_chart_png, share_bar_png
from partnerhub.analysis.brief.text import (
    NO_VALUE,
    count_text,
    day,
    engagement_title,
    full_eur,
    share_text,
    undisclosed_suffix,
    with_undisclosed,
)
from partnerhub.analysis.figures import charts
from partnerhub.analysis.figures.keyfacts import (
    KeyFact,
    RemittanceContext,
    figure_text,
    freshness_text,
    key_facts,
    remittance_context,
    remittance_sentence,
)
from partnerhub.analysis.figures.profile import CountryProfile, Row
from partnerhub.core.charts import BarChart
from partnerhub.core.formatting import compact_eur, percent
from partnerhub.core.sharing import SharingLevel
from partnerhub.core.types import StrOrPromise
from partnerhub.overlaps.sentences import explanation_sentence, previous_decision_sentence
from partnerhub.registry.models import Interest

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"
PDF_TEMPLATE = "analysis/brief/brief_pdf.html"
TABLE_STYLE = "Light Grid Accent 1"
HUNDRED_PERCENT = Decimal(100)
XML_ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# -- Blocks: what both files are made of -------------------------------------------


@dataclass
class Heading:
    text: str
    level: int = 1
    kind: str = "heading"


@dataclass
class Paragraph:
    text: str
    tone: str = "plain"  # plain, muted, notice (demo data, undisclosed), warning (one-sided)
    kind: str = "paragraph"


@dataclass
class Bullets:
    items: list[str]
    kind: str = "bullets"


@dataclass
class Column:
    title: str
    numeric: bool = False


@dataclass
class Cell:
    text: str
    numeric: bool
    suffix: str = ""  # "+ undisclosed" after a total: the PDF lets it wrap to a line of its own

    @property
    def full_text(self) -> str:
        return f"{self.text} {self.suffix}" if self.suffix else self.text


@dataclass
class TableRow:
    cells: list[Cell]
    emphasis: bool = False
    indent: int = 0


@dataclass
class Table:
    caption: str
    columns: list[Column]
    rows: list[TableRow] = field(default_factory=list)
    kind: str = "table"

    def add(self, values: list, *, emphasis: bool = False, indent: int = 0) -> None:
        """``values`` are texts, or (text, suffix) pairs for totals that may say "+ undisclosed"."""
        cells = [
            Cell(value[0], column.numeric, value[1]) if isinstance(value, tuple) else Cell(value, column.numeric)
            for value, column in zip(values, self.columns, strict=True)
        ]
        self.rows.append(TableRow(cells, emphasis, indent))


@dataclass
class Chart:
    png: bytes
    description: str
    kind: str = "chart"

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass
class KeyFigure:
    label: str
    value: str  # compact, as in the page's summaries
    full: str  # in whole euros, as in the page's tables
    suffix: str  # "+ undisclosed" or nothing
    detail: str

    @property
    def full_text(self) -> str:
        return f"{self.full} {self.suffix}" if self.suffix else self.full


@dataclass
class KeyFigures:
    figures: list[KeyFigure]
    kind: str = "figures"


Block = Heading | Paragraph | Bullets | Table | Chart | KeyFigures


@dataclass(frozen=True)
class Marking:
    """The handling marking of a whole brief: that of its most restricted record."""

    level: str
    label: str  # "EU LIMITE"
    audience: str  # who may read it

    @property
    def line(self) -> str:
        return _("%(marking)s — %(audience)s") % {"marking": self.label, "audience": self.audience}


# Most open first, as SharingLevel. "EU LIMITE" is the EU's own marking for
# documents kept within the institutions and the Member States.
MARKINGS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    SharingLevel.PUBLIC: (gettext_lazy("PUBLIC"), gettext_lazy("may be shared without restriction")),
    SharingLevel.PARTNER: (gettext_lazy("PARTNER"), gettext_lazy("EU side and the partner country's authorities only")),
    SharingLevel.EU: (gettext_lazy("EU LIMITE"), gettext_lazy("EU institutions and Member States only")),
    SharingLevel.RESTRICTED: (
        gettext_lazy("RESTRICTED"),
        gettext_lazy("owner organisations and the organisations they named only"),
    ),
    SharingLevel.ORIGINATOR: (gettext_lazy("ORIGINATOR ONLY"), gettext_lazy("owner organisation only")),
}


def marking_of(levels) -> Marking:
    """The most restrictive of ``levels``; PUBLIC for a brief without any record."""
    level = max(levels, key=SharingLevel.rank, default=SharingLevel.PUBLIC)
    label, audience = MARKINGS[level]
    return Marking(level, str(label), str(audience))


def sharing_levels_in(profile: CountryProfile, overlaps: dict) -> list[str]:
    """The sharing level of every record whose content the brief carries."""
    engagements = [
        *profile.latest,
        *profile.upcoming,
        *(side for pair in overlaps.get("pairs", []) for side in (pair.first, pair.second)),
    ]
    return [
        *(row.sharing_level for row in profile.counted),
        *(row.priority.sharing_level for row in profile.priorities),
        *(engagement.sharing_level for engagement in engagements),
    ]


@dataclass
class Brief:
    title: str
    marking: Marking
    generated: str
    prepared_for: str
    notices: list[Paragraph]
    blocks: list[Block]
    method: str
    language: str


# -- Building the brief ------------------------------------------------------------


def build_brief(profile: CountryProfile, overlaps: dict, *, user) -> Brief:
    facts = key_facts(user, profile.country)
    marking = marking_of([*sharing_levels_in(profile, overlaps), *_key_fact_levels(facts)])
    blocks: list[Block] = [
        *_key_figure_blocks(profile),
        *_key_fact_blocks(profile, facts),
        *_breakdown_blocks(profile),
        *_balance_blocks(profile),
        *_priority_blocks(profile),
        *_netted_blocks(profile),
        *_overlap_blocks(overlaps),
        *_upcoming_blocks(profile),
        *_latest_blocks(profile),
        *_annex_blocks(profile),
    ]
    return Brief(
        title=_("Country brief: %(country)s") % {"country": profile.country.localized_name},
        marking=marking,
        generated=_("Generated on %(moment)s")
        % {"moment": date_format(timezone.localtime(profile.generated_at), "DATETIME_FORMAT")},
        prepared_for=prepared_for(user),
        notices=[_marking_notice(marking), *_notices(profile)],
        blocks=blocks,
        method=_(
            "Method: each euro is counted once along funding chains; an engagement in several countries "
            "counts with its country share; amounts are in EUR at the ECB reference rate of their value "
            "date; budgets, commitments and disbursements are never added together."
        ),
        language=get_language() or "en",
    )


def prepared_for(user) -> str:
    if user is None or not user.is_authenticated:
        return _("Prepared for a visitor who is not logged in: figures show public records only.")
    names = list(Organisation.objects.filter(memberships__user=user).order_by("name").values_list("name", flat=True))
    if not names:
        return _("Prepared for a reader without an organisation: figures show public records only.")
    return _("Prepared for %(organisations)s: figures show what this reader may see.") % {
        "organisations": ", ".join(names)
    }


def _marking_notice(marking: Marking) -> Paragraph:
    return Paragraph(
        _(
            "Marked %(marking)s (%(audience)s): the sharing level of the most restricted record in "
            "this brief. Share the brief no more widely."
        )
        % {"marking": marking.label, "audience": marking.audience},
        tone="notice",
    )


def _notices(profile: CountryProfile) -> list[Paragraph]:
    notices = []
    if profile.has_demo:
        notices.append(
            Paragraph(
                _(
                    "Demo data: some engagements in these figures are invented for "
                    "demonstration and are labelled as such."
                ),
                tone="notice",
            )
        )
    if profile.undisclosed:
        notices.append(
            Paragraph(
                _(
                    "+ undisclosed: records you may not see hold money in this country. "
                    "Their amounts are left out of every figure and are not told."
                ),
                tone="notice",
            )
        )
    return notices


def _key_figure_blocks(profile: CountryProfile) -> list[Block]:
    figures = [
        KeyFigure(
            label=total.label,
            value=compact_eur(total.team_europe),
            full=full_eur(total.team_europe),
            suffix=undisclosed_suffix(profile.undisclosed),
            detail=_key_figure_detail(total),
        )
        for total in profile.totals
    ]
    return [
        Heading(_("Key figures, counted once and as reported")),
        Paragraph(
            _(
                "Team Europe money in EUR (the EU and the Member States). Budgets, commitments and "
                "disbursements are different stages of the same money: side by side, never added."
            )
        ),
        KeyFigures(figures),
        Paragraph(
            ngettext(
                "%(count)s engagement in this country that you may see.",
                "%(count)s engagements in this country that you may see.",
                profile.engagement_count,
            )
            % {"count": count_text(profile.engagement_count)},
            tone="muted",
        ),
    ]


def _key_fact_levels(facts: list[KeyFact]) -> list[str]:
    """The sharing level of every figure the key facts carry: the quoted ones and those that disagree."""
    shown = [fact.figure for fact in facts]
    shown += [figure for fact in facts for pair in fact.disagreements for figure in (pair.first, pair.second)]
    return [figure.sharing_level for figure in shown]


def _key_fact_blocks(profile: CountryProfile, facts: list[KeyFact]) -> list[Block]:
    blocks: list[Block] = [Heading(_("Key facts"))]
    if not facts:
        return [*blocks, Paragraph(_("No key figure for this country yet (or none you may see)."), tone="muted")]
    table = Table(
        _("The figures to quote, with their sources"),
        [
            Column(_("Indicator")),
            Column(_("Figure"), numeric=True),
            Column(_("Period")),
            Column(_("Status")),
            Column(_("Source")),
        ],
    )
    for fact in facts:
        figure = fact.figure
        table.add(
            [
                fact.indicator.localized_name,
                figure_text(figure.value, figure.unit),
                figure.period,
                _("Agreed") if fact.is_agreed else _("not agreed"),
                _source_text(fact),
            ]
        )
    blocks += [
        Paragraph(
            _(
                "The agreed figure of each indicator; where none is agreed yet, the latest figure of the "
                "indicator's default source, marked “not agreed”."
            ),
            tone="muted",
        ),
        table,
        *_disagreement_blocks(facts),
    ]
    context = remittance_context(facts)
    return [*blocks, _remittance_paragraph(profile, context)] if context is not None else blocks


def _source_text(fact: KeyFact) -> str:
    source = fact.source
    release = (
        _("release of %(date)s") % {"date": day(source.release_date)}
        if source.release_date
        else _("release date not known")
    )
    return f"{source} ({release}; {freshness_text(fact.freshness)})"


def _disagreement_blocks(facts: list[KeyFact]) -> list[Block]:
    items = [
        _("%(indicator)s, %(period)s: %(first_source)s gives %(first)s, %(second_source)s gives %(second)s")
        % {
            "indicator": fact.indicator.localized_name,
            "period": pair.first.period,
            "first_source": pair.first.source,
            "first": figure_text(pair.first.value, pair.first.unit),
            "second_source": pair.second.source,
            "second": figure_text(pair.second.value, pair.second.unit),
        }
        for fact in facts
        for pair in fact.disagreements
    ]
    if not items:
        return []
    return [Paragraph(_("Sources disagree by more than the tolerance:"), tone="warning"), Bullets(items)]


def _remittance_paragraph(profile: CountryProfile, context: RemittanceContext) -> Paragraph:
    return Paragraph(remittance_sentence(profile.country.localized_name, context), tone="muted")


def _key_figure_detail(total) -> str:
    """How many engagements, and what their owners reported where netting took some out (as the page says)."""
    detail = ngettext("%(count)s engagement", "%(count)s engagements", total.engagements) % {
        "count": count_text(total.engagements)
    }
    if total.reported != total.team_europe:
        detail += " · " + _("%(reported)s as reported") % {"reported": full_eur(total.reported)}
    return detail


# -- Breakdowns ----------------------------------------------------------------------


def _breakdown_blocks(profile: CountryProfile) -> list[Block]:
    return [
        Heading(_("Team Europe portfolio: %(kind)s") % {"kind": profile.kind_label}),
        Paragraph(
            _(
                "Money kind of the breakdowns below: %(kind)s. Amounts in EUR, each euro counted once. "
                "Team Europe total: %(total)s."
            )
            % {"kind": profile.kind_label, "total": " ".join(_team_europe_total(profile)).strip()}
        ),
        *_theme_blocks(profile),
        *_actor_blocks(profile),
        *_instrument_blocks(profile),
        *_year_blocks(profile),
    ]


def _team_europe_total(profile: CountryProfile) -> tuple[str, str]:
    return with_undisclosed(full_eur(profile.team_europe_total), profile.undisclosed)


def _amount_table(caption: str, first_column: str) -> Table:
    return Table(
        caption,
        [
            Column(first_column),
            Column(_("Engagements"), numeric=True),
            Column(_("Amount (EUR)"), numeric=True),
            Column(_("Share"), numeric=True),
        ],
    )


def _add_amount_rows(table: Table, rows: list[Row]) -> None:
    for row in rows:
        table.add(
            [row.label, count_text(row.engagements), full_eur(row.amount), share_text(row.share)], indent=row.level
        )


def _add_total_row(table: Table, profile: CountryProfile) -> None:
    table.add([_("Team Europe total"), "", _team_europe_total(profile), percent(HUNDRED_PERCENT)], emphasis=True)


def _theme_blocks(profile: CountryProfile) -> list[Block]:
    blocks: list[Block] = [Heading(_("By theme"), level=2)]
    if not profile.by_theme:
        return [*blocks, Paragraph(_("No Team Europe engagement in this country."), tone="muted")]
    table = _amount_table(_("Team Europe money by theme"), _("Theme"))
    _add_amount_rows(table, profile.by_theme)
    _add_total_row(table, profile)
    blocks += [Paragraph(_("Each pillar includes the themes listed under it."), tone="muted"), table]
    return [*blocks, *_chart_if_money(charts.pillar_chart(profile))]


def _actor_blocks(profile: CountryProfile) -> list[Block]:
    blocks: list[Block] = [Heading(_("By actor, as reported and counted once"), level=2)]
    if not profile.by_actor:
        return [*blocks, Paragraph(_("No engagement in this country."), tone="muted")]
    table = Table(
        _("Money by actor, as reported and counted once"),
        [
            Column(_("Actor")),
            Column(_("Engagements"), numeric=True),
            Column(_("Reported (EUR)"), numeric=True),
            Column(_("Counted once (EUR)"), numeric=True),
            Column(_("Share of Team Europe"), numeric=True),
        ],
    )
    for row in profile.by_actor:
        label = row.label if row.is_team_europe else _("%(actor)s (not in Team Europe)") % {"actor": row.label}
        share = share_text(row.share) if row.is_team_europe else NO_VALUE
        table.add([label, count_text(row.engagements), full_eur(row.reported), full_eur(row.amount), share])
    reported = _reported_team_europe_total(profile)
    table.add(
        [
            _("Team Europe total"),
            "",
            with_undisclosed(reported, profile.undisclosed),
            _team_europe_total(profile),
            percent(HUNDRED_PERCENT),
        ],
        emphasis=True,
    )
    blocks += [
        Paragraph(
            _(
                "“Reported” is what each actor states; “counted once” takes out money already counted "
                "upstream in a funding chain (see “Records netted out”)."
            ),
            tone="muted",
        ),
        table,
    ]
    return [*blocks, *_chart_if_money(charts.reported_and_counted_chart(profile))]


def _reported_team_europe_total(profile: CountryProfile) -> str:
    total = next((total for total in profile.totals if total.kind == profile.kind), None)
    return full_eur(total.reported) if total else NO_VALUE


def _instrument_blocks(profile: CountryProfile) -> list[Block]:
    blocks: list[Block] = [Heading(_("By instrument"), level=2)]
    if not profile.by_instrument:
        return [*blocks, Paragraph(_("No Team Europe engagement in this country."), tone="muted")]
    table = _amount_table(_("Team Europe money by instrument"), _("Instrument"))
    _add_amount_rows(table, profile.by_instrument)
    _add_total_row(table, profile)
    return [*blocks, table]


def _year_blocks(profile: CountryProfile) -> list[Block]:
    blocks: list[Block] = [Heading(_("By year"), level=2)]
    if not profile.by_year:
        return [*blocks, Paragraph(_("No Team Europe money of this kind."), tone="muted")]
    table = _amount_table(
        _("Team Europe money by year: transactions by their date, budgets by the start of their period"), _("Year")
    )
    _add_amount_rows(table, profile.by_year)
    _add_total_row(table, profile)
    return [*blocks, table, *_chart_if_money(charts.year_chart(profile))]


def _chart_if_money(chart: BarChart) -> list[Block]:
    return [Chart(bar_chart_png(chart), chart.title)] if chart.has_amounts else []


# -- Balance, priorities, netting ----------------------------------------------------


def _balance_blocks(profile: CountryProfile) -> list[Block]:
    balance = profile.balance
    blocks: list[Block] = [
        Heading(_("Balance of interests")),
        Paragraph(
            _(
                "How the Team Europe portfolio splits between themes the EU mainly wants, shared themes "
                "and themes the partner country mainly wants. The partnership is flagged as one-sided when "
                "less than %(threshold)s of its money (or, without money, of its engagements) serves the "
                "themes one side mainly wants while the other side's themes get at least that much; shared "
                "themes serve both. The verdict is given only to readers who may see at least %(seen)s of "
                "the country's Team Europe money."
            )
            % {"threshold": percent(balance.threshold), "seen": percent(balance.min_share_seen)}
        ),
    ]
    table = Table(
        _("Balance of interests"),
        [
            Column(_("Mainly serves")),
            Column(_("Money (EUR)"), numeric=True),
            Column(_("Share of money"), numeric=True),
            Column(_("Engagements"), numeric=True),
            Column(_("Share of engagements"), numeric=True),
        ],
    )
    for part in balance.parts:
        table.add(
            [
                part.label,
                full_eur(part.money),
                share_text(part.money_share),
                count_text(part.engagements),
                share_text(part.engagement_share),
            ]
        )
    blocks.append(table)
    if balance.unclassified_engagements:
        count = balance.unclassified_engagements
        blocks.append(
            Paragraph(
                ngettext(
                    "Left out of the shares: %(money)s on %(count)s engagement without a theme.",
                    "Left out of the shares: %(money)s on %(count)s engagements without a theme.",
                    count,
                )
                % {"money": full_eur(balance.unclassified_money), "count": count_text(count)},
                tone="muted",
            )
        )
    blocks.append(_balance_verdict(balance))
    if (chart := charts.balance_chart(profile)) is not None:
        blocks.append(Chart(share_bar_png(chart), _("Shares by interest, with the one-sided threshold")))
    return blocks


def _balance_verdict(balance) -> Paragraph:
    if balance.basis is None:
        return Paragraph(_("Nothing to weigh: no Team Europe engagement with a theme."), tone="muted")
    values = {
        "share": share_text(balance.partner_share),
        "threshold": percent(balance.threshold),
        "basis": _("money") if balance.basis == "money" else _("engagements"),
    }
    if balance.verdict_withheld:
        return Paragraph(
            _(
                "No verdict on the balance (+ undisclosed): you may see less than %(seen)s of the Team "
                "Europe money here, so the shares above are of the records you may see only."
            )
            % {"seen": percent(balance.min_share_seen)},
            tone="muted",
        )
    values["other"] = share_text(balance.eu_share)
    if balance.one_sided_towards == Interest.EU:
        return Paragraph(
            _(
                "One-sided towards EU interests: themes the partner country mainly wants get %(share)s "
                "of the %(basis)s, under the threshold of %(threshold)s, and themes the EU mainly wants "
                "%(other)s."
            )
            % values,
            tone="warning",
        )
    if balance.one_sided_towards == Interest.PARTNER:
        return Paragraph(
            _(
                "One-sided towards the partner's interests: themes the EU mainly wants get %(other)s "
                "of the %(basis)s, under the threshold of %(threshold)s, and themes the partner country "
                "mainly wants %(share)s."
            )
            % values
        )
    return Paragraph(
        _(
            "Not one-sided: themes the partner country mainly wants get %(share)s of the %(basis)s "
            "and themes the EU mainly wants %(other)s; neither side falls under the threshold of "
            "%(threshold)s while the other reaches it."
        )
        % values
    )


def _priority_blocks(profile: CountryProfile) -> list[Block]:
    blocks: list[Block] = [Heading(_("The partner's priorities and gaps"))]
    if not profile.priorities:
        return [*blocks, Paragraph(_("No priority of the partner country is recorded that you may see."), tone="muted")]
    table = Table(
        _("The partner's stated priorities and the Team Europe engagements serving them"),
        [
            Column(_("Priority")),
            Column(_("What the partner asks for")),
            Column(_("Stated")),
            Column(_("Team Europe money (EUR)"), numeric=True),
            Column(_("Engagements"), numeric=True),
        ],
    )
    for row in profile.priorities:
        priority = row.priority
        stated = _("%(source)s, %(date)s") % {"source": priority.source, "date": day(priority.stated_on)}
        table.add(
            [
                priority.theme.localized_name,
                priority.description,
                stated,
                full_eur(row.amount),
                count_text(row.engagements),
            ]
        )
    blocks += [table, Heading(_("Gaps"), level=2)]
    if not profile.gaps:
        return [*blocks, Paragraph(_("Every stated priority is served by at least one Team Europe engagement."))]
    return [
        *blocks,
        Paragraph(_("No Team Europe engagement serves these stated priorities:"), tone="warning"),
        Bullets([row.priority.theme.localized_name for row in profile.gaps]),
    ]


def _netted_blocks(profile: CountryProfile) -> list[Block]:
    blocks: list[Block] = [Heading(_("Records netted out of what they reported"))]
    if not profile.netted:
        return [
            *blocks,
            Paragraph(
                _("Nothing was netted out: no funding chain links the engagements you may see here."), tone="muted"
            ),
        ]
    table = Table(
        _("Money taken out because it is already counted upstream"),
        [
            Column(_("Engagement")),
            Column(_("Actor")),
            Column(_("Reported (EUR)"), numeric=True),
            Column(_("Netted out (EUR)"), numeric=True),
            Column(_("Why")),
        ],
    )
    for row in profile.netted:
        table.add([row.title, row.owner, full_eur(row.reported), full_eur(row.netted), _netting_reasons(row)])
    return [*blocks, Paragraph(_("Each euro counts once, at the level of the original funder.")), table]


def _netting_reasons(row) -> str:
    reasons = []
    for source in row.sources:
        reason = _("%(reason)s: %(title)s") % {"reason": capfirst(source.reason), "title": source.title}
        if source.amount is not None:
            reason = _("%(reason)s (%(amount)s)") % {"reason": reason, "amount": full_eur(source.amount)}
        reasons.append(reason)
    return "; ".join(reasons)


# -- Overlaps, upcoming and latest engagements -----------------------------------------


def _overlap_blocks(overlaps: dict) -> list[Block]:
    """The pairs ``overlaps_for_country`` found for this reader (both sides visible to them)."""
    blocks: list[Block] = [Heading(_("Overlaps under review")), _last_overlap_search(overlaps.get("last_run"))]
    pairs = overlaps.get("pairs", [])
    if not pairs:
        return [
            *blocks,
            Paragraph(_("No possible overlap waits for review among the engagements you may see."), tone="muted"),
        ]
    table = Table(
        _("Possible overlaps waiting for review"),
        [
            Column(_("Engagement")),
            Column(_("Possible overlap with")),
            Column(_("Score"), numeric=True),
            Column(_("Why")),
        ],
    )
    for pair in pairs:
        why = " ".join(filter(None, [explanation_sentence(pair), previous_decision_sentence(pair)]))
        table.add([_owned_title(pair.first), _owned_title(pair.second), number_format(pair.score, decimal_pos=2), why])
    blocks.append(table)
    count = overlaps.get("count", len(pairs))
    if count > len(pairs):
        blocks.append(
            Paragraph(
                _("The %(shown)s highest-scoring of %(count)s pairs waiting for review.")
                % {"shown": count_text(len(pairs)), "count": count_text(count)},
                tone="muted",
            )
        )
    return blocks


def _last_overlap_search(last_run) -> Paragraph:
    if last_run is None or last_run.finished_at is None:
        return Paragraph(_("The overlap finder has not searched this country yet."), tone="muted")
    return Paragraph(
        _("Last search for overlaps: %(moment)s.")
        % {"moment": date_format(timezone.localtime(last_run.finished_at), "DATETIME_FORMAT")},
        tone="muted",
    )


def _owned_title(engagement) -> str:
    return _("%(title)s (%(owner)s)") % {"title": engagement_title(engagement), "owner": engagement.owner.short_name}


def _upcoming_blocks(profile: CountryProfile) -> list[Block]:
    blocks: list[Block] = [Heading(_("Upcoming engagements"))]
    if not profile.upcoming:
        return [*blocks, Paragraph(_("No engagement you may see starts in the next six months."), tone="muted")]
    table = Table(
        _("Engagements starting in the next six months"),
        [Column(_("Start")), Column(_("Engagement")), Column(_("Kind")), Column(_("Actor")), Column(_("Status"))],
    )
    for engagement in profile.upcoming:
        table.add(
            [
                day(engagement.start_date),
                engagement_title(engagement),
                engagement.get_kind_display(),
                engagement.owner.short_name,
                engagement.get_status_display(),
            ]
        )
    return [*blocks, table]


def _latest_blocks(profile: CountryProfile) -> list[Block]:
    blocks: list[Block] = [Heading(_("Latest engagements"))]
    if not profile.latest:
        return [*blocks, Paragraph(_("No engagement you may see in this country."), tone="muted")]
    table = Table(
        _("Engagements updated most recently"),
        [Column(_("Engagement")), Column(_("Actor")), Column(_("Status")), Column(_("Period")), Column(_("Updated"))],
    )
    for engagement in profile.latest:
        period = _("%(start)s to %(end)s") % {"start": day(engagement.start_date), "end": day(engagement.end_date)}
        table.add(
            [
                engagement_title(engagement),
                engagement.owner.short_name,
                engagement.get_status_display(),
                period,
                day(timezone.localtime(engagement.updated_at)),
            ]
        )
    return [*blocks, table]


# -- Annex -------------------------------------------------------------------------------


def _annex_blocks(profile: CountryProfile) -> list[Block]:
    blocks: list[Block] = [Heading(_("Annex: every engagement counted"))]
    if not profile.counted:
        return [*blocks, Paragraph(_("No engagement you may see in this country."), tone="muted")]
    table = Table(
        _("Engagements behind the figures of this brief"),
        [
            Column(_("Engagement")),
            Column(_("Owner")),
            Column(_("Sharing level")),
            Column(_("Reported (EUR)"), numeric=True),
            Column(_("Counted once (EUR)"), numeric=True),
        ],
    )
    for row in profile.counted:
        title = (
            engagement_title(row)
            if row.in_team_europe
            else _("%(title)s (not in Team Europe)") % {"title": engagement_title(row)}
        )
        table.add(
            [title, row.owner, str(MARKINGS[row.sharing_level][0]), full_eur(row.reported), full_eur(row.counted)]
        )
    explanation = _(
        "Money of the kind of the breakdowns (%(kind)s), this country's share, the most restricted records first."
    ) % {"kind": profile.kind_label}
    return [*blocks, Paragraph(explanation, tone="muted"), table]


# -- DOCX --------------------------------------------------------------------------------


def brief_docx(profile: CountryProfile, overlaps: dict, *, user) -> bytes:
    return docx_bytes(build_brief(profile, overlaps, user=user))


def docx_bytes(brief: Brief) -> bytes:
    document = Document()
    _set_up_page(document, brief)
    document.add_heading(xml_safe(brief.title), level=0)
    document.add_paragraph(xml_safe(brief.generated))
    document.add_paragraph(xml_safe(brief.prepared_for))
    for block in [*brief.notices, *brief.blocks]:
        DOCX_WRITERS[block.kind](document, block)
    _add_paragraph(document, Paragraph(brief.method, tone="muted"))
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xml_safe(text: str) -> str:
    """Control characters (an imported title may hold some) cannot be written in a Word file."""
    return XML_ILLEGAL_CHARACTERS.sub("", text)


def _set_up_page(document, brief: Brief) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    document.core_properties.title = xml_safe(brief.title)
    document.core_properties.author = "Partnership Hub"
    document.core_properties.language = brief.language
    document.core_properties.category = brief.marking.label
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run(xml_safe(brief.marking.line)).bold = True
    footer = section.footer.paragraphs[0]
    footer.add_run(brief.marking.label).bold = True
    footer.add_run(f" · {xml_safe(brief.title)} · ")
    _add_page_number(footer)


def _add_page_number(paragraph) -> None:
    """A PAGE field, so Word numbers the pages itself."""
    field_element = OxmlElement("w:fldSimple")
    field_element.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field_element)


def _add_heading(document, block: Heading) -> None:
    document.add_heading(xml_safe(block.text), level=block.level)


def _add_paragraph(document, block: Paragraph) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(xml_safe(block.text))
    if block.tone in ("notice", "warning"):
        run.bold = True
    if block.tone == "warning":
        run.font.color.rgb = RGBColor.from_string("A33A00")
    if block.tone == "muted":
        run.font.size = Pt(9)


def _add_bullets(document, block: Bullets) -> None:
    for item in block.items:
        document.add_paragraph(xml_safe(item), style="List Bullet")


def _add_table(document, block: Table) -> None:
    table = document.add_table(rows=1, cols=len(block.columns))
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    _repeat_as_header(header)
    for cell, column in zip(header.cells, block.columns, strict=True):
        _fill_cell(cell, column.title, numeric=column.numeric, bold=True)
    for row in block.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row.cells, strict=True):
            _fill_cell(cell, value.full_text, numeric=value.numeric, bold=row.emphasis)
        if row.indent:
            cells[0].paragraphs[0].paragraph_format.left_indent = Cm(0.5 * row.indent)
    document.add_paragraph()


def _repeat_as_header(row) -> None:
    """Marks the first row as the table's header: Word repeats it on every page."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _fill_cell(cell, text: str, *, numeric: bool, bold: bool) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(xml_safe(text))
    run.bold = bold
    run.font.size = Pt(9)
    if numeric:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _add_chart(document, block: Chart) -> None:
    document.add_picture(BytesIO(block.png), width=Cm(16))
    caption = document.add_paragraph(xml_safe(block.description), style="Caption")
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _add_key_figures(document, block: KeyFigures) -> None:
    """The money kinds side by side: one column each."""
    table = document.add_table(rows=3, cols=len(block.figures))
    table.style = document.styles[TABLE_STYLE]
    _repeat_as_header(table.rows[0])
    for index, figure in enumerate(block.figures):
        _fill_cell(table.cell(0, index), figure.label, numeric=True, bold=True)
        _fill_cell(table.cell(1, index), figure.full_text, numeric=True, bold=True)
        _fill_cell(table.cell(2, index), figure.detail, numeric=True, bold=False)
    document.add_paragraph()


DOCX_WRITERS: dict[str, Callable[[Any, Any], None]] = {
    "heading": _add_heading,
    "paragraph": _add_paragraph,
    "bullets": _add_bullets,
    "table": _add_table,
    "chart": _add_chart,
    "figures": _add_key_figures,
}


# -- PDF ---------------------------------------------------------------------------------


def data_uris_only() -> URLFetcher:
    """A fetcher that refuses every URL but data: URIs: the PDF never reaches the network or the disk."""
    return URLFetcher(allowed_protocols={"data"}, allow_redirects=False)


def brief_html(profile: CountryProfile, overlaps: dict, *, user) -> str:
    return render_to_string(PDF_TEMPLATE, {"brief": build_brief(profile, overlaps, user=user)})


def brief_document(profile: CountryProfile, overlaps: dict, *, user):
    """The laid-out PDF document (its pages can be inspected before writing)."""
    html = brief_html(profile, overlaps, user=user)
    return HTML(string=html, base_url=None, url_fetcher=data_uris_only()).render()


def brief_pdf(profile: CountryProfile, overlaps: dict, *, user) -> bytes:
    return brief_document(profile, overlaps, user=user).write_pdf()
