"""Words and stems: the same on SQLite and PostgreSQL, since both index the stems we compute here.

A text is cut into Unicode words, lowercased, stemmed in English and in French (accents are kept
for the stemmer, which needs them, then folded away), and stored as the English stems, a bar, and
the French stems: a phrase still matches within one language, and a word matches in either.
"""

import re
import unicodedata
from functools import lru_cache

import Stemmer

WORD = re.compile(r"[^\W_]+")
LANGUAGE_SEPARATOR = " | "

_english = Stemmer.Stemmer("english")
_french = Stemmer.Stemmer("french")


def words(text: str) -> list[str]:
    """The lowercased words of ``text``, accents kept."""
    return [word.lower() for word in WORD.findall(text or "")]


def fold(word: str) -> str:
    """``word`` without its accents ("frontière" → "frontiere")."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(character for character in decomposed if not unicodedata.combining(character))


@lru_cache(maxsize=200_000)
def stems_of(word: str) -> tuple[str, str]:
    """The English and the French stem of one lowercased word, folded."""
    return fold(_english.stemWord(word)), fold(_french.stemWord(word))


def stemmed(text: str) -> str:
    """What the index holds for ``text``: its English stems, a bar, its French stems."""
    pairs = [stems_of(word) for word in words(text)]
    if not pairs:
        return ""
    return " ".join(english for english, _ in pairs) + LANGUAGE_SEPARATOR + " ".join(french for _, french in pairs)


def folded_words(text: str) -> str:
    """The folded words of ``text``, unstemmed: what the suggestions' prefixes are matched with."""
    return " ".join(fold(word) for word in words(text))
