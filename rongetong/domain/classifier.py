"""A character n-gram naive Bayes classifier: what routing knows beyond literal keywords.

Real complaints paraphrase ("楼下烧烤摊天天摆到马路上" never says 占道经营), mistype (拉圾) and
mix dialect; character 1–3-grams carry that signal without a word segmenter. The model is
trained from the keyword library, sample complaints and every case whose category was confirmed
by the people who handled it, and is small enough to keep in every process.

Prediction is one ``numpy.bincount`` over the postings of the n-grams in the text, so it costs
microseconds; the model serialises to plain JSON-able dicts for storage in the database.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from .text import normalise

ALPHA = 0.1          # additive smoothing
MIN_NGRAM, MAX_NGRAM = 1, 3


def ngrams(text: str, normalised: bool = False) -> set[str]:
    """The distinct character 1-, 2- and 3-grams of the normalised text (digits folded to 0)."""
    text = (text if normalised else normalise(text)).translate(_DIGITS_TO_ZERO)
    return {text[i:i + n] for n in range(MIN_NGRAM, MAX_NGRAM + 1) for i in range(len(text) - n + 1)}


_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")
# Up to this many labels the model keeps a dense (n-grams × labels) matrix: one fancy-indexed sum
# per text. With more (the 475 minors) it keeps sparse postings to stay small.
DENSE_MAX_LABELS = 64


class NaiveBayes:
    """Multinomial naive Bayes over distinct n-grams.

    log P(text | k) = Σ_g log((c_gk + α) / (T_k + αV))
                    = Σ_g log(1 + c_gk/α)  +  n · log(α / (T_k + αV))
    so only the (gram, label) pairs actually seen carry information: the first term is a sum over
    the text's known n-grams, the second one vector per label.
    """

    def __init__(self, labels: Sequence[str], postings: dict[str, tuple[np.ndarray, np.ndarray]],
                 bias: np.ndarray):
        self.labels = list(labels)
        self._postings = postings
        self._bias = bias
        self._dense = len(self.labels) <= DENSE_MAX_LABELS
        if self._dense:
            self._rows = {gram: row for row, gram in enumerate(postings)}
            self._matrix = np.zeros((len(postings), len(self.labels)))
            for gram, (labels_, values) in postings.items():
                self._matrix[self._rows[gram], labels_] = values

    @classmethod
    def train(cls, documents: Iterable[tuple[str, str, float]]) -> NaiveBayes:
        """``documents``: (text, label, weight). A label needs at least one document."""
        counts: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        totals: dict[int, float] = defaultdict(float)
        index: dict[str, int] = {}
        for text, label, weight in documents:
            k = index.setdefault(label, len(index))
            for gram in ngrams(text):
                counts[gram][k] += weight
                totals[k] += weight
        vocabulary = max(len(counts), 1)
        bias = np.array([math.log(ALPHA / (totals[k] + ALPHA * vocabulary)) for k in range(len(index))])
        postings = {gram: (np.fromiter(by_label.keys(), dtype=np.int32, count=len(by_label)),
                           np.log1p(np.fromiter(by_label.values(), dtype=np.float64, count=len(by_label)) / ALPHA))
                    for gram, by_label in counts.items()}
        return cls(list(index), postings, bias)

    def log_likelihoods(self, grams: set[str]) -> tuple[np.ndarray, int]:
        """Per label, and the number of n-grams the model knows."""
        if self._dense:
            rows = [self._rows[g] for g in grams if g in self._rows]
            if not rows:
                return np.zeros(len(self.labels)), 0
            return self._matrix[rows].sum(axis=0) + len(rows) * self._bias, len(rows)
        known = [self._postings[g] for g in grams if g in self._postings]
        if not known:
            return np.zeros(len(self.labels)), 0
        labels = np.concatenate([p[0] for p in known])
        values = np.concatenate([p[1] for p in known])
        return np.bincount(labels, weights=values, minlength=len(self.labels)) + len(known) * self._bias, len(known)

    def probabilities(self, text: str, grams: set[str] | None = None) -> dict[str, float]:
        """P(label | text) with a uniform prior. Naive Bayes is overconfident on long texts, so the
        log-likelihoods are tempered by the square root of the number of known n-grams."""
        scores, known = self.log_likelihoods(grams if grams is not None else ngrams(text))
        if not known:
            return {}
        weights = np.exp((scores - scores.max()) / max(1.0, math.sqrt(known)))
        weights /= weights.sum()
        return dict(zip(self.labels, weights.tolist()))

    # --- storage -----------------------------------------------------------------------------

    def to_dict(self) -> dict:
        return {"labels": self.labels, "bias": self._bias.tolist(),
                "postings": {g: [p[0].tolist(), p[1].round(5).tolist()] for g, p in self._postings.items()}}

    @classmethod
    def from_dict(cls, data: dict) -> NaiveBayes:
        postings = {g: (np.array(idx, dtype=np.int32), np.array(val, dtype=np.float64))
                    for g, (idx, val) in data["postings"].items()}
        return cls(data["labels"], postings, np.array(data["bias"], dtype=np.float64))


class RoutingModel:
    """The learned half of routing: P(major | text), and P(minor | text) to pick within a major."""

    def __init__(self, majors: NaiveBayes, minors: NaiveBayes, trained_on: int = 0):
        self.majors, self.minors, self.trained_on = majors, minors, trained_on

    @classmethod
    def train(cls, documents: Iterable[tuple[str, str, float]]) -> RoutingModel:
        """``documents``: (text, minor code, weight); a minor code's first two digits are its major."""
        documents = list(documents)
        return cls(NaiveBayes.train((text, minor[:2], w) for text, minor, w in documents),
                   NaiveBayes.train(documents), trained_on=len(documents))

    def to_dict(self) -> dict:
        return {"majors": self.majors.to_dict(), "minors": self.minors.to_dict(), "trained_on": self.trained_on}

    @classmethod
    def from_dict(cls, data: dict) -> RoutingModel:
        return cls(NaiveBayes.from_dict(data["majors"]), NaiveBayes.from_dict(data["minors"]), data["trained_on"])
