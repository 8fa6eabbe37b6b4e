"""Tables fit a 1366 px laptop screen and a 390 px phone: no cell reaches past the
window's edge, so no column is clipped or needs a sideways scroll to be read."""

import pytest

from tests.support.browser import log_in
from tests.support.builders import money, record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}

# Every table cell's right and left edges against the window's width; the page's own width too.
CELLS_PAST_THE_EDGE = """() => {
  const width = document.documentElement.clientWidth;
  const past = [];
  for (const cell of document.querySelectorAll("main table th, main table td")) {
    const box = cell.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1)) {
      const where = `${Math.round(box.left)}-${Math.round(box.right)} of ${width}`;
      past.push(`${cell.closest("table").className} | ${cell.textContent.trim().slice(0, 40)} | ${where}`);
    }
  }
  if (document.documentElement.scrollWidth > width + 1) {
    past.push(`page ${document.documentElement.scrollWidth} wide in ${width}`);
  }
  return past;
}"""


@pytest.fixture
def morocco_records(cast):
    long_title = "Integrated border management and sustainable reintegration of returning migrants in the Oriental"
    programme = record(
        cast.commission,
        cast.commission_desk_officer,
        title=long_title,
        countries=[("MAR", 60), ("TUN", 40)],
        themes=[("RETURN-REINTEGRATION", None), ("IRREG-BORDER", None), ("LEGAL-LABOUR", None)],
        money_lines=[
            money("commitment", "12500000"),
            money("disbursement", "4250000", "USD"),
            money("budget", "15000000"),
        ],
    )
    record(
        cast.german_interior,
        cast.german_ministry_editor,
        title="Labour mobility pilot for young Moroccans",
        themes=[("LEGAL-LABOUR", None)],
        money_lines=[money("commitment", "800000")],
    )
    return programme


def cells_past_the_edge(page, url: str, screen: str) -> list[str]:
    page.set_viewport_size(SCREENS[screen])
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate(CELLS_PAST_THE_EDGE)


@pytest.mark.parametrize("screen", SCREENS)
def test_no_table_cell_is_clipped_on_laptop_or_phone(browser, live_server, cast, morocco_records, screen):
    page = log_in(browser, live_server, cast.commission_desk_officer.username)
    urls = [
        "/",
        "/engagements/",
        f"/engagements/{morocco_records.pk}/",
        "/countries/MAR/",
        "/countries/",
        "/countries/balance/",
        "/team-europe/",
    ]

    clipped = {url: cells_past_the_edge(page, live_server.url + url, screen) for url in urls}

    report = [f"{url}: {cell}" for url, cells in clipped.items() for cell in cells]
    assert report == [], "\n".join(report)
