"""Recognising what people type in a spreadsheet: countries, organisations, themes, lists.

A cell is matched by code, name or known alias, ignoring case and accents;
"Morocco (MAR)", the form the template's drop-down lists use, is matched by
the code in brackets. A near miss gets a suggestion ("did you mean …?") from
difflib; a value that fits several entries is reported with all of them.
"""

import difflib
import gettext
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import pycountry
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils import translation

from partnerhub.access.models import Organisation
from partnerhub.core.sharing import SharingLevel
from partnerhub.geo.models import Country
from partnerhub.registry.models import (
    EngagementKind,
    EngagementStatus,
    Instrument,
    Language,
    ParticipationRole,
    Theme,
)
from partnerhub.registry.money import known_currencies

TRAILING_CODE = re.compile(r"\(([^()]+)\)\s*$")
# Below this length a "near miss" is more often another code than a typo.
SUGGEST_FROM_LENGTH = 4
SUGGESTION_CUTOFF = 0.8
# Primary keys (codes, official names) win over aliases and translations.
PRIMARY, ALIAS = 0, 1
YES = ("yes", "y", "true", "1", "x", "oui", "ja", "si", "sí", "sim", "tak", "ano", "igen", "kyllä")
NO = ("no", "n", "false", "0", "non", "nein", "nee", "nej", "nie", "ne", "nem", "ei", "não", "nao")
INSTRUMENT_NAME_LENGTH = 60


def normalise(text: str) -> str:
    """``Côte d’Ivoire`` and ``cote d'ivoire`` become ``cote d ivoire``."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
    # A key of signs only ("€") keeps its signs.
    return " ".join(re.sub(r"[\W_]+", " ", bare).split()) or bare.strip()


@dataclass
class Match:
    item: Any = None
    suggestion: str = ""
    candidates: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return self.item is not None


class Vocabulary:
    """The entries of one list, reachable by every key they are known by."""

    def __init__(self, label: Callable[[Any], str]):
        self.label = label
        self._keys: list[dict[str, dict[Any, Any]]] = [defaultdict(dict), defaultdict(dict)]

    def add(self, item: Any, keys: Iterable[str | None], tier: int = PRIMARY) -> None:
        identity = getattr(item, "pk", item)
        for key in keys:
            if key:
                self._keys[tier][normalise(key)][identity] = item

    def find(self, text: str) -> Match:
        text = str(text).strip()
        code = TRAILING_CODE.search(text)
        attempts = [code.group(1), text[: code.start()], text] if code else [text]
        matches = [match for match in map(self._exact, map(normalise, attempts)) if match is not None]
        # A unique match by any of the attempts beats an ambiguous one ("… (IOM)" when two share "IOM").
        if matches:
            return min(matches, key=lambda match: not match.found)
        return Match(suggestion=self.suggest(attempts[1] if code else text))

    def _exact(self, key: str) -> Match | None:
        if not key:
            return None
        for tier in self._keys:
            items = tier.get(key)
            if items and len(items) == 1:
                return Match(item=next(iter(items.values())))
            if items:
                return Match(candidates=sorted(self.label(item) for item in items.values()))
        return None

    def suggest(self, text: str) -> str:
        key = normalise(text)
        if len(key) < SUGGEST_FROM_LENGTH:
            return ""
        keys = [*self._keys[PRIMARY], *self._keys[ALIAS]]
        close = difflib.get_close_matches(key, keys, n=1, cutoff=SUGGESTION_CUTOFF)
        if not close:
            return ""
        tier = self._keys[PRIMARY] if close[0] in self._keys[PRIMARY] else self._keys[ALIAS]
        return sorted(self.label(item) for item in tier[close[0]].values())[0]


# -- labels, shared with the template's drop-down lists ---------------------


def country_label(country: Country) -> str:
    return f"{country.name} ({country.iso3})"


def theme_label(theme: Theme) -> str:
    return f"{theme.name} ({theme.code})"


def instrument_label(instrument: Instrument) -> str:
    name = instrument.name
    if len(name) > INSTRUMENT_NAME_LENGTH:
        name = name[:INSTRUMENT_NAME_LENGTH].rstrip() + "…"
    return f"{name} ({instrument.code})"


# -- the vocabularies -------------------------------------------------------


@lru_cache(maxsize=1)
def translated_country_names() -> dict[str, frozenset[str]]:
    """Country names in the EU's official languages (pycountry's catalogues), by ISO3 code."""
    catalogues = [
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[code], fallback=True)
        for code in Language.values
    ]
    names: dict[str, set[str]] = defaultdict(set)
    for entry in pycountry.countries:
        for english in {entry.name, getattr(entry, "common_name", None), getattr(entry, "official_name", None)}:
            if english:
                names[entry.alpha_3].update(catalogue.gettext(english) for catalogue in catalogues)
    return {code: frozenset(found) for code, found in names.items()}


def country_vocabulary(countries: Iterable[Country]) -> Vocabulary:
    vocabulary = Vocabulary(country_label)
    translations = translated_country_names()
    for country in countries:
        vocabulary.add(country, (country.iso3, country.iso2, country.name, country.official_name))
        vocabulary.add(country, translations.get(country.iso3, ()), tier=ALIAS)
    return vocabulary


def organisation_vocabulary(organisations: Iterable[Organisation]) -> Vocabulary:
    vocabulary = Vocabulary(str)
    for organisation in organisations:
        vocabulary.add(organisation, (organisation.iati_identifier, organisation.acronym, organisation.name))
        vocabulary.add(organisation, [str(alias) for alias in organisation.aliases or ()], tier=ALIAS)
    return vocabulary


def code_vocabulary(items: Iterable, label: Callable[[Any], str]) -> Vocabulary:
    vocabulary = Vocabulary(label)
    for item in items:
        vocabulary.add(item, (item.code, item.name))
    return vocabulary


def choice_vocabulary(choices) -> Vocabulary:
    """A fixed list: its values, and its labels in every language of the interface."""
    vocabulary = Vocabulary(str)
    for value, label in choices.choices:
        vocabulary.add(value, (value,))
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                vocabulary.add(value, (str(label),), tier=ALIAS)
    return vocabulary


def language_vocabulary() -> Vocabulary:
    """Language codes, their own names and their English names (Maltese is missing from Django's list)."""
    vocabulary = choice_vocabulary(Language)
    for code in Language.values:
        vocabulary.add(code, (LANG_INFO.get(code, {}).get("name"),), tier=ALIAS)
    vocabulary.add("mt", ("Maltese",), tier=ALIAS)
    return vocabulary


def currency_vocabulary() -> Vocabulary:
    vocabulary = Vocabulary(str)
    for code in known_currencies() | {"EUR"}:
        vocabulary.add(code, (code,))
    vocabulary.add("EUR", ("€", "euro", "euros"), tier=ALIAS)
    return vocabulary


def yes_no_vocabulary() -> Vocabulary:
    vocabulary = Vocabulary(lambda value: "yes" if value else "no")
    vocabulary.add(True, YES)
    vocabulary.add(False, NO)
    return vocabulary


@dataclass
class Lookups:
    """Everything a row is matched against, read once per file."""

    countries: Vocabulary
    organisations: Vocabulary
    themes: Vocabulary
    instruments: Vocabulary
    kinds: Vocabulary
    statuses: Vocabulary
    sharing_levels: Vocabulary
    roles: Vocabulary
    languages: Vocabulary
    currencies: Vocabulary
    yes_no: Vocabulary
    themes_by_code: dict[str, Theme]

    @classmethod
    def load(cls) -> "Lookups":
        themes = list(Theme.objects.all())
        return cls(
            countries=country_vocabulary(Country.objects.all()),
            organisations=organisation_vocabulary(
                Organisation.objects.only("name", "acronym", "iati_identifier", "aliases")
            ),
            themes=code_vocabulary(themes, theme_label),
            instruments=code_vocabulary(Instrument.objects.all(), instrument_label),
            kinds=choice_vocabulary(EngagementKind),
            statuses=choice_vocabulary(EngagementStatus),
            sharing_levels=choice_vocabulary(SharingLevel),
            roles=choice_vocabulary(ParticipationRole),
            languages=language_vocabulary(),
            currencies=currency_vocabulary(),
            yes_no=yes_no_vocabulary(),
            themes_by_code={theme.code: theme for theme in themes},
        )
