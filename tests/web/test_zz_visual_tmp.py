import pytest
from datetime import date
from playwright.sync_api import sync_playwright
from tests.web.builders import add_money, mark_as_demo
from partnerhub.registry.services import input_from_engagement, update_engagement
from partnerhub.registry.models import EngagementLink

@pytest.mark.django_db(transaction=True)
def test_shots(cast, live_server):
    e = cast.engagement(cast.german_interior, cast.german_ministry_editor, title="Reintegration support for returnees in Morocco", countries=("MAR","TUN"), themes=("RETURN-REINTEGRATION","LEGAL-LABOUR"), sharing_level="restricted", shared_with=[cast.iom], shared_with_countries=["FRA"], description="Long description here.\n\nSecond paragraph.")
    add_money(e, cast.german_ministry_editor, "budget", "5000000")
    add_money(e, cast.german_ministry_editor, "disbursement", "250000", currency="USD")
    data = input_from_engagement(e); data.fields["title"]="Reintegration support for returnees in Morocco and Tunisia"; update_engagement(e, data, acting_user=cast.german_ministry_editor)
    for i in range(30):
        x = cast.engagement(cast.commission, cast.commission_desk_officer, title=f"Programme number {i}", sharing_level=["public","eu","partner"][i%3], countries=(["MAR","TUN","SEN","NGA"][i%4],), amount=str(100000*(i+1)))
        if i % 7 == 0: mark_as_demo(x)
    EngagementLink.objects.create(source=e, target=x, kind="part_of")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for width, name in ((1280, "wide"), (390, "phone")):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(live_server.url + "/accounts/login/")
            page.screenshot(path=f"/tmp/shots/login-{name}.png", full_page=True)
            page.fill("#id_username", "bmi.editor"); page.fill("#id_password", "correct horse battery staple")
            page.click("button[type=submit].ecl-button--primary")
            page.wait_for_load_state()
            page.screenshot(path=f"/tmp/shots/dashboard-{name}.png", full_page=True)
            page.goto(live_server.url + "/engagements/")
            page.screenshot(path=f"/tmp/shots/list-{name}.png", full_page=True)
            if width > 1000:
                page.check("text=Public >> xpath=..", force=True) if False else None
                page.select_option("#id_country", ["MAR"])
                page.wait_for_timeout(1200)
                print("URL after filter:", page.url)
                page.fill("#id_year_from", "abc") if False else None
                page.screenshot(path=f"/tmp/shots/list-filtered-{name}.png", full_page=True)
                page.keyboard.press("Tab")
                page.screenshot(path=f"/tmp/shots/focus-{name}.png")
            page.goto(live_server.url + f"/engagements/{e.pk}/")
            page.screenshot(path=f"/tmp/shots/detail-{name}.png", full_page=True)
            page.close()
        browser.close()
