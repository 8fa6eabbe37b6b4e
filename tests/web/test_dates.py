"""One date format per language on every page: "3 Dec 2026" in English, "3 déc. 2026" in French."""

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from partnerhub.registry.models import Engagement
from tests.support.clients import client_for

SOURCE = Path(__file__).resolve().parents[2] / "src" / "partnerhub"
NAMED_FORMATS = ("DATE_FORMAT", "SHORT_DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT")
DAY = datetime(2026, 12, 3, 14, 5, tzinfo=ZoneInfo("Europe/Brussels"))


def rendered(template_text: str, language: str, **context) -> str:
    with translation.override(language):
        return Template(template_text).render(Context(context))


@pytest.mark.parametrize(("language", "expected"), [("en", "3 Dec 2026"), ("fr", "3 déc. 2026")])
@pytest.mark.parametrize("name", NAMED_FORMATS)
def test_every_named_format_writes_the_month_as_a_word(language, expected, name):
    text = rendered("{{ day|date:format_name }}", language, day=DAY, format_name=name)

    assert text.startswith(expected)
    assert not re.search(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}", text), text


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "3 Sep 2026"), ("fr", "3 sept. 2026"), ("fr", "3 mai 2026"), ("en", "3 May 2026")]
)
def test_months_abbreviate_as_each_language_does(language, expected):
    month = {"Sep": 9, "sept.": 9, "mai": 5, "May": 5}[expected.split()[1]]

    assert rendered("{{ day }}", language, day=date(2026, month, 3)) == expected


def test_no_template_picks_a_date_format_of_its_own():
    """Explicit formats ("d/m/Y", "Y-m") bypass the language's format; only named ones and
    the machine-readable "c" of <time datetime> are allowed."""
    explicit = re.compile(r"""\|date:["'](?![A-Z_]+["'])(?!c["'])""")
    offenders = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in SOURCE.rglob("templates/**/*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if explicit.search(line)
    ]

    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [("en", "updated 3 Dec 2026"), ("fr", "3 déc. 2026")])
def test_dashboard_dates_cannot_be_read_as_another_day(cast, language, expected):
    engagement = cast.engagement(cast.commission, cast.commission_desk_officer, sharing_level="public")
    Engagement.objects.unrestricted("test").filter(pk=engagement.pk).update(updated_at=DAY)

    body = client_for(None).get(reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert expected in body
    assert "03/12/2026" not in body and "12/03/2026" not in body
