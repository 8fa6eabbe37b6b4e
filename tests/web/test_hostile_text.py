"""Hostile text in every free-text field of every main record never becomes markup or a formula.

One record of each registered confidential model (engagements and their parts, plans, actions,
indicators, facts, talent, lessons, crises, meetings, lines to take, …) is built by its factory,
then every free-text field of it is overwritten with text that would run if it were not escaped:
a ``<script>``, an attribute break-out with ``onerror``, a template tag, a ``javascript:`` URL,
an RTL override, and a leading ``=``, ``+``, ``-`` or ``@`` that a spreadsheet would compute.
A reader in every organisation then opens every page, partial, export, feed and brief that takes
no identifier or only a country and a file format, the search results and suggestions for the
text, and every record's own pages and API address:
the HTML holds no injected element or attribute, the calendar feed (the hub's only feed) parses
and carries the text as text, and every CSV or XLSX cell that carries it starts with none of
the four characters.
"""

import csv
import io
import re
from dataclasses import dataclass, field

import pytest
from django.db import models
from django.urls import reverse
from icalendar import Calendar
from lxml import etree
from lxml import html as lxml_html
from openpyxl import load_workbook

from partnerhub.access.models import Membership, Organisation, Role
from partnerhub.agenda.services import issue_feed_token
from partnerhub.core.confidential import entry_for, registered
from partnerhub.search.indexer import index_records
from tests.core.test_no_leak_anywhere import FILE_FORMATS, SKIPPED_PREFIXES, registered_secret, route_templates
from tests.support.clients import client_for
from tests.support.personas import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FORMULA_TRIGGERS = ("=", "+", "-", "@")
MARK = "HOSTILE-7e1d"
HOSTILE_BODY = (
    f'HYPERLINK("javascript:alert(1)")<script>alert("{MARK}")</script>"><img src=x onerror=alert("{MARK}")>'
    f'\'><svg onload=alert("{MARK}")>{{{{ 7|add:7 }}}}{{% now "Y" %}} javascript:alert("{MARK}") \u202egpj.exe'
)
SHORTEST_FIELD = 40  # shorter fields hold codes and references, not text a person writes
ROUTE_PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")


def hostile_text(index: int, max_length: int | None) -> str:
    text = FORMULA_TRIGGERS[index % len(FORMULA_TRIGGERS)] + HOSTILE_BODY
    return text[:max_length] if max_length else text


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.EmailField | models.URLField | models.SlugField)
        and not field.choices
        and not field._validators  # a validated field holds a code (a time zone), which forms check
        and not field.unique
        and not field.primary_key
        and (field.max_length is None or field.max_length >= SHORTEST_FIELD)
    ]


def make_hostile(record: models.Model) -> list[str]:
    """Every free-text field of the record and of the records it belongs to, overwritten."""
    written = []
    for index, text_field in enumerate(free_text_fields(type(record))):
        type(record)._base_manager.filter(pk=record.pk).update(
            **{text_field.name: hostile_text(index, text_field.max_length)}
        )
        written.append(f"{record._meta.label}.{text_field.name}")
    index_records(type(record), [record.pk])  # the update sent no signal to the search index
    entry = entry_for(type(record))
    for path in entry.parents if entry is not None else ():
        written += make_hostile(getattr(record, path))
    return written


@pytest.fixture
def hostile_world(cast):
    records = {entry.label: entry.build(cast, secret=registered_secret(entry)) for entry in registered()}
    fields = sorted({name for record in records.values() for name in make_hostile(record)})
    reader = make_user("hostile.reader")
    for organisation in Organisation.objects.all():
        Membership.objects.create(user=reader, organisation=organisation, role=Role.EDITOR)
    return records, fields, reader


# -- what each kind of answer must not hold ------------------------------------------------------


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    reached: set[str] = field(default_factory=set)  # URLs whose answer carried the hostile text
    kinds: set[str] = field(default_factory=set)  # their content types

    def check(self, url: str, response) -> None:
        if response.status_code >= 500:
            self.problems.append(f"{url}: {response.status_code}")
            return
        body = b"".join(response.streaming_content) if response.streaming else response.content
        kind = response.get("Content-Type", "").split(";")[0]
        carried, problems = CHECKERS.get(kind, raw_text)(body)
        if carried:
            self.reached.add(url)
            self.kinds.add(kind)
        self.problems += [f"{url}: {problem}" for problem in problems]


def raw_text(body: bytes) -> tuple[bool, list[str]]:
    return MARK.encode() in body, []


def html_problems(body: bytes) -> tuple[bool, list[str]]:
    if MARK.encode() not in body:
        return False, []
    problems = []
    for element in lxml_html.fromstring(body).iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in ("script", "svg", "img") and MARK in etree.tostring(element, encoding="unicode"):
            problems.append(f"an injected <{element.tag}>")
        for name, value in element.attrib.items():
            if name.startswith("on") and MARK in value:
                problems.append(f"an injected {name} attribute on <{element.tag}>")
            if name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                problems.append(f"a javascript: URL in {name} of <{element.tag}>")
    return True, problems


def calendar_problems(body: bytes) -> tuple[bool, list[str]]:
    calendar = Calendar.from_ical(body)  # raises on a calendar the hostile text broke
    texts = [
        str(event.get(name, "")) for event in calendar.walk("VEVENT") for name in ("SUMMARY", "LOCATION", "DESCRIPTION")
    ]
    return any(MARK in text for text in texts), []


def cell_problem(value) -> str | None:
    if isinstance(value, str) and "HYPERLINK" in value and value.startswith(FORMULA_TRIGGERS):
        return f"a cell a spreadsheet would compute: {value[:40]!r}"
    return None


def csv_problems(body: bytes) -> tuple[bool, list[str]]:
    cells = [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for cell in row]
    return any(MARK in cell for cell in cells), [problem for problem in map(cell_problem, cells) if problem]


def xlsx_problems(body: bytes) -> tuple[bool, list[str]]:
    carried, problems = False, []
    for sheet in load_workbook(io.BytesIO(body)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                carried = carried or MARK in str(cell.value)
                if cell.data_type == "f":
                    problems.append(f"a formula in {sheet.title}!{cell.coordinate}: {str(cell.value)[:40]!r}")
                elif problem := cell_problem(cell.value):
                    problems.append(f"{sheet.title}!{cell.coordinate}: {problem}")
    return carried, problems


CHECKERS = {
    "text/html": html_problems,
    "text/calendar": calendar_problems,
    "text/csv": csv_problems,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": xlsx_problems,
}


# -- where the text can reach --------------------------------------------------------------------


def walkable_urls() -> list[str]:
    """Every route that takes no identifier, or only a country and a file format."""
    urls = []
    for template in route_templates():
        if template.startswith(SKIPPED_PREFIXES):
            continue
        names = ROUTE_PARAMETER.findall(template)
        if not set(names) <= {"iso3", "file_format"}:
            continue
        formats = FILE_FORMATS if "file_format" in names else ("",)
        for file_format in formats:
            values = {"iso3": "MAR", "file_format": file_format}
            urls.append("/" + ROUTE_PARAMETER.sub(lambda match, values=values: values[match["name"]], template))
    return urls


def record_urls(record) -> list[str]:
    found = entry_for(type(record)).urls_of(record)
    return [url for url in (found.page, found.change_page, found.api) if url]


def test_hostile_text_in_every_field_reaches_pages_exports_and_feeds_as_inert_text(hostile_world):
    records, fields, reader = hostile_world
    assert len(fields) >= 30, fields  # the world really is hostile everywhere
    client = client_for(reader)
    findings = Findings()
    own_pages = {label: record_urls(record) for label, record in records.items()}
    _token, feed_secret = issue_feed_token(acting_user=reader)
    feed = reverse("agenda:feed", args=[feed_secret])
    searches = [f"{reverse('search:results')}?q=alert", f"{reverse('search:suggest')}?q=alert"]
    for url in dict.fromkeys(
        [*walkable_urls(), feed, *searches, *(url for urls in own_pages.values() for url in urls)]
    ):
        findings.check(url, client.get(url))
    assert findings.problems == []
    # The text did reach the reader: on each record's own addresses, and in lists, exports and feeds.
    unreached = [label for label, urls in own_pages.items() if urls and not findings.reached.intersection(urls)]
    assert unreached == []
    assert searches[0] in findings.reached, "the search results did not show the hostile text"
    assert set(CHECKERS) <= findings.kinds, (
        f"no answer of these kinds carried the text: {set(CHECKERS) - findings.kinds}"
    )
