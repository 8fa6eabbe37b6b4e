"""In a real browser: a German ministry editor records a pilot result with a Word document as evidence; it
appears in the Lessons block of the Moroccan country profile; IOM, outside the EU circle, gets 404 on its page
and on its document.

Uses Playwright with Debian's Chromium (/usr/bin/chromium); nothing is downloaded.
"""

import pytest

from partnerhub.geo.models import Country
from tests.knowledge.documents import docx_bytes
from tests.support.browser import log_in

TITLE = "Pilot of job fairs for returnees in Tangier"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lesson_with_evidence_reaches_the_country_profile_and_stays_from_outsiders(
    browser, live_server, cast, settings, tmp_path
):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    morocco = Country.objects.get(iso3="MAR")
    editor = log_in(browser, live_server, cast.german_ministry_editor.username)
    editor.goto(f"{live_server.url}/knowledge/lessons/new/")
    form = editor.locator("form:has(input[name=title])")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("select[name=kind]").select_option("pilot")
    form.locator("input[name=dated]").fill("2025-04-10")
    form.locator("select[name=countries]").select_option(str(morocco.pk))
    form.locator("textarea[name=worked]").fill("Employers met returnees directly.")
    form.locator("select[name=who_should_act]").select_option("implementing_partners")
    form.locator("button[type=submit]").click()
    editor.wait_for_load_state()
    assert "/knowledge/lessons/" in editor.url and TITLE in editor.content()
    lesson_url = editor.url

    editor.get_by_role("link", name="Attach a document").click()
    upload = editor.locator("form[enctype='multipart/form-data']")
    upload.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "job-fairs.docx",
                "mimeType": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "buffer": docx_bytes("Three job fairs, 140 returnees"),
            }
        ]
    )
    upload.locator("button[type=submit]").click()
    editor.wait_for_load_state()
    assert editor.url == lesson_url and "job-fairs.docx" in editor.content()
    document_url = editor.locator("a:has-text('job-fairs.docx')").get_attribute("href")

    editor.goto(f"{live_server.url}/countries/MAR/")
    assert TITLE in editor.locator("[data-lessons-block]").inner_text()

    outsider = log_in(browser, live_server, cast.iom_officer.username)
    response = outsider.goto(lesson_url)
    assert response.status == 404 and TITLE not in outsider.content()
    download = outsider.request.get(f"{live_server.url}{document_url}")
    assert download.status == 404
    outsider.goto(f"{live_server.url}/countries/MAR/")
    assert TITLE not in outsider.content()
