"""A film's franchise: one rule, from its title or as said, for every film that reaches the toolkit.

History rows, slate rows, ``--title`` / ``--franchise`` flags and scenario keys all go through
``franchise_of``: a film is a sequel (a franchise entry) when its title says so or follows an earlier
film's, and its *franchise key* is the stem later entries share ("iron man" for "Iron Man 3"). What
counts as earlier is a ``registry`` of films released strictly before the film's date: the film
table's own for history, the one a model keeps of its training films for anything else, so "Iron Man
3" in a slate is judged against the same films as it would be in the table. A franchise said outright
(``franchise`` column, ``--franchise``) wins over the title. The franchise's record as of the date
(earlier entries, last and best gross, years since the last) is a track record like a person's:
``boxoffice.model.track_records`` (role ``franchise``, keyed by ``registered_keys``).
"""
from __future__ import annotations

import re
from functools import lru_cache

from boxoffice.units import days_since_epoch

_NUMBER_WORDS = {w: n for n, w in enumerate(
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split(), start=2)}
_MARKERS = frozenset({"part", "episode", "chapter", "vol", "volume"})
_SAYS_SEQUEL = frozenset({"part", "chapter", "vol", "volume"})
"""'Part 2' is a sequel on its own; 'Episode IV' is not (Star Wars was released as Episode IV first)."""


def _numbered(key: str, head_key: str) -> tuple[str, int, str] | None:
    """(stem, number, marker): ('toy story', 3, '') for 'toy story 3', ('godfather', 2, 'part') for
    'godfather part 2', ('oceans', 13, '') for "Ocean's Thirteen"; None without a number after the
    first word ("12 Angry Men").

    ``key`` is the whole title's key (roman numerals already digits), ``head_key`` the part before any ':'.
    """
    words = key.split()
    for i in range(1, len(words)):
        if words[i].isdigit():
            number = int(words[i])
            break
    else:
        head = head_key.split()
        if len(head) < 2 or head[-1] not in _NUMBER_WORDS:  # a number word only ends a title: "Ocean's Twelve"
            return None
        words, i, number = head, len(head) - 1, _NUMBER_WORDS[head[-1]]
    marker = words[i - 1] if words[i - 1] in _MARKERS else ""
    stem = words[:i - 1] if marker else words[:i]
    return (" ".join(stem), number, marker) if stem else None


@lru_cache(maxsize=65536)
def _title(title: str):
    """(key, head key, has ':', numbered) of a title, parsed once per distinct title."""
    from boxoffice.names import title_key

    key = title_key(title)
    head = title_key(title.split(":")[0]) if ":" in title else key
    return key, head, ":" in title, _numbered(key, head)


def franchise_key(name) -> str | None:
    """The key of a franchise a user names ("Iron Man", "the matrix"), None for a blank."""
    from boxoffice.names import clean_text

    text = clean_text(name)
    return _franchise_key(text) if text else None


@lru_cache(maxsize=65536)
def _franchise_key(text: str) -> str | None:
    from boxoffice.names import title_key

    return title_key(text) or None


def registered_keys(title, franchise=None) -> tuple[tuple[str, int], ...]:
    """(key, number) pairs a film is found by as an earlier entry: its title, the part before ':',
    its numbered stem ("toy story", 3) and the franchise said for it (number 0: not numbered)."""
    from boxoffice.names import clean_text

    out = []
    if clean_text(title):
        key, head, _, numbered = _title(clean_text(title))
        out += [(key, 0), (head, 0)]
        if numbered is not None:
            out.append(numbered[:2])
    said = franchise_key(franchise)
    if said:
        out.append((said, 0))
    return tuple(dict.fromkeys(k for k in out if k[0]))


def registry(films):
    """The earlier-film registry of a films frame (``title``, ``release_date``, optional ``franchise``):
    one row per (key, number) with the first day (days since 1970) a film registered it."""
    import numpy as np
    import pandas as pd

    titles = films["title"].to_numpy(object) if "title" in films else np.full(len(films), None, dtype=object)
    said = films["franchise"].to_numpy(object) if "franchise" in films else np.full(len(films), None, dtype=object)
    days, dated = days_since_epoch(films["release_date"])
    rows = [(key, number, int(day)) for title, name, day, ok in zip(titles, said, days, dated) if ok
            for key, number in registered_keys(title, name)]
    frame = pd.DataFrame(rows, columns=["key", "number", "first_day"])
    return frame.groupby(["key", "number"], as_index=False)["first_day"].min().astype({"first_day": np.int64})


def franchise_index(known) -> dict:
    """``known`` (a ``registry``) as a lookup, key -> {number: first day}: built once per registry, since
    a model judges every film it scores against the same one (``FeatureBuilder.franchise_of``)."""
    entries: dict[str, dict[int, int]] = {}
    for key, number, day in zip(known["key"].tolist(), known["number"].tolist(), known["first_day"].tolist()):
        entries.setdefault(key, {})[int(number)] = int(day)
    return entries


def franchise_of(films, known) -> tuple:
    """(franchise key or None, sequel by title or franchise) of each film of ``films``, judged against
    ``known`` (a ``registry``, or its ``franchise_index``) as of each film's date: only entries
    registered strictly before it count.

    "Part 2" (or Chapter, Vol.) says sequel alone, and so does a 2 or II ending the title or its part
    before ':' ("Taken 2", "Hellboy II: The Golden Army": in the public data every such title is a
    sequel). Any other number counts only after an earlier film of the same stem, unnumbered or
    numbered one lower: "Rocky III" after "Rocky", "Ocean's Twelve" after "Ocean's Eleven"; not "Apollo
    13", "Malcolm X", "District 9", "12 Angry Men", "Apollo 18" after "Apollo 13", nor "Ocean's
    Eleven" after "Ocean's 11" (a remake). "Star Wars Ep. I" after "Star Wars Ep. IV" is one (with
    Part/Episode any earlier film of the stem will do), "Star Wars Ep. IV" first is not, and a title
    whose part before ':' an earlier film shares is one ("Star Trek: Nemesis"). A franchise said for
    the film makes it an entry of that franchise whatever its title.
    """
    import numpy as np
    import pandas as pd

    n = len(films)
    title_codes, titles = _text(films["title"]) if "title" in films else (np.full(n, -1), [])
    said_codes, said = _text(films["franchise"]) if "franchise" in films else (np.full(n, -1), [])
    days, dated = days_since_epoch(films["release_date"])
    keys, sequel = np.full(n, None, dtype=object), np.zeros(n, dtype=bool)
    # only a title with a number, a marker or a ':' can follow an earlier film, unless a franchise is said
    numbered = np.array([bool(_MAYBE_NUMBERED.search(t)) for t in titles] + [False], dtype=bool)
    maybe = (numbered[title_codes] | (said_codes >= 0)) & dated  # code -1 (a blank) reads the last: False
    if not maybe.any():
        return keys, sequel
    entries = known if isinstance(known, dict) else franchise_index(known)
    at = np.flatnonzero(maybe)
    text = np.array([*titles, ""], dtype=object)
    named = np.array([*said, ""], dtype=object)
    # each distinct (title, franchise said) is judged once, for every date at once (``_plan``)
    codes, pairs = pd.factorize(title_codes[at] * (len(said) + 1) + (said_codes[at] + 1))
    plans = [_plan(text[p // (len(said) + 1)], named[p % (len(said) + 1) - 1], entries) for p in pairs]
    first_key, first_after, second_key, second_after = (np.array(part, dtype=dtype)[codes] for part, dtype in
                                                        zip(zip(*plans), (object, np.int64, object, np.int64)))
    day = days[at]
    first, second = day > first_after, day > second_after
    keys[at] = np.where(first, first_key, np.where(second, second_key, None))
    sequel[at] = first | second
    return keys, sequel


_MAYBE_NUMBERED = re.compile(
    r"[0-9:]|\b(?i:[ivxlc]+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|part|episode|ep|chapter|vol|volume|pt)\b")
"""What a title needs to be a numbered entry or a subtitled one: a digit, a ':', a roman numeral,
a number word or a marker; every other title is judged at once (no earlier film makes it a sequel)."""


def _text(column):
    """(code of each value, its distinct clean texts): code -1 for a blank (None, NaN, NA or empty once
    cleaned); ``clean_text`` runs once per distinct value, in plain Python (pandas' factorize cost a
    single forecast more than the rest of the rule)."""
    import numpy as np
    import pandas as pd

    from boxoffice.names import clean_text

    code_of, by_value = {}, {}
    values = column.tolist() if hasattr(column, "tolist") else list(column)
    for value in dict.fromkeys(values):  # distinct, in order of appearance
        blank = value is None or value is pd.NA or (isinstance(value, float) and value != value)
        text = "" if blank else clean_text(value)
        by_value[value] = code_of.setdefault(text, len(code_of)) if text else -1
    return np.fromiter(map(by_value.__getitem__, values), np.int64, len(values)), list(code_of)


ALWAYS, NEVER = -(1 << 62), 1 << 62
"""Days after which a condition holds: from any date, or at none."""


def _plan(title: str, name: str, entries) -> tuple[str | None, int, str | None, int]:
    """How a title (and a franchise said for it) is judged at any date: (key, after, key, after). A
    film dated after the first day is an entry of the first key; else, after the second day, of the
    second; else it is an original. Every condition only grows true as earlier entries accumulate,
    so each is the first day an earlier film makes it hold (``franchise_of`` explains the rule)."""
    said = _franchise_key(name) if name else None  # ``name`` is clean text already
    if said:
        return said, ALWAYS, None, NEVER
    if not title:
        return None, NEVER, None, NEVER
    key, head, subtitled, numbered = _title(title)
    stem, stem_after = None, NEVER
    if numbered is not None:
        stem, number, marker = numbered
        earlier = entries.get(stem, {})
        second = number == 2 and not marker and (key.endswith(" 2") or head.endswith(" 2"))  # "Taken 2"
        if second or (marker in _SAYS_SEQUEL and number >= 2):
            stem_after = ALWAYS
        else:
            days = [*earlier.values()] if marker else []  # with a marker any earlier entry of the stem will do
            days += [earlier[0]] if number > 0 and 0 in earlier else []  # after the unnumbered first film
            days += [earlier[number - 1]] if number - 1 in earlier else []  # after the entry numbered one lower
            stem_after = min(days, default=NEVER)
    head_after = min(entries.get(head, {}).values(), default=NEVER) if subtitled else NEVER
    return stem, stem_after, head, head_after
