"""The scikit-learn estimator contract, kept by hand so a forecast never imports scikit-learn.

``sklearn.base.clone``, ``Pipeline`` and grid searches need only ``get_params`` / ``set_params``
(parameters are the arguments of ``__init__``, stored unchanged) and, when scikit-learn itself asks,
tags and whether the estimator is fitted. What ``fit`` learns ends in ``_``.
"""
from __future__ import annotations

import inspect

from boxoffice.errors import NotFittedError


class Estimator:
    _kind: str | None = None
    """'transformer' or 'regressor': what scikit-learn's tags call it."""
    _fitted_attribute: str = ""
    """An attribute ``fit`` sets (and a loaded model has): present means fitted."""

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(p.name for p in signature.parameters.values()
                      if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))

    def get_params(self, deep: bool = True) -> dict:
        out = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{key}", v) for key, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params) -> "Estimator":
        valid = self._param_names()
        nested: dict[str, dict] = {}
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                from boxoffice.errors import InputError

                raise InputError(f"{type(self).__name__} has no parameter {name!r}",
                                 hint=f"its parameters are: {', '.join(valid)}")
            if sub:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub_params in nested.items():
            getattr(self, name).set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        shown = [f"{k}={v!r}" for k, v in self.get_params(deep=False).items() if not _same(v, defaults.get(k))]
        return f"{type(self).__name__}({', '.join(shown)})"

    def __sklearn_is_fitted__(self) -> bool:
        return self._fitted_attribute in vars(self)

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet",
                                 hint="call fit(...) first, or load a stored model")

    def __sklearn_tags__(self):
        """Asked for by scikit-learn only (a Pipeline checking its steps), so it is imported here."""
        from sklearn.utils import RegressorTags, Tags, TargetTags, TransformerTags

        return Tags(estimator_type="regressor" if self._kind == "regressor" else None,
                    target_tags=TargetTags(required=self._kind == "regressor"),
                    transformer_tags=TransformerTags() if self._kind == "transformer" else None,
                    regressor_tags=RegressorTags() if self._kind == "regressor" else None)


def _same(a, b) -> bool:
    try:
        return bool(a is b or a == b)
    except Exception:  # noqa: BLE001 - an array or frame compared: just show it
        return False
