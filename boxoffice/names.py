"""Normalising names so the same film, person, studio or genre meets itself.

Titles become a linkage key (case, accents, punctuation, "&"/"and", a leading
article, a trailing "(2010)", roman numerals); distributors, genres, countries and
languages go through one alias table each (package data, extendable with a user's CSV;
``boxoffice.table.vocabulary`` says what a value none maps means). A name nothing
matches gets the nearest known ones (``boxoffice.closest``) for a "did you mean".
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from boxoffice.errors import InputError

_ROMAN = {"ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9", "x": "10"}
_ARTICLE = re.compile(r"^(the|a|an)\s+")
_YEAR_SUFFIX = re.compile(r"\s*\((?:19|20)\d\d\)\s*$")
_DASHES = re.compile("[\u2010-\u2015\u2212]")


_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]")
"""A UTF-8 lead byte then a continuation byte, each read as one Latin-1 character."""


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as Latin-1 ("AmÃ©lie" -> "Amélie"), as in The Numbers' file.

    Also when the no-break space of an "à" was lost on the way ("DÃ©jÃ Vu" -> "Déjà Vu").
    Text that does not decode as UTF-8 that way is returned as it was.
    """
    if "Ã" not in text and "â" not in text and not _MOJIBAKE.search(text):
        return text
    for candidate in dict.fromkeys((text, re.sub(r"Ã(?=\s|$)", "Ã\xa0", text))):
        for codec in ("cp1252", "latin-1"):
            try:
                return candidate.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
    return text


def fix_mac_roman(text: str) -> str:
    """Undo Windows-1252 text read as Mac Roman ("DÈj‡ Vu" -> "Déjà Vu"), as in vega's titles.

    Only for a source known to be mangled this way: on proper text it would do harm.
    """
    if text.isascii():
        return text
    try:
        return text.encode("mac_roman").decode("cp1252")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def clean_text(text: object) -> str:
    """Strip, fix mojibake, unescape ``\\'`` and collapse whitespace (incl. IMDb's trailing no-break space)."""
    if text is None or (isinstance(text, float) and text != text) or type(text).__name__ == "NAType":  # pandas' NA
        return ""
    text = str(text)
    if text.isascii():  # no mojibake and no no-break space in ASCII: most names, the fast way
        return " ".join((text.replace("\\'", "'") if "\\" in text else text).split())
    return " ".join(fix_mojibake(text).replace("\xa0", " ").replace("\\'", "'").split())


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def title_key(title: object) -> str:
    """The linkage key of a title: 'The Fast & the Furious (2001)' -> 'fast and furious'."""
    text = _DASHES.sub(" ", clean_text(title))  # "Impossible—Ghost" is two words
    text = ascii_fold(text.replace("’", "'")).lower().replace("'", "")  # "Don’t" = "Don't" = "dont"
    text = _YEAR_SUFFIX.sub("", text)
    text = _PART_ONE.sub(r"\1 1", text)  # "Part I"; a lone "i" is a word
    text = text.replace("&", " and ")
    text = _EPISODE.sub("episode ", text)
    text = _VERSUS.sub("vs ", text)
    text = _PART.sub("part ", text)
    text = _NOT_ALNUM.sub(" ", text).strip()
    text = _ARTICLE.sub("", text)
    split = text.split()
    words = [_ROMAN.get(w, w) for w in split if w not in {"the", "a", "an"} or len(split) == 1]
    return " ".join(words)


_PART_ONE = re.compile(r"\b(part|pt|episode|ep|chapter)\.?\s+i\b")
_EPISODE = re.compile(r"\bep(?:isode)?\.?\s")
_VERSUS = re.compile(r"\bvs?\.?\s")
_PART = re.compile(r"\bpt\.?\s")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


BULK = 64
"""Fewer texts than this go one by one: Arrow's kernels would cost a single forecast more than they save."""


def in_bulk(values, bulk, one) -> list:
    """``bulk`` (Arrow array -> list) on the ASCII texts of ``values`` (there RE2 and ``re`` agree on ``\\b``,
    ``\\s`` and case; no mojibake or accent needs Python), ``one`` on the others and on a short list."""
    values = values if isinstance(values, list) else list(values)
    if len(values) < BULK:
        return [one(v) for v in values]
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    try:  # all text, as Arrow (not text, or a lone surrogate: None)
        texts = pa.array(values, pa.string()) if {*map(type, values)} == {str} else None
    except UnicodeEncodeError:
        texts = None
    if texts is None:
        plain = np.array([type(v) is str and v.isascii() for v in values], dtype=bool)
        texts = pa.array([v for v, p in zip(values, plain.tolist()) if p], pa.string())
    else:
        plain = pc.string_is_ascii(texts).to_numpy(zero_copy_only=False)
        if plain.all():
            return bulk(texts)
        texts = texts.filter(pa.array(plain))
    done, out, taken = bulk(texts), [], 0
    for k, i in enumerate(np.flatnonzero(~plain).tolist()):  # each other value, after the bulk's before it
        out += done[taken:i - k]
        taken = i - k
        out.append(one(values[i]))
    return out + done[taken:]


def clean_ascii(texts):
    """``clean_text`` of ASCII texts (Arrow): ``str.split()`` splits on ``_WHITESPACE`` (RE2's ``\\s`` lacks some)."""
    import pyarrow.compute as pc

    texts = pc.replace_substring(texts, "\\'", "'")
    return _where(texts, _UNCLEAN, lambda t: pc.utf8_trim(pc.replace_substring_regex(t, _WHITESPACE, " "), " "))


_WHITESPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"
_UNCLEAN = r"[\t\n\x0b\x0c\r\x1c-\x1f]|  |^ | $"
"""Text ``clean_text`` would change but for ``\\'``: most has none, and RE2 finds that faster than it replaces."""


def _where(texts, pattern: str, change):
    """``change`` (Arrow array -> one as long) on only the texts ``pattern`` finds in: it leaves others as they are."""
    import pyarrow.compute as pc

    hit = pc.match_substring_regex(texts, pattern)
    found = pc.sum(hit).as_py() or 0
    if found == 0 or found == len(texts):
        return change(texts) if found else texts
    return pc.replace_with_mask(texts, hit, change(texts.filter(hit)))


def clean_texts(values) -> list[str]:
    """``clean_text`` of each value, ASCII text in bulk."""
    return in_bulk(values, lambda texts: clean_ascii(texts).to_pylist(), clean_text)


def title_keys(titles) -> list[str]:
    """``title_key`` of each title, ASCII ones in bulk: a slate's 100,000 in a tenth of a second, not one."""
    return in_bulk(titles, lambda texts: _title_keys_ascii(texts).to_pylist(), title_key)


def _title_keys_ascii(texts):
    """``title_key``'s steps, in its order and with its patterns, as Arrow kernels (RE2), each on only
    the titles it may change: "Toy Story 3" goes through none."""
    import pyarrow.compute as pc

    text = pc.replace_substring(pc.ascii_lower(clean_ascii(texts)), "'", "")  # no dash, accent or ’ in ASCII
    text = _where(text, _MARKED, _unmark)
    return _where(text, _WORDY, _drop_words)


_MARKED = "|".join(["[^a-z0-9 ]|  |^ | $", *(p.pattern for p in (_PART_ONE, _EPISODE, _VERSUS, _PART, _ARTICLE))])
"""What a step up to the article's finds (or a space quotes left): a title it misses goes through unchanged."""
_WORDY = r"\b(?:the|a|an|ii|iii|iv|v|vi|vii|viii|ix|x)\b"  # an article or a numeral among its words


def _unmark(text):
    """The steps from the year suffix to the article, the marker ones only on the titles one finds."""
    import pyarrow.compute as pc

    sub, steps = pc.replace_substring_regex, (_YEAR_SUFFIX, _PART_ONE, _EPISODE, _VERSUS, _PART)

    def markers(text):
        text = pc.replace_substring(sub(sub(text, _YEAR_SUFFIX.pattern, ""), _PART_ONE.pattern, r"\1 1"), "&", " and ")
        for pattern, replacement in ((_EPISODE, "episode "), (_VERSUS, "vs "), (_PART, "part ")):
            text = sub(text, pattern.pattern, replacement)
        return text

    text = _where(text, "|".join([p.pattern for p in steps] + ["&"]), markers)
    # ``_NOT_ALNUM`` (a run of anything else, spaces too, is one space) without matching at every space
    text = pc.utf8_trim(_where(sub(text, "[^a-z0-9 ]+", " "), "  ", lambda t: sub(t, "  +", " ")), " ")
    return _where(text, _ARTICLE.pattern, lambda t: sub(t, _ARTICLE.pattern, ""))


def _drop_words(text):
    """Articles (unless the title's only word) out, roman numerals as digits."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    words = pc.split_pattern(text, " ")  # "" is one empty word, kept
    flat, parent = pc.list_flatten(words), pc.list_parent_indices(words).to_numpy()
    alone = pc.list_value_length(words).to_numpy()[parent] == 1
    keep = alone | ~pc.is_in(flat, pa.array(["the", "a", "an"])).to_numpy(zero_copy_only=False)
    roman = pc.index_in(flat, pa.array(list(_ROMAN)))
    flat = pc.if_else(pc.is_null(roman), flat, pc.take(pa.array(list(_ROMAN.values())), roman))
    offsets = np.zeros(len(text) + 1, dtype=np.int32)
    np.cumsum(np.bincount(parent[keep], minlength=len(text)), out=offsets[1:])
    return pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), flat.filter(pa.array(keep))), " ")


def person_key(name: object) -> str:
    """Case- and accent-insensitive key for a person's name."""
    return _person_key(name) if isinstance(name, str) else _person_key(clean_text(name))


@lru_cache(maxsize=1 << 17)
def _person_key(name: str) -> str:
    """Kept for the names a process meets again (every batch and forecast keys its cast and distributor)."""
    return " ".join(_NOT_KEY.sub(" ", ascii_fold(clean_text(name)).lower()).split())


_NOT_KEY = re.compile(r"[^a-z0-9 ]+")


def person_keys(names) -> list[str]:
    """``person_key`` of each name, ASCII ones in bulk: a slate's new names (a newcomer in each of 84,000
    casts) keyed at once instead of 6 µs each. On ASCII text ``clean_text`` and ``ascii_fold`` change
    nothing the key keeps: every character but a lower-case letter, a digit or a space becomes a space."""
    def bulk(texts):
        import pyarrow.compute as pc

        text = pc.replace_substring_regex(pc.ascii_lower(texts), "[^a-z0-9 ]+", " ")
        return pc.utf8_trim(_where(text, "  ", lambda t: pc.replace_substring_regex(t, "  +", " ")), " ").to_pylist()

    return in_bulk(names, bulk, person_key)


def split_list(value: object, sep: str = "|") -> list[str]:
    """'Action|Adventure' -> ['Action', 'Adventure']; lists pass through; blanks vanish."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).split(sep)
    return [text for text in map(clean_text, items) if text]


def split_names(value: object, sep: str = "|") -> list[str]:
    """People (or genres) in one flag or cell: 'Tom Cruise, Emily Blunt' and 'Tom Cruise|Emily Blunt' alike,
    also split on ``sep`` (a mapping's list separator); a list's items are names as they are."""
    if isinstance(value, (list, tuple)):
        return split_list(value)
    if value is None or (isinstance(value, float) and value != value):
        return []
    return split_list(_separators(sep).split(str(value)))


@lru_cache(maxsize=None)
def _separators(sep: str):
    return re.compile("|".join(re.escape(s) for s in dict.fromkeys([sep, "|", ","]) if s))


def split_names_each(cells: list[str], sep: str = "|") -> list[list[str]]:
    """``split_names`` of each cell (text), ASCII ones in bulk: a slate's cast column at once."""
    return in_bulk(cells, lambda texts: _split_ascii(texts, sep), lambda cell: split_names(cell, sep))


def _split_ascii(text, sep: str) -> list[list[str]]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    seps = [s for s in dict.fromkeys([sep, "|", ","]) if s and s.isascii()]  # a non-ASCII one is in no ASCII cell
    if all(len(s) == 1 for s in seps):  # one character each: no two can overlap, so any can stand for all
        for other in seps[1:]:
            text = pc.replace_substring(text, other, seps[0])
        items = pc.split_pattern(text, seps[0])
    else:  # ``_separators`` in RE2, each character as \x{..}
        items = pc.split_pattern_regex(text, "|".join("".join(f"\\x{{{ord(c):02x}}}" for c in s) for s in seps))
    names, parent = clean_ascii(pc.list_flatten(items)), pc.list_parent_indices(items).to_numpy()
    kept = pc.utf8_length(names).to_numpy() > 0  # blanks vanish
    ends = np.cumsum(np.bincount(parent[kept], minlength=len(items))).tolist()
    names = names.filter(pa.array(kept)).to_pylist()
    return [names[start:end] for start, end in zip([0, *ends], ends)]


def _read_alias_csv(handle) -> dict[str, str]:
    rows = csv.reader(line for line in handle if line.strip() and not line.startswith("#"))
    return {person_key(alias): target.strip() for alias, target in rows}


@lru_cache(maxsize=None)
def _packaged(name: str) -> dict[str, str]:
    with (resources.files("boxoffice") / "resources" / name).open(encoding="utf-8") as handle:
        return _read_alias_csv(handle)


@dataclass(frozen=True)
class AliasTable:
    """Alias -> canonical name; unknown names pass through cleaned."""

    aliases: dict

    @classmethod
    def load(cls, packaged: str, extra: Path | None = None) -> "AliasTable":
        table = dict(_packaged(packaged))
        if extra is not None:
            try:
                with Path(extra).open(encoding="utf-8") as handle:
                    table.update(_read_alias_csv(handle))
            except (OSError, UnicodeDecodeError, ValueError) as err:
                raise InputError(f"cannot read alias table: {err}", file=str(extra),
                                 hint="a CSV with two columns: alias,canonical name") from None
        return cls(table)

    def canonical(self, name: object) -> str | None:
        """The canonical name of ``name`` (any case, spacing, accents and punctuation); a name no alias
        lists comes back cleaned, as written; None for a blank or an alias of "unknown" (empty target)."""
        text = clean_text(name)
        if not text:
            return None
        return self.aliases.get(person_key(text), text) or None

    def knows(self, name: object) -> bool:
        """True if some alias lists ``name`` (or a canonical name is ``name``)."""
        key = person_key(name)
        return key in self.aliases or key in self._value_keys

    def values(self) -> list[str]:
        """The canonical names, sorted."""
        return sorted({v for v in self.aliases.values() if v})

    @cached_property
    def _value_keys(self) -> frozenset:
        return frozenset(person_key(v) for v in self.aliases.values() if v)


def distributor_aliases(extra: Path | None = None) -> AliasTable:
    return AliasTable.load("distributor_aliases.csv", extra)


def genre_aliases(extra: Path | None = None) -> AliasTable:
    return AliasTable.load("genre_aliases.csv", extra)


@lru_cache(maxsize=None)
def other_genres() -> AliasTable:
    """Real genres (IMDb's) that have no feature of their own: too few films to learn ("News",
    "Reality-TV"). A film may have them; the model counts them only in its number of genres."""
    return AliasTable.load("other_genre_aliases.csv")


def country_aliases(extra: Path | None = None) -> AliasTable:
    return AliasTable.load("country_aliases.csv", extra)


def language_aliases(extra: Path | None = None) -> AliasTable:
    return AliasTable.load("language_aliases.csv", extra)


def canonical_genres(values: object, table: AliasTable | None = None, *, strict: bool = False) -> list[str]:
    """Map genre names through the alias table, splitting 'Comedy|Romance' targets.

    A real genre with no feature (``other_genres``) keeps its canonical spelling. With ``strict``,
    any other genre raises ``InputError``: "did you mean" the closest, and the known ones listed.
    """
    table = table or genre_aliases()
    out: list[str] = []
    for name in split_list(values):
        key = person_key(name)
        if key in table.aliases:
            target = table.aliases[key]
        elif key in other_genres().aliases:
            target = other_genres().aliases[key]
        elif strict:
            from boxoffice.closest import closest_names

            known = known_genres(table)
            near = closest_names(name, known + other_genres().values())
            guess = f": did you mean {' or '.join(near)}?" if near else ""
            raise InputError(f"unknown genre {name!r}{guess}", hint=f"use one of: {', '.join(known)}")
        else:
            target = name.title()
        for genre in target.split("|"):
            if genre not in out:
                out.append(genre)
    return out


def known_genres(table: AliasTable | None = None) -> list[str]:
    table = table or genre_aliases()
    return sorted({g for target in table.aliases.values() for g in target.split("|")})
