"""Forest: LightGBM models as flat arrays, for fast batch prediction.

LightGBM walks each tree node by node, and on a wide batch nearly every node
costs a mispredicted branch: about 1 s per 100,000 films per model here. A
Forest reads the models' own text format (the same files the store keeps) into
arrays and scores a block of films at once, QuickScorer-style (Lucchese et al.,
SIGIR 2015): each node whose test sends a film right clears the leaves of its
left subtree from that film's bitmask, and the leftmost leaf left is where the
film lands. The inner loops have no data-dependent branches (each row's mask is ANDed with a
selected word, never stored under an ``if``), so numba vectorises them: a conditional store kept
them scalar and cost 3x. Likewise a one-word category set is tested by ANDing each film's code as
a bit (a shift by each film's own code kept that loop scalar: 0.06 s of a 0.2 s forest), and with
up to 32 leaves the landing leaf is read from the exponent of its bit as a float32, not a
table lookup (0.01 s more). Results are LightGBM's bit
for bit: the same leaf, summed in the same tree order (a test checks this).

Only what the toolkit trains is supported (regression-type objectives, up to 64
leaves per tree, no linear trees, no zero-as-missing); anything else raises
``UnsupportedModel`` and callers fall back to LightGBM.
"""
from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from boxoffice.compiled import run_parts
from boxoffice.model.tree_text import Tree, read_model

BLOCK_ROWS = 256
"""Films scored together: large enough to vectorise, small enough for the block to stay in cache."""

_IDENTITY_OBJECTIVES = ("regression", "regression_l1", "quantile", "huber", "fair", "mape", "")
"""Objectives whose prediction is the plain sum of leaf values (no link function); a custom one (no
objective in the text: the monotone quantiles of ``boxoffice.model.revenue``) is the raw sum too."""

_DEBRUIJN = {  # index of the lowest set bit: de Bruijn multiplier, shift and table, per mask width
    32: (0x077CB531, 27, [0, 1, 28, 2, 29, 14, 24, 3, 30, 22, 20, 15, 25, 17, 4, 8,
                          31, 27, 13, 23, 21, 19, 16, 7, 26, 12, 18, 6, 11, 5, 10, 9]),
    64: (0x03F79D71B4CB0A89, 58, [0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4,
                                  62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
                                  63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
                                  46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6]),
}


class UnsupportedModel(Exception):
    """The model uses a LightGBM feature the Forest does not reproduce exactly."""


@dataclass(frozen=True)
class Forest:
    """Several LightGBM models over the same features, scored together: ``predict(X)`` has one column per model."""

    n_features: int
    n_outputs: int
    arrays: dict
    """Flat node, tree and leaf arrays (see ``from_model_texts``)."""

    @classmethod
    def from_model_texts(cls, texts) -> "Forest":
        """Build from LightGBM model strings (``Booster.model_to_string()`` or the stored files)."""
        return cls.from_models([read_model(text) for text in texts])

    @classmethod
    def from_models(cls, models) -> "Forest":
        """Build from models already read by ``boxoffice.model.tree_text.read_model``."""
        nodes = _Nodes()
        widths = {len(m.feature_names) for m in models}
        if len(widths) != 1:
            raise UnsupportedModel("the models do not share one feature list")
        for output, model in enumerate(models):
            if model.objective not in _IDENTITY_OBJECTIVES:
                raise UnsupportedModel(f"objective {model.objective or 'unknown'!r} has a link function")
            if model.num_tree_per_iteration != 1 or model.average_output:
                raise UnsupportedModel("multi-class and random-forest models are not supported")
            for tree in model.trees:
                nodes.add_tree(tree, output)
        (width,) = widths
        return cls(width, len(models), nodes.arrays(width))

    def predict(self, X) -> np.ndarray:
        """Raw scores, shape (rows, models), for a 2-D float array with the models' feature columns."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"expected {self.n_features} feature columns, got shape {X.shape}")
        # LightGBM compares in double precision; float32 inputs keep float32 thresholds rounded down,
        # which decides every comparison the same way (x > t exactly when x > the float32 just below t)
        if X.dtype == np.float32:
            thresholds = self.arrays["thresholds32"]
        else:
            X, thresholds = X.astype(np.float64, copy=False), self.arrays["thresholds64"]
        a = self.arrays
        # column-major, as the features' own block is (read as it is: a copy of 10,000 open variants'
        # 250,000 rows cost 0.1 s a model), and one layout, so numba compiles and caches one kernel
        X = np.asfortranarray(X)
        out = np.zeros((X.shape[0], self.n_outputs))
        arrays = (a["node_start"], a["feature"], thresholds, a["mask"], a["nan_right"], a["categorical"],
                  a["word_start"], a["word_count"], a["words"], a["cat_features"], a["cat_slot"], a["initial"],
                  a["leaf_start"], a["leaf_values"], a["output"], a["lowest_bit"], a["bit_constants"])
        run_parts(lambda part: _score(X, part.start, part.stop, *arrays, out), X.shape[0], PARALLEL_ROWS, BLOCK_ROWS)
        return out


PARALLEL_ROWS = 16 * BLOCK_ROWS
"""Below this many rows a batch is scored on one core (threads cost more than they save)."""


def split_test(tree: Tree, node: int) -> tuple[bool, float, bool, tuple[int, ...]]:
    """How LightGBM sends a film at ``node``: (categorical, threshold, NaN goes left, category bitset words).
    Numerical: left when x <= threshold; NaN goes the default way, or as 0 without NaN handling.
    Categorical: left when the category's bit is set; NaN, negative and huge codes never are."""
    decision, threshold = tree.decision_type[node], tree.threshold[node]
    missing = (decision >> 2) & 3  # 0 none, 1 zero, 2 NaN
    if missing == 1:
        raise UnsupportedModel("zero-as-missing splits are not supported")
    if decision & 1:
        index = int(threshold)
        return True, 0.0, False, tree.cat_threshold[tree.cat_boundaries[index]:tree.cat_boundaries[index + 1]]
    return False, threshold, bool(decision & 2) if missing == 2 else 0.0 <= threshold, ()


class _Nodes:
    """Accumulates trees into flat lists, leaves numbered left to right within each tree."""

    def __init__(self):
        self.node_start, self.feature, self.threshold, self.mask, self.nan_right = [0], [], [], [], []
        self.categorical, self.word_start, self.word_count, self.words = [], [], [], []
        self.initial, self.leaf_start, self.leaf_values, self.output = [], [], [], []

    def add_tree(self, tree: Tree, output: int) -> None:
        n_leaves = tree.num_leaves
        if n_leaves > 64:
            raise UnsupportedModel(f"a tree has {n_leaves} leaves (at most 64 are supported)")
        if tree.is_linear:
            raise UnsupportedModel("linear trees are not supported")
        self.output.append(output)
        self.leaf_start.append(len(self.leaf_values))
        if n_leaves == 1:
            self.leaf_values.append(tree.leaf_value[0])
            self.initial.append(1)
            self.node_start.append(len(self.feature))
            return
        order, span = tree.leaf_order()  # a node's left subtree is a run of leaves [start, stop)
        self.leaf_values += [tree.leaf_value[leaf] for leaf in order]
        self.initial.append((1 << n_leaves) - 1)
        for node in range(n_leaves - 1):
            start, stop = span[node]
            self.mask.append(((1 << 64) - 1) ^ ((1 << stop) - (1 << start)))
            self.feature.append(tree.split_feature[node])
            categorical, threshold, nan_left, words = split_test(tree, node)
            self.categorical.append(categorical)
            self.threshold.append(threshold)
            self.nan_right.append(not nan_left)
            self.word_start.append(len(self.words) if categorical else 0)
            self.word_count.append(len(words))
            self.words += words
        self.node_start.append(len(self.feature))

    def arrays(self, n_features: int) -> dict:
        wide = max(self.initial).bit_length() > 32
        bits = 64 if wide else 32
        mask_type = np.uint64 if wide else np.uint32
        multiplier, shift, table = _DEBRUIJN[bits]
        thresholds64 = np.array(self.threshold, np.float64)
        thresholds32 = thresholds64.astype(np.float32)
        above = thresholds32.astype(np.float64) > thresholds64
        thresholds32[above] = np.nextafter(thresholds32[above], np.float32(-np.inf))
        categorical = np.array(self.categorical, bool)
        feature = np.array(self.feature, np.int64)
        cat_features = np.unique(feature[categorical]).astype(np.int64)
        cat_slot = np.full(n_features, -1, np.int64)
        cat_slot[cat_features] = np.arange(len(cat_features))
        low = (1 << bits) - 1
        return {
            "node_start": np.array(self.node_start, np.int64), "feature": feature,
            "thresholds64": thresholds64, "thresholds32": thresholds32,
            "mask": np.array([m & low for m in self.mask], mask_type), "nan_right": np.array(self.nan_right, bool),
            "categorical": categorical, "word_start": np.array(self.word_start, np.int64),
            "word_count": np.array(self.word_count, np.int64), "words": np.array(self.words, np.uint32),
            "cat_features": cat_features, "cat_slot": cat_slot,
            "initial": np.array(self.initial, mask_type), "leaf_start": np.array(self.leaf_start, np.int64),
            "leaf_values": np.array(self.leaf_values, np.float64), "output": np.array(self.output, np.int64),
            "lowest_bit": np.array(table, np.int64), "bit_constants": np.array([1, multiplier, shift, low], mask_type),
        }


@numba.njit(nogil=True, cache=True)
def _score(X, start, stop, node_start, feature, thresholds, mask, nan_right, categorical, word_start, word_count,
           words, cat_features, cat_slot, initial, leaf_start, leaf_values, output, lowest_bit, bit_constants, out):
    n_features = X.shape[1]
    one, multiplier, shift, low = bit_constants[0], bit_constants[1], bit_constants[2], bit_constants[3]
    block = np.empty((n_features, BLOCK_ROWS), X.dtype)  # the block transposed: one feature's rows are contiguous
    codes = np.empty((cat_features.shape[0], BLOCK_ROWS), np.uint32)
    bit = np.empty((cat_features.shape[0], BLOCK_ROWS), np.uint32)
    leaves = np.empty(BLOCK_ROWS, initial.dtype)
    sums = np.empty((out.shape[1], BLOCK_ROWS), np.float64)
    lowest = np.empty(BLOCK_ROWS, np.float32)
    exponent = lowest.view(np.int32)
    narrow = initial.itemsize == 4
    for first in range(start, stop, BLOCK_ROWS):  # rows start..stop-1 of X and of out
        rows = min(BLOCK_ROWS, stop - first)
        for f in range(n_features):  # feature by feature: the features' matrix is column-major
            for r in range(BLOCK_ROWS):
                block[f, r] = X[first + r, f] if r < rows else 0.0
        # category codes as LightGBM reads them: truncated to int; NaN, negative or huge never in a set
        for j in range(cat_features.shape[0]):
            for r in range(BLOCK_ROWS):
                x = block[cat_features[j], r]
                codes[j, r] = np.uint32(np.int64(x)) if (x > -1.0 and x < 2147483647.0) else np.uint32(4294967295)
            for r in range(BLOCK_ROWS):  # the code as a bit of one word: a one-word set is tested by one AND
                c = codes[j, r]
                bit[j, r] = np.uint32(1) << (c & np.uint32(31)) if c < 32 else np.uint32(0)
        sums[:] = 0.0
        for t in range(initial.shape[0]):
            leaves[:] = initial[t]
            for k in range(node_start[t], node_start[t + 1]):
                f, m = feature[k], mask[k]
                if categorical[k]:
                    start, count, slot = word_start[k], word_count[k], cat_slot[f]
                    if count == 1:  # up to 32 categories: one word, no gather
                        word = words[start]
                        for r in range(BLOCK_ROWS):
                            leaves[r] &= low if (bit[slot, r] & word) != 0 else m
                    else:
                        for r in range(BLOCK_ROWS):
                            c = codes[slot, r]
                            if c >= count * 32 or ((words[start + (c >> 5)] >> (c & 31)) & 1) == 0:
                                leaves[r] &= m
                else:
                    threshold = thresholds[k]
                    if nan_right[k]:  # not (x <= t) holds for NaN too
                        for r in range(BLOCK_ROWS):
                            leaves[r] &= low if block[f, r] <= threshold else m
                    else:
                        for r in range(BLOCK_ROWS):
                            leaves[r] &= m if block[f, r] > threshold else low
            o, base = output[t], leaf_start[t]
            if narrow:  # the lowest set bit as a float32's exponent (its sign bit is the 32nd leaf's)
                for r in range(BLOCK_ROWS):
                    v = leaves[r]
                    lowest[r] = np.float32(np.int32(v & (~v + one)))
                for r in range(BLOCK_ROWS):
                    sums[o, r] += leaf_values[base + ((exponent[r] >> 23) & 255) - 127]
            else:
                for r in range(BLOCK_ROWS):
                    v = leaves[r]
                    sums[o, r] += leaf_values[base + lowest_bit[(((v & (~v + one)) * multiplier) & low) >> shift]]
        for r in range(rows):
            for o in range(out.shape[1]):
                out[first + r, o] = sums[o, r]

