"""The demo's lessons: a handful of lessons learnt, one evaluation and one pilot result with outcome figures,
about Morocco, Tunisia, Niger and Senegal, and one small Word document attached (generated here, at load
time, with python-docx: no file in the repository).

Every text and figure is invented for the demo and says so. Lessons are written through the lesson services
by the demo user who would write them (so that history and checks are the product's own), then marked as
demo data. What exists is kept: a lesson is found by its owner and title.
"""

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from partnerhub.geo.models import Country
from partnerhub.knowledge.lesson_services import add_attachment, add_outcome, create_lesson
from partnerhub.knowledge.models import Lesson
from partnerhub.registry.models import Theme
from partnerhub.web.demo.content import TITLE_PREFIX, DemoError
from partnerhub.web.demo.records import Tally, kept_or_created

UNSCOPED = "the demo is set up by the operator"
ILLUSTRATIVE = "Illustrative content invented for the Partnership Hub demo: it reports no real experience."
FIGURES_NOTE = "Invented figure, for the demo only."


@dataclass(frozen=True)
class DemoOutcome:
    label: str
    value: str
    unit: str = ""
    baseline: str | None = None
    target: str | None = None
    period: str = ""


@dataclass(frozen=True)
class DemoLesson:
    owner: str
    author: str
    kind: str
    title: str
    countries: tuple[str, ...]
    themes: tuple[str, ...]
    days_ago: int
    tried: str
    worked: str
    did_not_work: str
    conditions: str
    recommendations: str
    impact: str
    what_to_change: str
    who_should_act: str
    sharing_level: str = "eu"
    outcomes: tuple[DemoOutcome, ...] = ()
    document: str = field(default="")


LESSONS = (
    DemoLesson(
        owner="de_bmi",
        author="de.interior",
        kind="lesson",
        title="Reintegration counselling works best when it starts before return",
        countries=("MAR",),
        themes=("RETURN-REINTEGRATION",),
        days_ago=120,
        tried="Returnees met a reintegration counsellor in Germany two to three months before their return.",
        worked="Returnees arrived with a plan and a first appointment with a local partner in Morocco.",
        did_not_work="Referrals to employers in smaller towns were slow; counsellors had few contacts there.",
        conditions="A partner organisation present in both countries, and returns planned at least two months ahead.",
        recommendations="Start counselling in the host country; map employers outside the large cities early.",
        impact="high",
        what_to_change="Fund counselling in the host country as part of every reintegration package.",
        who_should_act="member_states",
    ),
    DemoLesson(
        owner="eud_tun",
        author="eud.tunis",
        kind="evaluation",
        title="Mid-term evaluation of a vocational training scheme for young Tunisians",
        countries=("TUN",),
        themes=("LEGAL-SKILLS",),
        days_ago=200,
        tried="Dual vocational training in three trades, with a language course and a placement abroad for some.",
        worked="Completion rates rose where employers co-designed the curriculum.",
        did_not_work="Recognition of the certificates in Member States took longer than the placement window.",
        conditions="Training centres with employer boards; trades in shortage on both sides.",
        recommendations="Agree on recognition before the first cohort starts.",
        impact="medium",
        what_to_change="Put recognition of qualifications in the scheme's design, not after it.",
        who_should_act="partner_authorities",
        outcomes=(
            DemoOutcome("Trainees completing the course", "78", "%", baseline="61", target="80", period="2024"),
            DemoOutcome("Graduates employed after six months", "412", "people", target="500", period="2024"),
        ),
    ),
    DemoLesson(
        owner="fr_meae",
        author="fr.mfa",
        kind="pilot",
        title="Pilot of mobile information points on the routes through Agadez",
        countries=("NER",),
        themes=("IRREG-SMUGGLING",),
        days_ago=60,
        tried="Two mobile teams gave information on risks and alternatives at bus stations and markets.",
        worked="Women and minors came forward more often to teams with a female member.",
        did_not_work="Fixed opening hours missed the convoys, which leave at night.",
        conditions="Local NGOs known in the community; security arrangements agreed with local authorities.",
        recommendations="Follow the convoys' timetable; always include a female team member.",
        impact="medium",
        what_to_change="Adapt the teams' hours to the departures rather than to office hours.",
        who_should_act="implementing_partners",
        outcomes=(
            DemoOutcome("People reached", "5300", "people", target="4000", period="2025-Q1"),
            DemoOutcome("Referrals to protection services", "214", "referrals", baseline="40", period="2025-Q1"),
        ),
        document="Pilot report: mobile information points (demo document)",
    ),
    DemoLesson(
        owner="intpa",
        author="commission.desk",
        kind="lesson",
        title="Joint labour-market analysis before choosing the occupations of a Talent Partnership",
        countries=("MAR", "TUN"),
        themes=("LEGAL-LABOUR",),
        days_ago=300,
        tried="Occupations were first chosen from the Member State's shortage list alone.",
        worked="Where the partner's employment agency joined the analysis, fewer trainees left their sector.",
        did_not_work="Training for occupations also in shortage in the partner country raised brain-drain concerns.",
        conditions="Labour-market data from both sides, and the partner's authorities at the table from the start.",
        recommendations="Choose the occupations together; train more people than the mobility scheme takes.",
        impact="high",
        what_to_change="Make a joint analysis the first step of every Talent Partnership.",
        who_should_act="eu_institutions",
    ),
    DemoLesson(
        owner="it_maeci",
        author="it.mfa",
        kind="lesson",
        title="Diaspora investment matching needs a contact on the ground",
        countries=("SEN",),
        themes=("DEV-DIASPORA",),
        days_ago=30,
        tried="An online platform matched diaspora investors in Italy with small businesses in Senegal.",
        worked="Matches with a local business adviser involved were three times likelier to be signed.",
        did_not_work="Matches made online only rarely led to an investment.",
        conditions="A business adviser in the region of the investment.",
        recommendations="Pair the platform with local advisers; start with regions the diaspora comes from.",
        impact="low",
        what_to_change="Budget for local advisers, not only for the platform.",
        who_should_act="eu_delegations",
    ),
)


def build_lessons(organisations: dict[str, Any], users: dict[str, Any], today: date) -> Tally:
    """The demo's lessons; what exists is kept."""
    countries = {c.iso3: c for c in Country.objects.filter(iso3__in={i for s in LESSONS for i in s.countries})}
    themes = {t.code: t for t in Theme.objects.filter(code__in={c for s in LESSONS for c in s.themes})}
    if len(themes) != len({code for spec in LESSONS for code in spec.themes}):
        raise DemoError(_("Reference data is missing: run `partnerhub load-reference` first."))
    tally = Tally()
    for spec in LESSONS:
        _lesson(spec, organisations, users, countries, themes, today, tally)
    return tally


def _lesson(
    spec: DemoLesson,
    organisations: dict[str, Any],
    users: dict[str, Any],
    countries: dict[str, Country],
    themes: dict[str, Theme],
    today: date,
    tally: Tally,
) -> Lesson:
    owner, author = organisations[spec.owner], users[spec.author]
    title = TITLE_PREFIX + spec.title

    def create() -> Lesson:
        lesson = create_lesson(
            owner=owner,
            fields={
                "kind": spec.kind,
                "title": title,
                "dated": today - timedelta(days=spec.days_ago),
                "countries": [countries[iso3] for iso3 in spec.countries],
                "themes": [themes[code] for code in spec.themes],
                "tried": spec.tried,
                "worked": spec.worked,
                "did_not_work": spec.did_not_work,
                "conditions": f"{spec.conditions}\n\n{ILLUSTRATIVE}",
                "recommendations": spec.recommendations,
                "impact": spec.impact,
                "what_to_change": spec.what_to_change,
                "who_should_act": spec.who_should_act,
                "sharing_level": spec.sharing_level,
            },
            acting_user=author,
        )
        Lesson.objects.unrestricted(UNSCOPED).filter(pk=lesson.pk).update(is_demo=True)
        for outcome in spec.outcomes:
            add_outcome(
                lesson,
                {
                    "label": outcome.label,
                    "value": outcome.value,
                    "unit": outcome.unit,
                    "baseline": outcome.baseline,
                    "target": outcome.target,
                    "period": outcome.period,
                    "note": FIGURES_NOTE,
                },
                acting_user=author,
            )
            tally["outcome figures created"] += 1
        if spec.document:
            add_attachment(lesson, "demo-pilot-report.docx", demo_document(spec), acting_user=author)
            tally["documents created"] += 1
        return lesson

    existing = Lesson.objects.unrestricted(UNSCOPED).filter(Q(owner=owner) & Q(title=title)).first()
    return kept_or_created(existing, create, tally, "lessons")


def demo_document(spec: DemoLesson) -> bytes:
    """A small Word document, made now: the evidence attached to the demo pilot."""
    import docx

    document = docx.Document()
    document.add_heading(f"{TITLE_PREFIX}{spec.document}", level=1)
    document.add_paragraph(ILLUSTRATIVE)
    document.add_paragraph(spec.worked)
    document.add_paragraph(spec.did_not_work)
    table = document.add_table(rows=1 + len(spec.outcomes), cols=3)
    for cell, text in zip(table.rows[0].cells, ("Outcome", "Value", "Period"), strict=True):
        cell.text = text
    for row, outcome in zip(table.rows[1:], spec.outcomes, strict=True):
        for cell, text in zip(row.cells, (outcome.label, outcome.value, outcome.period), strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
