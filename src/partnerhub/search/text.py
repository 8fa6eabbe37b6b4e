"""Words and stems: the same on SQLite and PostgreSQL, since both index the stems we compute here.

A text is cut into Unicode words, lowercased, stemmed in English and in French (accents are kept
for the stemmer, which needs them, then folded away), and stored as the English stems, a bar, and
the French stems: a phrase still matches within one language, and a word matches in either.
"""

import re
import unicodedata

import Stemmer

WORD = re.compile(r"[^\W_]+")
LANGUAGE_SEPARATOR = " | "

_english = Stemmer.Stemmer("english")
_french = Stemmer.Stemmer("french")


def words(text: str) -> list[str]:
    """The lowercased words of ``text``, accents kept."""
    return WORD.findall(text.lower()) if text else []


def fold(word: str) -> str:
    """``word`` without its accents ("frontière" → "frontiere")."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(character for character in decomposed if not unicodedata.combining(character))


# word → (English stem, French stem), both folded. Words recur a great deal: indexing 100,000
# records stems each distinct word once (the stemmers work on whole lists, in C).
_stems: dict[str, tuple[str, str]] = {}
MAX_CACHED_WORDS = 500_000


def _learn(new_words: list[str]) -> None:
    if len(_stems) + len(new_words) > MAX_CACHED_WORDS:
        _stems.clear()
    english, french = _english.stemWords(new_words), _french.stemWords(new_words)
    for word, english_stem, french_stem in zip(new_words, english, french, strict=True):
        _stems[word] = (fold(english_stem), fold(french_stem))


def stems_of(word: str) -> tuple[str, str]:
    """The English and the French stem of one lowercased word, folded."""
    found = _stems.get(word)
    if found is None:
        _learn([word])
        found = _stems[word]
    return found


def stemmed(text: str) -> str:
    """What the index holds for ``text``: its English stems, a bar, its French stems."""
    text_words = words(text)
    if not text_words:
        return ""
    known = _stems
    new_words = [word for word in set(text_words) if word not in known]
    if new_words:
        _learn(new_words)
        known = _stems
    pairs = [known[word] for word in text_words]
    return " ".join(pair[0] for pair in pairs) + LANGUAGE_SEPARATOR + " ".join(pair[1] for pair in pairs)


def folded_words(text: str) -> str:
    """The folded words of ``text``, unstemmed: what the suggestions' prefixes are matched with."""
    return fold(" ".join(words(text)))
