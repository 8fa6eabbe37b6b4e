"""What the demo users follow: the partner countries (and a few themes) of their work, so that the
notifications page is populated and the first ``partnerhub send-digests`` prints digests.

A follow is a person's choice, not a record of an organisation: it carries no demo label (the
records it brings are labelled). Written through ``notifications.services`` like a user's own
follow. What exists is kept: a follow is added only when missing, and the digest frequency is set
only for a user who had no notification settings yet, so a demo user's own changes survive a reload.
"""

from dataclasses import dataclass
from typing import Any

from partnerhub.geo.models import Country
from partnerhub.notifications.models import DigestFrequency, Follow, NotificationPreference
from partnerhub.notifications.services import follow_country, follow_theme, set_frequency
from partnerhub.registry.models import Theme
from partnerhub.web.demo.records import Tally


@dataclass(frozen=True)
class DemoFollows:
    username: str
    frequency: str
    countries: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()


# The desks follow their countries; the coordinator the three countries of the demo's Action
# Plans; a delegation its host country, daily; the DG HOME desk officer a theme across countries.
FOLLOWS = (
    DemoFollows("de.interior", DigestFrequency.WEEKLY, countries=("MAR",)),
    DemoFollows("eeas.coordinator", DigestFrequency.DAILY, countries=("MAR", "TUN", "NGA")),
    DemoFollows("commission.desk", DigestFrequency.WEEKLY, countries=("MAR", "TUN", "NGA")),
    DemoFollows("home.desk", DigestFrequency.WEEKLY, themes=("RETURN",)),
    DemoFollows("eud.rabat", DigestFrequency.DAILY, countries=("MAR",)),
    DemoFollows("eud.tunis", DigestFrequency.DAILY, countries=("TUN",)),
    DemoFollows("fr.mfa", DigestFrequency.WEEKLY, countries=("MAR", "TUN", "SEN")),
    DemoFollows("es.interior", DigestFrequency.WEEKLY, countries=("MAR", "SEN")),
    DemoFollows("it.mfa", DigestFrequency.WEEKLY, countries=("TUN", "LBY")),
    DemoFollows("ma.interior", DigestFrequency.WEEKLY, countries=("MAR",)),
)


def build_follows(users: dict[str, Any]) -> Tally:
    tally = Tally()
    for entry in FOLLOWS:
        user = users[entry.username]
        new_user = not NotificationPreference.objects.filter(user=user).exists()
        for country in Country.objects.filter(iso3__in=entry.countries).order_by("iso3"):
            _count(tally, Follow.objects.filter(user=user, country=country).exists())
            follow_country(user, country)
        for theme in Theme.objects.filter(code__in=entry.themes).order_by("code"):
            _count(tally, Follow.objects.filter(user=user, theme=theme).exists())
            follow_theme(user, theme)
        if new_user:
            set_frequency(user, entry.frequency)
    return tally


def _count(tally: Tally, existed: bool) -> None:
    tally["follows kept" if existed else "follows created"] += 1
