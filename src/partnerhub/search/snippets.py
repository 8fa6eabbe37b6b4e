"""Highlighted titles and snippets, from the original text of the hits on a page only.

A word is marked when its stem (in either language) is one the query looks for; everything else
is escaped, so a title holding markup stays text.
"""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from partnerhub.search.text import WORD, stems_of

SNIPPET_WORDS = 30


def _is_match(word: str, stems: set[str]) -> bool:
    english, french = stems_of(word.lower())
    return english in stems or french in stems


class _Matcher:
    """Whether a word matches, asked once per distinct word of a text."""

    def __init__(self, stems: set[str]):
        self.stems = stems
        self.known: dict[str, bool] = {}

    def __call__(self, word: str) -> bool:
        found = self.known.get(word)
        if found is None:
            found = self.known[word] = _is_match(word, self.stems)
        return found


def highlighted(text: str, stems: set[str], matcher: _Matcher | None = None) -> SafeString:
    """``text`` escaped, its matching words in ``<mark>``."""
    is_match = matcher or _Matcher(stems)
    parts: list[str] = []
    position = 0
    for match in WORD.finditer(text):
        parts.append(escape(text[position : match.start()]))
        word = match.group(0)  # letters and digits only: nothing in it to escape
        parts.append(f"<mark>{word}</mark>" if is_match(word) else word)
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 (every part is escaped above)


def snippet(text: str, stems: set[str], size: int = SNIPPET_WORDS) -> SafeString:
    """The window of ``size`` words of ``text`` holding the most matching words, highlighted,
    with an ellipsis where text was cut."""
    found = list(WORD.finditer(text))
    if not found:
        return highlighted(text[:200], stems)
    is_match = _Matcher(stems)
    hits = [index for index, match in enumerate(found) if is_match(match.group(0))]
    start = _best_window(hits, len(found), size)
    end = min(start + size, len(found))
    begin_at = found[start].start() if start > 0 else 0
    end_at = found[end - 1].end() if end < len(found) else len(text)
    fragment = re.sub(r"\s+", " ", text[begin_at:end_at]).strip()
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(found) else ""
    return mark_safe(prefix + highlighted(fragment, stems, is_match) + suffix)  # noqa: S308 (highlighted escapes)


def _best_window(hits: list[int], length: int, size: int) -> int:
    if not hits or length <= size:
        return 0
    best_start, best_count = 0, -1
    for first in hits:
        start = max(0, min(first - 3, length - size))
        count = sum(1 for hit in hits if start <= hit < start + size)
        if count > best_count:
            best_start, best_count = start, count
    return best_start


def plain_marks(text: str, stems: set[str]) -> list[tuple[int, int]]:
    """Where the matching words of ``text`` are: (start, end) character offsets."""
    is_match = _Matcher(stems)
    return [(match.start(), match.end()) for match in WORD.finditer(text) if is_match(match.group(0))]
