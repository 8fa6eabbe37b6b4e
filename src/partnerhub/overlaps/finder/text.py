"""Texts as vectors: hashed TF-IDF of character n-grams, and short dense sketches of them."""

from collections.abc import Callable
from functools import cache

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import strip_accents_unicode
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

# Long narratives are cut: their opening says what the engagement is about.
MAX_DESCRIPTION_CHARACTERS = 1000
HASHED_FEATURES = 2**20
NGRAM_SIZES = (3, 4, 5)
TEXTS_PER_CHUNK = 4096
# Enough for the vocabulary of any real portfolio; beyond it words are hashed each time.
MAX_CACHED_WORDS = 1_000_000
SKETCH_DIMENSIONS = 384
SKETCH_ENTRIES_PER_FEATURE = 2


def comparison_text(title: str, description: str, titles=None) -> str:
    """Title, the publisher's titles in other languages (IATI), and the opening of the description."""
    other_titles = [item.get("text", "") for item in titles or [] if isinstance(item, dict)]
    parts = [title, *(text for text in other_titles if text and text != title)]
    return "\n".join([*parts, (description or "")[:MAX_DESCRIPTION_CHARACTERS]])


def text_vectors(texts: list[str]) -> sp.csr_matrix:
    """L2-normalised TF-IDF (sublinear term frequency, smoothed IDF fitted on these texts) of the
    hashed character 3- to 5-grams within words, lower case, accents folded.

    The same matrix as scikit-learn's ``HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5),
    strip_accents="unicode", alternate_sign=False, norm=None)`` followed by
    ``TfidfTransformer(sublinear_tf=True)``, several times faster: a word's n-grams are hashed once
    per run, however often the word occurs, and the weights are computed in place.
    """
    counts = _hashed_ngram_counts(texts)
    document_frequency = np.bincount(counts.indices, minlength=HASHED_FEATURES)
    idf = (np.log((1 + len(texts)) / (1 + document_frequency)) + 1).astype(np.float32)
    np.log(counts.data, out=counts.data)
    counts.data += 1
    counts.data *= idf[counts.indices]
    return normalize(counts, copy=False)


def _hashed_ngram_counts(texts: list[str]) -> sp.csr_matrix:
    features_of: dict[str, np.ndarray] = {}
    chunks = [
        _chunk_counts(texts[start : start + TEXTS_PER_CHUNK], features_of)
        for start in range(0, len(texts), TEXTS_PER_CHUNK)
    ]
    # Stacked by hand: the chunks are canonical already, and scipy's vstack would copy them twice.
    offsets = np.cumsum([0, *(chunk.nnz for chunk in chunks)])
    indptr = np.concatenate([[0], *(chunk.indptr[1:] + offset for chunk, offset in zip(chunks, offsets, strict=False))])
    return sp.csr_matrix(
        (
            np.concatenate([np.empty(0, dtype=np.float32), *(chunk.data for chunk in chunks)]),
            np.concatenate([np.empty(0, dtype=np.int32), *(chunk.indices for chunk in chunks)]),
            indptr,
        ),
        shape=(len(texts), HASHED_FEATURES),
    )


def _chunk_counts(texts: list[str], features_of: dict[str, np.ndarray]) -> sp.csr_matrix:
    pieces, lengths = [], []
    for text in texts:
        words = text.lower().split()
        features = list(map(_lookup(set(words).difference(features_of), features_of), words))
        pieces += features
        lengths.append(sum(map(len, features)))
    columns = np.concatenate(pieces) if pieces else np.empty(0, dtype=np.int32)
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    counts = sp.csr_matrix(
        (np.ones(len(columns), dtype=np.float32), columns, bounds), shape=(len(lengths), HASHED_FEATURES)
    )
    counts.sum_duplicates()
    return counts


def _lookup(new_words: set[str], features_of: dict[str, np.ndarray]) -> Callable[[str], np.ndarray]:
    """Hash the words not seen yet, remember them while there is room, and return the lookup."""
    if not new_words:
        return features_of.__getitem__
    fresh = {word: _word_features(word) for word in new_words}
    if len(features_of) + len(fresh) <= MAX_CACHED_WORDS:
        features_of.update(fresh)
        return features_of.__getitem__
    return lambda word: fresh[word] if word in fresh else features_of[word]


def _word_features(word: str) -> np.ndarray:
    """The hashed n-grams of " word ", as scikit-learn's char_wb analyser and FeatureHasher make them
    (folding an accent can split a word: "d´urgence" becomes "d", "urgence")."""
    features = []
    for part in strip_accents_unicode(word).split():
        padded = f" {part} "
        for n in NGRAM_SIZES:
            for offset in range(max(1, len(padded) - n + 1)):
                code = murmurhash3_32(padded[offset : offset + n], seed=0)
                features.append(0 if code == -(2**31) else abs(code) % HASHED_FEATURES)
            if len(padded) <= n:  # a short word counts once
                break
    return np.array(features, dtype=np.int32)


def sketch(vectors: sp.csr_matrix) -> np.ndarray:
    """Short dense vectors whose dot products approximate the cosines of ``vectors``."""
    sketches = np.asarray((vectors @ _projection()).todense(), dtype=np.float32)
    norms = np.linalg.norm(sketches, axis=1, keepdims=True)
    return sketches / np.where(norms > 0, norms, 1)


@cache
def _projection() -> sp.csr_matrix:
    """A sparse random projection: each hashed feature adds ±1/√k to k of the sketch's dimensions,
    chosen by a hash of the feature alone (the same in every run and process)."""
    k = SKETCH_ENTRIES_PER_FEATURE
    mixed = _mix(np.arange(HASHED_FEATURES * k, dtype=np.uint64))
    dimensions = (mixed % np.uint64(SKETCH_DIMENSIONS)).astype(np.int32)
    signs = np.where((mixed >> np.uint64(63)) == 1, 1.0, -1.0).astype(np.float32) / np.float32(np.sqrt(k))
    return sp.csr_matrix(
        (signs, dimensions, np.arange(0, HASHED_FEATURES * k + 1, k)), shape=(HASHED_FEATURES, SKETCH_DIMENSIONS)
    )


def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64: well-spread 64-bit hashes of integers (arithmetic wraps around)."""
    with np.errstate(over="ignore"):
        values = values + np.uint64(0x9E3779B97F4A7C15)
        values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))
