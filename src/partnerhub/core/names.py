"""Reference data named in the interface language.

Names are stored in English (``name``); a French name sits beside it
(``name_fr``) for themes, routes and organisations, and countries take
theirs from pycountry's French catalogue of ISO 3166-1. Display code asks for
``localized_name``; stored values, history snapshots and exports by code keep
the English name, so that nothing written depends on the writer's language.
"""

import gettext
from functools import lru_cache

import pycountry
from django.utils.translation import get_language

FRENCH = "fr"


def interface_language() -> str:
    return (get_language() or "en").split("-")[0].lower()


class NamedInLanguages:
    """For models with ``name`` and ``name_fr`` (blank: the English name serves)."""

    name: str
    name_fr: str

    @property
    def localized_name(self) -> str:
        if interface_language() == FRENCH and self.name_fr:
            return self.name_fr
        return self.name


@lru_cache(maxsize=8)
def _country_catalogue(language: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return gettext.NullTranslations()


def country_name_in(language: str, english_name: str) -> str:
    """pycountry's name of a country in ``language`` (its English name when it has none)."""
    if language == "en":
        return english_name
    return _country_catalogue(language).gettext(english_name)


def localized_country_name(english_name: str) -> str:
    return country_name_in(interface_language(), english_name)
