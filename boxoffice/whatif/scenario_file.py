"""Scenario files: a base film and named variants, in YAML.

```yaml
base:
  genres: [Action, Thriller]
  budget: 150m
  release_date: 2027-07-16
variants:
  leaner: {budget: 90m}
  holiday: {release_date: 2027-12-17}
```

The file's shape (keys, types, duplicates, empty variants) is checked here and a
mistake raises ``InputError`` naming the file and place; the *values* of a variant
are checked by ``scenarios.compare``, which reports a bad one and runs the rest.
Values are the text written (``country: NO`` is Norway, not False; ``boxoffice.table.user_yaml``).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from boxoffice.break_even import check_multiple
from boxoffice.errors import InputError
from boxoffice.table.user_yaml import text_loader

TOP_KEYS = ("base", "variants", "break_even_multiple")
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class ScenarioFile:
    base: dict
    """User fields of the base film, as ``make_film`` takes them."""
    variants: dict
    """``{name: {field: value}}``, in file order."""
    break_even_multiple: float | None = None
    """Optional; the command's ``--break-even-multiple`` wins when given."""


def parse_scenarios(text: str, source: str = "<text>") -> ScenarioFile:
    """Check a scenario file's text; every shape mistake raises ``InputError`` naming where it is."""
    import yaml

    try:
        data = yaml.load(text, Loader=text_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = str(err.problem or err)
        hint = ("give each name once" if "given twice" in problem else
                "write dates as YYYY-MM-DD, e.g. 2027-07-16" if "is not a date" in problem else
                "use plain values: no !!tags" if "constructor for the tag" in problem else
                "check the indentation and that lists use [a, b] or '- a' lines")
        raise InputError(f"invalid YAML{where}: {problem}", file=source, hint=hint) from None
    except yaml.YAMLError as err:
        raise InputError(f"invalid YAML: {err}", file=source) from None
    except RecursionError:
        raise InputError("invalid YAML: nested too deeply", file=source) from None
    if not isinstance(data, dict):
        raise InputError("a scenario file is a mapping with 'base' and 'variants'", file=source,
                         hint="start with 'base:' then the film's fields, then 'variants:'")
    unknown = [str(k) for k in data if k not in TOP_KEYS]
    if unknown:
        raise InputError(f"unknown key(s) {', '.join(map(repr, unknown))}", file=source,
                         hint=f"use only: {', '.join(TOP_KEYS)}")
    base = data.get("base")
    if not isinstance(base, dict) or not base:
        raise InputError("'base' must be a mapping of the film's fields", file=source,
                         hint="e.g. base: {genres: [Action], budget: 150m}")
    _check_fields(base, "base", source)
    variants = data.get("variants")
    if not isinstance(variants, dict) or not variants:
        raise InputError("'variants' must be a mapping of named variants", file=source,
                         hint="e.g. variants: {leaner: {budget: 90m}}")
    out = {}
    for name, overrides in variants.items():
        label = f"variants.{name}"
        if not isinstance(name, str) or name.strip() == "":
            raise InputError(f"variant name {name!r} must be a word", file=source)
        if str(name) == "base":
            raise InputError("a variant cannot be named 'base' (that is the base film)", file=source)
        if overrides is None or overrides == {}:
            raise InputError(f"variant {name!r} overrides nothing", file=source,
                             hint=f"give at least one field, e.g. {name}: {{budget: 90m}}")
        if not isinstance(overrides, dict):
            raise InputError(f"variant {name!r} must be a mapping of fields to values, not {_kind(overrides)}",
                             file=source, hint=f"e.g. {name}: {{budget: 90m}}")
        _check_fields(overrides, label, source)
        out[str(name)] = dict(overrides)
    multiple = data.get("break_even_multiple")
    if multiple is not None:
        try:
            text = multiple.strip() if isinstance(multiple, str) else None  # scenario values are read as text
            multiple = check_multiple(float(text) if text else multiple)
        except ValueError as err:
            if not isinstance(err, InputError):
                err = InputError(f"break_even_multiple {multiple!r} is not a number", hint="e.g. 2.5")
            raise InputError(err.message, file=source, hint=err.hint) from None
    return ScenarioFile(base=dict(base), variants=out, break_even_multiple=multiple)


def _kind(value) -> str:
    return {dict: "a mapping", list: "a list", str: "text"}.get(type(value), type(value).__name__)


def _check_fields(fields: dict, where: str, source: str) -> None:
    """Field names are text; values are scalars or lists of scalars (not mappings)."""
    for key, value in fields.items():
        if not isinstance(key, str):
            raise InputError(f"{where}: field name {key!r} must be text", file=source)
        items = value if isinstance(value, list) else [value]
        if isinstance(value, dict) or any(isinstance(v, (dict, list)) for v in items):
            raise InputError(f"{where}.{key}: expected a value or a list of values, got {_kind(value)}", file=source,
                             hint="e.g. budget: 90m or cast: [Keanu Reeves, Emily Blunt]")
    if where == "base":
        from boxoffice.whatif.scenarios import field_name

        for key in fields:
            try:
                field_name(key)
            except InputError as err:
                raise InputError(f"base: {err.message}", file=source, hint=err.hint) from None


def read_scenarios(path: Path) -> ScenarioFile:
    """Read and check a scenario file (``parse_scenarios``), with clear errors for a missing or odd file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no scenario file at {path}", hint="see data/scenarios/example.yaml")
    if path.stat().st_size > MAX_BYTES:
        raise InputError(f"{path} is over {MAX_BYTES // 1_000_000} MB: not a scenario file?")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read the scenario file: {err}", file=str(path), hint="save it as UTF-8 text") from None
    return parse_scenarios(text, str(path))
