"""The demo calendar: counterparts, meetings and lines to take, dated from the day the demo is loaded.

Every record is invented and says so: a counterpart's authority, a meeting's title and a line's text
start with ``[Demo] ``, and a meeting's outcome notes and a line's text end with a demo note. All are
written through ``agenda.services`` by the demo user who would write them, so that their history and
who sees them are those of any record. A record already there (matched by what names it, never by
its dates) is kept as it is: loading again adds only what is missing.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from partnerhub.agenda.models import Counterpart, LineToTake, Meeting, MeetingKind
from partnerhub.agenda.services import agree_line, create_meeting, draft_line, save_counterpart
from partnerhub.core.sharing import SharingLevel as L
from partnerhub.geo.models import Country
from partnerhub.registry.models import Theme
from partnerhub.web.demo.content import TITLE_PREFIX
from partnerhub.web.demo.records import Tally, kept_or_created

MEETING_NOTE = "Demo content invented for Partnership Hub: no such meeting took place or is planned."
LINE_NOTE = "Demo content invented for Partnership Hub: these are not positions agreed by anyone."
# Every demo meeting takes place in its partner country.
TIME_ZONES = {"MAR": "Africa/Casablanca", "TUN": "Africa/Tunis", "NGA": "Africa/Lagos"}
# Who keeps the counterparts and agrees lines to take: the demo's EU-side coordinator.
COORDINATOR = "eeas.coordinator"


@dataclass(frozen=True)
class DemoCounterpart:
    key: str
    country: str
    authority: str
    office: str
    function: str


COUNTERPART_AUTHORITIES = (
    DemoCounterpart(
        "ma_border",
        "MAR",
        "Ministry of the Interior",
        "Directorate of Migration and Border Surveillance",
        "Director",
    ),
    DemoCounterpart(
        "ma_labour",
        "MAR",
        "Ministry of Economic Inclusion, Small Business, Employment and Skills",
        "Directorate of Employment",
        "Director",
    ),
    DemoCounterpart(
        "tn_border", "TUN", "Ministry of the Interior", "National Guard – Borders and Foreigners", "Director-General"
    ),
    DemoCounterpart(
        "tn_social", "TUN", "Ministry of Social Affairs", "Office for Tunisians Abroad", "Director-General"
    ),
    DemoCounterpart("ng_border", "NGA", "Nigeria Immigration Service", "Border Management Directorate", "Comptroller"),
    DemoCounterpart(
        "ng_labour", "NGA", "Federal Ministry of Labour and Employment", "Migration Desk", "Head of the desk"
    ),
)


@dataclass(frozen=True)
class DemoMeeting:
    """``day`` counts from the day the demo is loaded; ``hour`` is local time in the partner country."""

    author: str  # a demo username, editor of the organiser
    organiser: str  # an organisation key
    kind: str
    title: str
    country: str
    counterpart: str | None
    themes: tuple[str, ...]
    day: int
    hour: int
    hours: int
    place: str
    sharing_level: str
    confirmed: bool = True
    participants: tuple[str, ...] = ()
    outcome_notes: str = ""


# Two meetings meet the Moroccan border directorate five days apart (a clash), one is kept by its
# organiser alone, one mission is not confirmed yet; the past ones carry their outcome notes.
MEETINGS = (
    DemoMeeting(
        "eeas.coordinator",
        "eeas",
        MeetingKind.POLITICAL_DIALOGUE,
        "EU–Morocco senior officials' meeting on migration and mobility",
        "MAR",
        "ma_border",
        ("GOV-POLICY", "LEGAL-LABOUR"),
        day=-41,
        hour=10,
        hours=5,
        place="Rabat",
        sharing_level=L.PARTNER,
        participants=("home", "intpa", "eud_mar"),
        outcome_notes="Both sides agreed to hold the Talent Partnership roundtable before the summer and "
        "to report on reintegration figures at the next meeting.",
    ),
    DemoMeeting(
        "commission.desk",
        "intpa",
        MeetingKind.COORDINATION,
        "Coordination with the Office for Tunisians Abroad on returning workers",
        "TUN",
        "tn_social",
        ("RETURN-REINTEGRATION", "DEV-JOBS"),
        day=-18,
        hour=9,
        hours=3,
        place="Tunis",
        sharing_level=L.PARTNER,
        participants=("eud_tun", "iom"),
        outcome_notes="The Office will share its list of regional employment offices; IOM maps the "
        "referrals it made last year.",
    ),
    DemoMeeting(
        "de.interior",
        "de_bmi",
        MeetingKind.VISIT,
        "Visit of the German Federal Ministry of the Interior on return procedures",
        "MAR",
        "ma_border",
        ("RETURN-READMISSION",),
        day=9,
        hour=10,
        hours=4,
        place="Rabat",
        sharing_level=L.EU,
    ),
    DemoMeeting(
        "es.interior",
        "es_interior",
        MeetingKind.MISSION,
        "Spanish technical mission on maritime border surveillance",
        "MAR",
        "ma_border",
        ("IRREG-BORDER", "IRREG-SMUGGLING"),
        day=14,
        hour=9,
        hours=8,
        place="Rabat and Tangier",
        sharing_level=L.EU,
    ),
    DemoMeeting(
        "fr.mfa",
        "fr_meae",
        MeetingKind.NEGOTIATION_ROUND,
        "Consultations franco-tunisiennes sur la coopération consulaire",
        "TUN",
        "tn_border",
        ("RETURN-READMISSION", "LEGAL-VISA"),
        day=33,
        hour=14,
        hours=3,
        place="Tunis",
        sharing_level=L.ORIGINATOR,
    ),
    DemoMeeting(
        "home.desk",
        "home",
        MeetingKind.MISSION,
        "Technical mission to Abuja on return case management",
        "NGA",
        "ng_border",
        ("RETURN-AVR",),
        day=47,
        hour=9,
        hours=8,
        place="Abuja",
        sharing_level=L.EU,
        confirmed=False,
        participants=("iom",),
    ),
    DemoMeeting(
        "eeas.coordinator",
        "eeas",
        MeetingKind.POLITICAL_DIALOGUE,
        "EU–Tunisia dialogue on legal pathways and skills",
        "TUN",
        "tn_social",
        ("LEGAL-SKILLS", "LEGAL-LABOUR"),
        day=61,
        hour=10,
        hours=6,
        place="Tunis",
        sharing_level=L.PARTNER,
        participants=("intpa", "it_maeci", "fr_meae"),
    ),
)


@dataclass(frozen=True)
class DemoLine:
    """A version of the lines to take; ``agreed`` by the coordinator, ``valid_for`` days from loading."""

    author: str
    owner: str
    country: str
    theme: str | None
    text: str
    valid_for: int
    agreed: bool
    sharing_level: str = L.EU


LINES = (
    DemoLine(
        COORDINATOR,
        "eeas",
        "MAR",
        None,
        "Morocco is a key partner on every route to Europe. We support legal pathways and sustainable "
        "reintegration together, and expect cooperation on readmission to keep pace.",
        valid_for=150,
        agreed=True,
    ),
    DemoLine(
        "eud.rabat",
        "eud_mar",
        "MAR",
        "LEGAL-LABOUR",
        "The Talent Partnership opens jobs in Member States in the automotive, hotel and care sectors; "
        "recognition of Moroccan qualifications comes first.",
        valid_for=120,
        agreed=False,
    ),
    DemoLine(
        COORDINATOR,
        "eeas",
        "TUN",
        None,
        "The EU stands by the memorandum of understanding and its five pillars, including support to "
        "Tunisian young people's jobs at home.",
        valid_for=-12,
        agreed=True,
    ),
)


def build_calendar(organisations: dict[str, Any], users: dict[str, Any], today: date) -> Tally:
    """Counterparts, meetings and lines to take of the demo; what exists is kept."""
    tally = Tally()
    counterparts = {entry.key: _counterpart(entry, users[COORDINATOR], tally) for entry in COUNTERPART_AUTHORITIES}
    for meeting in MEETINGS:
        _meeting(meeting, organisations, users, counterparts, today, tally)
    for line in LINES:
        _line(line, organisations, users, today, tally)
    return tally


def _counterpart(entry: DemoCounterpart, coordinator, tally: Tally) -> Counterpart:
    fields = {
        "country": Country.objects.get(iso3=entry.country),
        "authority": TITLE_PREFIX + entry.authority,
        "office": entry.office,
        "function": entry.function,
    }
    return kept_or_created(
        Counterpart.objects.filter(**fields).first(),
        lambda: save_counterpart(None, fields, acting_user=coordinator),
        tally,
        "counterparts",
    )


def _meeting(spec: DemoMeeting, organisations, users, counterparts, today: date, tally: Tally) -> Meeting:
    owner, title, zone = organisations[spec.organiser], TITLE_PREFIX + spec.title, TIME_ZONES[spec.country]
    starts_at = datetime.combine(today + timedelta(days=spec.day), time(spec.hour), tzinfo=ZoneInfo(zone))
    fields = {
        "kind": spec.kind,
        "title": title,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=spec.hours),
        "time_zone": zone,
        "place": spec.place,
        "country": Country.objects.get(iso3=spec.country),
        "counterpart": counterparts[spec.counterpart] if spec.counterpart else None,
        "themes": list(Theme.objects.filter(code__in=spec.themes)),
        "participants": [organisations[key] for key in spec.participants],
        "confirmed": spec.confirmed,
        "sharing_level": spec.sharing_level,
        "outcome_notes": f"{spec.outcome_notes}\n\n{MEETING_NOTE}" if spec.outcome_notes else MEETING_NOTE,
    }
    existing = Meeting.objects.unrestricted("the demo is set up by the operator").filter(owner=owner, title=title)
    return kept_or_created(
        existing.first(),
        lambda: create_meeting(owner=owner, fields=fields, acting_user=users[spec.author]),
        tally,
        "meetings",
    )


def _line(spec: DemoLine, organisations, users, today: date, tally: Tally) -> LineToTake:
    owner, text = organisations[spec.owner], f"{TITLE_PREFIX}{spec.text}\n\n{LINE_NOTE}"
    country = Country.objects.get(iso3=spec.country)
    theme = Theme.objects.get(code=spec.theme) if spec.theme else None
    existing = LineToTake.objects.unrestricted("the demo is set up by the operator").filter(
        owner=owner, country=country, theme=theme, text=text
    )

    def written() -> LineToTake:
        fields = {
            "text": text,
            "valid_until": today + timedelta(days=spec.valid_for),
            "sharing_level": spec.sharing_level,
        }
        line = draft_line(owner=owner, country=country, theme=theme, fields=fields, acting_user=users[spec.author])
        return agree_line(line, acting_user=users[COORDINATOR]) if spec.agreed else line

    return kept_or_created(existing.first(), written, tally, "lines to take")
