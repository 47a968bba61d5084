"""Record linkage: which rows of two sources are the same film.

Titles meet on ``names.title_key``; years may differ by one (production vs
release year); each row is used at most once, closest year first, so two
films sharing a title (remakes) never merge. Titles that still differ
("Marvel's The Avengers") get a cautious fuzzy pass in which any number in
the title must agree, so "Scary Movie 2" never meets "Scary Movie".

A film sold under another title ("Twelve Monkeys" / "12 Monkeys") can still be
told by its figures, for sources that both carry them (``link(..., by_figures=True)``):
among rows left unmatched, budgets agree and a gross is the same to the dollar.
Grosses only "close" are no evidence: two films with the same round budget and
grosses a fraction of a percent apart are common (Cats & Dogs / Two Weeks Notice).
Run on the 3,150 The Numbers / vega rows linked by title, this pass alone pairs
2,702 of them, each with its own film, and no two different films.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class LinkageConfig:
    year_tolerance: int = 1
    fuzzy_min_score: float = 90.0
    """rapidfuzz token_sort_ratio (0-100) a fuzzy pair needs."""
    budget_tolerance: float = 0.05
    """Figures pass: how far two budgets may differ, relative to the larger (0.05 = 5%)."""
    round_gross: float = 100_000.0
    """Figures pass: a gross that is a multiple of this (USD) is an estimate two films may share, not evidence."""

    def __post_init__(self):
        from boxoffice.errors import check_number

        check_number(self, "year_tolerance", 0, whole=True)
        check_number(self, "fuzzy_min_score", 0, 100)
        check_number(self, "budget_tolerance", 0, 1)
        check_number(self, "round_gross", 0, low_open=True)

FIGURE_COLUMNS = ("budget_usd", "domestic_gross_usd", "worldwide_gross_usd")


def _numbers(key: str) -> frozenset[str]:
    return frozenset(re.findall(r"\d+", key))


def link(left, right, config: LinkageConfig = LinkageConfig(), *, by_figures: bool = False):
    """Pairs ``(left_index, right_index, method)`` of the same film, one-to-one.

    Both frames need ``title_key`` and ``year``, and with ``by_figures`` also
    ``FIGURE_COLUMNS`` (USD). Returns a DataFrame with columns ``left``,
    ``right``, ``method`` ("exact", "fuzzy" or "figures").
    """
    import pandas as pd

    pairs = _exact_pairs(left, right, config)
    used_left = set(pairs["left"])
    used_right = set(pairs["right"])
    fuzzy = _fuzzy_pairs(left[~left.index.isin(used_left)], right[~right.index.isin(used_right)], config)
    pairs = pd.concat([pairs, fuzzy], ignore_index=True)
    if by_figures:
        rest_left = left[~left.index.isin(set(pairs["left"]))]
        rest_right = right[~right.index.isin(set(pairs["right"]))]
        pairs = pd.concat([pairs, figure_pairs(rest_left, rest_right, config)], ignore_index=True)
    return pairs


def figure_pairs(left, right, config: LinkageConfig = LinkageConfig()):
    """Pairs told by their figures alone, whatever their titles.

    Years within ``year_tolerance``, budgets within ``budget_tolerance``, and
    the domestic or the worldwide gross the same to the dollar (and not a
    round estimate). A row with two or more such candidates links to none.
    """
    import pandas as pd

    candidates = []
    for column in ("domestic_gross_usd", "worldwide_gross_usd"):
        sides = []
        for frame, name in ((left, "left"), (right, "right")):
            part = frame[["year", "budget_usd", column]].dropna()
            part = part[part["budget_usd"] > 0]
            amount = part[column].round()
            part = part.assign(amount=amount)[(amount > 0) & (amount % config.round_gross != 0)]
            sides.append(part.drop(columns=column).reset_index(names=name))
        candidates.append(pd.merge(*sides, on="amount", suffixes=("_l", "_r")))
    merged = pd.concat(candidates, ignore_index=True)
    budgets = merged[["budget_usd_l", "budget_usd_r"]]
    close = (budgets.max(axis=1) - budgets.min(axis=1)) <= config.budget_tolerance * budgets.max(axis=1)
    near = (merged["year_l"] - merged["year_r"]).abs() <= config.year_tolerance
    found = merged.loc[close & near, ["left", "right"]].drop_duplicates()
    alone = ~found["left"].duplicated(keep=False) & ~found["right"].duplicated(keep=False)
    pairs = found[alone].sort_values(["left", "right"]).reset_index(drop=True)
    pairs["method"] = "figures"
    return pairs[["left", "right", "method"]]


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
