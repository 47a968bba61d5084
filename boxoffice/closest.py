"""The known names nearest an unknown one: the "did you mean" of every warning and refusal (a person,
a distributor, a genre, a country, a rating)."""
from __future__ import annotations


def closest_names(name: str, candidates: list[str], limit: int = 3) -> list[str]:
    """Known names nearest to an unknown one, for 'did you mean' warnings.

    WRatio alone ranks 'Tom Ardavany' above 'Tom Hanks' for 'Tom Hanx' (its partial
    match favours long names); averaging it with token_sort_ratio fixes typos and
    keeps 'Cruise Tom' -> 'Tom Cruise' and 'Spielberg' -> 'Steven Spielberg'.
    """
    from rapidfuzz import fuzz, process, utils

    def score(a, b, **_):
        return (fuzz.WRatio(a, b) + fuzz.token_sort_ratio(a, b)) / 2

    return [match for match, _, _ in process.extract(name, candidates, scorer=score, processor=utils.default_process,
                                                     limit=limit, score_cutoff=60)]
