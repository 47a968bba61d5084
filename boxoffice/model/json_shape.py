"""The shape of JSON read back from a file, checked before anything trusts it.

A shape is ``{key: shape}`` (those keys, other keys allowed), ``{str: shape}`` (any names),
``[shape]`` (a list of it), a type or a tuple of types (``bool`` never passes for a number).
A tampered file then fails on its first odd value, by path, not with a KeyError mid-forecast.
"""
from __future__ import annotations

NUMBER = (int, float)


def shape_error(value, shape, path: str) -> str | None:
    """Where ``value`` first differs from ``shape``, or None."""
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{path} is not a list"
        return next((e for i, v in enumerate(value) if (e := shape_error(v, shape[0], f"{path}[{i}]"))), None)
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return f"{path} is not a mapping"
        if list(shape) == [str]:
            return next((e for k, v in value.items()
                         if (e := f"{path} has a non-text key" if not isinstance(k, str)
                             else shape_error(v, shape[str], f"{path}.{k}"))), None)
        return next((e for k, s in shape.items()
                     if (e := f"{path}.{k} is missing" if k not in value else shape_error(value[k], s, f"{path}.{k}"))),
                    None)
    kinds = shape if isinstance(shape, tuple) else (shape,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        return f"{path} is {type(value).__name__}, not {' or '.join(k.__name__ for k in kinds)}"
    return None
