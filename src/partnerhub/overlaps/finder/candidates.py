"""Candidate pairs: inside each block, the pairs whose sketches come close, each measured once."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from partnerhub.overlaps.finder.portfolio import Portfolio
from partnerhub.overlaps.finder.text import SKETCH_DIMENSIONS

# Settled on the real IATI activities in ../shared/data (1,996 activities): among
# 14,000 pairs of different owners in the same partner country with overlapping
# periods, every pair from 0.4 up was at least complementary work worth a look
# (the same programme reported by the EU and by UNDP scored 0.50; a Dutch grant
# and its implementer's own record 0.75), while below 0.4 most pairs only share
# the country's name and common words such as "COVID-19 response".
TEXT_SIMILARITY_THRESHOLD = 0.4
# The sketch's error has a standard deviation of about 0.05 (measured; 1/√384 in theory), so a pair
# at the threshold is lost with a probability under 1 % (on generated blocks: 1 of 5,719 pairs, at
# 0.40-0.45); the exact cosine decides in the end.
SKETCH_MARGIN = 0.12
# A block of 10,000 costs one second of matrix products; beyond, LSH keeps the cost linear. On
# generated blocks of 2,500 to 6,500 records, LSH with these bands kept 98 % of the pairs found
# exhaustively (all of those from 0.6 up).
EXHAUSTIVE_BLOCK_SIZE = 10_000
LSH_BANDS = 32
LSH_BUCKET_TARGET = 256
# Guards against families of near-identical records (a template copied hundreds of times), whose
# pairs would otherwise grow with the square of their number.
CANDIDATES_PER_ENGAGEMENT = 50
ROWS_PER_PRODUCT = 256
PAIRS_PER_EXACT_BATCH = 20_000


@dataclass
class Candidates:
    """Row pairs (first < second) from all blocks, each kept once."""

    first: list[np.ndarray] = field(default_factory=list)
    second: list[np.ndarray] = field(default_factory=list)

    def add(self, rows: np.ndarray, partners: np.ndarray) -> None:
        self.first.append(np.minimum(rows, partners))
        self.second.append(np.maximum(rows, partners))

    def unique(self, size: int) -> tuple[np.ndarray, np.ndarray]:
        if not self.first:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        codes = np.unique(np.concatenate(self.first) * size + np.concatenate(self.second))
        return codes // size, codes % size


def find_candidates(
    portfolio: Portfolio,
    blocks: dict[tuple, np.ndarray],
    sketches: np.ndarray,
    on_blocks_done: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs worth an exact comparison; ``on_blocks_done(done, total)`` hears every hundred blocks."""
    candidates = Candidates()
    floor = TEXT_SIMILARITY_THRESHOLD - SKETCH_MARGIN
    for number, rows in enumerate(blocks.values(), start=1):
        groups = [rows] if len(rows) <= EXHAUSTIVE_BLOCK_SIZE else lsh_buckets(rows, sketches)
        for group in groups:
            closest_partners(group, portfolio, sketches, floor, candidates)
        if on_blocks_done is not None and (number % 100 == 0 or number == len(blocks)):
            on_blocks_done(number, len(blocks))
    return candidates.unique(len(portfolio))


def closest_partners(
    group: np.ndarray, portfolio: Portfolio, sketches: np.ndarray, floor: float, candidates: Candidates
) -> None:
    """Each row's closest partners further down the group by sketch similarity (so each pair of the
    group is measured once), among those that qualify."""
    group_sketches = sketches[group]
    for start in range(0, len(group), ROWS_PER_PRODUCT):
        similarity = group_sketches[start : start + ROWS_PER_PRODUCT] @ group_sketches[start:].T
        near_row, near_partner = np.nonzero(similarity >= floor)
        later = near_partner > near_row
        near_row, near_partner = near_row[later], near_partner[later]
        rows, partners = group[start + near_row], group[start + near_partner]
        keep = qualifying(portfolio, rows, partners)
        keep[keep] = _among_closest(near_row[keep], similarity[near_row[keep], near_partner[keep]])
        candidates.add(rows[keep], partners[keep])


def _among_closest(rows: np.ndarray, similarities: np.ndarray) -> np.ndarray:
    """Whether each entry is among the ``CANDIDATES_PER_ENGAGEMENT`` most similar of its row
    (``rows`` ascending; ties keep the earlier partner)."""
    if len(rows) == 0 or np.bincount(rows).max() <= CANDIDATES_PER_ENGAGEMENT:
        return np.ones(len(rows), dtype=bool)
    order = np.lexsort((-similarities, rows))
    rank = np.arange(len(rows)) - np.searchsorted(rows[order], rows[order])
    keep = np.empty(len(rows), dtype=bool)
    keep[order] = rank < CANDIDATES_PER_ENGAGEMENT
    return keep


def qualifying(portfolio: Portfolio, rows: np.ndarray, partners: np.ndarray) -> np.ndarray:
    """Different owners (which also rules out a row with itself) and overlapping periods."""
    return (
        (portfolio.owners[rows] != portfolio.owners[partners])
        & (portfolio.starts[rows] <= portfolio.ends[partners])
        & (portfolio.starts[partners] <= portfolio.ends[rows])
    )


def lsh_buckets(rows: np.ndarray, sketches: np.ndarray) -> Iterator[np.ndarray]:
    """SimHash bands: rows whose sketches fall on the same side of a band's hyperplanes share a bucket.

    The hyperplanes pass through the block's median, so that buckets stay even;
    each band takes as many of them as keep about ``LSH_BUCKET_TARGET`` rows per bucket.
    """
    signs = sketches[rows] > np.median(sketches[rows], axis=0)
    width = max(1, int(np.ceil(np.log2(len(rows) / LSH_BUCKET_TARGET))))
    weights = np.left_shift(1, np.arange(width, dtype=np.int64))
    dimensions = np.random.default_rng(SKETCH_DIMENSIONS).permutation(
        np.resize(np.arange(SKETCH_DIMENSIONS), LSH_BANDS * width)
    )
    for band in range(LSH_BANDS):
        keys = signs[:, dimensions[band * width : (band + 1) * width]] @ weights
        order = np.argsort(keys, kind="stable")
        for bucket in np.split(rows[order], np.flatnonzero(np.diff(keys[order])) + 1):
            # A bucket of near-identical records can be large: it is compared slice by slice.
            for start in range(0, len(bucket), EXHAUSTIVE_BLOCK_SIZE):
                if len(bucket[start : start + EXHAUSTIVE_BLOCK_SIZE]) > 1:
                    yield bucket[start : start + EXHAUSTIVE_BLOCK_SIZE]


def exact_similarities(vectors: sp.csr_matrix, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    similarities = np.empty(len(first), dtype=np.float32)
    for start in range(0, len(first), PAIRS_PER_EXACT_BATCH):
        end = start + PAIRS_PER_EXACT_BATCH
        products = vectors[first[start:end]].multiply(vectors[second[start:end]])
        similarities[start:end] = np.asarray(products.sum(axis=1)).ravel()
    return similarities
