"""What the server holds while it runs, and the calls each endpoint makes into the library.

One ``Service`` per process: the model loaded once at start, the film table (for comparable films,
casting and talent) and the known names for autocompletion. Each method takes a checked request and
returns JSON-ready data (``json_ready``); a value the library refuses raises ``FieldError`` naming the
request field, which the app turns into a 422.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from boxoffice.errors import InputError
from boxoffice.units import json_ready

NAME_ROLES = ("cast", "director", "distributor")
MAX_NAME_MATCHES = 50


class FieldError(InputError):
    """A request value the library refused: ``field`` is its place in the request (``film.budget``)."""

    def __init__(self, field: str, err: InputError):
        super().__init__(err.message, hint=err.hint)
        self.field = field


_PROBE = {"genres": "drama", "budget": 1e6}


def _locate(fields: dict, err: InputError) -> str:
    """Which of ``fields`` ``make_film`` refused: each is tried alone on a plain film (only on the error path)."""
    from boxoffice.table.film import make_film

    for name, value in fields.items():
        try:
            make_film(**(_PROBE | {name: value}))
        except InputError:
            return name
    return "genres" if "genres" not in fields else "budget" if "budget" not in fields else "film"


def build_film(fields: dict, where: str = ""):
    """A checked ``Film`` from a request's film fields; ``FieldError`` names the bad one (``film.budget``)."""
    from boxoffice.table.film import make_film

    try:
        return make_film(**fields)
    except InputError as err:
        raise FieldError(where + _locate(fields, err), err) from None


@dataclass
class Service:
    forecaster: object
    films: object = None
    """The film table (``boxoffice.table.io.load_films``): comparable films, casting by genre, talent."""
    health_extra: dict | None = None

    def __post_init__(self):
        talent = self.forecaster.builder_.talent_
        self._names = {}
        for role in NAME_ROLES:
            names = sorted(set(talent.known_names(role)), key=str.casefold)
            self._names[role] = ([n.casefold() for n in names], names)

    # --- reading ---------------------------------------------------------------------------------
    def health(self) -> dict:
        from boxoffice.model.forecaster import model_id

        meta = getattr(self.forecaster, "metadata_", {}) or {}
        metrics = meta.get("metrics") or {}
        line = {who: {k: metrics[who].get(k) for k in ("rmsle", "r2_log", "coverage_80", "break_even_auc", "brier",
                                                        "films") if k in metrics[who]}
                for who in ("model", "baseline") if isinstance(metrics.get(who), dict)}
        from boxoffice.break_even import MULTIPLE
        from boxoffice.names import known_genres

        first, last = self.forecaster.period_
        return json_ready({"status": "ok", "model": model_id(self.forecaster), "films": self.forecaster.n_films_,
                           "period": {"first_release": first, "last_release": last},
                           "backtest": line or None, "targets": list(self.forecaster.targets_),
                           "genres": known_genres(), "break_even_multiple": MULTIPLE,
                           **(self.health_extra or {})})

    def names(self, prefix: str, role: str | None, limit: int) -> dict:
        """Known names starting with ``prefix`` (case ignored), per role; a name whose later word starts
        with it comes after (``cru`` finds "Tom Cruise")."""
        roles = NAME_ROLES if role is None else (role,)
        want = prefix.strip().casefold()
        out = {}
        for r in roles:
            folded, names = self._names[r]
            start = bisect.bisect_left(folded, want)
            found = []
            for i in range(start, len(folded)):
                if not folded[i].startswith(want) or len(found) >= limit:
                    break
                found.append(names[i])
            if len(found) < limit and len(want) >= 2:
                found += [n for f, n in zip(folded, names) if f" {want}" in f and n not in found][:limit - len(found)]
            out[r] = found
        return out

    # --- forecasts -------------------------------------------------------------------------------
    def forecast(self, fields: dict, multiple: float, explain: bool) -> dict:
        answer = self.forecasts([(fields, multiple, explain)])[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def forecasts(self, requests: list[tuple[dict, float, bool]]) -> list:
        """``forecast`` of each (fields, multiple, explain), scored together (``forecast_films``): per
        request, its answer or the error it alone would raise, so a bad film spoils no other."""
        answers: list = [None] * len(requests)
        films = {}
        for i, (fields, _, _) in enumerate(requests):
            try:
                films[i] = build_film(fields)
            except FieldError as err:
                answers[i] = err
        at = list(films)
        try:
            scored = self._score([films[i] for i in at], [requests[i][1] for i in at], [requests[i][2] for i in at])
        except Exception as err:  # noqa: BLE001 - a film the library refuses (or a bug) must not fail the others
            scored = [err] if len(at) == 1 else [self._score_alone(films[i], *requests[i][1:]) for i in at]
        for i, one in zip(at, scored):
            answers[i] = one
        return answers

    def _score(self, films: list, multiples: list, explain: list) -> list[dict]:
        from boxoffice.table.film import films_frame
        from boxoffice.whatif.slates import films_context, forecast_films

        frame = films_frame(films)  # made once, for the figures and the warnings
        figures = forecast_films(self.forecaster, films, multiples, explain, frame=frame)
        return [json_ready(one | context) for one, context in zip(figures, films_context(self.forecaster, films, frame))]

    def _score_alone(self, film, multiple: float, explain: bool):
        try:
            return self._score([film], [multiple], [explain])[0]
        except Exception as err:  # noqa: BLE001 - returned, raised to its own request only
            return err

    def slate(self, films: list[dict], multiple: float) -> dict:
        """``predict --input``'s path (``forecast_slate``) over the films as a slate's text cells; a key
        a film leaves out is not decided (``blank_means_open``). A bad film keeps its place, blank, with
        its ``problem``; ``row`` is its position in the list, from 1."""
        import pandas as pd

        from boxoffice.whatif.slates import forecast_slate

        frame = pd.DataFrame([_slate_cells(f) for f in films], index=pd.RangeIndex(1, len(films) + 1)).fillna("")
        result = forecast_slate(self.forecaster, frame, break_even_multiple=multiple, blank_means_open=True)
        problems = [{"field": f"films[{p.row - 1}].{_request_name(p.column)}", "row": p.row, "problem": p.message,
                     "fix": p.hint} for p in result.problems]
        if not result.n_ok:  # nothing to show: the request as a whole is refused
            first = problems[0] if problems else {"field": "films", "problem": "no film to forecast", "fix": None}
            raise FieldError(first["field"], InputError(first["problem"] + (f" (and {len(problems) - 1} more)"
                                                        if len(problems) > 1 else ""), hint=first["fix"]))
        return json_ready({"forecasts": result.forecasts.to_dict("records"), "problems": problems,
                           "warnings": result.warnings, "forecast": result.n_ok})

    def compare(self, base: dict | None, variants: dict | None, text: str | None, multiple: float | None) -> dict:
        """A scenario file's path (``parse_scenarios`` then ``scenarios.compare``), as ``boxoffice compare``."""
        import yaml

        from boxoffice.break_even import MULTIPLE
        from boxoffice.whatif.scenario_file import parse_scenarios
        from boxoffice.whatif.scenarios import compare

        if text is None:
            if base is None or variants is None:
                raise FieldError("yaml", InputError("give either yaml (a scenario file's text) or base and variants"))
            text = yaml.safe_dump({"base": base, "variants": variants}, sort_keys=False, allow_unicode=True)
        elif base is not None or variants is not None:
            raise FieldError("yaml", InputError("give either yaml or base and variants, not both"))
        try:
            spec = parse_scenarios(text, "the scenario")
        except InputError as err:
            raise FieldError("yaml" if base is None else "variants", err) from None
        from boxoffice.serve.requests import MAX_VARIANTS

        if len(spec.variants) > MAX_VARIANTS:
            raise FieldError("variants", InputError(f"{len(spec.variants)} variants; at most {MAX_VARIANTS} at once",
                                                    hint="run `boxoffice compare FILE` for more"))
        film = build_film({str(k): v for k, v in spec.base.items()}, "base.")
        multiple = multiple or spec.break_even_multiple or MULTIPLE
        frame = compare(film, spec.variants, self.forecaster, multiple)
        _refuse_problems(frame, "variants")
        from boxoffice.model.forecaster import model_id
        from boxoffice.whatif.scoring import frame_records

        return {"scenarios": frame_records(frame, break_even_multiple=multiple, model=model_id(self.forecaster)),
                "scenario": json_ready({"base": spec.base, "variants": spec.variants}), "break_even_multiple": multiple}

    def sweep(self, fields: dict, field: str, span: str, steps: int | None, multiple: float) -> dict:
        from boxoffice.whatif.scenarios import sweep, sweep_base_budget, sweep_values
        from boxoffice.whatif.scoring import frame_records

        try:
            values = sweep_values(field, span, steps)
        except InputError as err:
            raise FieldError("span", err) from None
        fallback = sweep_base_budget(field, values)
        film = build_film(fields if fields.get("budget") is not None or fallback is None
                          else fields | {"budget": fallback}, "film.")
        frame = sweep(film, field, values, self.forecaster, multiple)
        _refuse_problems(frame, "span")
        out = frame.assign(value=frame["value"].map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v))
        return {"field": field, "rows": frame_records(out, break_even_multiple=multiple),
                "base": json_ready(frame.attrs["base"]), "warnings": frame.attrs["warnings"]}

    def release_window(self, fields: dict, year, between, by: str, multiple: float) -> dict:
        from boxoffice.whatif.scenarios import release_windows
        from boxoffice.whatif.scoring import frame_records

        film = build_film(fields, "film.")
        try:
            frame = release_windows(film, self.forecaster, year=year, between=between, by=by,
                                    break_even_multiple=multiple)
        except InputError as err:
            raise FieldError("between" if between else "year", err) from None
        return {"by": by, "rows": frame_records(frame, break_even_multiple=multiple),
                "base": json_ready(frame.attrs["base"]), "warnings": frame.attrs["warnings"]}

    def cast(self, fields: dict, role: str, candidates, top: int, min_films: int, multiple: float) -> dict:
        from boxoffice.whatif.casting import rank_cast
        from boxoffice.whatif.scoring import frame_records

        film = build_film(fields, "film.")
        try:
            frame = rank_cast(film, self.forecaster, role, candidates, top, self.films, min_films, multiple)
        except InputError as err:
            raise FieldError("candidates" if candidates is not None and "role" not in err.message else "role",
                             err) from None
        return {"role": role, "rows": frame_records(frame, break_even_multiple=multiple),
                "warnings": frame.attrs["warnings"]}

    def comps(self, fields: dict, k: int) -> dict:
        from boxoffice.whatif.comps import comps
        from boxoffice.whatif.scoring import frame_records

        film = build_film(fields, "film.")
        if self.films is None:
            raise FieldError("film", InputError("this server has no film table for comparable films"))
        try:
            return {"rows": frame_records(comps(film, self.forecaster, self.films, k=k))}
        except InputError as err:
            raise FieldError("k", err) from None

    def talent(self, name: str, role: str | None, as_of: str | None, multiple: float) -> dict:
        from boxoffice.whatif.talent import talent_profile

        if self.films is None:
            raise FieldError("name", InputError("this server has no film table for track records"))
        try:
            return json_ready(talent_profile(self.forecaster, self.films, name, role, as_of, multiple).as_dict())
        except InputError as err:
            field = "as_of" if "as-of" in err.message or "as_of" in str(err.hint) else \
                "role" if "role" in err.message else "name"
            raise FieldError(field, err) from None


def _refuse_problems(frame, field: str) -> None:
    """A what-if frame whose variants or values had problems is refused whole, each problem named."""
    problems = frame.attrs.get("problems", [])
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise FieldError(f"{field}.{first.scenario}.{first.field}" if field == "variants" else field,
                         InputError(f"{first.message}{more}", hint=first.hint))


_CELL_COLUMNS = {"budget": "budget_usd", "director": "directors", "rating": "mpaa_rating", "runtime": "runtime_min"}


def _slate_cells(fields) -> dict:
    """A film of a slate request as a slate CSV row's text cells (canonical columns)."""
    out = {}
    for key, value in fields.fields().items():
        if isinstance(value, list):
            value = "|".join(value)
        elif isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, float):
            value = repr(value)
        out[_CELL_COLUMNS.get(key, key)] = str(value)
    return out


def _request_name(column: str | None) -> str:
    back = {v: k for k, v in _CELL_COLUMNS.items()}
    return back.get(column, column or "film")
