"""LightGBM's text model format, read and checked as data.

LightGBM trusts its model files: a child index out of range or a cycle in a
tree makes it read outside its arrays. Stored models are checked here first,
tree by tree, so a damaged or tampered file is refused with a message instead
of crashing or mispredicting; ``boxoffice.model.forest`` scores from the same parse.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Tree:
    num_leaves: int
    split_feature: tuple[int, ...]
    threshold: tuple[float, ...]
    decision_type: tuple[int, ...]
    left_child: tuple[int, ...]
    right_child: tuple[int, ...]
    leaf_value: tuple[float, ...]
    cat_boundaries: tuple[int, ...]
    cat_threshold: tuple[int, ...]
    is_linear: bool
    leaf_count: tuple[int, ...]
    """Training films in each leaf (after bagging): TreeSHAP's cover, as LightGBM uses it."""
    internal_count: tuple[int, ...]
    """Training films through each internal node: its children's counts added up."""

    def leaf_order(self) -> tuple[list[int], dict[int, tuple[int, int]]]:
        """Leaves left to right, and per internal node the run [start, stop) of its left subtree's leaves."""
        order, span, stack = [], {}, [(0, False)]
        while stack:
            node, done = stack.pop()
            if node < 0:
                order.append(~node)
            elif done:
                span[node] = (span[node], len(order))
            else:
                span[node] = len(order)
                stack += [(self.right_child[node], False), (node, True), (self.left_child[node], False)]
        return order, span


@dataclass(frozen=True)
class ModelText:
    objective: str
    feature_names: tuple[str, ...]
    num_tree_per_iteration: int
    average_output: bool
    trees: tuple[Tree, ...]


_TREE_SIZES = re.compile(r"^tree_sizes=[0-9 ]*\n", re.M)


def safe_model_text(text: str) -> str:
    """A stored model text checked whole, made safe for LightGBM's own parser (``ValueError`` if not).

    LightGBM reads past the end of a cut text (a segfault) and, trusting ``tree_sizes``,
    parses trees in threads where a bad one aborts the process; without that line it parses
    them in order and a bad tree raises an error instead. Same trees, same forecasts.
    """
    if not text.startswith("tree\n"):
        raise ValueError("not a LightGBM model")
    if "\nend of trees" not in text:
        raise ValueError("the model text is cut short")
    return _TREE_SIZES.sub("", text, count=1)


def read_model(text: str) -> ModelText:
    """Parse and check a model text; ``ValueError`` names the first problem (and the tree)."""
    header, blocks = _split(text)
    try:
        width = int(header["max_feature_idx"]) + 1
        names = tuple(header.get("feature_names", "").split())
        per_iteration = int(header.get("num_tree_per_iteration", "1"))
    except (KeyError, ValueError):
        raise ValueError("the model header lacks max_feature_idx or has a malformed number") from None
    if width < 1 or len(names) != width:
        raise ValueError(f"the header lists {len(names)} feature names for {width} features")
    if not blocks:
        raise ValueError("the model has no trees")
    trees = tuple(_tree(block, width, i) for i, block in enumerate(blocks))
    return ModelText(header.get("objective", "").split(" ")[0], names, per_iteration, "average_output" in header, trees)


def feature_ranges(text: str) -> dict[str, tuple[float, float]]:
    """Each numeric feature's [min, max] over the data the trees were grown on, as LightGBM records it
    in the model's header (``feature_infos``); constant and categorical features are left out."""
    names, infos = [], []
    end = text.find("\nTree=")
    for line in (text if end < 0 else text[:end]).splitlines():
        if line.startswith("feature_names="):
            names = line.split("=", 1)[1].split()
        elif line.startswith("feature_infos="):
            infos = line.split("=", 1)[1].split()
    out = {}
    for name, info in zip(names, infos):
        if info.startswith("[") and info.endswith("]") and ":" in info:
            lo, hi = info[1:-1].split(":", 1)
            try:
                out[name] = (float(lo), float(hi))
            except ValueError:
                continue
    return out


def _split(text: str):
    header, blocks, current = {}, [], None
    for line in text.splitlines():
        if line.startswith("Tree="):
            current = {}
            blocks.append(current)
        elif line.startswith("end of trees"):
            break
        elif "=" in line:
            key, value = line.split("=", 1)
            (header if current is None else current)[key] = value
        elif current is None and line.strip() == "average_output":
            header["average_output"] = ""
    return header, blocks


def _tree(block: dict, width: int, index: int) -> Tree:
    where = f"tree {index}"

    def numbers(key, kind, count=None):
        raw = block.get(key)
        if raw is None:
            raise ValueError(f"{where} has no {key}")
        try:
            values = tuple(map(kind, raw.split()))
        except ValueError:
            raise ValueError(f"{where}: {key} holds something that is not a number") from None
        if count is not None and len(values) != count:
            raise ValueError(f"{where}: {key} has {len(values)} values, expected {count}")
        return values

    (n,) = numbers("num_leaves", int, 1)
    if n < 1:
        raise ValueError(f"{where} has {n} leaves")
    leaves = numbers("leaf_value", float, n)
    if not all(map(math.isfinite, leaves)):
        raise ValueError(f"{where} has a leaf value that is not a finite number")
    linear = block.get("is_linear", "0").strip() not in ("", "0")
    leaf_count = numbers("leaf_count", int, n)
    if min(leaf_count) < 0:
        raise ValueError(f"{where}: leaf_count holds a negative count")
    if n == 1:
        return Tree(1, (), (), (), (), (), leaves, (), (), linear, leaf_count, ())
    inner = n - 1
    features = numbers("split_feature", int, inner)
    thresholds = numbers("threshold", float, inner)
    decisions = numbers("decision_type", int, inner)
    left, right = numbers("left_child", int, inner), numbers("right_child", int, inner)
    n_cat = int(block.get("num_cat", "0") or 0)
    boundaries = numbers("cat_boundaries", int, n_cat + 1) if n_cat else ()
    bitsets = numbers("cat_threshold", int) if n_cat else ()
    if boundaries and (boundaries[0] != 0 or list(boundaries) != sorted(boundaries) or boundaries[-1] != len(bitsets)):
        raise ValueError(f"{where}: cat_boundaries do not index cat_threshold")
    if any(not 0 <= b < 2**32 for b in bitsets):
        raise ValueError(f"{where}: cat_threshold holds a value outside 32 bits")
    for node in range(inner):
        if not 0 <= features[node] < width:
            raise ValueError(f"{where}: node {node} splits on feature {features[node]} of {width}")
        decision = decisions[node]
        if not 0 <= decision < 16 or (decision >> 2) & 3 == 3:
            raise ValueError(f"{where}: node {node} has an unknown decision type {decision}")
        if decision & 1:
            if thresholds[node] != int(thresholds[node]) or not 0 <= thresholds[node] < n_cat:
                raise ValueError(f"{where}: node {node} names a category set that does not exist")
        elif math.isnan(thresholds[node]):
            raise ValueError(f"{where}: node {node} has no threshold")
    children = [c for pair in zip(left, right) for c in pair]
    if any(not -n <= c < inner for c in children) or sorted(children) != list(range(-n, 0)) + list(range(1, inner)):
        raise ValueError(f"{where}: child links do not form a tree")
    # every node has one parent, yet a loop of internal nodes could still hang off nothing: walk from the root
    reached, stack = set(), [0]
    while stack:
        node = stack.pop()
        if node >= 0 and node not in reached:
            reached.add(node)
            stack += [left[node], right[node]]
    if len(reached) != inner:
        raise ValueError(f"{where}: child links do not form a tree")
    internal_count = numbers("internal_count", int, inner)
    films = [internal_count[c] if c >= 0 else leaf_count[~c] for c in children]  # each node's left, then right
    if any(internal_count[k] != films[2 * k] + films[2 * k + 1] for k in range(inner)):
        raise ValueError(f"{where}: internal_count and leaf_count do not add up (each node's films are its children's)")
    return Tree(n, features, thresholds, decisions, left, right, leaves, boundaries, bitsets, linear,
                leaf_count, internal_count)
