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
from functools import cached_property, lru_cache

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


class FranchiseIndex(dict):
    """A ``franchise_index``: key -> {number: first day}, and the same as arrays for judging many titles
    at once (``_days``), made on first use and kept: 10 ms of each slate otherwise. Read-only once built."""

    @cached_property
    def arrays(self):
        return _days(self)


def franchise_index(known) -> FranchiseIndex:
    """``known`` (a ``registry``) as a lookup, key -> {number: first day}: built once per registry, since
    a model judges every film it scores against the same one (``FeatureBuilder.franchise_of``)."""
    entries = FranchiseIndex()
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
    numbered = np.array([*_maybe_numbered(titles), False], dtype=bool)
    maybe = (numbered[title_codes] | (said_codes >= 0)) & dated  # code -1 (a blank) reads the last: False
    if not maybe.any():
        return keys, sequel
    entries = known if isinstance(known, dict) else franchise_index(known)
    at = np.flatnonzero(maybe)
    # each distinct (title, franchise said) is judged once, for every date at once (``_plan``)
    codes, pairs = pd.factorize(title_codes[at] * (len(said) + 1) + (said_codes[at] + 1))
    title_of, said_of = pairs // (len(said) + 1), pairs % (len(said) + 1) - 1  # -1: a blank
    first_key, first_after, second_key, second_after = (part[codes] for part in
                                                        _plans(title_of, said_of, titles, said, entries))
    day = days[at]
    first, second = day > first_after, day > second_after
    keys[at] = np.where(first, first_key, np.where(second, second_key, None))
    sequel[at] = first | second
    return keys, sequel


def _maybe_numbered(titles: list[str]) -> list[bool]:
    """``_MAYBE_NUMBERED`` found in each title (clean text), ASCII ones in bulk."""
    from boxoffice.names import in_bulk

    def bulk(texts):
        import pyarrow.compute as pc

        return pc.match_substring_regex(texts, _MAYBE_NUMBERED.pattern).to_pylist()

    return in_bulk(titles, bulk, lambda title: _MAYBE_NUMBERED.search(title) is not None)


def _plans(title_of, said_of, titles: list[str], said: list[str], entries) -> tuple:
    """``_plan`` of each distinct (title, franchise said) (codes into ``titles`` and ``said``, -1 for a
    blank) as four arrays: one by one for a few (each title parsed once per process), else in bulk."""
    import numpy as np

    from boxoffice.names import BULK

    said_keys = [*_franchise_keys(said), None]  # a blank (-1) reads the last: None
    if len(title_of) < BULK:
        plans = [_plan(_title(titles[t]) if t >= 0 and not said_keys[s] else None, said_keys[s], entries)
                 for t, s in zip(title_of.tolist(), said_of.tolist())]
        return tuple(np.array(part, dtype=dtype) for part, dtype in zip(zip(*plans), _PLAN_DTYPES))
    first_key = np.array(said_keys, dtype=object)[said_of]
    by_title = np.array([k is None for k in first_key.tolist()], dtype=bool)
    plans = (first_key, np.where(by_title, NEVER, ALWAYS), np.full(len(title_of), None, dtype=object),
             np.full(len(title_of), NEVER))
    judged = np.flatnonzero(by_title & (title_of >= 0))
    if len(judged):
        wanted, which = np.unique(title_of[judged], return_inverse=True)
        for part, plan in zip(plans, _bulk_plans([titles[t] for t in wanted.tolist()], entries)):
            part[judged] = plan[which]
    return plans


def _franchise_keys(names: list[str]) -> list[str | None]:
    """``_franchise_key`` of each distinct franchise said (clean text, not blank)."""
    from boxoffice.names import BULK, title_keys

    if len(names) < BULK:
        return [_franchise_key(name) for name in names]
    return [key or None for key in title_keys(names)]


_MAYBE_NUMBERED = re.compile(
    r"[0-9:]|\b(?i:[ivxlc]+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|part|episode|ep|chapter|vol|volume|pt)\b")
"""What a title needs to be a numbered entry or a subtitled one: a digit, a ':', a roman numeral,
a number word or a marker; every other title is judged at once (no earlier film makes it a sequel)."""


def _text(column):
    """(code of each value, its distinct clean texts): code -1 for a blank (None, NaN, NA or empty once
    cleaned); ``clean_text`` runs once per distinct value, in plain Python for a few (pandas' factorize
    cost a single forecast more than the rest of the rule), in bulk for many texts."""
    import numpy as np

    from boxoffice.names import BULK, clean_texts

    if len(column) >= BULK:  # hashed by pandas, not a dict: a slate's 84,000 titles
        import pandas as pd

        from boxoffice.table.distinct import factorize

        raw, distinct = factorize(np.asarray(column, dtype=object))  # in order of appearance; a blank: -1
        codes, found = pd.factorize(np.array([*clean_texts(distinct.tolist()), ""], dtype=object))
        found = found.tolist()
        blank = found.index("")
        codes = np.where(codes == blank, -1, codes - (codes > blank))
        del found[blank]
        return codes[raw], found  # -1 reads the last: the blank
    values = column.tolist() if hasattr(column, "tolist") else list(column)
    distinct = list(dict.fromkeys(values))  # in order of appearance
    code_of, by_value = {}, {}
    for value, text in zip(distinct, clean_texts(distinct)):  # a blank (None, NaN, NA) cleans to ""
        by_value[value] = code_of.setdefault(text, len(code_of)) if text else -1
    found = list(code_of)
    return np.fromiter(map(by_value.__getitem__, values), np.int64, len(values)), found


ALWAYS, NEVER = -(1 << 62), 1 << 62
"""Days after which a condition holds: from any date, or at none."""
_PLAN_DTYPES = (object, "int64", object, "int64")


def _plan(title: tuple | None, said: str | None, entries) -> tuple[str | None, int, str | None, int]:
    """How a title (its ``_title``, None for a blank) and the key of a franchise said for it are judged
    at any date: (key, after, key, after). A film dated after the first day is an entry of the first key;
    else, after the second day, of the second; else it is an original. Every condition only grows true
    as earlier entries accumulate, so each is the first day an earlier film makes it hold
    (``franchise_of`` explains the rule)."""
    if said:
        return said, ALWAYS, None, NEVER
    if title is None:
        return None, NEVER, None, NEVER
    key, head, subtitled, numbered = title
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


def _bulk_plans(titles: list[str], entries) -> tuple:
    """``_plan`` of many titles at once (no franchise said): ``_title`` and ``_numbered`` as Arrow kernels,
    the look-ups into ``entries`` as array look-ups (``_days``). A number too long for int64 goes through
    ``_plan``."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from boxoffice.names import title_keys

    n = len(titles)
    subtitled = np.array([":" in t for t in titles], dtype=bool)
    keys = np.array(title_keys(titles), dtype=object)
    heads = keys.copy()
    heads[subtitled] = title_keys([t.split(":")[0] for t in np.array(titles, dtype=object)[subtitled].tolist()])
    key_text, head_text = pa.array(keys, pa.string()), pa.array(heads, pa.string())
    # ``_numbered``: the first all-digit word after the first word, else a number word ending the head
    found = pc.extract_regex(key_text, _FIRST_NUMBER)
    by_digits = found.is_valid().to_numpy(zero_copy_only=False)
    worded = _extract(head_text, _LAST_NUMBER_WORD, ~by_digits)
    by_word = worded.is_valid().to_numpy(zero_copy_only=False)
    before = pc.if_else(by_digits, found.field("before"), worded.field("before"))
    digits = found.field("number").fill_null("0")
    exact = pc.utf8_length(digits).to_numpy() <= 18  # else int64 overflows: ``_plan`` does it
    number = pc.cast(pc.if_else(pa.array(by_digits & exact), digits, "0"), pa.int64())
    number = number.to_numpy(zero_copy_only=False, writable=True)
    words = worded.field("number").to_numpy(zero_copy_only=False)
    number[by_word] = [_NUMBER_WORDS[w] for w in words[by_word].tolist()]
    marked = _extract(before, _MARKER_AT_END, by_digits | by_word)
    has_marker = marked.is_valid().to_numpy(zero_copy_only=False)
    marker = marked.field("marker").fill_null("").to_numpy(zero_copy_only=False)
    stem = pc.if_else(has_marker, marked.field("stem"), before).fill_null("")
    numbered = (by_digits | by_word) & (pc.utf8_length(stem).to_numpy() > 0)
    # ``_plan``'s look-ups: the first day of any entry of a key, of its unnumbered one, of (key, number)
    index, lowest, unnumbered, day_of = entries.arrays if isinstance(entries, FranchiseIndex) else _days(entries)
    at_stem = _index_of(index, stem)
    says = (number == 2) & ~has_marker & (pc.ends_with(key_text, " 2").to_numpy(zero_copy_only=False)
                                          | pc.ends_with(head_text, " 2").to_numpy(zero_copy_only=False))
    says |= np.isin(marker, list(_SAYS_SEQUEL)) & (number >= 2)
    after = np.minimum(np.where(has_marker, lowest[at_stem], NEVER),
                       np.where(number > 0, unnumbered[at_stem], NEVER))
    after = np.minimum(after, day_of(at_stem, number - 1))
    stem_after = np.where(numbered, np.where(says, ALWAYS, after), NEVER)
    head_after = np.full(n, NEVER, dtype=np.int64)
    head_after[subtitled] = lowest[_index_of(index, head_text.filter(pa.array(subtitled)))]
    first_key = np.where(numbered, stem.to_numpy(zero_copy_only=False), None)
    for i in np.flatnonzero(by_digits & ~exact).tolist():
        key, head = keys[i], heads[i]
        first_key[i], stem_after[i], _, head_after[i] = _plan((key, head, subtitled[i], _numbered(key, head)),
                                                              None, entries)
    return first_key, stem_after.astype(np.int64), heads, head_after.astype(np.int64)


_FIRST_NUMBER = r"^(?P<before>[a-z0-9]+(?: [a-z0-9]+)*?) (?P<number>[0-9]+)(?: |$)"
_LAST_NUMBER_WORD = rf"^(?P<before>[a-z0-9]+(?: [a-z0-9]+)*) (?P<number>{'|'.join(_NUMBER_WORDS)})$"
_MARKER_AT_END = rf"^(?:(?P<stem>.*) )?(?P<marker>{'|'.join(sorted(_MARKERS))})$"
"""On title keys (``[a-z0-9]+`` words, one space apart): ``_numbered``'s split into the words before the
number (a marker last among them, if any) and the number."""


def _days(entries):
    """``entries`` as arrays: its keys (an index), the first day of any entry of each key and of its
    unnumbered entry (NEVER last, for a key it lacks), and a look-up (key's position, number) -> first day."""
    import numpy as np
    import pandas as pd

    index = pd.Index(list(entries), dtype=object)
    lowest = np.array([min(e.values(), default=NEVER) for e in entries.values()] + [NEVER], dtype=np.int64)
    unnumbered = np.array([e.get(0, NEVER) for e in entries.values()] + [NEVER], dtype=np.int64)
    numbers = [number for e in entries.values() for number in e]
    width = max(numbers, default=0) + 1
    if width * (len(entries) + 1) >= 1 << 62 or min(numbers, default=0) < 0:  # no code fits: one by one
        def day_of(at, number):
            return np.array([entries[index[i]].get(m, NEVER) if i < len(index) else NEVER
                             for i, m in zip(at.tolist(), number.tolist())], dtype=np.int64)
        return index, lowest, unnumbered, day_of
    codes = pd.Index(np.array([i * width + number for i, e in enumerate(entries.values()) for number in e],
                              dtype=np.int64))
    days = np.array([day for e in entries.values() for day in e.values()] + [NEVER], dtype=np.int64)

    def day_of(at, number):
        valid = (at < len(index)) & (number >= 0) & (number < width)
        found = codes.get_indexer(np.where(valid, at * width + np.where(valid, number, 0), -1))
        return days[np.where(valid, found, -1)]
    return index, lowest, unnumbered, day_of


def _index_of(index, keys):
    """Position of each key (an Arrow array) in ``index``; its length (the NEVER after the last) for a
    key it lacks."""
    import pyarrow as pa
    import pyarrow.compute as pc

    at = pc.index_in(keys, value_set=pa.array(index.tolist(), pa.string()))
    return at.fill_null(len(index)).to_numpy(zero_copy_only=False)


def _extract(texts, pattern: str, rows):
    """``pc.extract_regex`` of the ``rows`` (a mask) of ``texts``, null elsewhere: the ones ``pattern``
    is found in first (RE2 finds faster than it extracts)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = rows & pc.match_substring_regex(texts, pattern).fill_null(False).to_numpy(zero_copy_only=False)
    at = np.flatnonzero(rows)
    parts = pc.extract_regex(texts.take(pa.array(at)), pattern)
    spread = np.full(len(texts), len(at))  # the last: a null row
    spread[at] = np.arange(len(at))
    return pa.concat_arrays([parts, pa.nulls(1, parts.type)]).take(pa.array(spread))
