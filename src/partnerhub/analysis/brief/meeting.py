"""The briefing pack of a meeting, as DOCX: what the reader takes to the meeting.

The meeting's facts in its own time zone, the current agreed lines to take for its country (and
theme, marked expired once past their date), its clash alerts as the reader may know them
(``agenda.clashes.clashes_for``), the linked engagements the reader may see, and the country's
figures from the same ``CountryProfile`` as its profile page and country brief: Team Europe money
for migration, the top actors and the balance of interests. It is made of the country brief's
blocks and written by the same DOCX writer, with the marking of its most restricted record.

The analysis layer reads the agenda, never the other way round (import-linter): the meeting's page
links here by URL name only.
"""

from collections.abc import Iterable
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from partnerhub.agenda.clashes import COUNTERPART, Clash, clashes_for, window_days
from partnerhub.agenda.lines import current_lines, line_for
from partnerhub.agenda.models import LineToTake, Meeting
from partnerhub.analysis.brief import (
    Block,
    Brief,
    Column,
    Heading,
    Marking,
    Paragraph,
    Table,
    _balance_blocks,
    _key_figure_blocks,
    _marking_notice,
    _notices,
    docx_bytes,
    marking_of,
    prepared_for,
)
from partnerhub.analysis.brief.text import count_text, day, engagement_title, full_eur, share_text
from partnerhub.analysis.figures.profile import CountryProfile, country_profile
from partnerhub.core.types import AnyUser
from partnerhub.registry.models import Engagement, MoneyKind

TOP_ACTORS = 5


def local_moment(meeting: Meeting) -> str:
    """``1 March 2027, 10:00 – 12:00 (Africa/Casablanca)``, the end's date only when it differs."""
    start, end = meeting.local_start, meeting.local_end
    end_format = "TIME_FORMAT" if start.date() == end.date() else "DATETIME_FORMAT"
    return _("%(start)s – %(end)s (%(zone)s)") % {
        "start": date_format(start, "DATETIME_FORMAT"),
        "end": date_format(end, end_format),
        "zone": meeting.time_zone,
    }


class MeetingPack:
    """What the pack holds for one reader, read once: the blocks and the marking come from it."""

    def __init__(self, meeting: Meeting, *, user: AnyUser | None, today: date | None = None) -> None:
        self.meeting = meeting
        self.user = user
        self.today = today or timezone.localdate()
        self.line: LineToTake | None = line_for(meeting, current_lines(user, [meeting.country_id]))
        self.clashes: list[Clash] = clashes_for(meeting, user)
        linked = meeting.engagements.through.objects.filter(meeting_id=meeting.pk).values("engagement_id")
        self.engagements = list(
            Engagement.objects.visible_to(user).filter(pk__in=linked).select_related("owner").order_by("title", "pk")
        )
        self.hidden_engagements = Engagement.objects.hidden_from(user).filter(pk__in=linked).exists()
        self.profile: CountryProfile = country_profile(user, meeting.country, MoneyKind.COMMITMENT, annex=True)

    def sharing_levels(self) -> Iterable[str]:
        """Of every record whose content the pack carries: the clash notices of hidden meetings carry none."""
        yield self.meeting.sharing_level
        if self.line is not None:
            yield self.line.sharing_level
        yield from (clash.other.sharing_level for clash in self.clashes if clash.other is not None)
        yield from (engagement.sharing_level for engagement in self.engagements)
        yield from (row.sharing_level for row in self.profile.counted)

    def brief(self) -> Brief:
        marking: Marking = marking_of(self.sharing_levels())
        return Brief(
            title=_("Briefing pack: %(meeting)s") % {"meeting": self.meeting.title},
            marking=marking,
            generated=_("Generated on %(moment)s") % {"moment": date_format(timezone.localtime(), "DATETIME_FORMAT")},
            prepared_for=prepared_for(self.user),
            notices=[_marking_notice(marking), *self._meeting_notices(), *_notices(self.profile)],
            blocks=[
                *self._fact_blocks(),
                *self._line_blocks(),
                *self._clash_blocks(),
                *self._engagement_blocks(),
                *self._figure_blocks(),
            ],
            method=_(
                "Figures: Team Europe money for migration in the country, as on its profile page, each euro "
                "counted once, at the ECB reference rate of its value date; budgets, commitments and "
                "disbursements are never added together. Lines to take and clash alerts as of the day the "
                "pack was generated."
            ),
            language=get_language() or "en",
        )

    def _meeting_notices(self) -> list[Paragraph]:
        if self.meeting.cancelled:
            return [Paragraph(_("This meeting was cancelled."), tone="warning")]
        if self.meeting.ends_at < timezone.now():
            return [Paragraph(_("This meeting is over: the lines and figures are today's."), tone="notice")]
        return []

    def _fact_blocks(self) -> list[Block]:
        meeting = self.meeting
        kind = meeting.get_kind_display()
        if not meeting.confirmed:
            kind = _("%(kind)s (tentative)") % {"kind": kind}
        themes = ", ".join(theme.localized_name for theme in meeting.themes.all())
        participants = ", ".join(str(organisation) for organisation in meeting.participants.order_by("name"))
        facts = Table(_("The meeting"), [Column(_("Item")), Column(_("Details"))])
        for label, value in (
            (_("Kind"), kind),
            (_("When (local time)"), local_moment(meeting)),
            (_("Place"), meeting.place),
            (_("Partner country"), meeting.country.localized_name),
            (_("Counterpart"), str(meeting.counterpart or "")),
            (_("Organised by"), meeting.owner.name),
            (_("Participating organisations"), participants),
            (_("Themes"), themes),
        ):
            facts.add([str(label), value or "—"])
        blocks: list[Block] = [Heading(_("The meeting")), facts]
        if meeting.outcome_notes:
            blocks += [Heading(_("Outcome"), level=2), Paragraph(meeting.outcome_notes)]
        return blocks

    def _line_blocks(self) -> list[Block]:
        blocks: list[Block] = [Heading(_("Lines to take"))]
        line = self.line
        if line is None:
            return [*blocks, Paragraph(_("No agreed lines to take for this country that you may see."), tone="muted")]
        scope = line.theme.localized_name if line.theme else _("every theme")
        about = _("Version %(version)s, for %(scope)s, agreed by %(organisation)s; holds until %(date)s.") % {
            "version": line.version,
            "scope": scope,
            "organisation": line.owner.name,
            "date": day(line.valid_until),
        }
        blocks.append(Paragraph(about, tone="muted"))
        if line.is_expired(self.today):
            expired = _("Expired on %(date)s: ask the coordinator whether these lines still hold.")
            blocks.append(Paragraph(expired % {"date": day(line.valid_until)}, tone="warning"))
        return [*blocks, *(Paragraph(text) for text in line.text.splitlines() if text.strip())]

    def _clash_blocks(self) -> list[Block]:
        blocks: list[Block] = [Heading(_("Clash alerts"))]
        if not self.clashes:
            none = ngettext(
                "No other organisation's meeting with this counterpart within %(days)s day that you may be told of.",
                "No other organisation's meeting with this counterpart within %(days)s days that you may be told of.",
                window_days(),
            )
            return [*blocks, Paragraph(none % {"days": window_days()}, tone="muted")]
        return [*blocks, *(Paragraph(clash_sentence(clash), tone="warning") for clash in self.clashes)]

    def _engagement_blocks(self) -> list[Block]:
        blocks: list[Block] = [Heading(_("Linked engagements"))]
        if self.engagements:
            table = Table(
                _("Engagements linked to the meeting"),
                [Column(_("Engagement")), Column(_("Actor")), Column(_("Status")), Column(_("Period"))],
            )
            for engagement in self.engagements:
                period = _("%(start)s to %(end)s") % {
                    "start": day(engagement.start_date),
                    "end": day(engagement.end_date),
                }
                table.add(
                    [
                        engagement_title(engagement),
                        engagement.owner.short_name,
                        engagement.get_status_display(),
                        period,
                    ]
                )
            blocks.append(table)
        elif not self.hidden_engagements:
            blocks.append(Paragraph(_("No engagement is linked to this meeting."), tone="muted"))
        if self.hidden_engagements:
            blocks.append(Paragraph(_("+ engagements you may not see"), tone="muted"))
        return blocks

    def _figure_blocks(self) -> list[Block]:
        heading = Heading(_("%(country)s: the figures") % {"country": self.meeting.country.localized_name})
        return [
            heading,
            *_key_figure_blocks(self.profile),
            *top_actor_blocks(self.profile),
            *_balance_blocks(self.profile),
        ]


def clash_sentence(clash: Clash) -> str:
    """As the meeting's page tells it: the other meeting only when the reader may read it."""
    if clash.other is None:
        if clash.reason == COUNTERPART:
            text = ngettext(
                "Another actor meets this counterpart within %(days)s day of this meeting. "
                "Ask the coordinator before you go.",
                "Another actor meets this counterpart within %(days)s days of this meeting. "
                "Ask the coordinator before you go.",
                clash.window_days,
            )
        else:
            text = ngettext(
                "Another actor meets this country's authorities on a shared theme within %(days)s day of this "
                "meeting. Ask the coordinator before you go.",
                "Another actor meets this country's authorities on a shared theme within %(days)s days of this "
                "meeting. Ask the coordinator before you go.",
                clash.window_days,
            )
        return text % {"days": clash.window_days}
    reason = _("Same counterpart:") if clash.reason == COUNTERPART else _("Same country and theme:")
    return _("%(reason)s %(title)s, %(organisation)s, %(moment)s") % {
        "reason": reason,
        "title": clash.other.title,
        "organisation": clash.other.owner.name,
        "moment": local_moment(clash.other),
    }


def top_actor_blocks(profile: CountryProfile) -> list[Block]:
    """The Team Europe actors with the most money counted once, as on the profile's actor table."""
    actors = [row for row in profile.by_actor if row.is_team_europe][:TOP_ACTORS]
    blocks: list[Block] = [Heading(_("Top actors (%(kind)s)") % {"kind": profile.kind_label}, level=2)]
    if not actors:
        return [*blocks, Paragraph(_("No Team Europe engagement in this country."), tone="muted")]
    table = Table(
        _("Team Europe actors with the most money, counted once"),
        [
            Column(_("Actor")),
            Column(_("Engagements"), numeric=True),
            Column(_("Counted once (EUR)"), numeric=True),
            Column(_("Share of Team Europe"), numeric=True),
        ],
    )
    for row in actors:
        table.add([row.label, count_text(row.engagements), full_eur(row.amount), share_text(row.share)])
    return [*blocks, table]


def meeting_pack_docx(meeting: Meeting, *, user: AnyUser | None) -> bytes:
    return docx_bytes(MeetingPack(meeting, user=user).brief())


def meeting_pack_filename(meeting: Meeting) -> str:
    return f"briefing-pack-meeting-{meeting.pk}-{meeting.local_start:%Y-%m-%d}.docx"
