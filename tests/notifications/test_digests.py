"""Sending the digests: multipart e-mails with only what the recipient may see at send time,
nothing when nothing is new, never twice for a period, and no window skipped after a failure."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from partnerhub.notifications import digests
from partnerhub.notifications.digests import period_start, send_due_digests
from partnerhub.notifications.models import DeliveryStatus, DigestDelivery, DigestFrequency
from partnerhub.notifications.services import set_frequency
from partnerhub.registry.services import change_sharing_level
from tests.notifications.support import dated, days_ago, follows_morocco

pytestmark = pytest.mark.django_db

SECRET = "SECRET-DIGEST-TITLE-4b1d"


@pytest.fixture
def desk(cast):
    """A Member State desk officer (German interior ministry) following Morocco, weekly by default."""
    return follows_morocco(cast.german_ministry_editor)


def bodies(message) -> str:
    return message.body + "".join(content for content, _type in message.alternatives)


def test_the_digest_is_a_multipart_mail_with_absolute_links_to_what_she_may_see(cast, desk, settings):
    settings.PARTNERHUB_SITE_URL = "https://hub.example.org/"
    visible = cast.engagement(
        cast.commission, cast.commission_desk_officer, title="EU return programme", amount="4242000"
    )
    cast.engagement(
        cast.french_foreign_affairs,
        cast.french_ministry_editor,
        title=SECRET,
        sharing_level="originator",
        amount="777777",
    )

    report = send_due_digests()

    assert report.sent == 1
    [message] = mail.outbox
    assert message.to == [desk.email]
    assert "1 new item" in message.subject
    [(html, content_type)] = message.alternatives
    assert content_type == "text/html"
    link = f"https://hub.example.org/engagements/{visible.pk}/"
    assert link in message.body and f'href="{link}"' in html
    assert "EU return programme" in message.body and "Morocco" in html
    assert SECRET not in bodies(message)
    assert "777" not in bodies(message) and "4242" not in bodies(message)


def test_nothing_is_sent_when_nothing_is_new(cast, desk):
    dated(cast.engagement(cast.commission, cast.commission_desk_officer, title="Old news"), days_ago(30))

    report = send_due_digests()

    assert (report.sent, report.nothing_new) == (0, 1)
    assert mail.outbox == []
    assert DigestDelivery.objects.get(user=desk).status == DeliveryStatus.NOTHING_NEW


def test_nothing_is_sent_when_all_that_is_new_is_hidden(cast, desk):
    cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, title=SECRET, sharing_level="originator")
    send_due_digests()
    assert mail.outbox == []


def test_a_record_narrowed_after_its_change_is_not_in_the_mail(cast, desk):
    record = cast.engagement(cast.french_foreign_affairs, cast.french_ministry_editor, title=SECRET)
    change_sharing_level(record, "originator", acting_user=cast.french_ministry_editor)
    send_due_digests()
    assert mail.outbox == []


def test_a_second_run_sends_nothing_twice(cast, desk):
    cast.engagement(cast.commission, cast.commission_desk_officer, title="EU return programme")
    send_due_digests()
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Another one the same week")
    second = send_due_digests()
    call_command("send-digests")
    assert len(mail.outbox) == 1 and second.sent == 0
    [delivery] = DigestDelivery.objects.filter(user=desk)
    assert (delivery.status, delivery.item_count, delivery.frequency) == (
        DeliveryStatus.SENT,
        1,
        DigestFrequency.WEEKLY,
    )
    assert delivery.sent_at is not None


def test_the_next_period_starts_where_the_last_window_ended(cast, desk):
    cast.engagement(cast.commission, cast.commission_desk_officer, title="First week")
    now = timezone.now()
    send_due_digests(now)
    later = now + timedelta(days=7)
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Second week")

    send_due_digests(later)

    assert len(mail.outbox) == 2
    assert "Second week" in mail.outbox[1].body and "First week" not in mail.outbox[1].body
    first, second = DigestDelivery.objects.filter(user=desk).order_by("window_end")
    assert second.window_start == first.window_end


def test_weekly_and_daily_digests_cover_their_own_windows(cast, desk):
    daily = follows_morocco(cast.french_ministry_editor)
    set_frequency(daily, DigestFrequency.DAILY)
    dated(cast.engagement(cast.commission, cast.commission_desk_officer, title="Three days ago"), days_ago(3))

    send_due_digests()

    [weekly_mail] = mail.outbox
    assert weekly_mail.to == [desk.email] and "Three days ago" in weekly_mail.body
    assert DigestDelivery.objects.get(user=daily).status == DeliveryStatus.NOTHING_NEW


def test_a_daily_digest_goes_out_once_a_day_a_weekly_one_once_a_week(cast, desk):
    daily = follows_morocco(cast.french_ministry_editor)
    set_frequency(daily, DigestFrequency.DAILY)
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=ZoneInfo("Europe/Brussels"))  # the site's time zone
    for day in range(7):
        send_due_digests(monday + timedelta(days=day))
    assert DigestDelivery.objects.filter(user=daily).count() == 7
    assert DigestDelivery.objects.filter(user=desk).count() == 1
    assert {period_start(DigestFrequency.WEEKLY, monday + timedelta(days=d)) for d in range(7)} == {monday.date()}


def test_no_digest_for_who_chose_none_follows_nothing_or_has_no_address(cast, desk):
    set_frequency(desk, DigestFrequency.NONE)
    nobody = cast.giz_viewer
    nobody.email = "giz@example.org"
    nobody.save()
    no_address = follows_morocco(cast.french_ministry_editor)
    no_address.email = ""
    no_address.save()
    cast.engagement(cast.commission, cast.commission_desk_officer, title="EU return programme")
    send_due_digests()
    assert mail.outbox == [] and not DigestDelivery.objects.exists()


def test_a_failed_send_is_not_repeated_in_its_period_and_its_changes_come_next_time(cast, desk, monkeypatch):
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Caught in the failure")
    now = timezone.now()

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr(digests.EmailMultiAlternatives, "send", refuse)
        report = send_due_digests(now)
    assert report.failed == [desk.username]
    assert DigestDelivery.objects.get(user=desk).status == DeliveryStatus.PENDING

    assert send_due_digests(now + timedelta(hours=1)).sent == 0
    send_due_digests(now + timedelta(days=7))
    [message] = mail.outbox
    assert "Caught in the failure" in message.body


def test_two_runners_claim_a_period_once(cast, desk):
    cast.engagement(cast.commission, cast.commission_desk_officer, title="EU return programme")
    [preference] = digests.due_preferences(timezone.now())
    send_due_digests()
    assert digests.deliver_digest(preference, timezone.now()) is None
    assert len(mail.outbox) == 1


def test_the_mail_is_written_in_the_language_the_user_chose(cast, desk, monkeypatch):
    desk_preference = desk_pref(desk)
    desk_preference.language = "fr"
    desk_preference.save()
    seen = []
    original = digests.items_for

    def spy(user, window):
        seen.append(translation.get_language())
        return original(user, window)

    monkeypatch.setattr(digests, "items_for", spy)
    cast.engagement(cast.commission, cast.commission_desk_officer, title="Programme")
    send_due_digests()
    assert seen == ["fr"]
    assert "Maroc" in mail.outbox[0].body


def desk_pref(user):
    from partnerhub.notifications.models import NotificationPreference

    return NotificationPreference.objects.get(user=user)


def test_the_command_prints_a_json_summary(cast, desk, capsys):
    cast.engagement(cast.commission, cast.commission_desk_officer, title="EU return programme")
    call_command("send-digests", "--json")
    assert capsys.readouterr().out.strip().splitlines()[-1] == '{"sent": 1, "nothing_new": 0, "failed": []}'
