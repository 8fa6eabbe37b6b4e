"""Publishers' country codes and names turned into ISO 3166-1 alpha-2, the hub's key for a country.

pycountry knows ISO 3166-1; Kosovo, which ISO leaves to users, is XK (XKX in three letters, as the World
Bank and the European Commission write it: geo/fixtures/user_assigned_countries.csv). Names pycountry does
not know are listed per publisher beside the parser that meets them, each with where the mapping comes from.
"""

from collections.abc import Mapping
from functools import lru_cache

import pycountry

KOSOVO_ISO2 = "XK"
KOSOVO_ISO3 = "XKX"

# Names several publishers use that pycountry does not know.
COMMON_NAMES = {
    "kosovo": KOSOVO_ISO2,  # ISO user-assigned code, see the module's docstring
    "turkey": "TR",  # the English short name until ISO renamed it Türkiye in 2022 (ISO 3166 MA newsletter)
}


@lru_cache(maxsize=1)
def _iso2_by_iso3() -> dict[str, str]:
    codes = {country.alpha_3: country.alpha_2 for country in pycountry.countries}
    codes[KOSOVO_ISO3] = KOSOVO_ISO2
    return codes


@lru_cache(maxsize=1)
def _iso2_codes() -> frozenset[str]:
    return frozenset(_iso2_by_iso3().values())


def iso2_from_iso3(code: str) -> str | None:
    return _iso2_by_iso3().get(code.strip().upper())


def is_iso2(code: str) -> bool:
    return code in _iso2_codes()


def _normalised(name: str) -> str:
    return " ".join(name.replace("’", "'").split()).casefold()


@lru_cache(maxsize=4096)
def _pycountry_iso2(name: str) -> str | None:
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None


def iso2_from_name(name: str, aliases: Mapping[str, str] = COMMON_NAMES) -> str | None:
    """The ISO alpha-2 of an English country name (or of an ISO alpha-2 or alpha-3 code), None when unknown.

    ``aliases`` (keys lower case) are consulted first: they hold the publisher's names pycountry lacks."""
    key = _normalised(name)
    if not key:
        return None
    found = aliases.get(key) or COMMON_NAMES.get(key) or iso2_from_iso3(key) or _pycountry_iso2(key)
    return found if found and is_iso2(found.upper()) else None


def iso2_from_code_or_name(text: str, aliases: Mapping[str, str] = COMMON_NAMES) -> str | None:
    """ISO alpha-2 or alpha-3 codes (any case), then English names."""
    code = text.strip().upper()
    if len(code) == 2 and is_iso2(code):
        return code
    return iso2_from_iso3(code) if len(code) == 3 and iso2_from_iso3(code) else iso2_from_name(text, aliases)
