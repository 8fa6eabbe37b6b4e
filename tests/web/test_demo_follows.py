"""The demo users follow the countries of their work: the notifications page is populated and the
first digest run mails each of them what they may see, built once however often the demo loads."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from partnerhub.agenda.models import Meeting
from partnerhub.notifications.digests import send_due_digests
from partnerhub.notifications.items import items_for
from partnerhub.notifications.models import DigestFrequency, Follow, NotificationPreference
from partnerhub.registry.models import Engagement
from partnerhub.web.demo import build_demo
from partnerhub.web.demo.content import TITLE_PREFIX
from tests.notifications.support import last_days
from tests.support.clients import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_built_once")]


def user(username: str):
    return get_user_model().objects.get(username=username)


def followed_countries(username: str) -> set[str]:
    return {f.country.iso3 for f in Follow.objects.filter(user=user(username), country__isnull=False)}


def frequency_of(username: str) -> str:
    return NotificationPreference.objects.get(user=user(username)).digest_frequency


class TestDemoFollows:
    def test_the_desks_follow_the_countries_of_their_work(self):
        assert followed_countries("de.interior") == {"MAR"} and frequency_of("de.interior") == DigestFrequency.WEEKLY
        assert followed_countries("eeas.coordinator") == {"MAR", "TUN", "NGA"}
        assert frequency_of("eeas.coordinator") == DigestFrequency.DAILY
        assert Follow.objects.filter(user=user("home.desk"), theme__code="RETURN").exists()

    def test_the_notifications_page_shows_demo_records_the_reader_may_see(self):
        desk = user("de.interior")
        items = items_for(desk, last_days(1))
        assert items and all(item.country is None or item.country.iso3 == "MAR" for item in items)
        body = client_for(desk).get("/notifications/").content.decode()
        assert TITLE_PREFIX in body

    def test_the_first_digest_run_mails_the_demo_users_what_they_may_see(self):
        report = send_due_digests()

        recipients = {message.to[0].split("@")[0] for message in mail.outbox}
        assert {"de.interior", "eeas.coordinator", "eud.rabat", "ma.interior"} <= recipients
        assert report.sent == len(mail.outbox)
        partner = user("ma.interior")
        partner_mail = next(message for message in mail.outbox if message.to[0] == partner.email)
        hidden = [
            *Engagement.objects.hidden_from(partner).filter(countries__iso3="MAR").values_list("title", flat=True),
            *Meeting.objects.hidden_from(partner).filter(country__iso3="MAR").values_list("title", flat=True),
        ]
        assert hidden, "the demo keeps records about Morocco from the Moroccan ministry"
        assert not [title for title in hidden if title in partner_mail.body]

    def test_loading_again_adds_no_follow_and_keeps_a_users_own_frequency(self):
        desk = user("de.interior")
        NotificationPreference.objects.filter(user=desk).update(digest_frequency=DigestFrequency.NONE)
        before = Follow.objects.count()

        again = build_demo().follows

        assert again.created("follows") == 0 and again["follows kept"] == before
        assert Follow.objects.count() == before and frequency_of("de.interior") == DigestFrequency.NONE
        NotificationPreference.objects.filter(user=desk).update(digest_frequency=DigestFrequency.WEEKLY)
