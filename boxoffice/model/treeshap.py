"""TreeSHAP as LightGBM's ``pred_contrib`` computes it, once per distinct way through each tree.

The drivers of a film with open fields are the mean over the film's 25 comparable copies, so
LightGBM runs TreeSHAP 26 times per film and tree (about 1.5 µs each: 0.5 s for 50 films, most of
a server batch). What TreeSHAP does with a row in one tree depends on the row only through the way
it goes at each split (the "hot" child), so rows that go the same way at every split of a tree get
the same contributions from it. The copies of a film differ in a few fields, so most trees see few
distinct ways: per tree, each row's way is a bit pattern (one bit per split, set when it goes
right), contributions are found once per distinct pattern, and added to every row with it.

Per pattern, each leaf adds LightGBM's leaf term (Tree::TreeSHAP at a leaf: UnwoundPathSum over the
path's features, arXiv:1706.06060). That term depends on the pattern only through which of the
features on the leaf's path the pattern follows all the way (the "one" fractions); the "zero"
fractions are the training films per node (``internal_count`` / ``leaf_count``), fixed. So each leaf's
path is built once (each feature last where it last splits, as TreeSHAP's UnwindPath leaves it, by
ExtendPath), and its term is kept per set of followed features: patterns share most of them. The
bias column is the sum of the trees' expected values; the numbers are LightGBM's up to rounding
(about 1e-14). Splits decide as LightGBM does (``boxoffice.model.forest.split_test``). A model with
something this lacks (more than 64 splits in a tree, linear trees, zero-as-missing, several trees per
iteration, a leaf without training films) raises ``UnsupportedModel``, and callers ask LightGBM.
"""
from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from boxoffice.model.forest import UnsupportedModel, split_test
from boxoffice.model.tree_text import ModelText, read_model

BLOCK_ROWS = 4096
"""Rows whose patterns are grouped together: a film's copies sit side by side, so a block holds them
all; it bounds the memory of the transposed block and the per-pattern contributions."""

CACHED_FEATURES = 10
"""A leaf keeps its term per set of followed features (2^n of them) when its path has at most this many
features; a deeper one computes it each time."""

_KERNEL_ARRAYS = ("node_start", "feature", "threshold", "nan_left", "categorical", "word_start", "word_count", "words",
                  "leaf_start", "leaf_value", "leaf_ways", "element_start", "cache_start", "value_start",
                  "element_slot", "element_zero", "element_mask", "feature_start", "tree_features", "sizes")
"""Per node (feature, test), per leaf (value, the way to it as pattern bits, its path's features, where
its kept terms go), per path feature (slot among the tree's features, zero fraction, its nodes on the
path as pattern bits), per tree (where its nodes, leaves and features start), in the kernel's order."""
_STARTS = {"node_start": "feature", "leaf_start": "leaf_value", "feature_start": "tree_features"}
_DTYPES = {"threshold": np.float64, "leaf_value": np.float64, "element_zero": np.float64, "nan_left": bool,
           "categorical": bool, "words": np.uint32, "leaf_ways": np.uint64, "element_mask": np.uint64}
"""Types of the arrays that are not int64."""


@dataclass(frozen=True)
class TreeShap:
    """One LightGBM model's trees as flat arrays: ``contributions(X)`` is its ``pred_contrib``."""

    n_features: int
    bias: float
    """The sum of the trees' expected values (the leaves weighted by their training films)."""
    arrays: dict

    @classmethod
    def from_model_text(cls, text: str) -> "TreeShap":
        """From a LightGBM model string (``Booster.model_to_string()`` or a stored file)."""
        return cls.from_model(read_model(text))

    @classmethod
    def from_model(cls, model: ModelText) -> "TreeShap":
        """From a model read by ``boxoffice.model.tree_text.read_model``."""
        if model.num_tree_per_iteration != 1 or model.average_output:
            raise UnsupportedModel("multi-class and random-forest models are not supported")
        lists = {key: [0] if key in _STARTS or key == "element_start" else [] for key in _KERNEL_ARRAYS}
        bias, depth = 0.0, 0
        entries, values = 0, 0  # the most terms and values one tree keeps
        for tree in model.trees:
            if tree.is_linear:
                raise UnsupportedModel("linear trees are not supported")
            if tree.num_leaves > 65:
                raise UnsupportedModel(f"a tree has {tree.num_leaves - 1} splits (at most 64 are supported)")
            if tree.num_leaves > 1 and min(tree.leaf_count) == 0:  # LightGBM would divide by zero
                raise UnsupportedModel("a leaf has no training films")
            bias += _expected_value(tree)
            lists["leaf_value"] += tree.leaf_value
            features = sorted(set(tree.split_feature))  # the tree's features, each a slot of its own
            lists["tree_features"] += features
            for node in range(tree.num_leaves - 1):
                _add_node(lists, tree, node)
            tree_entries, tree_values = _add_leaves(lists, tree, features)
            entries, values = max(entries, tree_entries), max(values, tree_values)
            for key, of in _STARTS.items():
                lists[key].append(len(lists[of]))
            depth = max(depth, _depth(tree))
        lists["sizes"] = [depth, entries, values]
        arrays = {key: np.array(items, _DTYPES.get(key, np.int64)) for key, items in lists.items()}
        return cls(len(model.feature_names), bias, arrays)

    def contributions(self, X) -> np.ndarray:
        """Shape (rows, features + 1), the bias last, for a 2-D float array with the model's feature columns."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"expected {self.n_features} feature columns, got shape {X.shape}")
        out = np.zeros((X.shape[0], self.n_features + 1))
        # a float32 value is exact in double, where LightGBM compares it with the thresholds
        _contributions(np.ascontiguousarray(X, dtype=np.float64), *(self.arrays[k] for k in _KERNEL_ARRAYS), out)
        out[:, -1] = self.bias
        return out


def _expected_value(tree) -> float:
    """LightGBM's Tree::ExpectedValue: the leaves weighted by their share of the training films."""
    if tree.num_leaves == 1:
        return tree.leaf_value[0]
    total, value = float(tree.internal_count[0]), 0.0
    for count, leaf in zip(tree.leaf_count, tree.leaf_value):
        value += (count / total) * leaf
    return value


def _add_node(lists: dict, tree, node: int) -> None:
    categorical, threshold, nan_left, words = split_test(tree, node)
    lists["feature"].append(tree.split_feature[node])
    lists["categorical"].append(categorical)
    lists["threshold"].append(threshold)
    lists["nan_left"].append(nan_left)
    lists["word_start"].append(len(lists["words"]) if categorical else 0)
    lists["word_count"].append(len(words))
    lists["words"] += words


def _add_leaves(lists: dict, tree, features: list) -> tuple[int, int]:
    """Each leaf's way (bits of the splits where it goes right) and path features in TreeSHAP's order at the
    leaf: a feature split again moves to the end, its zero fraction the product of its splits' shares of
    the films. Returns how many terms and values the tree keeps."""
    ways, paths = [0] * tree.num_leaves, [{} for _ in range(tree.num_leaves)]
    stack = [(0, 0, {})] if tree.num_leaves > 1 else []
    while stack:
        node, way, path = stack.pop()
        if node < 0:
            ways[~node], paths[~node] = way, path
            continue
        films = tree.internal_count[node]
        for right, child in ((0, tree.left_child[node]), (1, tree.right_child[node])):
            share = (tree.internal_count[child] if child >= 0 else tree.leaf_count[~child]) / films
            extended = dict(path)
            zero, mask = extended.pop(tree.split_feature[node], (1.0, 0))
            extended[tree.split_feature[node]] = (share * zero, mask | 1 << node)
            stack.append((child, way | right << node, extended))
    entries = values = 0
    for way, path in zip(ways, paths):
        lists["leaf_ways"].append(way)
        kept = len(path) <= CACHED_FEATURES
        lists["cache_start"].append(entries if kept else -1)
        lists["value_start"].append(values if kept else -1)
        entries, values = (entries + 2 ** len(path), values + 2 ** len(path) * len(path)) if kept else (entries, values)
        for feature, (zero, mask) in path.items():
            lists["element_slot"].append(features.index(feature))
            lists["element_zero"].append(zero)
            lists["element_mask"].append(mask)
        lists["element_start"].append(len(lists["element_slot"]))
    return entries, values


def _depth(tree) -> int:
    """The deepest leaf's number of splits above it."""
    deepest, stack = 0, [(0, 0)] if tree.num_leaves > 1 else []
    while stack:
        node, depth = stack.pop()
        if node < 0:
            deepest = max(deepest, depth)
        else:
            stack += [(tree.left_child[node], depth + 1), (tree.right_child[node], depth + 1)]
    return deepest


@numba.njit(nogil=True, cache=True)
def _contributions(X, node_start, feature, threshold, nan_left, categorical, word_start, word_count, words,
                   leaf_start, leaf_value, leaf_ways, element_start, cache_start, value_start, element_slot,
                   element_zero, element_mask, feature_start, tree_features, sizes, out):
    n, n_features = X.shape
    max_depth, entries, values = sizes[0], sizes[1], sizes[2]
    block = np.empty((n_features, BLOCK_ROWS), np.float64)  # transposed: one feature's rows are contiguous
    patterns = np.empty(BLOCK_ROWS, np.uint64)
    group = np.empty(BLOCK_ROWS, np.int64)
    distinct = np.empty(BLOCK_ROWS, np.uint64)
    bits = 1
    while (1 << bits) < 2 * min(n, BLOCK_ROWS):
        bits += 1
    table = np.empty(1 << bits, np.int64)  # open addressing: pattern hash -> its group
    widest = 1
    for t in range(node_start.shape[0] - 1):
        widest = max(widest, feature_start[t + 1] - feature_start[t])
    phi = np.zeros((BLOCK_ROWS, widest), np.float64)
    known = np.zeros(max(entries, 1), np.bool_)  # per leaf and set of followed features: its term is kept
    touched = np.empty(max(entries, 1), np.int64)  # which, to forget them after the tree (cheaper than all)
    kept = np.empty(max(values, 1), np.float64)
    term = np.empty(max_depth + 1, np.float64)
    path_zero, path_one = np.empty(max_depth + 1, np.float64), np.empty(max_depth + 1, np.float64)
    path_weight = np.empty(max_depth + 1, np.float64)  # one element per feature on a leaf's path, the root's first
    ratio = np.zeros((max_depth + 2, max_depth + 2, 4), np.float64)  # LightGBM's factors of unique depth d and i
    for d in range(max_depth + 2):
        for i in range(d):
            ratio[d, i, 0], ratio[d, i, 1] = (i + 1) / (d + 1), (d - i) / (d + 1)
            ratio[d, i, 2], ratio[d, i, 3] = (d + 1) / (i + 1), (d + 1) / (d - i)
    for first in range(0, n, BLOCK_ROWS):
        rows = min(BLOCK_ROWS, n - first)
        for r in range(rows):
            for f in range(n_features):
                block[f, r] = X[first + r, f]
        for t in range(node_start.shape[0] - 1):
            start, stop = node_start[t], node_start[t + 1]
            if stop == start:
                continue  # one leaf: all of it is the bias
            patterns[:rows] = 0
            for k in range(start, stop):
                f, bit = feature[k], np.uint64(1) << np.uint64(k - start)
                if categorical[k]:
                    w0, count = word_start[k], word_count[k]
                    for r in range(rows):
                        x = block[f, r]
                        code = np.int64(x) if (x > -1.0 and x < 2147483647.0) else -1
                        inside = code >= 0 and code < count * 32 and ((words[w0 + (code >> 5)] >> (code & 31)) & 1) != 0
                        if not inside:
                            patterns[r] |= bit
                else:
                    limit = threshold[k]
                    if nan_left[k]:  # x > t is false for NaN
                        for r in range(rows):
                            patterns[r] |= bit if block[f, r] > limit else np.uint64(0)
                    else:  # not (x <= t) holds for NaN too
                        for r in range(rows):
                            patterns[r] |= np.uint64(0) if block[f, r] <= limit else bit
            n_groups = _group(patterns, rows, table, bits, group, distinct)
            width = feature_start[t + 1] - feature_start[t]
            phi[:n_groups, :width] = 0.0
            n_touched = 0
            for g in range(n_groups):
                pattern = distinct[g]
                for leaf in range(leaf_start[t], leaf_start[t + 1]):
                    e0, e1 = element_start[leaf], element_start[leaf + 1]
                    apart, followed = pattern ^ leaf_ways[leaf], 0
                    for e in range(e0, e1):  # the pattern follows a feature: the same way at all its splits here
                        if (apart & element_mask[e]) == 0:
                            followed |= 1 << (e - e0)
                    if cache_start[leaf] >= 0:
                        at = value_start[leaf] + followed * (e1 - e0)
                        entry = cache_start[leaf] + followed
                        if not known[entry]:
                            _leaf_term(leaf_value[leaf], element_zero, e0, e1, followed, ratio, path_zero, path_one,
                                       path_weight, kept[at:at + e1 - e0])
                            known[entry] = True
                            touched[n_touched] = entry
                            n_touched += 1
                        for e in range(e0, e1):
                            phi[g, element_slot[e]] += kept[at + e - e0]
                    else:
                        _leaf_term(leaf_value[leaf], element_zero, e0, e1, followed, ratio, path_zero, path_one,
                                   path_weight, term)
                        for e in range(e0, e1):
                            phi[g, element_slot[e]] += term[e - e0]
            for i in range(n_touched):
                known[touched[i]] = False
            base = feature_start[t]
            for r in range(rows):
                g = group[r]
                for j in range(width):
                    out[first + r, tree_features[base + j]] += phi[g, j]


@numba.njit(nogil=True, cache=True)
def _group(patterns, rows, table, bits, group, distinct):
    """Number each row's pattern by first appearance (``group``), the patterns in that order in ``distinct``."""
    table[:] = -1
    mask, shift = (1 << bits) - 1, np.uint64(64 - bits)
    n_groups = 0
    for r in range(rows):
        p = patterns[r]
        h = np.int64((p * np.uint64(0x9E3779B97F4A7C15)) >> shift)
        while table[h] >= 0 and distinct[table[h]] != p:
            h = (h + 1) & mask
        if table[h] < 0:
            table[h] = n_groups
            distinct[n_groups] = p
            n_groups += 1
        group[r] = table[h]
    return n_groups


@numba.njit(nogil=True, cache=True, inline="always")
def _leaf_term(value, element_zero, e0, e1, followed, ratio, path_zero, path_one, path_weight, term):
    """What Tree::TreeSHAP adds at a leaf for each feature of its path, the features in ``followed`` with
    a one fraction of 1 (the others 0): the path extended feature by feature, then unwound sums."""
    _extend(path_zero, path_one, path_weight, 0, 1.0, 1.0, ratio)  # the root's element, of no feature
    for e in range(e0, e1):
        _extend(path_zero, path_one, path_weight, e - e0 + 1, element_zero[e], float((followed >> (e - e0)) & 1), ratio)
    depth = e1 - e0
    for i in range(1, depth + 1):
        w = _unwound_sum(path_zero, path_one, path_weight, depth, i, ratio)
        term[i - 1] = w * (path_one[i] - path_zero[i]) * value


@numba.njit(nogil=True, cache=True, inline="always")
def _extend(path_zero, path_one, path_weight, depth, zero, one, ratio):
    """LightGBM's ExtendPath, its divisions by whole numbers taken from ``ratio``."""
    path_zero[depth], path_one[depth] = zero, one
    path_weight[depth] = 1.0 if depth == 0 else 0.0
    for i in range(depth - 1, -1, -1):
        path_weight[i + 1] += one * path_weight[i] * ratio[depth, i, 0]
        path_weight[i] = zero * path_weight[i] * ratio[depth, i, 1]


@numba.njit(nogil=True, cache=True, inline="always")
def _unwound_sum(path_zero, path_one, path_weight, depth, index, ratio):
    """LightGBM's UnwoundPathSum for a one fraction of 1 or 0 (the only ones TreeSHAP makes)."""
    zero = path_zero[index]
    next_one = path_weight[depth]
    total = 0.0
    if path_one[index] != 0:
        for i in range(depth - 1, -1, -1):
            part = next_one * ratio[depth, i, 2]
            total += part
            next_one = path_weight[i] - part * zero * ratio[depth, i, 1]
    else:
        for i in range(depth - 1, -1, -1):
            total += path_weight[i] * ratio[depth, i, 3]
        total /= zero
    return total
