"""Transparent, multilingual migration-relevance and theme classifier.

Rules, not statistics. An activity is migration-relevant when it carries a migration purpose code
(fixtures/migration_purpose_codes.csv) or when one of its texts contains a migration term from the
term files (terms/*.yaml, one per language, reviewed by coordinators). The same files point terms
to the hub's themes; a theme is suggested when its evidence is strong enough, with an explanation
that quotes the words found: "'réintégration' in description → Sustainable reintegration".

Matching: texts and terms are case-folded and stripped of accents, so "Réintégration" matches the
term "reintegration" while explanations quote the text as written. Terms match whole words; `*`
at the end of a word makes it a stem ("migrant*"), `*` in front lets a compound start with other
letters ("*migration*" finds "Arbeitsmigration"); spaces and hyphens in a term match any run of
spaces or hyphens. All terms of all languages go into one trie-shaped regular expression, compiled
once, which always takes the longest term at a position: "data migration" (a `not_migration`
phrase) therefore swallows the "migration" inside it.

Confidence of a theme: every distinct piece of evidence has a weight (purpose code > title >
description; migration-specific terms > supporting terms), combined as 1 - Π(1 - weight), so more
distinct terms raise it and it never passes 1. Supporting terms (generic words such as
"livelihoods") count only for an activity that is migration-relevant on other grounds.
"""

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).parent
TERMS_DIR = PACKAGE_DIR / "terms"
PURPOSE_CODES_FILE = PACKAGE_DIR / "fixtures" / "migration_purpose_codes.csv"
THEMES_FILE = PACKAGE_DIR.parent / "registry" / "fixtures" / "themes.yaml"

REQUIRED_LANGUAGES = ("en", "fr", "es", "de", "it", "pt", "nl")

PURPOSE_CODE_WEIGHT = 0.8
SPECIFIC_WEIGHTS = {"title": 0.7, "other": 0.45}
SUPPORTING_WEIGHTS = {"title": 0.3, "other": 0.15}
THEME_THRESHOLD = Decimal("0.35")
MAX_TEXT_REASONS = 10
MAX_EXPLAINED_EVIDENCE = 3

_TWO_PLACES = Decimal("0.01")
_SEPARATOR = "\x00sep"
_STEM = "\x00stem"
_END = "\x00end"
_SEPARATOR_RE = r"[\s\-]+"
# Typographic variants and letters that Unicode does not decompose, written as term files write them.
_PLAIN_FORMS = {
    "’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'", "‐": "-", "‑": "-", "–": "-", "—": "-",
    "œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i",
}


class TermFileError(ValueError):
    """A term file or the purpose-code fixture says something the classifier cannot use."""


@dataclass(frozen=True)
class ThemeSuggestion:
    theme_code: str
    confidence: Decimal
    explanation: str


@dataclass(frozen=True)
class Classification:
    is_migration: bool
    themes: list[ThemeSuggestion] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def theme_codes(self) -> list[str]:
        return [suggestion.theme_code for suggestion in self.themes]


@dataclass(frozen=True)
class PurposeCode:
    code: str
    name: str
    why: str
    theme: str


def _read_purpose_codes() -> dict[str, PurposeCode]:
    with PURPOSE_CODES_FILE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        codes = {row["code"].strip(): PurposeCode(
            code=row["code"].strip(), name=row["name"].strip(), why=row["why"].strip(), theme=row["theme"].strip(),
        ) for row in rows}
    return codes


# Read at import: the file is tiny and importers test membership before calling classify().
MIGRATION_PURPOSE_CODE_DETAILS: dict[str, PurposeCode] = _read_purpose_codes()
MIGRATION_PURPOSE_CODES: frozenset[str] = frozenset(MIGRATION_PURPOSE_CODE_DETAILS)


# --- text folding -----------------------------------------------------------------------------


class _FoldTable(dict):
    """str.translate table filled on demand: case-folded, accents removed, punctuation unified."""

    def __missing__(self, code_point: int) -> str:
        char = chr(code_point)
        decomposed = unicodedata.normalize("NFKD", char.casefold())
        folded = "".join(part for part in decomposed if not unicodedata.combining(part))
        folded = "".join(_PLAIN_FORMS.get(part, part) for part in folded)
        self[code_point] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Case-insensitive, accent-insensitive form of a text, as used for matching."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


def _folded_to_original_offsets(text: str) -> list[int]:
    offsets = []
    for index, char in enumerate(text):
        offsets.extend([index] * len(_FOLD_TABLE[ord(char)]))
    offsets.append(len(text))
    return offsets


# --- term files -------------------------------------------------------------------------------


@dataclass
class _Term:
    pattern: str
    migration: bool = False
    negative: bool = False
    specific_themes: set[str] = field(default_factory=set)
    supporting_themes: set[str] = field(default_factory=set)

    @property
    def is_migration_evidence(self) -> bool:
        return self.migration or bool(self.specific_themes)


@dataclass(frozen=True)
class TermFile:
    path: Path
    language: str
    migration: list[str]
    not_migration: list[str]
    themes: dict[str, dict[str, list[str]]]


def read_term_files(directory: Path = TERMS_DIR) -> list[TermFile]:
    return [_read_term_file(path) for path in sorted(directory.glob("*.yaml"))]


def _read_term_file(path: Path) -> TermFile:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or "language" not in data:
        raise TermFileError(f"{path.name}: expected a mapping with 'language', 'migration', 'themes'")
    themes = data.get("themes") or {}
    for code, lists in themes.items():
        unknown = set(lists or {}) - {"specific", "supporting"}
        if unknown:
            raise TermFileError(f"{path.name}: theme {code} has unknown lists {sorted(unknown)}")
    return TermFile(
        path=path, language=str(data["language"]), migration=list(data.get("migration") or []),
        not_migration=list(data.get("not_migration") or []),
        themes={code: {kind: list(terms or []) for kind, terms in (lists or {}).items()} for code, lists in themes.items()},
    )


def _parse_term(term: str) -> tuple[bool, tuple[str, ...]]:
    """(matches inside a compound?, atoms): characters, word separators and stem wildcards."""
    folded = fold(str(term)).strip()
    infix = folded.startswith("*")
    words = [word for word in re.split(r"[\s\-]+", folded.lstrip("*")) if word]
    if not words:
        raise TermFileError(f"empty term {term!r}")
    atoms: list[str] = []
    for position, word in enumerate(words):
        stem = word.endswith("*")
        word = word.rstrip("*")
        if not word or "*" in word:
            raise TermFileError(f"term {term!r}: '*' may only start a term or end a word")
        if position:
            atoms.append(_SEPARATOR)
        atoms.extend(word)
        if stem:
            atoms.append(_STEM)
    return infix, tuple(atoms)


def _collect_terms(term_files: Iterable[TermFile], theme_codes: set[str]) -> dict[tuple, _Term]:
    terms: dict[tuple, _Term] = {}

    def entry(raw: str, source: TermFile) -> _Term:
        try:
            key = _parse_term(raw)
        except TermFileError as error:
            raise TermFileError(f"{source.path.name}: {error}") from None
        return terms.setdefault(key, _Term(pattern=str(raw)))

    for source in term_files:
        for raw in source.migration:
            entry(raw, source).migration = True
        for raw in source.not_migration:
            entry(raw, source).negative = True
        for code, lists in source.themes.items():
            if code not in theme_codes:
                raise TermFileError(f"{source.path.name}: unknown theme code {code}")
            for raw in lists.get("specific", []):
                entry(raw, source).specific_themes.add(code)
            for raw in lists.get("supporting", []):
                entry(raw, source).supporting_themes.add(code)
    for term in terms.values():
        if term.negative and (term.is_migration_evidence or term.supporting_themes):
            raise TermFileError(f"term {term.pattern!r} is both a migration term and a not_migration phrase")
    return terms


# --- the compiled scanner ---------------------------------------------------------------------


class _TrieRegexBuilder:
    """Turns terms into one regex; an empty group marks where each term ends, so lastindex names it."""

    def __init__(self) -> None:
        self.group_terms: list[_Term] = []

    def build(self, anchored: dict, inside_words: dict) -> str:
        parts = []
        if anchored:
            parts.append(r"(?<!\w)" + self._node(anchored))
        if inside_words:
            parts.append(self._node(inside_words))
        return "|".join(parts)

    def _node(self, node: dict) -> str:
        alternatives = [re.escape(atom) + self._node(node[atom]) for atom in sorted(node) if not atom.startswith("\x00")]
        if _SEPARATOR in node:
            alternatives.append(_SEPARATOR_RE + self._node(node[_SEPARATOR]))
        if _STEM in node:
            alternatives.append(r"\w*" + self._node(node[_STEM]))
        if _END in node:
            self.group_terms.append(node[_END])
            alternatives.append(r"(?!\w)()")
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"


def _trie(items: Iterable[tuple[tuple[str, ...], _Term]]) -> dict:
    root: dict = {}
    for atoms, term in items:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[_END] = term
    return root


@dataclass(frozen=True)
class _Hit:
    term: _Term
    original: str


@dataclass(frozen=True)
class _Rules:
    regex: re.Pattern
    group_terms: tuple[_Term, ...]
    theme_names: dict[str, str]
    theme_parents: dict[str, str]

    def scan(self, text: str) -> Iterator[_Hit]:
        folded = fold(text)
        offsets: list[int] | None = None
        for match in self.regex.finditer(folded):
            term = self.group_terms[match.lastindex - 1]
            if term.negative:
                continue
            start, end = match.span()
            if folded is not text and not text.isascii():
                offsets = offsets or _folded_to_original_offsets(text)
                start, end = offsets[start], offsets[end - 1] + 1
            yield _Hit(term=term, original=_whole_words(text, start, end))


def _whole_words(text: str, start: int, end: int) -> str:
    """The matched words as written; a compound found from inside is quoted whole."""
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return " ".join(text[start:end].split())


def read_themes(path: Path = THEMES_FILE) -> tuple[dict[str, str], dict[str, str]]:
    """Theme names and parents from the registry's fixture, so no database is needed."""
    names: dict[str, str] = {}
    parents: dict[str, str] = {}
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        names[entry["code"]] = entry["name"]
        for child in entry.get("children", []):
            names[child["code"]] = child["name"]
            parents[child["code"]] = entry["code"]
    return names, parents


@cache
def rules() -> _Rules:
    """Everything compiled once per process, on first use."""
    theme_names, theme_parents = read_themes()
    for purpose in MIGRATION_PURPOSE_CODE_DETAILS.values():
        if purpose.theme and purpose.theme not in theme_names:
            raise TermFileError(f"{PURPOSE_CODES_FILE.name}: unknown theme {purpose.theme} for {purpose.code}")
    terms = _collect_terms(read_term_files(), set(theme_names))
    anchored = _trie((atoms, term) for (infix, atoms), term in terms.items() if not infix)
    inside_words = _trie((atoms, term) for (infix, atoms), term in terms.items() if infix)
    builder = _TrieRegexBuilder()
    pattern = builder.build(anchored, inside_words)
    return _Rules(
        regex=re.compile(pattern), group_terms=tuple(builder.group_terms),
        theme_names=theme_names, theme_parents=theme_parents,
    )


# --- classification ---------------------------------------------------------------------------


@dataclass
class _Evidence:
    """Distinct pieces of evidence per theme: label → weight (the strongest sighting wins)."""

    specific: dict[str, dict[str, float]] = field(default_factory=dict)
    supporting: dict[str, dict[str, float]] = field(default_factory=dict)
    reasons: dict[str, None] = field(default_factory=dict)
    text_reasons: int = 0

    def add(self, bucket: dict[str, dict[str, float]], theme: str, label: str, weight: float) -> None:
        labels = bucket.setdefault(theme, {})
        if weight > labels.get(label, 0.0):
            labels[label] = weight

    def add_reason(self, reason: str, *, from_text: bool) -> None:
        if reason in self.reasons or (from_text and self.text_reasons >= MAX_TEXT_REASONS):
            return
        self.reasons[reason] = None
        self.text_reasons += from_text


def classify(texts: Iterable[tuple[str, str]], sector_codes: Iterable[str]) -> Classification:
    """Is this activity about migration, and which of the hub's themes does it touch?"""
    compiled = rules()
    evidence = _Evidence()
    for code in sector_codes:
        _weigh_purpose_code(str(code).strip(), evidence)
    for field_name, text in texts:
        if text:
            _weigh_text(compiled, field_name, text, evidence)
    is_migration = bool(evidence.reasons)
    themes = _suggest_themes(compiled, evidence) if is_migration else []
    return Classification(is_migration=is_migration, themes=themes, reasons=list(evidence.reasons))


def _weigh_purpose_code(code: str, evidence: _Evidence) -> None:
    purpose = MIGRATION_PURPOSE_CODE_DETAILS.get(code)
    if purpose is None:
        return
    label = f"purpose code {purpose.code} ({purpose.name})"
    evidence.add_reason(label, from_text=False)
    if purpose.theme:
        evidence.add(evidence.specific, purpose.theme, label, PURPOSE_CODE_WEIGHT)


def _weigh_text(compiled: _Rules, field_name: str, text: str, evidence: _Evidence) -> None:
    place = "title" if field_name.casefold().startswith("title") else "other"
    for hit in compiled.scan(text):
        label = f"'{hit.original}' in {field_name}"
        if hit.term.is_migration_evidence:
            evidence.add_reason(label, from_text=True)
        for theme in hit.term.specific_themes:
            evidence.add(evidence.specific, theme, label, SPECIFIC_WEIGHTS[place])
        for theme in hit.term.supporting_themes:
            evidence.add(evidence.supporting, theme, label, SUPPORTING_WEIGHTS[place])


def _suggest_themes(compiled: _Rules, evidence: _Evidence) -> list[ThemeSuggestion]:
    suggestions = {}
    for theme in sorted(set(evidence.specific) | set(evidence.supporting)):
        weighed = {**evidence.supporting.get(theme, {}), **evidence.specific.get(theme, {})}
        confidence = _confidence(weighed.values())
        if confidence >= THEME_THRESHOLD:
            suggestions[theme] = ThemeSuggestion(theme, confidence, _explain(compiled, theme, weighed))
    kept = [s for s in suggestions.values() if not _outweighed_by_child(compiled, s, suggestions.values())]
    return sorted(kept, key=lambda suggestion: (-suggestion.confidence, suggestion.theme_code))


def _confidence(weights: Iterable[float]) -> Decimal:
    doubt = 1.0
    for weight in weights:
        doubt *= 1.0 - weight
    return min(Decimal(1), Decimal(str(1.0 - doubt)).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP))


def _explain(compiled: _Rules, theme: str, weighed: dict[str, float]) -> str:
    strongest = sorted(weighed, key=lambda label: -weighed[label])[:MAX_EXPLAINED_EVIDENCE]
    return f"{', '.join(strongest)} → {compiled.theme_names[theme]}"


def _outweighed_by_child(compiled: _Rules, suggestion: ThemeSuggestion, others: Iterable[ThemeSuggestion]) -> bool:
    """A broad theme adds nothing when one of its sub-themes is suggested at least as confidently."""
    return any(
        compiled.theme_parents.get(other.theme_code) == suggestion.theme_code
        and other.confidence >= suggestion.confidence
        for other in others
    )
