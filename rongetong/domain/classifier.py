"""A character n-gram naive Bayes classifier: what routing knows beyond literal keywords.

Real complaints paraphrase ("楼下烧烤摊天天摆到马路上" never says 占道经营), mistype (拉圾) and
mix dialect; character 1- and 2-grams carry that signal without a word segmenter (3-grams added
nothing in cross-validation on the labelled set and cost a third more to read). The model is
trained from the keyword library, sample complaints and every case whose category was confirmed
by the people who handled it, and is small enough to keep in every process.

Prediction is one Aho-Corasick pass over the text and one gather-sum of matrix rows, so it costs
microseconds; the model serialises to plain JSON-able dicts for storage in the database.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from operator import itemgetter

import ahocorasick
import numpy as np

from .text import reading

ALPHA = 0.1          # additive smoothing
MIN_NGRAM, MAX_NGRAM = 1, 2


def fold(text: str, normalised: bool = False) -> str:
    """The text as the model reads it: as routing reads it (``reading``), every run of digits folded to one 0.

    Phone, room and ID numbers vary and say nothing of the category; left as they are, the repeated
    digits of one ID number would outweigh every word of the complaint. ``normalised``: the text is
    already as ``reading`` gives it.
    """
    text = text if normalised else reading(text)
    return _DIGITS.sub("0", text)


def ngrams(text: str) -> list[str]:
    """Every character 1- and 2-gram of the folded text, repeats included (for training)."""
    text = fold(text)
    return [text[i:i + n] for n in range(MIN_NGRAM, MAX_NGRAM + 1) for i in range(len(text) - n + 1)]


_DIGITS = re.compile("[0-9]+")
_NO_ROWS = np.zeros(0, dtype=np.intp)
_VALUE = itemgetter(1)


class NaiveBayes:
    """Multinomial naive Bayes over n-gram counts.

    log P(text | k) = Σ_g log((c_gk + α) / (T_k + αV))          over every known n-gram of the text
                    = Σ_g log(1 + c_gk/α)  +  n · log(α / (T_k + αV))
    so only the (gram, label) pairs actually seen carry information: the first term is a sum of
    matrix rows over the text's known n-grams, the second one vector per label. The known n-grams
    are found by one Aho-Corasick pass over the text (in C), not by cutting it up in Python.
    """

    def __init__(self, labels: Sequence[str], postings: dict[str, tuple[np.ndarray, np.ndarray]],
                 bias: np.ndarray):
        self.labels = list(labels)
        self._postings = postings
        self._bias = bias
        self._bias_list = bias.tolist()
        self._ones = np.ones(256)
        self._matrix = np.zeros((max(len(postings), 1), len(self.labels)))
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self.rows_by_gram: dict[str, int] = {}
        for row, (gram, (label_index, values)) in enumerate(postings.items()):
            self._matrix[row, label_index] = values
            self._automaton.add_word(gram, row)
            self.rows_by_gram[gram] = row
        if postings:
            self._automaton.make_automaton()

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

    def known_rows(self, folded: str) -> np.ndarray:
        """The row of every known n-gram in a normalised, digit-folded text, repeats included."""
        if not self._postings or not folded:
            return _NO_ROWS
        return np.fromiter(map(_VALUE, self._automaton.iter(folded)), dtype=np.intp)

    def probabilities(self, folded: str) -> dict[str, float]:
        """P(label | text) with a uniform prior, for a normalised, digit-folded text (see ``fold``)."""
        return self.probabilities_of(self.known_rows(folded))

    def probabilities_of(self, rows: np.ndarray) -> dict[str, float]:
        """P(label | text) from the rows of the text's known n-grams (see ``known_rows``).

        Naive Bayes is overconfident on long texts, so the log-likelihoods are tempered by the square
        root of the number of known n-grams."""
        if not len(rows):
            return {}
        # numpy for the gather-sum over the text's n-grams (a matrix-vector product); the rest is a
        # handful of numbers, for which plain Python is quicker than a numpy call per step.
        n = len(rows)
        ones = self._ones if n <= len(self._ones) else np.ones(n)
        sums = (ones[:n] @ self._matrix.take(rows, axis=0)).tolist()
        scores = [s + n * b for s, b in zip(sums, self._bias_list)]
        top, temper = max(scores), max(1.0, math.sqrt(n))
        weights = [math.exp((s - top) / temper) for s in scores]
        total = sum(weights)
        return {label: w / total for label, w in zip(self.labels, weights)}

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
    """The learned half of routing: P(major | text), and within each major P(minor | text)."""

    def __init__(self, majors: NaiveBayes, minors: dict[str, NaiveBayes], trained_on: int = 0):
        self.majors, self.minors, self.trained_on = majors, minors, trained_on
        # The majors' model has seen every training text, so its n-grams include every minor model's:
        # the one pass that reads a text for the majors also finds its rows in each minor model,
        # through a map from major rows to minor rows (-1 where the minor model lacks the n-gram).
        self._minor_rows: dict[str, np.ndarray | None] = {}
        vocabulary = majors.rows_by_gram
        for major, model in minors.items():
            mapping = np.full(len(majors.rows_by_gram), -1, dtype=np.int32)
            for gram, row in model.rows_by_gram.items():
                if (major_row := vocabulary.get(gram)) is None:
                    mapping = None   # trained apart from the majors: it reads the text itself
                    break
                mapping[major_row] = row
            self._minor_rows[major] = mapping

    @classmethod
    def train(cls, documents: Iterable[tuple[str, str, float]]) -> RoutingModel:
        """``documents``: (text, minor code, weight); a minor code's first two digits are its major."""
        documents = list(documents)
        by_major: dict[str, list] = defaultdict(list)
        for document in documents:
            by_major[document[1][:2]].append(document)
        return cls(NaiveBayes.train((text, minor[:2], w) for text, minor, w in documents),
                   {major: NaiveBayes.train(docs) for major, docs in by_major.items()}, trained_on=len(documents))

    def read(self, folded: str) -> np.ndarray:
        """The text's known n-grams, as rows of the majors' model: read once, used by both levels."""
        return self.majors.known_rows(folded)

    def major_probabilities(self, rows: np.ndarray) -> dict[str, float]:
        return self.majors.probabilities_of(rows)

    def minor_probabilities(self, major: str, folded: str, rows: np.ndarray | None = None) -> dict[str, float]:
        """P(minor | text, major); ``rows`` from ``read`` spare a second pass over the text."""
        model = self.minors.get(major)
        if model is None:
            return {}
        mapping = self._minor_rows.get(major)
        if rows is None or mapping is None:
            return model.probabilities(folded)
        local = mapping.take(rows)
        return model.probabilities_of(local[local >= 0])

    FORMAT = 3   # 1- and 2-gram counts, digit runs folded

    def to_dict(self) -> dict:
        return {"format": self.FORMAT, "majors": self.majors.to_dict(),
                "minors": {m: nb.to_dict() for m, nb in self.minors.items()}, "trained_on": self.trained_on}

    @classmethod
    def from_dict(cls, data: dict) -> RoutingModel:
        if data.get("format") != cls.FORMAT:
            raise ValueError(f"routing model format {data.get('format')!r}, expected {cls.FORMAT}")
        return cls(NaiveBayes.from_dict(data["majors"]),
                   {m: NaiveBayes.from_dict(nb) for m, nb in data["minors"].items()}, data["trained_on"])
