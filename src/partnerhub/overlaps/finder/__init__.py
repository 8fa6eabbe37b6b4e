"""The overlap finder: pairs of engagements by different owners that may do the same thing.

A pair is raised when the two engagements have different owner organisations,
share at least one partner country (a country outside the EU) and one theme, run
in overlapping periods, and their texts are similar: the cosine of their TF-IDF
vectors of character 3- to 5-grams (accents folded) is at least
``TEXT_SIMILARITY_THRESHOLD``.

It works on the whole registry, like a database job; people see a pair only
through ``OverlapPair.objects.visible_to(user)``, which requires both sides.

How it stays near-linear:

1. A few bulk queries load every engagement that has a partner country and a theme
   (``portfolio``).
2. Each text (the title, the publisher's titles in other languages where an IATI
   import kept them, the first ``MAX_DESCRIPTION_CHARACTERS`` of the description)
   is hashed into one sparse TF-IDF matrix of bounded width, fitted once over all
   of them (``text``: the same matrix as scikit-learn's HashingVectorizer and
   TfidfTransformer, computed faster).
3. Each vector gets a short dense sketch (a sparse random projection,
   ``SKETCH_DIMENSIONS`` numbers) whose dot products approximate the cosines.
4. Engagements are blocked by (partner country, theme). Inside a block of up to
   ``EXHAUSTIVE_BLOCK_SIZE`` engagements, every pair's sketch similarity is
   computed by one matrix product; larger blocks are first cut into buckets by
   random-hyperplane LSH (SimHash bands), and only pairs sharing a bucket are
   compared. Each engagement keeps its ``CANDIDATES_PER_ENGAGEMENT`` closest
   partners per block, so that a family of near-identical records stays linear.
5. Candidates from all blocks are merged, so that no pair is measured twice;
   the exact cosine is computed for those whose sketch similarity comes within
   ``SKETCH_MARGIN`` of the threshold (``candidates``).
6. Pairs are scored, explained and saved (``pairs``); reviewers decide on them
   (``partnerhub.overlaps.services``).

Character n-grams match spelling variants and shared names across languages
("Reintegration", "réintégration"; "Tanger", "Tangier"), not translations: a
German and a French description of the same project score about 0.15, below the
threshold, unless they share names, figures or an English title.

Themes: a parent theme covers its children ("Return, readmission and
reintegration" shares a theme with "Sustainable reintegration"); two children
of the same parent do not share a theme.

Periods: the start and end dates (actual, else planned). An open end is
ongoing; an open start reaches back indefinitely. An engagement without any
date cannot be shown not to overlap, so it is compared with everything in its
blocks, but it earns nothing for time in the score, and the explanation says
that its period is not recorded.

Score (0 to 1; the same records give the same score on the same day, an open end
being measured up to today): 0.6 × text similarity + 0.15 × share of common
themes + 0.15 × share of the shorter period that overlaps + 0.1 when an
implementer is the same organisation on both sides.

Reviewed pairs: the decision stays until one side changes. A fingerprint of
each side (owner, title, description, dates, partner countries, themes) is kept
with the pair; when one of them differs, the pair returns to "to review", and
the previous decision, its author and date move into the explanation.
"""

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _

from partnerhub.geo.models import Country
from partnerhub.overlaps.finder.candidates import (
    CANDIDATES_PER_ENGAGEMENT,
    EXHAUSTIVE_BLOCK_SIZE,
    SKETCH_MARGIN,
    TEXT_SIMILARITY_THRESHOLD,
    exact_similarities,
    find_candidates,
)
from partnerhub.overlaps.finder.pairs import SCORE_WEIGHTS, describe_pairs, save_found_pairs
from partnerhub.overlaps.finder.portfolio import ThemeTree, build_blocks, load_portfolio
from partnerhub.overlaps.finder.text import HASHED_FEATURES, sketch, text_vectors


@dataclass(frozen=True)
class OverlapProgress:
    stage: str
    done: int = 0
    total: int = 0


Progress = Callable[[OverlapProgress], None]


@dataclass
class OverlapRunReport:
    engagements: int = 0
    blocks: int = 0
    candidates_compared: int = 0
    pairs_found: int = 0
    new: int = 0
    reopened: int = 0
    kept_decisions: int = 0
    seconds: float = 0.0
    updated: int = 0
    removed: int = 0
    country: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def find_overlaps(country: Country | str | None = None, *, progress: Progress | None = None) -> OverlapRunReport:
    """Find the possible overlaps of the whole registry, or of one partner country, and save them.

    ``country`` (a Country or an ISO3 code) limits the comparison and the update
    to pairs sharing that country; the text statistics still cover the whole
    registry, so a pair scores the same either way.
    """
    started = time.monotonic()
    country = _partner_country(country)
    _tell(progress, "loading")
    portfolio, tree = load_portfolio(), ThemeTree.load()
    blocks = build_blocks(portfolio, tree, country.pk if country else None)
    report = OverlapRunReport(engagements=len(portfolio), blocks=len(blocks), country=country.iso3 if country else None)
    found = []
    if blocks:
        _tell(progress, "vectorising")
        vectors = text_vectors(portfolio.texts)
        first, second = find_candidates(portfolio, blocks, sketch(vectors), _blocks_told(progress))
        similarities = exact_similarities(vectors, first, second)
        keep = similarities >= TEXT_SIMILARITY_THRESHOLD
        report.candidates_compared = len(first)
        found = describe_pairs(portfolio, tree, first[keep], second[keep], similarities[keep])
    report.pairs_found = len(found)
    _tell(progress, "saving")
    saved = save_found_pairs(found, country, portfolio)
    report.new, report.updated, report.reopened = saved.new, saved.updated, saved.reopened
    report.kept_decisions, report.removed = saved.kept_decisions, saved.removed
    report.seconds = round(time.monotonic() - started, 2)
    return report


def _partner_country(country: Country | str | None) -> Country | None:
    """The partner country meant (a Member State is none: no pair is found through it)."""
    if country is None:
        return None
    code = country.iso3 if isinstance(country, Country) else str(country).strip().upper()
    found = Country.objects.partners().filter(iso3=code).first()
    if found is None:
        raise ValueError(_("%(code)s is not the ISO 3166 alpha-3 code of a partner country.") % {"code": code})
    return found


def _tell(progress: Progress | None, stage: str) -> None:
    if progress is not None:
        progress(OverlapProgress(stage))


def _blocks_told(progress: Progress | None) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(OverlapProgress("comparing", done, total))


__all__ = [
    "CANDIDATES_PER_ENGAGEMENT",
    "EXHAUSTIVE_BLOCK_SIZE",
    "HASHED_FEATURES",
    "SCORE_WEIGHTS",
    "SKETCH_MARGIN",
    "TEXT_SIMILARITY_THRESHOLD",
    "OverlapProgress",
    "OverlapRunReport",
    "Progress",
    "find_overlaps",
]
