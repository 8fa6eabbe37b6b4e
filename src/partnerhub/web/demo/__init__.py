"""The demo portfolio: real public bodies, invented engagements, one log-in per circle.

The organisations are real public bodies, with their real IATI organisation
identifiers where they publish (from the IATI ReportingOrganisation codelist).
Every engagement is invented: its title starts with ``[Demo] ``, it carries
``is_demo=True`` and a ``DEMO-nnn`` reference, its description says it is demo
content, and it is written through ``registry.services.create_engagement`` by
the demo user of its owner, so that it has a history like any other record.

``build_demo()`` is idempotent: organisations are found by IATI identifier or
name, users by username, engagements by their ``DEMO-nnn`` reference; what
exists is kept (demo organisations and users are brought up to date), what is
missing is created. The portfolio is deterministic (a seeded ``random.Random``
and a fixed reference date), so every run builds the same records.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.access.models import Membership, Organisation
from partnerhub.core.visibility import circle_of, forget_circle
from partnerhub.geo.models import Country
from partnerhub.registry.models import (
    Engagement,
    Instrument,
    LinkKind,
    Theme,
)
from partnerhub.registry.models import ParticipationRole as P
from partnerhub.registry.services import EngagementInput, MoneyInput, create_engagement
from partnerhub.search.indexer import rebuild as rebuild_search_index
from partnerhub.web.demo.agenda import build_calendar
from partnerhub.web.demo.content import (
    ADMIN_USERNAME,
    ALL_COUNTRIES,
    ANCHORS,
    AUTHORS,
    COUNTERPARTS,
    COUNTRY_NAMES,
    DEMO_EMAIL_DOMAIN,
    DEMO_NOTE,
    DEMO_PASSWORD,
    EU_INSTITUTIONS,
    GENERATED_COUNT,
    IMPLEMENTERS,
    LAST_DAY,
    LEVEL_WEIGHTS,
    MEMBER_STATE_OF,
    MONEY_KINDS,
    ORGANISATIONS,
    OWNER_COUNTRIES,
    PARTNER_AUTHORITIES,
    PRIORITIES,
    REFERENCE_DATE,
    REFERENCE_PREFIX,
    SEED,
    TEMPLATES,
    TITLE_PREFIX,
    USERS,
    DemoEngagement,
    DemoError,
    DemoOrganisation,
    E,
    L,
    S,
    Template,
    demo_engagement,
)
from partnerhub.web.demo.facts import build_facts
from partnerhub.web.demo.follows import build_follows
from partnerhub.web.demo.plans import build_plans
from partnerhub.web.demo.records import Tally
from partnerhub.web.demo.talent import build_talent


def demo_portfolio() -> list[DemoEngagement]:
    """The whole invented portfolio, the same on every run."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo content, not security
    return [*ANCHORS, *_generated(rng, GENERATED_COUNT, first_number=len(ANCHORS) + 1)]


def _generated(rng: random.Random, count: int, *, first_number: int) -> list[DemoEngagement]:
    templates = list(TEMPLATES)
    rng.shuffle(templates)
    specs: list[DemoEngagement] = []
    titles = {spec.title for spec in ANCHORS}
    attempt = 0
    while len(specs) < count:
        # Round robin over the templates, so that every theme and kind appears.
        template = templates[attempt % len(templates)]
        attempt += 1
        owner = rng.choice(template.owners)
        countries = [c for c in OWNER_COUNTRIES[owner] if not template.countries or c in template.countries]
        if not countries:
            continue
        country = rng.choice(countries)
        title = template.title.format(country=COUNTRY_NAMES.get(country, ""))
        if title in titles:
            continue
        titles.add(title)
        ref = f"{REFERENCE_PREFIX}{first_number + len(specs):03d}"
        specs.append(_from_template(rng, template, ref, owner, country, title, [*ANCHORS, *specs]))
    return specs


def _from_template(
    rng, template: Template, ref: str, owner: str, country: str, title: str, earlier: list[DemoEngagement]
) -> DemoEngagement:
    start, end = _dates(rng, template.kind)
    status = _status(rng, start, end)
    level = _sharing_level(rng, owner)
    shared_with, shared_countries = _named_circle(rng, owner) if level == L.RESTRICTED else ((), ())
    # Meetings and visits happen on their planned days; longer work starts a little late.
    delay, overrun = rng.randint(0, 45), rng.randint(0, 60)
    if template.kind in (E.DIALOGUE, E.MISSION):
        delay = overrun = 0
    return demo_engagement(
        ref,
        owner,
        template.kind,
        title,
        template.description.format(country=COUNTRY_NAMES[country]),
        [country],
        template.themes,
        level,
        status,
        start,
        end,
        delay=delay,
        overrun=overrun,
        instrument=_instrument(rng, template, owner, country, start),
        participations=_participations(rng, template.kind, owner, country),
        money=_money(rng, template.kind, owner, status, start, end),
        links=_programme_link(rng, template.kind, owner, country, level, earlier),
        shared_with=shared_with,
        shared_with_countries=shared_countries,
    )


def _dates(rng, kind: str) -> tuple[date, date]:
    start = date(rng.randint(2019, 2026), rng.randint(1, 12), rng.randint(1, 28))
    if kind == E.DIALOGUE:
        return start, start
    if kind == E.MISSION:
        return start, start + timedelta(days=rng.randint(2, 4))
    months = rng.choice((12, 18, 24, 36, 48))
    return start, min(start + timedelta(days=months * 30), LAST_DAY)


def _status(rng, start: date, end: date) -> str:
    if start > REFERENCE_DATE:
        return S.CANCELLED if rng.random() < 0.1 else S.PIPELINE
    if end < REFERENCE_DATE - timedelta(days=180):
        return S.CLOSED
    if end < REFERENCE_DATE:
        return S.FINALISATION
    return S.SUSPENDED if rng.random() < 0.08 else S.IMPLEMENTATION


def _sharing_level(rng, owner: str) -> str:
    if owner in PARTNER_AUTHORITIES:
        return rng.choice((L.PUBLIC, L.PARTNER))
    return rng.choices(list(LEVEL_WEIGHTS), weights=list(LEVEL_WEIGHTS.values()))[0]


def _named_circle(rng, owner: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Half the restricted records name organisations, half a whole Member State."""
    if rng.random() < 0.5:
        others = [org.key for org in ORGANISATIONS if org.key != owner]
        return tuple(sorted(rng.sample(others, 2))), ()
    states = sorted({c for c in MEMBER_STATE_OF.values() if c != MEMBER_STATE_OF.get(owner)})
    return (), (rng.choice(states),)


def _instrument(rng, template: Template, owner: str, country: str, start: date) -> str | None:
    if owner not in (*EU_INSTITUTIONS, "iom", "icmpd") or not template.instruments:
        return None
    if country == "BIH":
        return "IPA-III"
    instrument = rng.choice(template.instruments)
    # The Trust Fund for Africa took no new programmes after 2021.
    return "NDICI-GE" if instrument == "EUTF-AFRICA" and start.year > 2021 else instrument


def _participations(rng, kind: str, owner: str, country: str) -> tuple[tuple[str, str], ...]:
    if kind not in MONEY_KINDS:
        roles = [(owner, P.LEAD)]
    elif owner in IMPLEMENTERS:
        roles = [(owner, P.IMPLEMENTER), (rng.choice(("intpa", "home", "nl_mfa")), P.FUNDER)]
    else:
        implementer = rng.choice([org for org in IMPLEMENTERS if org != owner])
        roles = [(owner, P.FUNDER), (implementer, P.IMPLEMENTER)]
    counterpart = COUNTERPARTS.get(country)
    if counterpart and counterpart != owner:
        roles.append((counterpart, P.COUNTERPART))
    return tuple(roles)


def _money(rng, kind: str, owner: str, status: str, start: date, end: date):
    if kind not in MONEY_KINDS:
        return ()
    currency = _currency(rng, owner)
    low, high = (10_000, 80_000) if kind == E.PROGRAMME else (500, 15_000)
    amount = rng.randint(low, high) * 1000
    if status in (S.PIPELINE, S.CANCELLED):
        return (("budget", str(amount), currency, start),)
    paid = amount * rng.randint(20, 100) // 100 // 1000 * 1000
    return (
        ("commitment", str(amount), currency, start),
        ("disbursement", str(paid), currency, min(end, REFERENCE_DATE)),
    )


def _currency(rng, owner: str) -> str:
    if owner == "iom":
        return rng.choice(("USD", "USD", "CHF"))
    return rng.choices(("EUR", "GBP", "USD"), weights=(90, 5, 5))[0]


def _programme_link(
    rng, kind: str, owner: str, country: str, level: str, earlier: list[DemoEngagement]
) -> tuple[tuple[str, str], ...]:
    """Some projects are part of a programme in the same country that their author can see."""
    if kind != E.PROJECT or rng.random() > 0.4:
        return ()
    candidates = [
        spec.ref
        for spec in earlier
        if spec.kind == E.PROGRAMME and country in dict(spec.countries) and _author_sees(owner, spec)
    ]
    return ((rng.choice(candidates), LinkKind.PART_OF),) if candidates else ()


def _author_sees(owner: str, spec: DemoEngagement) -> bool:
    if spec.owner == owner or spec.sharing_level == L.PUBLIC:
        return True
    eu_side = owner in EU_INSTITUTIONS or owner in MEMBER_STATE_OF
    return eu_side and spec.sharing_level in (L.PARTNER, L.EU)


# -- writing --------------------------------------------------------------


@dataclass
class DemoLogin:
    username: str
    organisation: str
    role: str
    circle: str


@dataclass
class DemoSummary:
    organisations_created: int = 0
    users_created: int = 0
    engagements_created: int = 0
    engagements_kept: int = 0
    priorities_created: int = 0
    plans_and_calendar: Tally = field(default_factory=Tally)
    follows: Tally = field(default_factory=Tally)
    talent: Tally = field(default_factory=Tally)
    logins: list[DemoLogin] = field(default_factory=list)
    key_facts: list[str] = field(default_factory=list)


def build_demo(*, stdout=None) -> DemoSummary:
    """Create what is missing of the demo portfolio; keep what exists.

    The plans and the calendar are written after the portfolio, each record in the transaction of
    its own service (those services refuse to run inside another one): if a run stops half-way, the
    next one adds what is missing."""
    _require_reference_data()
    summary = DemoSummary()
    with transaction.atomic():
        organisations = _ensure_organisations(summary)
        users = _ensure_users(organisations, summary)
        _ensure_engagements(organisations, users, summary)
        _ensure_priorities(organisations, users, summary)
    today = timezone.localdate()
    summary.plans_and_calendar.update(build_plans(organisations, users, today))
    summary.plans_and_calendar.update(build_calendar(organisations, users, today))
    summary.talent = build_talent(organisations, users, today)
    summary.follows = build_follows(users)
    summary.key_facts = build_facts(users).lines
    summary.logins = [_login(user) for user in users.values()]
    # Some demo rows are written in bulk, without signals: the index is written again whole.
    rebuild_search_index()
    _report(stdout, summary)
    return summary


def _ensure_priorities(organisations, users, summary: DemoSummary) -> None:
    """The partner priorities of the demo, recorded once (matched by country, theme and source)."""
    from partnerhub.analysis.models import PartnerPriority

    recorders = {entry.organisation: users[entry.username] for entry in USERS}
    for entry in PRIORITIES:
        _priority, created = PartnerPriority.objects.unrestricted(
            "the demo is set up by the operator; a priority is matched by country, theme and source"
        ).get_or_create(
            country=Country.objects.get(iso3=entry.country),
            theme=Theme.objects.get(code=entry.theme),
            source=entry.source,
            defaults={
                "owner": organisations[entry.recorded_by],
                "description": entry.description,
                "stated_on": entry.stated_on,
                "recorded_by": recorders.get(entry.recorded_by),
            },
        )
        summary.priorities_created += created


def _require_reference_data() -> None:
    if not Theme.objects.exists() or not Country.objects.filter(iso3="MAR").exists():
        raise DemoError(_("Reference data is missing: run `partnerhub load-reference` first."))


def _ensure_organisations(summary: DemoSummary) -> dict[str, Organisation]:
    countries = {c.iso3: c for c in Country.objects.filter(iso3__in=_organisation_countries())}
    return {entry.key: _ensure_organisation(entry, countries, summary) for entry in ORGANISATIONS}


def _organisation_countries() -> set[str]:
    return {entry.country for entry in ORGANISATIONS if entry.country}


def _ensure_organisation(entry: DemoOrganisation, countries, summary) -> Organisation:
    """Reuse an organisation already known by identifier or name; refresh it only if it is ours."""
    match = (
        Q(name=entry.name) | Q(iati_identifier=entry.iati_identifier) if entry.iati_identifier else Q(name=entry.name)
    )
    organisation = Organisation.objects.filter(match).first()
    if organisation is not None and not organisation.is_demo:
        return organisation
    if organisation is None:
        organisation = Organisation(is_demo=True)
        summary.organisations_created += 1
    organisation.name, organisation.acronym = entry.name, entry.acronym
    organisation.kind, organisation.policy_area = entry.kind, entry.policy_area
    organisation.country = countries.get(entry.country)
    organisation.iati_identifier = entry.iati_identifier
    organisation.aliases = list(entry.aliases)
    organisation.save()
    return organisation


def _ensure_users(organisations, summary: DemoSummary) -> dict[str, object]:
    password_hash = make_password(DEMO_PASSWORD)
    users = {ADMIN_USERNAME: _ensure_user(ADMIN_USERNAME, password_hash, summary, superuser=True)}
    for entry in USERS:
        user = _ensure_user(entry.username, password_hash, summary)
        Membership.objects.update_or_create(
            user=user, organisation=organisations[entry.organisation], defaults={"role": entry.role}
        )
        forget_circle(user)
        users[entry.username] = user
    return users


def _ensure_user(username: str, password_hash: str, summary: DemoSummary, *, superuser=False):
    email = f"{username}@{DEMO_EMAIL_DOMAIN}"
    user = get_user_model().objects.filter(username=username).first()
    if user is not None and user.email != email:
        raise DemoError(
            _(
                "A user called %(username)s exists and is not a demo account: the demo leaves it "
                "alone. Rename that user, or build the demo in another database."
            )
            % {"username": username}
        )
    if user is None:
        user = get_user_model()(username=username, email=email)
        summary.users_created += 1
    user.password, user.is_active = password_hash, True
    user.is_staff = user.is_superuser = superuser
    user.save()
    return user


def _ensure_engagements(organisations, users, summary: DemoSummary) -> None:
    existing = {
        engagement.external_reference: engagement
        for engagement in Engagement.objects.unrestricted("the demo is set up by the operator").filter(
            is_demo=True, external_reference__startswith=REFERENCE_PREFIX
        )
    }
    lookups = _Lookups.load()
    for spec in demo_portfolio():
        if spec.ref in existing:
            summary.engagements_kept += 1
            continue
        author = users[AUTHORS[spec.owner]]
        data = _engagement_input(spec, organisations, lookups, existing)
        existing[spec.ref] = create_engagement(data, acting_user=author, is_demo=True)
        summary.engagements_created += 1


@dataclass
class _Lookups:
    countries: dict[str, Country]
    themes: dict[str, Theme]
    instruments: dict[str, Instrument]

    @classmethod
    def load(cls) -> "_Lookups":
        return cls(
            countries={c.iso3: c for c in Country.objects.filter(iso3__in=[*ALL_COUNTRIES, *MEMBER_STATE_OF.values()])},
            themes={t.code: t for t in Theme.objects.all()},
            instruments={i.code: i for i in Instrument.objects.all()},
        )


def _engagement_input(spec: DemoEngagement, organisations, lookups: _Lookups, engagements) -> EngagementInput:
    return EngagementInput(
        owner=organisations[spec.owner],
        fields={
            "kind": spec.kind,
            "title": TITLE_PREFIX + spec.title,
            "description": f"{spec.description}\n\n{DEMO_NOTE}",
            "language": spec.language,
            "status": spec.status,
            "sharing_level": spec.sharing_level,
            "planned_start": spec.planned_start,
            "planned_end": spec.planned_end,
            "actual_start": spec.actual_start,
            "actual_end": spec.actual_end,
            "instrument": lookups.instruments.get(spec.instrument) if spec.instrument else None,
            "external_reference": spec.ref,
        },
        countries=[(lookups.countries[code], _decimal(share)) for code, share in spec.countries],
        themes=[(lookups.themes[code], _decimal(share)) for code, share in spec.themes],
        participations=[(organisations[key], role) for key, role in spec.participations],
        money=[
            MoneyInput(kind, Decimal(amount), currency, value_date) for kind, amount, currency, value_date in spec.money
        ],
        links=[(engagements[ref], kind) for ref, kind in spec.links],
        shared_with_organisations=[organisations[key] for key in spec.shared_with],
        shared_with_countries=[lookups.countries[code] for code in spec.shared_with_countries],
    )


def _decimal(share: str | None) -> Decimal | None:
    return None if share is None else Decimal(share)


# -- who sees what --------------------------------------------------------


def _login(user) -> DemoLogin:
    membership = user.memberships.select_related("organisation").first()
    if membership is None:
        return DemoLogin(
            user.username,
            "—",
            _("Superuser"),
            _("every record, in the admin (/admin/) only; on the site, what a visitor sees"),
        )
    return DemoLogin(
        user.username, membership.organisation.short_name, membership.get_role_display(), circle_summary(user)
    )


def circle_summary(user) -> str:
    """What a user's circle covers, in one line for the log-in table."""
    circle = circle_of(user)
    owners = [o.short_name for o in Organisation.objects.filter(pk__in=circle.organisation_ids)]
    member_states = [c.name for c in Country.objects.filter(pk__in=circle.member_state_ids)]
    partner_countries = [c.name for c in Country.objects.filter(pk__in=circle.partner_country_ids)]
    parts = [_("public")]
    if circle.eu_side:
        parts.append(_("partner and EU (LIMITE)"))
    if partner_countries:
        parts.append(_("partner records about %(countries)s") % {"countries": ", ".join(partner_countries)})
    if member_states:
        parts.append(
            _("restricted records naming %(owners)s or %(member_states)s")
            % {"owners": ", ".join(owners), "member_states": ", ".join(member_states)}
        )
    else:
        parts.append(_("restricted records naming %(owners)s") % {"owners": ", ".join(owners)})
    parts.append(_("all records of %(owners)s") % {"owners": ", ".join(owners)})
    return "; ".join(parts)


def _report(stdout, summary: DemoSummary) -> None:
    if stdout is None:
        return
    stdout.write(
        _(
            "Demo: %(orgs)d organisations created, %(users)d users created, %(new)d engagements "
            "created, %(kept)d already there, %(priorities)d partner priorities created."
        )
        % {
            "orgs": summary.organisations_created,
            "users": summary.users_created,
            "new": summary.engagements_created,
            "kept": summary.engagements_kept,
            "priorities": summary.priorities_created,
        }
    )
    created = summary.plans_and_calendar.created
    stdout.write(
        _(
            "Demo plans and calendar: %(plans)d Action Plans, %(meetings)d meetings, %(lines)d lines to take "
            "and %(counterparts)d counterparts created."
        )
        % {
            "plans": created("plans"),
            "meetings": created("meetings"),
            "lines": created("lines to take"),
            "counterparts": created("counterparts"),
        }
    )
    talent = summary.talent
    stdout.write(
        _(
            "Demo Talent Partnerships: %(needs)d labour needs, %(supply)d supply records, %(partnerships)d "
            "Talent Partnerships, %(schemes)d schemes and %(figures)d pipeline figures created."
        )
        % {
            "needs": talent.created("needs"),
            "supply": talent.created("supply"),
            "partnerships": talent.created("partnerships"),
            "schemes": talent.created("schemes"),
            "figures": talent.created("pipeline figures"),
        }
    )
    stdout.write(
        _("Demo follows: %(follows)d partner countries and themes followed by the demo users.")
        % {"follows": summary.follows.created("follows")}
    )
    for line in summary.key_facts:
        stdout.write(line)
