"""Record linkage: which rows of two sources are the same film.

Titles meet on ``names.title_key``; years may differ by one (production vs
release year); each row is used at most once, closest year first, so two
films sharing a title (remakes) never merge. Titles that still differ
("Marvel's The Avengers") get a cautious fuzzy pass in which any number in
the title must agree, so "Scary Movie 2" never meets "Scary Movie".
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class LinkageConfig:
    year_tolerance: int = 1
    fuzzy_min_score: float = 90.0
    """rapidfuzz token_sort_ratio (0-100) a fuzzy pair needs."""


def _numbers(key: str) -> frozenset[str]:
    return frozenset(re.findall(r"\d+", key))


def link(left, right, config: LinkageConfig = LinkageConfig()):
    """Pairs ``(left_index, right_index, method)`` of the same film, one-to-one.

    Both frames need ``title_key`` and ``year``. Returns a DataFrame with
    columns ``left``, ``right``, ``method`` ("exact" or "fuzzy").
    """
    import pandas as pd

    pairs = _exact_pairs(left, right, config)
    used_left = set(pairs["left"])
    used_right = set(pairs["right"])
    fuzzy = _fuzzy_pairs(left[~left.index.isin(used_left)], right[~right.index.isin(used_right)], config)
    return pd.concat([pairs, fuzzy], ignore_index=True)


def _greedy(candidates):
    """Keep the best-scored pairs so that no index appears twice."""
    import pandas as pd

    used_l, used_r, keep = set(), set(), []
    for row in candidates.itertuples(index=False):
        if row.left in used_l or row.right in used_r:
            continue
        used_l.add(row.left)
        used_r.add(row.right)
        keep.append(row)
    return pd.DataFrame(keep, columns=candidates.columns)


def _exact_pairs(left, right, config):
    import pandas as pd

    merged = pd.merge(
        left[["title_key", "year"]].reset_index(names="left"),
        right[["title_key", "year"]].reset_index(names="right"),
        on="title_key", suffixes=("_l", "_r"),
    )
    merged["gap"] = (merged["year_l"] - merged["year_r"]).abs()
    merged = merged[merged["gap"] <= config.year_tolerance].sort_values(["gap", "left", "right"])
    pairs = _greedy(merged[["left", "right", "gap"]])
    pairs["method"] = "exact"
    return pairs[["left", "right", "method"]]


def _fuzzy_pairs(left, right, config):
    import pandas as pd
    from rapidfuzz import fuzz

    by_year: dict[int, list] = {}
    for idx, key, year in zip(right.index, right["title_key"], right["year"]):
        by_year.setdefault(int(year), []).append((idx, key, _numbers(key)))
    candidates = []
    for idx, key, year in zip(left.index, left["title_key"], left["year"]):
        numbers = _numbers(key)
        for y in range(int(year) - config.year_tolerance, int(year) + config.year_tolerance + 1):
            for r_idx, r_key, r_numbers in by_year.get(y, ()):
                if r_numbers != numbers:
                    continue
                score = fuzz.token_sort_ratio(key, r_key)
                # a subtitle or possessive added on one side: all words of the shorter title
                # appear in the longer, in a title of at least two words, the same year
                if score < config.fuzzy_min_score and y == int(year):
                    short, long_ = sorted((key, r_key), key=len)
                    if len(short.split()) >= 2 and fuzz.token_set_ratio(short, long_) == 100:
                        score = config.fuzzy_min_score
                if score >= config.fuzzy_min_score:
                    candidates.append((idx, r_idx, -score - (y == int(year))))
    frame = pd.DataFrame(candidates, columns=["left", "right", "rank"]).sort_values(["rank", "left", "right"])
    pairs = _greedy(frame)
    pairs["method"] = "fuzzy"
    return pairs[["left", "right", "method"]]
