"""In a real browser: the Moroccan ministry records what Morocco asks for; a
French embassy viewer opens Morocco from the map, sees Team Europe money
counted without the German originator record ("+ undisclosed"), finds the
partner's priority listed as a gap, and downloads the country brief."""

from datetime import date

import pytest

from tests.support.browser import log_in
from tests.support.builders import money, record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partner_priority_and_the_team_europe_picture_of_morocco(browser, live_server, cast):
    record(
        cast.commission,
        cast.commission_desk_officer,
        title="EU readmission support",
        themes=[("RETURN-READMISSION", None)],
        money_lines=[money("commitment", "600000")],
    )
    record(
        cast.german_interior,
        cast.german_ministry_editor,
        title="German confidential border line",
        themes=[("IRREG-BORDER", None)],
        sharing_level="originator",
        money_lines=[money("commitment", "9000000")],
    )

    ministry = log_in(browser, live_server, cast.moroccan_ministry_user.username)
    ministry.goto(f"{live_server.url}/countries/MAR/")
    ministry.get_by_role("link", name="Record a priority").click()
    ministry.wait_for_load_state()
    ministry.select_option("select[name=theme]", label="Migration and development, root causes › Remittances")
    ministry.fill("textarea[name=description]", "Cheaper transfers for Moroccans living abroad")
    ministry.fill("input[name=source]", "National strategy for Moroccans living abroad")
    ministry.fill("input[name=stated_on]", date(2025, 3, 12).isoformat())
    ministry.locator("main form button[type=submit]").click()
    ministry.wait_for_load_state()
    assert "/countries/MAR/" in ministry.url
    assert "Cheaper transfers for Moroccans living abroad" in ministry.content()

    embassy = log_in(browser, live_server, cast.french_embassy_viewer.username)
    embassy.goto(f"{live_server.url}/countries/")
    embassy.locator("svg a[href$='/countries/MAR/']").first.click(force=True)
    embassy.wait_for_load_state()
    assert embassy.url.endswith("/countries/MAR/")
    page = embassy.content()
    assert "EUR 600,000" in page and "+ undisclosed" in page
    assert "German confidential border line" not in page and "9,000,000" not in page
    assert "Cheaper transfers for Moroccans living abroad" in page
    assert embassy.locator("[data-gaps]").inner_text().startswith("Remittances")

    brief = embassy.request.get(f"{live_server.url}/countries/MAR/brief.pdf")
    assert brief.ok and brief.body().startswith(b"%PDF")
