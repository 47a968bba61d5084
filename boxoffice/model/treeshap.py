"""TreeSHAP as LightGBM's ``pred_contrib`` computes it, once per distinct way through each tree.

The drivers of a film with open fields are the mean over the film's 25 comparable copies, so
LightGBM runs TreeSHAP 26 times per film and tree (about 1.5 µs each: 0.5 s for 50 films, most of
a server batch). What TreeSHAP does with a row in one tree depends on the row only through the way
it goes at each split (the "hot" child), so rows that go the same way at every split of a tree get
the same contributions from it. The copies of a film differ in a few fields, so most trees see few
distinct ways: per tree, each row's way is a bit pattern (one bit per split, set when it goes
right), TreeSHAP runs once per distinct pattern, driven by the bits, and its contributions (to the
tree's few features) are added to every row with that pattern.

The algorithm is LightGBM's own (Tree::TreeSHAP, ExtendPath, UnwindPath, UnwoundPathSum, arXiv:1706.06060)
with its cover, the training films per node (``internal_count`` / ``leaf_count``), and the bias column
is the sum of the trees' expected values; so the numbers are LightGBM's up to rounding (about 1e-13).
Splits decide as LightGBM does (as ``boxoffice.model.forest``). A model with something this lacks
(more than 64 splits in a tree, linear trees, zero-as-missing, several trees per iteration) raises
``UnsupportedModel``, and callers ask LightGBM.
"""
from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from boxoffice.model.forest import UnsupportedModel
from boxoffice.model.tree_text import ModelText, read_model

BLOCK_ROWS = 4096
"""Rows whose patterns are grouped together: a film's copies sit side by side, so a block holds them
all; it bounds the memory of the transposed block and the per-pattern contributions."""

_KERNEL_ARRAYS = ("node_start", "feature", "slot", "threshold", "nan_left", "categorical", "word_start", "word_count",
                  "words", "left", "right", "node_count", "leaf_start", "leaf_value", "leaf_count", "feature_start",
                  "tree_features")
"""Per node (feature, its slot among the tree's features, test, children, training films), per leaf (value,
films) and per tree (where its nodes, leaves and features start), in the kernel's order."""
_STARTS = {"node_start": "feature", "leaf_start": "leaf_value", "feature_start": "tree_features"}
_DTYPES = {"threshold": np.float64, "node_count": np.float64, "leaf_value": np.float64, "leaf_count": np.float64,
           "nan_left": bool, "categorical": bool, "words": np.uint32}
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
        lists = {key: [0] if key in _STARTS else [] for key in _KERNEL_ARRAYS}
        bias, depth = 0.0, 0
        for tree in model.trees:
            if tree.is_linear:
                raise UnsupportedModel("linear trees are not supported")
            if tree.num_leaves > 65:
                raise UnsupportedModel(f"a tree has {tree.num_leaves - 1} splits (at most 64 are supported)")
            bias += _expected_value(tree)
            lists["leaf_value"] += tree.leaf_value
            lists["leaf_count"] += tree.leaf_count
            features = sorted(set(tree.split_feature))  # the tree's features, each a slot of its own
            lists["tree_features"] += features
            for node in range(tree.num_leaves - 1):
                _add_node(lists, tree, node, features.index(tree.split_feature[node]))
            for key, of in _STARTS.items():
                lists[key].append(len(lists[of]))
            depth = max(depth, _depth(tree))
        arrays = {key: np.array(values, _DTYPES.get(key, np.int64)) for key, values in lists.items()}
        return cls(len(model.feature_names), bias, arrays | {"max_depth": depth})

    def contributions(self, X) -> np.ndarray:
        """Shape (rows, features + 1), the bias last, for a 2-D float array with the model's feature columns."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"expected {self.n_features} feature columns, got shape {X.shape}")
        out = np.zeros((X.shape[0], self.n_features + 1))
        # a float32 value is exact in double, where LightGBM compares it with the thresholds
        _contributions(np.ascontiguousarray(X, dtype=np.float64), *(self.arrays[k] for k in _KERNEL_ARRAYS),
                       self.arrays["max_depth"], out)
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


def _add_node(lists: dict, tree, node: int, slot: int) -> None:
    decision, threshold = tree.decision_type[node], tree.threshold[node]
    missing = (decision >> 2) & 3  # 0 none, 1 zero, 2 NaN
    if missing == 1:
        raise UnsupportedModel("zero-as-missing splits are not supported")
    lists["feature"].append(tree.split_feature[node])
    lists["slot"].append(slot)
    lists["left"].append(tree.left_child[node])
    lists["right"].append(tree.right_child[node])
    lists["node_count"].append(tree.internal_count[node])
    categorical = bool(decision & 1)
    lists["categorical"].append(categorical)
    if categorical:  # left when the category's bit is set; NaN, negative and huge codes go right
        index = int(threshold)
        words = tree.cat_threshold[tree.cat_boundaries[index]:tree.cat_boundaries[index + 1]]
        lists["threshold"].append(0.0)
        lists["nan_left"].append(False)
        lists["word_start"].append(len(lists["words"]))
        lists["word_count"].append(len(words))
        lists["words"] += words
    else:  # left when x <= threshold; NaN goes the default way, or as 0 without NaN handling
        lists["threshold"].append(threshold)
        lists["nan_left"].append(bool(decision & 2) if missing == 2 else 0.0 <= threshold)
        lists["word_start"].append(0)
        lists["word_count"].append(0)


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
def _contributions(X, node_start, feature, slot, threshold, nan_left, categorical, word_start, word_count, words,
                   left, right, node_count, leaf_start, leaf_value, leaf_count, feature_start, tree_features,
                   max_depth, out):
    n, n_features = X.shape
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
    room = (max_depth + 2) * (max_depth + 3) // 2
    path_slot, path_zero = np.empty(room, np.int64), np.empty(room, np.float64)
    path_one, path_weight = np.empty(room, np.float64), np.empty(room, np.float64)
    stack = np.empty((2 * max_depth + 4, 3), np.int64)  # node, unique depth, parent's path start
    fractions = np.empty((2 * max_depth + 4, 2), np.float64)  # zero and one fraction of the parent's split
    stack_slot = np.empty(2 * max_depth + 4, np.int64)
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
            for g in range(n_groups):
                _tree_shap(distinct[g], start, slot, left, right, node_count, leaf_start[t], leaf_value, leaf_count,
                           phi[g], path_slot, path_zero, path_one, path_weight, stack, fractions, stack_slot, ratio)
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
def _tree_shap(pattern, start, slot, left, right, node_count, leaf_base, leaf_value, leaf_count, phi,
               path_slot, path_zero, path_one, path_weight, stack, fractions, stack_slot, ratio):
    """LightGBM's recursive Tree::TreeSHAP for one tree, with an explicit stack (the hot child first), for
    the rows whose pattern is ``pattern``: phi[slot of a feature] += its contribution."""
    top = 0
    stack[0, 0], stack[0, 1], stack[0, 2] = 0, 0, 0
    fractions[0, 0], fractions[0, 1], stack_slot[0] = 1.0, 1.0, -1
    while top >= 0:
        node, depth, parent = stack[top, 0], stack[top, 1], stack[top, 2]
        zero, one, split = fractions[top, 0], fractions[top, 1], stack_slot[top]
        top -= 1
        here = parent + depth  # this node's path: a copy of its parent's, extended
        for i in range(depth):
            path_slot[here + i], path_zero[here + i] = path_slot[parent + i], path_zero[parent + i]
            path_one[here + i], path_weight[here + i] = path_one[parent + i], path_weight[parent + i]
        _extend(path_slot, path_zero, path_one, path_weight, here, depth, zero, one, split, ratio)
        if node < 0:
            value = leaf_value[leaf_base + ~node]
            for i in range(1, depth + 1):
                w = _unwound_sum(path_zero, path_one, path_weight, here, depth, i, ratio)
                phi[path_slot[here + i]] += w * (path_one[here + i] - path_zero[here + i]) * value
            continue
        k = start + node
        if (pattern >> np.uint64(node)) & np.uint64(1):
            hot, cold = right[k], left[k]
        else:
            hot, cold = left[k], right[k]
        w = node_count[k]
        hot_zero = (node_count[start + hot] if hot >= 0 else leaf_count[leaf_base + ~hot]) / w
        cold_zero = (node_count[start + cold] if cold >= 0 else leaf_count[leaf_base + ~cold]) / w
        incoming_zero, incoming_one = 1.0, 1.0
        s = slot[k]
        index = 0
        while index <= depth and path_slot[here + index] != s:
            index += 1
        if index <= depth:  # split on this feature before: undo that, to redo it here
            incoming_zero, incoming_one = path_zero[here + index], path_one[here + index]
            _unwind(path_slot, path_zero, path_one, path_weight, here, depth, index, ratio)
            depth -= 1
        top += 1
        stack[top, 0], stack[top, 1], stack[top, 2] = cold, depth + 1, here
        fractions[top, 0], fractions[top, 1], stack_slot[top] = cold_zero * incoming_zero, 0.0, s
        top += 1
        stack[top, 0], stack[top, 1], stack[top, 2] = hot, depth + 1, here
        fractions[top, 0], fractions[top, 1], stack_slot[top] = hot_zero * incoming_zero, incoming_one, s


@numba.njit(nogil=True, cache=True, inline="always")
def _extend(path_slot, path_zero, path_one, path_weight, here, depth, zero, one, split, ratio):
    path_slot[here + depth], path_zero[here + depth], path_one[here + depth] = split, zero, one
    path_weight[here + depth] = 1.0 if depth == 0 else 0.0
    for i in range(depth - 1, -1, -1):
        path_weight[here + i + 1] += one * path_weight[here + i] * ratio[depth, i, 0]
        path_weight[here + i] = zero * path_weight[here + i] * ratio[depth, i, 1]


@numba.njit(nogil=True, cache=True, inline="always")
def _unwind(path_slot, path_zero, path_one, path_weight, here, depth, index, ratio):
    one, zero = path_one[here + index], path_zero[here + index]
    next_one = path_weight[here + depth]
    for i in range(depth - 1, -1, -1):
        if one != 0:
            kept = path_weight[here + i]
            path_weight[here + i] = next_one * ratio[depth, i, 2]
            next_one = kept - path_weight[here + i] * zero * ratio[depth, i, 1]
        else:
            path_weight[here + i] = path_weight[here + i] * ratio[depth, i, 3] / zero
    for i in range(index, depth):
        path_slot[here + i], path_zero[here + i] = path_slot[here + i + 1], path_zero[here + i + 1]
        path_one[here + i] = path_one[here + i + 1]


@numba.njit(nogil=True, cache=True, inline="always")
def _unwound_sum(path_zero, path_one, path_weight, here, depth, index, ratio):
    one, zero = path_one[here + index], path_zero[here + index]
    next_one = path_weight[here + depth]
    total = 0.0
    if one != 0:
        for i in range(depth - 1, -1, -1):
            part = next_one * ratio[depth, i, 2]
            total += part
            next_one = path_weight[here + i] - part * zero * ratio[depth, i, 1]
    else:
        for i in range(depth - 1, -1, -1):
            total += path_weight[here + i] * ratio[depth, i, 3]
        total /= zero
    return total
