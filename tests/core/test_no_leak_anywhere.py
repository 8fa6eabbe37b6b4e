"""Walks every URL pattern and every API operation as each kind of user.

Every confidential thing the hub keeps is planted where most personas may not
see it: engagements (originator, restricted, and one widened to public whose
history still holds its originator-era title and amount), a partner priority,
a comment on that priority, a possible overlap with a hidden side and a reviewer's note, an IATI upload, a
spreadsheet import and an API token — and one hidden record of every model registered
as confidential (``core.confidential``), built by its registered factory. Every
URL parameter gets real values (the planted ids, a visible id and a missing one,
real country, route, pillar, theme and instrument codes, every file format); where a
parameter names a registered model's record, its values come from the planted records
through the registration's ``urls``, so a newly registered model's pages are walked too. No
response — page, partial, export,
brief, API answer, error page — may mention a planted secret or print a hidden
amount in any of the forms the hub prints amounts; hidden ids answer 404 (or
the login page); nothing ends in a 500 and nothing planted is changed.
"""

import io
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from itertools import product

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from partnerhub.access.models import ApiToken, Role
from partnerhub.analysis.models import PartnerPriority, PriorityComment
from partnerhub.api import api
from partnerhub.core.confidential import ConfidentialEntry, registered
from partnerhub.geo.models import Country, RecipientRegion, Route
from partnerhub.iati.models import ImportJob, PublisherSubscription
from partnerhub.notifications import services
from partnerhub.notifications.digests import send_due_digests
from partnerhub.notifications.items import items_for
from partnerhub.overlaps.models import OverlapPair
from partnerhub.overlaps.services import decide_overlap
from partnerhub.plans.models import ActionStatus
from partnerhub.plans.services import update_action
from partnerhub.registry.models import Engagement, EngagementRegion, Instrument, Theme
from partnerhub.registry.services import input_from_engagement, update_engagement
from partnerhub.sheets.models import ImportBatch
from partnerhub.talent.models import MatchExport
from tests.agenda.factories import counterpart, line
from tests.knowledge.crisis_factories import focal_point_for
from tests.notifications.support import last_days
from tests.plans.factories import action_for, plan_for
from tests.support.addresses import addresses, naming_prefix, record_parameter
from tests.support.clients import client_for
from tests.support.personas import make_user

pytestmark = pytest.mark.django_db

SECRET_ORIGINATOR = "SECRET-ORIGINATOR-7f3a"
SECRET_RESTRICTED = "SECRET-RESTRICTED-19bd"
SECRET_REGIONAL = "SECRET-REGIONAL-4e7c"
SECRET_BEFORE_WIDENING = "SECRET-BEFORE-WIDENING-c2e8"
SECRET_PRIORITY = "SECRET-PRIORITY-5d01"
SECRET_COMMENT = "SECRET-COMMENT-81d6"
SECRET_OVERLAP_NOTE = "SECRET-OVERLAP-NOTE-a9f4"
SECRET_UPLOAD = "SECRET-UPLOAD-0be7.xml"
SECRET_SHEET = "SECRET-SHEET-e61c.xlsx"
SECRET_TOKEN = "SECRET-TOKEN-3a2b"
SECRETS = (
    SECRET_ORIGINATOR,
    SECRET_RESTRICTED,
    SECRET_BEFORE_WIDENING,
    SECRET_PRIORITY,
    SECRET_COMMENT,
    SECRET_OVERLAP_NOTE,
    SECRET_REGIONAL,
    SECRET_UPLOAD,
    SECRET_SHEET,
    SECRET_TOKEN,
    "bmi.coordinator",
)


def registered_secret(entry: ConfidentialEntry) -> str:
    return f"SECRET-PLANTED-{entry.label.replace('.', '-')}"


SECRETS += tuple(registered_secret(entry) for entry in registered())
HIDDEN_AMOUNTS = (777777, 555555, 361361)
MISSING_ID = 987654
FILE_FORMATS = ("csv", "xlsx", "pdf", "docx")
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
API_PARAMETER = re.compile(r"\{(?P<name>[^}]+)\}")
SKIPPED_PREFIXES = ("admin/",)  # the admin is for superusers; it has tests of its own
# Which kind of unregistered record a route's <pk> names, by the start of the route; the
# parameters naming registered records take their values from the registration.
PK_KINDS = (
    ("iati/imports/", "job"),
    ("iati/sources/", "subscription"),
    ("import/sheet/", "batch"),
    ("account/tokens/", "token"),
    ("agenda/counterparts/", "counterpart"),
    ("talent/matching/exports/", "match_export"),
    ("knowledge/directory/", "focal_point"),  # crises and directory
)
API_ID_KINDS = {"organisation_id": "organisation", "entry_id": "focal_point"}


def printed_forms(amount: int) -> set[str]:
    """Every way the hub prints an amount (``registry`` money filters, CSV and JSON, and the compact
    ``€778 k`` / ``0.78 m`` of ``core.formatting``), in English and in French."""
    digits = str(amount)
    grouped = f"{amount:,}"
    forms = {digits, grouped}
    forms |= {grouped.replace(",", separator) for separator in (" ", "\u00a0", "\u202f", ".")}
    thousands = round(Decimal(amount) / 1000)
    millions = Decimal(amount) / 1_000_000
    for space in (" ", "\u00a0", "\u202f"):
        forms |= {f"{thousands}{space}k", f"{millions:.2f}{space}m", f"{millions:.2f}{space}m".replace(".", ",")}
    return forms


LEAK_FORMS = {form: amount for amount in HIDDEN_AMOUNTS for form in printed_forms(amount)}


@dataclass
class Planted:
    engagements: dict[str, Engagement]
    ids: dict[str, list[tuple[str, bool]]]  # kind of unregistered record → [(value, hidden)]
    codes: list[str]
    registered: dict[str, object]  # model label → the hidden record planted from its factory
    record_values: dict[str, list[tuple[str, bool]]]  # naming prefix of a registered record → [(value, hidden)]


def route_templates(patterns=None, prefix=""):
    """Every path() route of the site as a template string, e.g. 'engagements/<int:pk>/'."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        route = getattr(entry.pattern, "_route", None)
        if route is None:
            continue  # regex patterns (the API's own, the static handler) are walked elsewhere
        if isinstance(entry, URLResolver):
            yield from route_templates(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route


def route_values(template: str, name: str, planted: Planted) -> list[tuple[str, bool]]:
    if naming_prefix(template, name) in planted.record_values:
        return planted.record_values[naming_prefix(template, name)]
    if name == "pk":
        kind = next(kind for start, kind in PK_KINDS if template.startswith(start))
        return planted.ids[kind]
    if name in API_ID_KINDS:  # the API's routes, walked here as plain pages too
        return planted.ids[API_ID_KINDS[name]]
    if name == "iso3":
        alone = len(PARAMETER.findall(template)) == 1
        return [("MAR", False)] + ([("XXX", False)] if alone else [])
    if name == "file_format":
        return [(value, False) for value in FILE_FORMATS]
    if name == "code":
        return [(code, False) for code in planted.codes]
    if name == "token":  # a calendar feed's secret: one that opens nothing
        return [("not-a-feed-token", False)]
    raise AssertionError(f"the walker has no value for <{name}> in {template}: give it one")


def concrete_urls(template: str, planted: Planted) -> list[tuple[str, str | None]]:
    """Each URL of the route with real values and, when it names something hidden from outsiders,
    its twin naming a missing record instead: the two must answer alike."""
    names = [m.group("name") for m in PARAMETER.finditer(template)]
    choices = [route_values(template, name, planted) for name in names]
    return [with_twin(PARAMETER, template, combination) for combination in product(*choices)]


def api_operations(planted: Planted):
    """(method, path, twin path or None) for every operation, with real values for its parameters."""
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        choices = [api_values(path, m.group("name"), planted) for m in API_PARAMETER.finditer(path)]
        for method, combination in product(methods, product(*choices)):
            yield method, *with_twin(API_PARAMETER, path, combination)


def with_twin(pattern, template: str, combination) -> tuple[str, str | None]:
    def filled(values) -> str:
        values = iter(values)
        return ("" if template.startswith("/") else "/") + pattern.sub(lambda _match: next(values), template)

    url = filled(value for value, _hidden in combination)
    if not any(hidden for _value, hidden in combination):
        return url, None
    return url, filled(str(MISSING_ID) if hidden else value for value, hidden in combination)


def api_values(path: str, name: str, planted: Planted) -> list[tuple[str, bool]]:
    if naming_prefix(path, name) in planted.record_values:
        return planted.record_values[naming_prefix(path, name)]
    if name in API_ID_KINDS:
        return planted.ids[API_ID_KINDS[name]]
    if name == "iso3":
        return [("MAR", False)]
    if name == "code":
        return [(code, False) for code in planted.codes]
    raise AssertionError(f"the walker has no value for {{{name}}} in {path}: give it one")


# -- the planted world ----------------------------------------------------------------------------------


@pytest.fixture
def planted(cast):
    engagements = plant_engagements(cast)
    priorities = plant_priorities(cast)
    pairs = plant_overlaps(cast, engagements)
    registered_records = plant_registered(cast, registered())
    job = ImportJob.objects.create(
        started_by=cast.german_ministry_editor,
        organisation=cast.german_interior,
        original_name=SECRET_UPLOAD,
        stored_name="iati/leak-walker.xml",
    )
    batch = ImportBatch.objects.create(
        started_by=cast.german_ministry_editor, organisation=cast.german_interior, file_name=SECRET_SHEET
    )
    token, _raw = ApiToken.issue(cast.german_ministry_editor, SECRET_TOKEN)
    # A matching export holds what its requester may see: it is served to them only.
    export = MatchExport.objects.create(
        started_by=cast.german_ministry_editor,
        side="needs",
        file_format="csv",
        matching_date=date(2025, 1, 1),
        status="done",
        file_name="talent-matches-needs-2025-01-01.csv",
        content=SECRET_TOKEN.encode(),
    )
    missing = (str(MISSING_ID), True)
    route = Route.objects.filter(countries__iso3="MAR").first() or Route.objects.first()
    pillar = Theme.objects.filter(parent__isnull=True).first()
    return Planted(
        engagements=engagements,
        ids={
            "job": [(str(job.pk), True), missing],
            # Which publishers the hub reads is no secret from anyone signed in.
            "subscription": [
                (str(PublisherSubscription.objects.create(publisher_id="giz", organisation=cast.giz).pk), False),
                missing,
            ],
            "batch": [(str(batch.pk), True), missing],
            "token": [(str(token.pk), True), missing],
            "match_export": [(str(export.pk), True), missing],
            "organisation": [(str(cast.german_interior.pk), False), missing],
            "counterpart": [(str(counterpart().pk), False), missing],
            # crises and directory: EU-side outsiders read the whole directory, so the entry holds no secret.
            "focal_point": [(str(focal_point_for(cast, name="Walker Focal Point").pk), False), missing],
        },
        # Route, theme and instrument codes, and an ISCO-08 unit group (the talent matching's occupations).
        codes=[route.code, pillar.code, "RETURN-REINTEGRATION", Instrument.objects.first().code, "x", "2221"],
        registered=registered_records,
        record_values=values_of_records(
            [
                *((e, name != "public" and name != "widened") for name, e in engagements.items()),
                (priorities["hidden"], True),
                (priorities["public"], False),
                (pairs["hidden"], True),
                (pairs["public"], False),
                *((record, True) for record in registered_records.values()),
            ]
        ),
    )


def values_of_records(records) -> dict[str, list[tuple[str, bool]]]:
    """For each URL parameter that names a registered record (by the route up to it), the value of
    each planted record, whether it is hidden from the walkers, and a missing id."""
    values: dict[str, list[tuple[str, bool]]] = {}
    for record, hidden in records:
        for url in addresses(record):
            prefix, value = record_parameter(url)
            values.setdefault(prefix, []).append((value, hidden))
    return {prefix: [*dict.fromkeys(found), (str(MISSING_ID), True)] for prefix, found in values.items()}


def plant_registered(cast, entries: list[ConfidentialEntry]) -> dict[str, object]:
    """One hidden record of each registered model; a model registered without a factory fails the walk."""
    return {entry.label: entry.build(cast, secret=registered_secret(entry)) for entry in entries}


def plant_engagements(cast) -> dict[str, Engagement]:
    originator = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="originator",
        title=SECRET_ORIGINATOR,
        amount="777777",
    )
    restricted = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="restricted",
        title=SECRET_RESTRICTED,
        shared_with=[cast.iom],
        amount="555555",
    )
    widened = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="originator",
        title=SECRET_BEFORE_WIDENING,
        amount="361361",
    )
    data = input_from_engagement(widened)
    data.fields.update(title="Border management, now public", sharing_level="public")
    data.money = [replace(line, amount=Decimal("2000000")) for line in data.money]
    widened = update_engagement(widened, data, acting_user=cast.german_ministry_editor)
    # Owned by nobody who walks, so that no walker may change or delete it.
    public = cast.engagement(cast.iom, cast.iom_officer, sharing_level="public", title="An open programme")
    # Regional money, as an IATI import places it: in the region view, the routes through it, the profiles.
    regional = cast.engagement(
        cast.german_interior,
        cast.german_ministry_editor,
        sharing_level="originator",
        title=SECRET_REGIONAL,
        countries=(),
        amount="777777",
    )
    EngagementRegion.objects.create(engagement=regional, region=RecipientRegion.objects.get(code="189"))
    return {
        "originator": originator,
        "restricted": restricted,
        "widened": widened,
        "public": public,
        "regional": regional,
    }


def plant_priorities(cast) -> dict[str, PartnerPriority]:
    morocco = Country.objects.get(iso3="MAR")
    theme = Theme.objects.get(code="DEV-REMIT")
    hidden = PartnerPriority.objects.create(
        owner=cast.german_interior,
        country=morocco,
        theme=theme,
        description=SECRET_PRIORITY,
        source="Internal note",
        stated_on="2025-01-01",
        sharing_level="originator",
    )
    public = PartnerPriority.objects.create(
        owner=cast.iom,
        country=morocco,
        theme=theme,
        description="Cheaper remittances",
        source="Speech",
        stated_on="2025-01-01",
        sharing_level="public",
    )
    PriorityComment.objects.create(
        priority=hidden, organisation=cast.german_interior, author=cast.german_ministry_editor, text=SECRET_COMMENT
    )
    return {"hidden": hidden, "public": public}


def plant_overlaps(cast, engagements) -> dict[str, OverlapPair]:
    def pair(one, other):
        first, second = sorted((one, other), key=lambda e: e.pk)
        created = OverlapPair.objects.create(
            first=first,
            second=second,
            score=0.9,
            text_similarity=0.8,
            first_fingerprint="a",
            second_fingerprint="b",
            found_at=first.created_at,
        )
        created.countries.set([Country.objects.get(iso3="MAR")])
        return created

    hidden = pair(engagements["originator"], engagements["public"])
    reviewer = make_user("bmi.coordinator", cast.german_interior, Role.COORDINATOR)
    decide_overlap(hidden, "duplicate", note=SECRET_OVERLAP_NOTE, acting_user=reviewer)
    return {"hidden": hidden, "public": pair(engagements["widened"], engagements["public"])}


def outsiders(cast):
    """Everyone who may see none of the planted secrets, anonymous visitors included."""
    return {
        "anonymous": None,
        "french ministry editor": cast.french_ministry_editor,
        "moroccan ministry user": cast.moroccan_ministry_user,
        "giz viewer (same Member State, other organisation)": cast.giz_viewer,
        "commission desk officer": cast.commission_desk_officer,
        "superuser": cast.superuser,
        "user without membership": cast.outsider,
    }


def body_of(response) -> str:
    """The text of an answer; the parts of an XLSX or DOCX file are read out of their zip."""
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if content.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"\n".join(archive.read(name) for name in archive.namelist())
    return content.decode("utf-8", "replace")


def assert_no_leak(response, where):
    assert response.status_code < 500, f"{where} answered {response.status_code}"
    body = body_of(response)
    for secret in SECRETS:
        assert secret not in body, f"{where} reveals {secret}"
    for form, amount in LEAK_FORMS.items():
        assert form not in body, f"{where} prints the hidden amount {amount} as “{form}”"


def assert_nothing_planted_changed(planted: Planted):
    engagements, priorities = Engagement.objects.unrestricted("test"), PartnerPriority.objects.unrestricted("test")
    assert engagements.filter(title__in=[SECRET_ORIGINATOR, SECRET_RESTRICTED, SECRET_REGIONAL]).count() == 3
    assert priorities.filter(description=SECRET_PRIORITY, sharing_level="originator").exists()
    assert priorities.filter(description="Cheaper remittances", sharing_level="public").exists()
    assert (
        OverlapPair.objects.unrestricted("test")
        .filter(decision_note=SECRET_OVERLAP_NOTE, decision="duplicate")
        .exists()
    )
    assert ApiToken.objects.filter(name=SECRET_TOKEN).exists()
    assert ImportBatch.objects.filter(file_name=SECRET_SHEET).exists()


# -- the walks ------------------------------------------------------------------------------------------


def test_the_walker_knows_every_route_and_every_printed_form_of_an_amount(planted):
    assert {path for _method, path, _twin in api_operations(planted)} >= {
        "/api/countries/MAR/profile",
        f"/api/priorities/{planted.record_values['api/priorities/<priority_id>'][0][0]}",
    }
    templates = [t for t in route_templates() if not t.startswith(SKIPPED_PREFIXES)]
    assert any("brief" in t for t in templates) and any("priorities" in t for t in templates)
    urls = {url for template in templates for url, _twin in concrete_urls(template, planted)}
    assert "/countries/MAR/brief.pdf" in urls and "/countries/MAR/brief.docx" in urls
    hidden_priority = planted.record_values["countries/<iso3>/priorities/<pk>"][0][0]
    assert f"/countries/MAR/priorities/{hidden_priority}/edit/" in urls
    walked = urls | {path for _method, path, _twin in api_operations(planted)}
    assert {url for record in planted.registered.values() for url in addresses(record)} <= walked
    # "778 k" is found inside both "€778 k" and the French "778 k€".
    assert {"777777", "777,777", "777 777", "777\u202f777", "778 k", "0.78 m", "0,78 m"} <= set(LEAK_FORMS)


def test_the_walker_plants_a_hidden_record_of_every_registered_model(cast, planted):
    labels = {entry.label for entry in registered()}
    assert set(planted.registered) == labels
    assert {
        "registry.Engagement",
        "registry.MoneyLine",
        "analysis.PartnerPriority",
        "overlaps.OverlapPair",
        "toyapp.ToyRecord",
        "toyapp.ToyNote",
    } <= labels
    for label, record in planted.registered.items():
        for persona, user in outsiders(cast).items():
            manager = type(record).objects
            assert not manager.visible_to(user).filter(pk=record.pk).exists(), f"{persona} sees the planted {label}"
            assert manager.hidden_from(user).filter(pk=record.pk).exists(), f"{label} is not hidden from {persona}"


def test_a_model_registered_without_a_factory_fails_the_walk(cast):
    with pytest.raises(ImproperlyConfigured, match="without a test factory"):
        plant_registered(cast, [ConfidentialEntry("toyapp.ToyRecord", partner_countries="countries")])


class Walker:
    """Requests as one persona, remembering the answers to the twins of hidden URLs."""

    def __init__(self, user):
        self.client = client_for(user)
        self.statuses: dict[tuple[str, str], int] = {}

    def request(self, method: str, url: str, *, api_call: bool):
        if api_call:
            response = self.client.generic(method.upper(), url, data="{}", content_type="application/json")
        else:
            response = getattr(self.client, method)(url)
        self.statuses[method, url] = response.status_code
        return response

    def status(self, method: str, url: str, *, api_call: bool) -> int:
        if (method, url) not in self.statuses:
            self.request(method, url, api_call=api_call)
        return self.statuses[method, url]


@pytest.mark.slow
def test_every_page_as_every_outsider_leaks_nothing_and_never_fails(cast, planted):
    templates = [t for t in route_templates() if not t.startswith(SKIPPED_PREFIXES)]
    urls = [entry for template in templates for entry in concrete_urls(template, planted)]
    for persona, user in outsiders(cast).items():
        walker = Walker(user)
        for (url, twin), method in product(urls, ("get", "post")):
            where = f"{method.upper()} {url} as {persona}"
            response = walker.request(method, url, api_call=False)
            assert_no_leak(response, where)
            if twin:
                assert response.status_code == walker.status(method, twin, api_call=False), (
                    f"{where} answers unlike the missing {twin}"
                )
    assert_nothing_planted_changed(planted)


@pytest.mark.slow
def test_every_api_operation_as_every_outsider_leaks_nothing_and_never_fails(cast, planted):
    operations = list(api_operations(planted))
    for persona, user in outsiders(cast).items():
        walker = Walker(user)
        for method, path, twin in operations:
            where = f"{method.upper()} {path} as {persona}"
            response = walker.request(method, path, api_call=True)
            assert_no_leak(response, where)
            if twin:
                assert response.status_code == walker.status(method, twin, api_call=True), (
                    f"{where} answers unlike the missing {twin}"
                )
        if user is not None:
            assert 200 in walker.statuses.values(), f"the API walk as {persona} never reached a real answer"
    assert_nothing_planted_changed(planted)


def test_the_owner_and_the_named_organisation_do_see_them(cast, planted):
    originator = planted.engagements["originator"]
    widened = planted.engagements["widened"]
    owner = client_for(cast.german_ministry_editor)
    assert owner.get(f"/engagements/{originator.pk}/").status_code == 200
    assert SECRET_BEFORE_WIDENING in body_of(owner.get(f"/engagements/{widened.pk}/"))
    assert SECRET_PRIORITY in body_of(owner.get("/countries/MAR/"))
    assert SECRET_RESTRICTED in body_of(client_for(cast.iom_officer).get("/engagements/"))
    assert client_for(cast.iom_officer).get(f"/engagements/{originator.pk}/").status_code == 404


# -- notifications: every kind of item, hidden, about what everyone follows ------------------------------

SECRET_LINE = "SECRET-AGREED-LINE-6c1d"
SECRET_OVERDUE = "SECRET-OVERDUE-ACTION-2f90"
SECRET_STALLED = "SECRET-STALLED-ACTION-b47e"
SECRETS += (SECRET_LINE, SECRET_OVERDUE, SECRET_STALLED)
NOTIFICATION_PAGES = ("/notifications/", "/notifications/unread/", "/notifications/follows/")
NOTIFICATION_API = ("/api/notifications", "/api/notifications?page_size=1&page=2", "/api/follows")


@pytest.fixture
def hidden_items(cast, planted):
    """Hidden records that would each be a notification about Morocco and return: the planted
    engagements and meeting (new), an agreed line to take, an action overdue since yesterday and one
    reported stalled — and every persona following Morocco and the return pillar, daily."""
    owner = cast.german_ministry_editor
    coordinator = get_user_model().objects.get(username="bmi.coordinator")  # planted with the overlaps
    line(cast.german_interior, owner, text=SECRET_LINE, sharing_level="originator", agreed_by=coordinator)
    plan = plan_for(cast, title=SECRET_OVERDUE, sharing_level="originator")
    action_for(cast, plan, description=SECRET_OVERDUE, deadline=timezone.localdate() - timedelta(days=1))
    stalled = action_for(cast, plan, description=SECRET_STALLED, deadline=date(2027, 6, 30))
    update_action(stalled, {"status": ActionStatus.STALLED, "rag_comment": SECRET_STALLED}, acting_user=owner)
    followers = [user for user in outsiders(cast).values() if user is not None]
    for user in [*followers, owner]:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
        services.replace_follows(user, country_codes=["MAR"], theme_codes=["RETURN"], frequency="daily")
    return followers


def test_the_planted_records_are_each_an_item_for_their_owner(cast, hidden_items):
    titles = " ".join(f"{item.title} {item.detail}" for item in items_for(cast.german_ministry_editor, last_days(1)))
    kinds = {item.kind for item in items_for(cast.german_ministry_editor, last_days(1))}
    assert {"engagement_new", "meeting_new", "line_agreed", "action_overdue", "action_stalled"} <= kinds
    for secret in (SECRET_ORIGINATOR, SECRET_RESTRICTED, SECRET_OVERDUE, SECRET_STALLED, "SECRET-PLANTED-agenda"):
        assert secret in titles, f"the owner's items do not show {secret}: the walk below would prove nothing"


def test_the_walker_walks_the_notification_pages_and_api(planted):
    templates = [t for t in route_templates() if not t.startswith(SKIPPED_PREFIXES)]
    urls = {url for template in templates for url, _twin in concrete_urls(template, planted)}
    assert set(NOTIFICATION_PAGES) <= urls
    assert {"/api/notifications", "/api/follows"} <= {path for _method, path, _twin in api_operations(planted)}


def test_the_notifications_of_every_outsider_following_everything_leak_nothing(cast, hidden_items):
    for persona, user in outsiders(cast).items():
        client = client_for(user)
        for url in (*NOTIFICATION_PAGES, *NOTIFICATION_API):
            response = client.get(url)
            assert_no_leak(response, f"GET {url} as {persona}")
            if user is not None:
                assert response.status_code == 200, f"GET {url} as {persona} answered {response.status_code}"
        if user is not None:
            assert client.get("/api/notifications").json()["count"] == len(items_for(user, last_days(30)))


def test_no_digest_mails_a_hidden_title_or_amount_to_any_outsider(cast, hidden_items, mailoutbox):
    send_due_digests()

    mailed = {message.to[0]: message for message in mailoutbox}
    owner_mail = mailed[cast.german_ministry_editor.email]
    assert SECRET_ORIGINATOR in owner_mail.body and SECRET_STALLED in owner_mail.body
    for user in hidden_items:
        message = mailed.get(user.email)
        if message is None:
            continue  # nothing new for this reader: no e-mail, so nothing to leak
        for part in (message.subject, message.body, *(content for content, _type in message.alternatives)):
            for secret in SECRETS:
                assert secret not in part, f"the digest to {user.username} reveals {secret}"
            for form, amount in LEAK_FORMS.items():
                assert form not in part, f"the digest to {user.username} prints the hidden amount {amount}"
    assert any(user.email in mailed for user in hidden_items), "no outsider got a digest: the check is empty"
