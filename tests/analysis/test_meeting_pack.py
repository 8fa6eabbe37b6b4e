"""The briefing pack of a meeting, read back with python-docx: the meeting in its own time zone, the
current lines to take (marked expired), the clash alerts and linked engagements as the reader may know
them, the country's figures, and the marking of its most restricted record. Nothing hidden is in it."""

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from docx import Document

from partnerhub.agenda.services import cancel_meeting
from tests.agenda.factories import counterpart, line, meeting
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

# 09:00 UTC is 10:00 in Tunis (UTC+1 all year, no summer time).
STARTS = datetime(2027, 6, 15, 9, 0, tzinfo=UTC)
HIDDEN_AMOUNT = "777,777"


def docx_text(content: bytes) -> str:
    document = Document(BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([*(paragraph.text for paragraph in document.paragraphs), *cells])


def marking(content: bytes) -> tuple[str, str, str]:
    document = Document(BytesIO(content))
    section = document.sections[0]
    return (
        section.header.paragraphs[0].text,
        section.footer.paragraphs[0].text,
        document.core_properties.category,
    )


@pytest.fixture
def briefing(cast):
    """A BMI meeting with the Moroccan interior ministry, linked to a BMI engagement and to a French
    one only the French ministry may read; a French meeting with the same counterpart two days later,
    only for the French ministry; agreed lines for Morocco that expired, and a newer French draft."""
    interior = counterpart(authority="Ministry of the Interior", office="Migration and Borders")
    bmi_project = cast.engagement(
        cast.german_interior, cast.german_ministry_editor, title="BMI border training", amount="2500000"
    )
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Commission reintegration", amount="1000000")
    french_secret = cast.engagement(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="French readmission fund",
        sharing_level="originator",
        amount="777777",
    )
    bmi = meeting(
        cast.german_interior,
        cast.german_ministry_editor,
        title="BMI talks on returns",
        starts_at=STARTS,
        time_zone="Africa/Tunis",
        place="Rabat, Ministry of the Interior",
        with_counterpart=interior,
        participants=[cast.giz],
        engagements=[bmi_project],
    )
    # Linked by someone who reads both (a BMI editor seconded to the French ministry): straight into
    # the link table here.
    bmi.engagements.through.objects.create(meeting_id=bmi.pk, engagement_id=french_secret.pk)
    meeting(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title="MEAE secret visit",
        starts_at=STARTS + timedelta(days=2),
        with_counterpart=interior,
        sharing_level="originator",
    )
    line(
        cast.eu_delegation_morocco,
        cast.coordinator,
        agreed_by=cast.coordinator,
        text="Returns with dignity.\nLegal pathways go with readmission.",
        valid_until=timezone.localdate() - timedelta(days=1),
    )
    line(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        text="MEAE private line",
        sharing_level="originator",
    )
    return bmi


def pack(user, record):
    response = client_for(user).get(f"/agenda/meetings/{record.pk}/briefing-pack.docx")
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert response["Cache-Control"] == "private, no-store"
    return response.content


def test_the_organiser_gets_the_meeting_in_its_own_time_zone_with_its_lines_and_figures(cast, briefing):
    text = docx_text(pack(cast.german_ministry_editor, briefing))
    assert "Briefing pack: BMI talks on returns" in text
    assert "10:00" in text and "Africa/Tunis" in text
    assert "Rabat, Ministry of the Interior" in text
    assert "Ministry of the Interior – Migration and Borders" in text
    assert "Federal Ministry of the Interior (Germany)" in text
    assert "Deutsche Gesellschaft für Internationale Zusammenarbeit" in text
    assert "Returns with dignity." in text and "Legal pathways go with readmission." in text
    assert "Expired on" in text
    assert "BMI border training" in text and "+ engagements you may not see" in text
    # Team Europe commitments in Morocco the German editor may see: 2,500,000 + 1,000,000.
    assert "EUR 3,500,000" in text and "+ undisclosed" in text
    assert "Top actors" in text


def test_nothing_hidden_from_the_reader_is_in_the_pack(cast, briefing):
    text = docx_text(pack(cast.german_ministry_editor, briefing))
    for secret in ("MEAE secret visit", "MEAE private line", "French readmission fund", HIDDEN_AMOUNT, "777777"):
        assert secret not in text
    assert "Another actor meets this counterpart within 14 days" in text


def test_a_reader_who_is_not_told_of_the_hidden_clash_finds_no_notice(cast, briefing):
    text = docx_text(pack(cast.giz_viewer, briefing))
    assert "Another actor meets" not in text and "MEAE secret visit" not in text
    assert "No other organisation's meeting with this counterpart within 14 days" in text


def test_the_pack_carries_the_marking_of_its_most_restricted_record(cast, briefing):
    header, footer, category = marking(pack(cast.german_ministry_editor, briefing))
    assert header.startswith("EU LIMITE") and footer.startswith("EU LIMITE") and category == "EU LIMITE"
    restricted = meeting(
        cast.german_interior,
        cast.german_ministry_editor,
        title="BMI restricted talks",
        starts_at=STARTS,
        sharing_level="restricted",
        shared_with_organisations=[cast.giz],
    )
    assert marking(pack(cast.german_ministry_editor, restricted))[2] == "RESTRICTED"
    header, _footer, category = marking(pack(cast.french_ministry_editor, briefing))
    # The French ministry reads its own originator engagement linked to the meeting: the pack says so.
    assert category == "ORIGINATOR ONLY" and header.startswith("ORIGINATOR ONLY")


def test_a_cancelled_meeting_says_so(cast, briefing):
    cancel_meeting(briefing, acting_user=cast.german_ministry_editor)
    assert "This meeting was cancelled." in docx_text(pack(cast.german_ministry_editor, briefing))


def test_a_hidden_meeting_answers_404_like_a_missing_one_and_a_visitor_logs_in(cast, briefing):
    secret = meeting(
        cast.french_foreign_affairs, cast.french_ministry_editor, title="MEAE only", sharing_level="originator"
    )
    client = client_for(cast.german_ministry_editor)
    assert client.get(f"/agenda/meetings/{secret.pk}/briefing-pack.docx").status_code == 404
    assert client.get("/agenda/meetings/987654/briefing-pack.docx").status_code == 404
    visitor = client_for(None).get(f"/agenda/meetings/{briefing.pk}/briefing-pack.docx")
    assert visitor.status_code == 302 and "/accounts/login/" in visitor["Location"]


def test_the_meeting_page_links_to_its_pack(cast, briefing):
    body = client_for(cast.giz_viewer).get(f"/agenda/meetings/{briefing.pk}/").content.decode()
    assert f"/agenda/meetings/{briefing.pk}/briefing-pack.docx" in body


def test_lines_that_still_hold_are_not_marked_expired(cast):
    record = meeting(cast.german_interior, cast.german_ministry_editor, title="BMI mission", starts_at=STARTS)
    line(cast.eu_delegation_morocco, cast.coordinator, agreed_by=cast.coordinator, valid_until=date(2099, 1, 1))
    text = docx_text(pack(cast.german_ministry_editor, record))
    assert "Return with dignity." in text and "Expired on" not in text
