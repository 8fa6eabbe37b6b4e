"""The demo's crises and directory of focal points: one open crisis in Niger, one closed crisis in Libya
with two lessons learnt in it (so that the open crisis's page shows lessons from a similar crisis), and
a few focal points. Everything is invented and labelled: titles and names start with "[Demo] ", e-mail
addresses are at the reserved demo domain, figures are none.

Crises and lessons are written by the EEAS demo coordinator through the ORM, each creation kept in the
field-level history as the crisis services keep it; focal points have no history (personal data). What
exists is kept: a crisis or lesson is found by its title, a focal point by its name.
"""

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from partnerhub.core.history import record_change
from partnerhub.core.models import ObjectChange
from partnerhub.core.sharing import SharingLevel
from partnerhub.geo.models import Country
from partnerhub.knowledge.models import Crisis, FocalPoint, FocalPointRole, Lesson, LessonKind, Severity
from partnerhub.plans.services import snapshot
from partnerhub.registry.models import Theme
from partnerhub.web.demo.content import DEMO_EMAIL_DOMAIN, DEMO_NOTE, TITLE_PREFIX
from partnerhub.web.demo.records import Tally, kept_or_created

UNSCOPED = "the demo is set up by the operator"
OPEN_CRISIS = f"{TITLE_PREFIX}Displacement after flooding along the Niger river"
CLOSED_CRISIS = f"{TITLE_PREFIX}Migrants stranded after coastal floods in Libya"
DISPLACEMENT_THEMES = ("PROT-DISPLACEMENT", "PROT-HOST")
LESSONS = (
    (
        f"{TITLE_PREFIX}Pre-positioned shelter kits shortened the first response",
        "Kits stored with partners before the rainy season reached displaced families within days.",
        "Agree storage with humanitarian partners before the season; name who releases the kits.",
    ),
    (
        f"{TITLE_PREFIX}One shared list of focal points avoided duplicate missions",
        "Member States and the Delegation met the authorities separately in the first week.",
        "Keep the directory of focal points confirmed; hold one coordination call on day one.",
    ),
)
FOCAL_POINTS = (
    # name, function, role, organisation key, countries, themes, linked demo user
    ("Amal Exemple", "Migration officer", FocalPointRole.DELEGATION_OFFICER, "eud_mar", ("MAR",), (), "eud.rabat"),
    (
        "Karim Exemple",
        "Director of migration",
        FocalPointRole.MINISTRY_FOCAL_POINT,
        "ma_interior",
        ("MAR",),
        (),
        "ma.interior",
    ),
    (
        "Jonas Beispiel",
        "Liaison officer",
        FocalPointRole.LIAISON_OFFICER,
        "de_bmi",
        ("MAR", "TUN", "NER"),
        ("IRREG-BORDER",),
        "",
    ),
    (
        "Claire Exemple",
        "Migration ambassador",
        FocalPointRole.MIGRATION_AMBASSADOR,
        "eeas",
        ("NER", "LBY"),
        DISPLACEMENT_THEMES,
        "",
    ),
)


def build_crises(organisations: dict[str, Any], users: dict[str, Any], today: date) -> Tally:
    """The demo's crises, lessons and focal points; what exists is kept."""
    tally = Tally()
    owner, coordinator = organisations["eeas"], users["eeas.coordinator"]
    themes = list(Theme.objects.filter(code__in=DISPLACEMENT_THEMES))
    closed = _crisis(
        CLOSED_CRISIS,
        "LBY",
        today - timedelta(days=400),
        owner,
        coordinator,
        themes,
        tally,
        closed_on=today - timedelta(days=300),
    )
    _crisis(OPEN_CRISIS, "NER", today - timedelta(days=20), owner, coordinator, themes, tally)
    for number, (title, tried, recommendations) in enumerate(LESSONS):
        _lesson(title, tried, recommendations, closed, today - timedelta(days=280 - number), owner, coordinator, tally)
    for spec in FOCAL_POINTS:
        _focal_point(spec, organisations, users, today, tally)
    return tally


def _crisis(
    title: str,
    iso3: str,
    started_on: date,
    owner: Any,
    coordinator: Any,
    themes: list[Theme],
    tally: Tally,
    *,
    closed_on: date | None = None,
) -> Crisis:
    def create() -> Crisis:
        with transaction.atomic():
            crisis = Crisis.objects.create(
                owner=owner,
                sharing_level=SharingLevel.EU,
                country=Country.objects.get(iso3=iso3),
                title=title,
                description=DEMO_NOTE,
                started_on=started_on,
                severity=Severity.SEVERE,
                declared_by=coordinator,
                closed_on=closed_on,
                closed_by=coordinator if closed_on else None,
                closing_note=f"{TITLE_PREFIX}The displaced returned home; recovery continues under regular programmes."
                if closed_on
                else "",
                is_demo=True,
            )
            crisis.themes.set(themes)
            record_change(crisis, ObjectChange.Action.CREATE, {}, snapshot(crisis), user=coordinator)
        return crisis

    existing = Crisis.objects.unrestricted(UNSCOPED).filter(title=title).first()
    return kept_or_created(existing, create, tally, "crises")


def _lesson(
    title: str, tried: str, recommendations: str, crisis: Crisis, dated: date, owner: Any, author: Any, tally: Tally
) -> Lesson:
    def create() -> Lesson:
        with transaction.atomic():
            lesson = Lesson.objects.create(
                owner=owner,
                sharing_level=SharingLevel.EU,
                kind=LessonKind.LESSON,
                title=title,
                crisis=crisis,
                tried=tried,
                worked=DEMO_NOTE,
                recommendations=recommendations,
                dated=dated,
                is_demo=True,
                created_by=author,
                updated_by=author,
            )
            lesson.countries.set([crisis.country])
            lesson.themes.set(crisis.themes.all())
            record_change(lesson, ObjectChange.Action.CREATE, {}, snapshot(lesson), user=author)
        return lesson

    existing = Lesson.objects.unrestricted(UNSCOPED).filter(title=title).first()
    return kept_or_created(existing, create, tally, "lessons")


def _focal_point(
    spec: tuple[Any, ...], organisations: dict[str, Any], users: dict[str, Any], today: date, tally: Tally
):
    name, function, role, organisation, countries, themes, username = spec
    demo_name = f"{TITLE_PREFIX}{name}"

    def create() -> FocalPoint:
        user = users.get(username) if username else None
        if user is not None and FocalPoint.objects.filter(user=user).exists():
            user = None
        with transaction.atomic():
            entry = FocalPoint.objects.create(
                name=demo_name,
                function=function,
                role=role,
                organisation=organisations[organisation],
                email=f"{name.lower().replace(' ', '.')}@{DEMO_EMAIL_DOMAIN}",
                languages="en, fr",
                user=user,
                last_confirmed_at=timezone.now() if user is not None else None,
                is_demo=True,
            )
            entry.countries.set(Country.objects.filter(iso3__in=countries))
            entry.themes.set(Theme.objects.filter(code__in=themes))
        return entry

    return kept_or_created(FocalPoint.objects.filter(name=demo_name).first(), create, tally, "focal points")
