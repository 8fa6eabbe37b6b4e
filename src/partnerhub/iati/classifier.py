"""Transparent, multilingual migration-relevance and theme classifier.

Rules, not statistics. An activity is migration-relevant when it carries a migration purpose code
(fixtures/migration_purpose_codes.csv) or when its texts show that migration is its subject, going by
the term files (terms/*.yaml, one per language, reviewed by coordinators): a migration term in the title;
a phrase of more than one word, or an acronym, anywhere; or single words mentioned at least twice in the
descriptions, or once in a short one. A single word once in a long description (a list of topics, a
target group among others) is incidental and keeps nothing. The same files point terms
to the hub's themes; a theme is suggested when its evidence is strong enough, with an explanation
that quotes the words found: "'réintégration' in description → Sustainable reintegration".
Theme terms come in four strengths: `specific` terms are about migration on their own ("voluntary
return"); `title` terms are the subject of an activity when its title names them ("refugees",
"Rohingya"), but only a target group among others in a description, where they count as contextual;
`contextual` terms are strong evidence for a theme but have other meanings too ("reintegration" of
ex-combatants), so they need an activity that is migration-relevant on other grounds; `supporting`
terms are generic words ("livelihoods") that only add a little evidence.

Matching: texts and terms are case-folded and stripped of accents, so "Réintégration" matches the
term "reintegration" while explanations quote the text as written. Terms match whole words; `*`
at the end of a word makes it a stem ("migrant*"), `*` in front lets a compound start with other
letters ("*migration*" finds "Arbeitsmigration"); spaces and hyphens in a term match any run of
spaces or hyphens. Acronyms ("IBM", "IDPs") are matched as written, capitals and all, as whole words
(letters next to them break the word, digits do not: "EU4IBM"); an acronym that also names other
things (IBM the company) may require one of its `only_with` words somewhere in the activity's texts.
Organisation names ("International Organization for Migration", "Danish Refugee Council") are
`not_migration` phrases: naming who carries out an activity says nothing of what it is about.
All terms of all languages go into one trie-shaped regular expression, compiled
once, which always takes the longest term at a position: "data migration" (a `not_migration`
phrase) therefore swallows the "migration" inside it.

Confidence of a theme: each distinct term or purpose code counts once, at its strongest sighting,
with a weight (purpose code > title > description; specific and contextual terms > supporting
terms); weights combine as 1 - Π(1 - weight), so more distinct terms raise the confidence and it
never passes 1. Themes are only suggested for migration-relevant activities.
"""

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, cached_property
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).parent
TERMS_DIR = PACKAGE_DIR / "terms"
PURPOSE_CODES_FILE = PACKAGE_DIR / "fixtures" / "migration_purpose_codes.csv"
THEMES_FILE = PACKAGE_DIR.parent / "registry" / "fixtures" / "themes.yaml"

REQUIRED_LANGUAGES = ("en", "fr", "es", "de", "it", "pt", "nl")
THEME_LISTS = ("specific", "title", "contextual", "supporting")

PURPOSE_CODE_WEIGHT = 0.8
STRONG_WEIGHTS = {"title": 0.7, "other": 0.45}
SUPPORTING_WEIGHTS = {"title": 0.3, "other": 0.15}
THEME_THRESHOLD = Decimal("0.35")
MAX_TEXT_REASONS = 10
MAX_EXPLAINED_EVIDENCE = 3
# A single word in a description longer than this may be incidental: it needs a second mention.
SHORT_TEXT_WORDS = 30
MENTIONS_NEEDED = 2

_TWO_PLACES = Decimal("0.01")
_SEPARATOR = "\x00sep"
_STEM = "\x00stem"
_END = "\x00end"
_SEPARATOR_RE = r"[\s\-]+"
_NEVER = "(?!)"
# Typographic variants and letters that Unicode does not decompose, written as term files write them.
_PLAIN_FORMS = {
    "’": "'",
    "‘": "'",
    "ʼ": "'",
    "´": "'",
    "`": "'",
    "‐": "-",
    "‑": "-",
    "–": "-",
    "—": "-",
    "œ": "oe",
    "æ": "ae",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ı": "i",
}


class TermFileError(ValueError):
    """A term file or the purpose-code fixture says something the classifier cannot use."""


@dataclass(frozen=True)
class ThemeSuggestion:
    theme_code: str
    confidence: Decimal
    explanation: str


@dataclass(frozen=True)
class Reason:
    """One piece of evidence that the activity concerns migration: a purpose code, or words in a field."""

    kind: str  # "code" or "term"
    field: str  # "sector" for a code; the text's field ("title", "description") for words
    text: str  # the code, or the words as written
    name: str = ""  # a purpose code's DAC name

    def __str__(self) -> str:
        if self.kind == "code":
            return f"purpose code {self.text} ({self.name})"
        return f"'{self.text}' in {self.field}"

    def as_dict(self) -> dict[str, str]:
        values = {"kind": self.kind, "field": self.field, "text": self.text}
        return {**values, "name": self.name} if self.name else values


@dataclass(frozen=True)
class Classification:
    is_migration: bool
    themes: list[ThemeSuggestion] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)

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
        codes = {
            row["code"].strip(): PurposeCode(
                code=row["code"].strip(),
                name=row["name"].strip(),
                why=row["why"].strip(),
                theme=row["theme"].strip(),
            )
            for row in rows
        }
    return codes


# Read at import: the file is tiny and importers test membership before calling classify().
MIGRATION_PURPOSE_CODE_DETAILS: dict[str, PurposeCode] = _read_purpose_codes()
MIGRATION_PURPOSE_CODES: frozenset[str] = frozenset(MIGRATION_PURPOSE_CODE_DETAILS)


# --- text folding -----------------------------------------------------------------------------


# Combining marks left over once NFKD has split "é" into "e" + "\u0301".
_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Case-insensitive, accent-insensitive form of a text, as used for matching."""
    if text.isascii():
        return text.lower()
    folded = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    if not folded.isascii():
        for special, plain in _PLAIN_FORMS.items():
            if special in folded:
                folded = folded.replace(special, plain)
    return folded


@cache
def _folded_length(char: str) -> int:
    return len(fold(char))


class _SpanLocator:
    """Maps spans of fold(text) back to the text (folding may change lengths: "ß" → "ss", "…" → "...")."""

    def __init__(self, text: str, folded: str) -> None:
        self.text = text
        self.folded = folded
        self.offsets: list[int] | None = None

    def original(self, start: int, end: int) -> tuple[int, int]:
        if len(self.folded) == len(self.text) and fold(self.text[start:end]) == self.folded[start:end]:
            return start, end
        if self.offsets is None:
            self.offsets = [index for index, char in enumerate(self.text) for _ in range(_folded_length(char))]
            self.offsets.append(len(self.text))
        return self.offsets[start], self.offsets[end - 1] + 1


# --- term files -------------------------------------------------------------------------------


@dataclass
class _Term:
    pattern: str
    migration: bool = False
    negative: bool = False
    specific_themes: set[str] = field(default_factory=set)
    title_themes: set[str] = field(default_factory=set)
    contextual_themes: set[str] = field(default_factory=set)
    supporting_themes: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    # More than one word (or an acronym): specific enough to count wherever it stands.
    phrase: bool = False
    # For an acronym with other meanings: words one of which the activity's texts must hold.
    only_with: re.Pattern[str] | None = None

    @property
    def is_migration_evidence(self) -> bool:
        return self.migration or bool(self.specific_themes)

    @property
    def strong_themes(self) -> set[str]:
        return self.specific_themes | self.title_themes | self.contextual_themes

    def is_evidence_in(self, place: str) -> bool:
        return self.is_migration_evidence or (place == "title" and bool(self.title_themes))


@dataclass(frozen=True)
class TermFile:
    path: Path
    language: str
    migration: list[str]
    not_migration: list[str]
    themes: dict[str, dict[str, list[str]]]
    acronyms: dict[str, dict] = field(default_factory=dict)


def read_term_files(directory: Path = TERMS_DIR) -> list[TermFile]:
    return [_read_term_file(path) for path in sorted(directory.glob("*.yaml"))]


def _read_term_file(path: Path) -> TermFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise TermFileError(f"{path.name}: not valid YAML ({error})") from None
    if not isinstance(data, dict) or "language" not in data:
        raise TermFileError(f"{path.name}: expected a mapping with 'language', 'migration', 'themes'")
    themes = data.get("themes") or {}
    for code, lists in themes.items():
        if not isinstance(lists, dict) or set(lists) - set(THEME_LISTS):
            raise TermFileError(f"{path.name}: theme {code} must hold lists named {', '.join(THEME_LISTS)}")
    acronyms = data.get("acronyms") or {}
    for acronym, entry in acronyms.items():
        _check_acronym(path, str(acronym), entry)
    return TermFile(
        path=path,
        language=str(data["language"]),
        migration=list(data.get("migration") or []),
        not_migration=list(data.get("not_migration") or []),
        themes={
            code: {kind: list(terms or []) for kind, terms in (lists or {}).items()} for code, lists in themes.items()
        },
        acronyms={str(acronym): entry for acronym, entry in acronyms.items()},
    )


ACRONYM_KEYS = {"means", "theme", "strength", "only_with"}


def _check_acronym(path: Path, acronym: str, entry) -> None:
    if not re.fullmatch(r"[A-Z][A-Za-z0-9]+", acronym):
        raise TermFileError(f"{path.name}: acronym {acronym!r} must be letters and digits starting with a capital")
    if not isinstance(entry, dict) or not {"means", "theme", "strength"} <= set(entry) <= ACRONYM_KEYS:
        raise TermFileError(
            f"{path.name}: acronym {acronym} needs 'means', 'theme' and 'strength' (and may have 'only_with')"
        )
    if entry["strength"] not in THEME_LISTS:
        raise TermFileError(f"{path.name}: acronym {acronym}: strength must be one of {', '.join(THEME_LISTS)}")
    if not isinstance(entry.get("only_with", []), list):
        raise TermFileError(f"{path.name}: acronym {acronym}: 'only_with' must be a list of words")


def _parse_term(term: str) -> tuple[bool, tuple[str, ...]]:
    """(matches inside a compound?, atoms): characters, word separators and stem wildcards."""
    folded = fold(term).strip()
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
        if not isinstance(raw, str):
            raise TermFileError(f"{source.path.name}: term {raw!r} is not text; put it in quotes")
        try:
            key = _parse_term(raw)
        except TermFileError as error:
            raise TermFileError(f"{source.path.name}: {error}") from None
        term = terms.setdefault(key, _Term(pattern=raw, phrase=_SEPARATOR in key[1]))
        term.files.add(source.path.name)
        return term

    for source in term_files:
        for raw in source.migration:
            entry(raw, source).migration = True
        for raw in source.not_migration:
            entry(raw, source).negative = True
        for code, lists in source.themes.items():
            if code not in theme_codes:
                raise TermFileError(f"{source.path.name}: unknown theme code {code}")
            for kind in THEME_LISTS:
                for raw in lists.get(kind, []):
                    getattr(entry(raw, source), f"{kind}_themes").add(code)
    for term in terms.values():
        _check_consistent(term)
    return terms


def _check_consistent(term: _Term) -> None:
    """The same term (in any file) must mean one thing, or a coordinator's edit would silently lose."""
    where = ", ".join(sorted(term.files))
    if term.negative and (term.is_migration_evidence or term.contextual_themes or term.supporting_themes):
        raise TermFileError(f"{where}: term {term.pattern!r} is both a migration term and a not_migration phrase")
    kinds = (term.specific_themes, term.title_themes, term.contextual_themes, term.supporting_themes)
    for code in set().union(*kinds):
        strengths = [kind for kind, themes in zip(THEME_LISTS, kinds, strict=True) if code in themes]
        if len(strengths) > 1:
            raise TermFileError(f"{where}: term {term.pattern!r} is listed as {' and '.join(strengths)} for {code}")


def _collect_acronyms(term_files: Iterable[TermFile], theme_codes: set[str]) -> dict[str, _Term]:
    acronyms: dict[str, _Term] = {}
    for source in term_files:
        for acronym, entry in source.acronyms.items():
            if entry["theme"] not in theme_codes:
                raise TermFileError(f"{source.path.name}: acronym {acronym}: unknown theme code {entry['theme']}")
            term = acronyms.setdefault(acronym, _Term(pattern=acronym, phrase=True))
            term.files.add(source.path.name)
            getattr(term, f"{entry['strength']}_themes").add(entry["theme"])
            if entry.get("only_with"):
                term.only_with = _words_regex(entry["only_with"], source)
    for term in acronyms.values():
        _check_consistent(term)
    return acronyms


def _words_regex(words: list, source: TermFile) -> re.Pattern[str]:
    """A plain regex over folded text for a few words in the term files' notation (`*` stems and compounds)."""
    alternatives = []
    for word in words:
        if not isinstance(word, str):
            raise TermFileError(f"{source.path.name}: word {word!r} is not text; put it in quotes")
        try:
            infix, atoms = _parse_term(word)
        except TermFileError as error:
            raise TermFileError(f"{source.path.name}: {error}") from None
        pattern = "".join(
            _SEPARATOR_RE if atom == _SEPARATOR else r"\w*" if atom == _STEM else re.escape(atom) for atom in atoms
        )
        ends_in_stem = atoms[-1] == _STEM
        alternatives.append(("" if infix else r"(?<!\w)") + pattern + ("" if ends_in_stem else r"(?!\w)"))
    return re.compile("|".join(alternatives))


# --- the compiled scanner ---------------------------------------------------------------------


class _TrieRegexBuilder:
    """Turns terms into one regex; an empty group marks where each term ends, so lastindex names it."""

    def __init__(self) -> None:
        self.group_terms: list[_Term] = []

    def pattern(self, node: dict) -> str:
        """Call in the order the patterns will be joined: group numbers follow the calls."""
        alternatives = [
            re.escape(atom) + self.pattern(node[atom]) for atom in sorted(node) if not atom.startswith("\x00")
        ]
        if _SEPARATOR in node:
            alternatives.append(_SEPARATOR_RE + self.pattern(node[_SEPARATOR]))
        if _STEM in node:
            alternatives.append(r"\w*" + self.pattern(node[_STEM]))
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
    # An acronym glued to a programme name ("EU4IBM") rather than standing on its own ("IBM").
    in_name: bool = False


@dataclass(frozen=True)
class _Rules:
    regex: re.Pattern[str]
    word_start_regex: re.Pattern[str]
    compound_roots: tuple[str, ...]
    group_terms: tuple[_Term, ...]
    theme_names: dict[str, str]
    theme_parents: dict[str, str]
    acronym_regex: re.Pattern[str]
    acronym_terms: dict[str, _Term]

    def scan(self, text: str) -> Iterator[_Hit]:
        folded = fold(text)
        locator = _SpanLocator(text, folded)
        # Looking inside every word costs a third of the scan; most texts hold no compound root at all.
        inside_words = any(root in folded for root in self.compound_roots)
        regex = self.regex if inside_words else self.word_start_regex
        for match in regex.finditer(folded):
            if match.lastindex is None:  # cannot happen: every alternative ends in its term's group
                continue
            term = self.group_terms[match.lastindex - 1]
            if not term.negative:
                start, end = locator.original(*match.span())
                yield _Hit(term=term, original=_whole_words(text, start, end))
        if any(acronym in text for acronym in self.acronym_terms):
            for match in self.acronym_regex.finditer(text):
                start, end = match.span()
                yield _Hit(
                    term=self.acronym_terms[match.group(1)],
                    original=_whole_words(text, start, end),
                    in_name=start > 0 and text[start - 1].isdigit(),
                )


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
    return build_rules()


def build_rules(terms_dir: Path = TERMS_DIR, themes_file: Path = THEMES_FILE) -> _Rules:
    """Read and check the term files, and compile them; raises TermFileError naming the file at fault."""
    theme_names, theme_parents = read_themes(themes_file)
    for purpose in MIGRATION_PURPOSE_CODE_DETAILS.values():
        if purpose.theme and purpose.theme not in theme_names:
            raise TermFileError(f"{PURPOSE_CODES_FILE.name}: unknown theme {purpose.theme} for {purpose.code}")
    term_files = read_term_files(terms_dir)
    terms = _collect_terms(term_files, set(theme_names))
    acronyms = _collect_acronyms(term_files, set(theme_names))
    # A compound term may also start a word, where it must compete with the plain terms for the longest match.
    anchored = _trie((atoms, term) for (_infix, atoms), term in terms.items())
    inside_words = _trie((atoms, term) for (infix, atoms), term in terms.items() if infix)
    builder = _TrieRegexBuilder()
    at_word_start = r"(?<!\w)" + builder.pattern(anchored) if anchored else _NEVER
    inside_word = builder.pattern(inside_words) if inside_words else _NEVER
    return _Rules(
        regex=re.compile(f"{at_word_start}|{inside_word}"),
        word_start_regex=re.compile(at_word_start),
        compound_roots=_compound_roots(key for key in terms if key[0]),
        group_terms=tuple(builder.group_terms),
        theme_names=theme_names,
        theme_parents=theme_parents,
        acronym_regex=_acronym_regex(acronyms),
        acronym_terms=acronyms,
    )


def _acronym_regex(acronyms: dict[str, _Term]) -> re.Pattern[str]:
    """Acronyms as written, with a plural "s"; a letter next to one breaks it, a digit does not ("EU4IBM")."""
    if not acronyms:
        return re.compile(_NEVER)
    written = "|".join(re.escape(acronym) for acronym in sorted(acronyms, key=lambda a: (-len(a), a)))
    return re.compile(rf"(?<![^\W\d_])({written})[sS]?(?![^\W\d_])")


def _compound_roots(infix_keys: Iterable[tuple[bool, tuple[str, ...]]]) -> tuple[str, ...]:
    """The literal start of each compound term: a text without any of them cannot match one inside a word."""
    roots = set()
    for _infix, atoms in infix_keys:
        literal = []
        for atom in atoms:
            if atom.startswith("\x00"):
                break
            literal.append(atom)
        roots.add("".join(literal))
    return tuple(sorted(root for root in roots if not any(other != root and other in root for other in roots)))


# --- classification ---------------------------------------------------------------------------


@dataclass
class _Evidence:
    """Per theme, each distinct term or code once, with its strongest sighting: key → (weight, label);
    and the reasons for relevance: decisive ones, and single words that count once mentioned twice."""

    sightings: dict[str, dict[str, tuple[float, str]]] = field(default_factory=dict)
    reasons: dict[Reason, None] = field(default_factory=dict)
    text_reasons: int = 0
    decisive: bool = False
    mentions: int = 0
    # Acronym sightings that count only if the activity's texts hold one of the acronym's context words.
    awaiting_context: list[tuple["_Where", _Hit]] = field(default_factory=list)

    def weigh(self, theme: str, key: str, weight: float, label: str) -> None:
        seen = self.sightings.setdefault(theme, {})
        if key not in seen or weight > seen[key][0]:
            seen[key] = (weight, label)

    def add_reason(self, reason: Reason, *, decisive: bool) -> None:
        self.decisive |= decisive
        self.mentions += not decisive
        from_text = reason.kind == "term"
        if reason in self.reasons or (from_text and self.text_reasons >= MAX_TEXT_REASONS):
            return
        self.reasons[reason] = None
        self.text_reasons += from_text

    @property
    def is_migration(self) -> bool:
        return self.decisive or self.mentions >= MENTIONS_NEEDED


def classify(texts: Iterable[tuple[str, str]], sector_codes: Iterable[str]) -> Classification:
    """Is this activity about migration, and which of the hub's themes does it touch?"""
    compiled = rules()
    evidence = _Evidence()
    for code in sector_codes:
        _weigh_purpose_code(str(code).strip(), evidence)
    texts = [(field_name, text) for field_name, text in texts if text]
    for field_name, text in texts:
        _weigh_text(compiled, field_name, text, evidence)
    if evidence.awaiting_context:
        _weigh_acronyms_in_context(texts, evidence)
    if not evidence.is_migration:
        return Classification(is_migration=False)
    return Classification(
        is_migration=True,
        themes=_suggest_themes(compiled, evidence),
        reasons=sorted(evidence.reasons, key=_reason_order),
    )


def _reason_order(reason: Reason) -> int:
    """Codes, then the title, then the rest (a stable sort keeps the order found within each)."""
    return 0 if reason.kind == "code" else 1 if reason.field.casefold().startswith("title") else 2


def _weigh_purpose_code(code: str, evidence: _Evidence) -> None:
    purpose = MIGRATION_PURPOSE_CODE_DETAILS.get(code)
    if purpose is None:
        return
    reason = Reason("code", "sector", purpose.code, purpose.name)
    evidence.add_reason(reason, decisive=True)
    if purpose.theme:
        label = str(reason)
        evidence.weigh(purpose.theme, label, PURPOSE_CODE_WEIGHT, label)


class _Where:
    """The field a text stands in, and whether it is short enough for a single word to be its subject."""

    def __init__(self, field_name: str, text: str) -> None:
        self.field_name, self.text = field_name, text
        self.place = "title" if field_name.casefold().startswith("title") else "other"

    @cached_property
    def short(self) -> bool:
        return self.place == "title" or len(self.text.split()) <= SHORT_TEXT_WORDS


def _weigh_text(compiled: _Rules, field_name: str, text: str, evidence: _Evidence) -> None:
    where = _Where(field_name, text)
    for hit in compiled.scan(text):
        if hit.term.only_with is not None and not hit.in_name:
            evidence.awaiting_context.append((where, hit))
        else:
            _weigh_hit(where, hit, evidence)


def _weigh_hit(where: _Where, hit: _Hit, evidence: _Evidence) -> None:
    term = hit.term
    if term.is_evidence_in(where.place):
        evidence.add_reason(Reason("term", where.field_name, hit.original), decisive=term.phrase or where.short)
    label = f"'{hit.original}' in {where.field_name}"
    for theme in term.strong_themes:
        evidence.weigh(theme, term.pattern, STRONG_WEIGHTS[where.place], label)
    for theme in term.supporting_themes:
        evidence.weigh(theme, term.pattern, SUPPORTING_WEIGHTS[where.place], label)


def _weigh_acronyms_in_context(texts: list[tuple[str, str]], evidence: _Evidence) -> None:
    """An acronym with other meanings counts when the activity speaks of what it stands for ("IBM" and borders)."""
    folded = [fold(text) for _field_name, text in texts]
    for where, hit in evidence.awaiting_context:
        context = hit.term.only_with  # set for every hit awaiting context
        if context is not None and any(context.search(text) for text in folded):
            _weigh_hit(where, hit, evidence)


def _suggest_themes(compiled: _Rules, evidence: _Evidence) -> list[ThemeSuggestion]:
    suggestions = {}
    for theme, seen in sorted(evidence.sightings.items()):
        confidence = _confidence(weight for weight, _label in seen.values())
        if confidence >= THEME_THRESHOLD:
            suggestions[theme] = ThemeSuggestion(theme, confidence, _explain(compiled, theme, seen.values()))
    kept = [s for s in suggestions.values() if not _outweighed_by_child(compiled, s, suggestions.values())]
    return sorted(kept, key=lambda suggestion: (-suggestion.confidence, suggestion.theme_code))


def _confidence(weights: Iterable[float]) -> Decimal:
    doubt = 1.0
    for weight in weights:
        doubt *= 1.0 - weight
    return min(Decimal(1), Decimal(str(1.0 - doubt)).quantize(_TWO_PLACES, rounding=ROUND_HALF_UP))


def _explain(compiled: _Rules, theme: str, sightings: Iterable[tuple[float, str]]) -> str:
    strongest = sorted(sightings, key=lambda sighting: -sighting[0])[:MAX_EXPLAINED_EVIDENCE]
    return f"{', '.join(label for _weight, label in strongest)} → {compiled.theme_names[theme]}"


def _outweighed_by_child(compiled: _Rules, suggestion: ThemeSuggestion, others: Iterable[ThemeSuggestion]) -> bool:
    """A broad theme adds nothing when one of its sub-themes is suggested at least as confidently."""
    return any(
        compiled.theme_parents.get(other.theme_code) == suggestion.theme_code
        and other.confidence >= suggestion.confidence
        for other in others
    )
