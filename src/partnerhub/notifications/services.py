"""Every change to what a user follows and how they are told: one way to write each thing.

Follows are personal, so the only rule is that the country or theme exists (and that a country is a
partner country, not an EU Member State); the user's first follow sets the weekly digest.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerhub.geo.models import Country
from partnerhub.notifications.models import DigestFrequency, Follow, NotificationPreference
from partnerhub.registry.models import Theme


def preference_of(user: User, *, language: str = "") -> NotificationPreference:
    """The user's preference, created with the default (weekly) digest when missing."""
    preference, created = NotificationPreference.objects.get_or_create(
        user=user, defaults={"language": language, "digest_frequency": DigestFrequency.WEEKLY}
    )
    return preference


@transaction.atomic
def follow_country(user: User, country: Country, *, language: str = "") -> Follow:
    if country.is_eu_member:
        raise ValidationError({"countries": _("%(name)s is not a partner country.") % {"name": country.name}})
    preference_of(user, language=language)
    follow, _created = Follow.objects.get_or_create(user=user, country=country)
    return follow


@transaction.atomic
def follow_theme(user: User, theme: Theme, *, language: str = "") -> Follow:
    preference_of(user, language=language)
    follow, _created = Follow.objects.get_or_create(user=user, theme=theme)
    return follow


@transaction.atomic
def unfollow_country(user: User, country: Country) -> None:
    Follow.objects.filter(user=user, country=country).delete()


@transaction.atomic
def unfollow_theme(user: User, theme: Theme) -> None:
    Follow.objects.filter(user=user, theme=theme).delete()


@transaction.atomic
def replace_follows(
    user: User,
    *,
    country_codes: list[str],
    theme_codes: list[str],
    frequency: str | None = None,
    language: str = "",
) -> NotificationPreference:
    """What the user follows becomes exactly these countries and themes (every code must exist)."""
    countries = _countries(country_codes)
    themes = _themes(theme_codes)
    preference = preference_of(user, language=language)
    Follow.objects.filter(user=user).exclude(country__in=countries).exclude(theme__in=themes).delete()
    for country in countries:
        Follow.objects.get_or_create(user=user, country=country)
    for theme in themes:
        Follow.objects.get_or_create(user=user, theme=theme)
    if frequency is not None:
        set_frequency(user, frequency, language=language)
        preference.refresh_from_db()
    return preference


def _countries(codes: list[str]) -> list[Country]:
    wanted = {code.strip().upper() for code in codes}
    found = {country.iso3: country for country in Country.objects.partners().filter(iso3__in=wanted)}
    unknown = sorted(wanted - set(found))
    if unknown:
        raise ValidationError(
            {
                "countries": _("Not the ISO alpha-3 code of a partner country: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return list(found.values())


def _themes(codes: list[str]) -> list[Theme]:
    wanted = {code.strip().upper() for code in codes}
    found = {theme.code.upper(): theme for theme in Theme.objects.filter(code__in=wanted)}
    unknown = sorted(wanted - set(found))
    if unknown:
        raise ValidationError({"themes": _("Not a theme code: %(codes)s.") % {"codes": ", ".join(unknown)}})
    return list(found.values())


@transaction.atomic
def set_frequency(user: User, frequency: str, *, language: str = "") -> NotificationPreference:
    if frequency not in DigestFrequency.values:
        raise ValidationError(
            {"digest_frequency": _("Choose one of: %(choices)s.") % {"choices": ", ".join(DigestFrequency.values)}}
        )
    preference = preference_of(user, language=language)
    preference.digest_frequency = frequency
    preference.language = language or preference.language
    preference.save(update_fields=["digest_frequency", "language"])
    return preference


def mark_seen(user: User) -> None:
    """The user opened the list: what came before now is read."""
    NotificationPreference.objects.update_or_create(user=user, defaults={"last_seen_at": timezone.now()})
