"""The query language of the search box, read by our own parser, which never raises.

Words, "quoted phrases", ``-word`` or ``-"phrase"`` to exclude, and ``OR`` between two terms;
everything else is text. Nothing of what a user types reaches the database as query syntax:
each term becomes stems, and the backends quote the stems themselves.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext

from partnerhub.search.text import fold, stems_of, words

MAX_TERMS = 12
MAX_QUERY_LENGTH = 500
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Term:
    """A word or a phrase, as stems in each language (a word is a phrase of one)."""

    words: tuple[str, ...]

    @property
    def english(self) -> tuple[str, ...]:
        return tuple(stems_of(word)[0] for word in self.words)

    @property
    def french(self) -> tuple[str, ...]:
        return tuple(stems_of(word)[1] for word in self.words)

    @property
    def stems(self) -> set[str]:
        return set(self.english) | set(self.french)


@dataclass(frozen=True)
class Query:
    """``groups``: every group must match, a group matching when any of its terms does (``a OR b``);
    ``excluded``: no term may match."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    note: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def terms(self) -> list[Term]:
        return [term for group in self.groups for term in group]

    @property
    def stems(self) -> set[str]:
        return {stem for term in self.terms for stem in term.stems}


@dataclass
class _Reading:
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    joining: bool = False
    count: int = 0


def parse(text: object) -> Query:
    """The query that ``text`` states; an empty query when it states none."""
    if not isinstance(text, str):
        return Query()
    reading = _Reading()
    truncated = len(text) > MAX_QUERY_LENGTH
    for match in _TOKEN.finditer(text[:MAX_QUERY_LENGTH]):
        if reading.count >= MAX_TERMS:
            truncated = True
            break
        _read_token(reading, match)
    groups = tuple(tuple(group) for group in reading.groups)
    note = gettext("Only the first %(count)s terms were searched for.") % {"count": MAX_TERMS} if truncated else ""
    return Query(groups=groups, excluded=tuple(reading.excluded), note=note)


def _read_token(reading: _Reading, match: re.Match[str]) -> None:
    minus, phrase, bare = match.group(1), match.group(2), match.group(3)
    if bare == "OR":
        reading.joining = bool(reading.groups)
        return
    if bare is not None:
        minus, bare = ("-", bare[1:]) if bare.startswith("-") and len(bare) > 1 else ("", bare)
    term_words = tuple(words(phrase if phrase is not None else bare or ""))
    if not term_words:
        return
    reading.count += 1
    if minus:
        reading.excluded.append(Term(term_words))
        reading.joining = False
        return
    # A bare "covid-19" or "d'origine" is read as the phrase of its words.
    term = Term(term_words)
    if reading.joining and reading.groups:
        reading.groups[-1].append(term)
    else:
        reading.groups.append([term])
    reading.joining = False


def prefix_of(text: object) -> str:
    """The last word typed, folded: what the suggestions complete."""
    if not isinstance(text, str):
        return ""
    typed = words(text[-200:])
    return fold(typed[-1]) if typed else ""
