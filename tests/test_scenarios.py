"""What-if scenarios through the library: compare, grid, sweep, release windows, cast, comps.

Tests check directions the data supports and the bookkeeping (rows, names, problems),
never figures copied from the code's own output.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from boxoffice.errors import InputError
from boxoffice.table.film import make_film
from boxoffice.whatif.casting import rank_cast
from boxoffice.whatif.scoring import FIGURES
from boxoffice.whatif.scenarios import compare, grid, release_windows, sweep, sweep_values

ROOT = Path(__file__).resolve().parents[1]
BASE = {"title": "Untitled heist thriller", "genres": ["Action", "Thriller"], "budget": "150m",
        "release_date": "2027-07-16", "cast": ["Tom Cruise", "Emily Blunt"], "director": "Christopher McQuarrie",
        "mpaa_rating": "PG-13"}


def test_compare_a_producers_variants_base_first(forecaster):
    frame = compare(BASE, {"leaner": {"budget": "90m"}, "bigger": {"budget": "250m"},
                           "holiday": {"release_date": "2027-12-17"}}, forecaster)
    assert frame["scenario"].tolist() == ["base", "leaner", "bigger", "holiday"]
    for col in (*FIGURES, "worldwide_p50_change_pct", "break_even_prob_change", "changes", "problem"):
        assert col in frame.columns, col
    by = frame.set_index("scenario")
    assert by.loc["leaner", "worldwide_p50"] < by.loc["base", "worldwide_p50"] < by.loc["bigger", "worldwide_p50"]
    assert (by["worldwide_p10"] <= by["worldwide_p50"]).all() and (by["worldwide_p50"] <= by["worldwide_p90"]).all()
    assert by.loc["base", "worldwide_p50_change_pct"] == 0 and by.loc["base", "break_even_prob_change"] == 0
    assert by.loc["leaner", "worldwide_p50_change_pct"] < 0 < by.loc["bigger", "worldwide_p50_change_pct"]
    assert by.loc["leaner", "break_even_gross"] == pytest.approx(2.5 * 90e6)
    assert by.loc["holiday", "release_date"] == "2027-12-17"
    assert (frame["problem"] == "").all() and frame.attrs["problems"] == []


def test_identical_variants_give_identical_forecasts(forecaster):
    frame = compare(BASE, {"same-text": {"budget": "150m"}, "same-number": {"budget": 150_000_000},
                           "same-again": {"genres": "action, thriller"}}, forecaster)
    figures = frame[list(FIGURES)].to_numpy()
    assert (figures == figures[0]).all()
    assert (frame["worldwide_p50_change_pct"] == 0).all()


def test_a_bad_variant_is_reported_by_name_and_field_and_the_others_still_run(forecaster):
    frame = compare(BASE, {"leaner": {"budget": "90m"}, "typo": {"budget": "lots"}, "zombies": {"genres": "zombie"},
                           "colour": {"colour": "red"}, "two-bad": {"budget": "-5m", "runtime": "long"}}, forecaster)
    problems = {(p.scenario, p.field) for p in frame.attrs["problems"]}
    assert problems == {("typo", "budget"), ("zombies", "genres"), ("colour", "colour"),
                        ("two-bad", "budget"), ("two-bad", "runtime")}
    by = frame.set_index("scenario")
    assert by.loc["leaner", "worldwide_p50"] > 0 and by.loc["leaner", "problem"] == ""
    for name in ("typo", "zombies", "colour", "two-bad"):
        assert np.isnan(by.loc[name, "worldwide_p50"]) and by.loc[name, "problem"]
    assert "unknown genre 'zombie'" in by.loc["zombies", "problem"]
    assert "unknown field 'colour'" in by.loc["colour", "problem"]


def test_the_base_may_be_a_film_and_a_bad_base_is_an_error(forecaster):
    film = make_film(genres="comedy", budget="20m", release_date="2027-03-05")
    frame = compare(film, {"cheaper": {"budget": "10m"}}, forecaster)
    assert frame["budget_usd"].tolist() == [20e6, 10e6]
    with pytest.raises(InputError, match="base film: unknown genre"):
        compare({"genre": "zombie", "budget": "10m"}, {"a": {"budget": "5m"}}, forecaster)


def test_lead_swaps_only_the_first_billed_name(forecaster):
    frame = compare(BASE, {"lead": {"lead": "Keanu Reeves"}, "cast": {"cast": ["Keanu Reeves", "Emily Blunt"]}},
                    forecaster)
    lead, cast = frame.iloc[1], frame.iloc[2]
    assert [lead[c] for c in FIGURES] == [cast[c] for c in FIGURES]
    assert "lead=Keanu Reeves" in lead["changes"]


def test_package_level_compare(forecaster):
    import boxoffice

    frame = boxoffice.compare({"genre": "action", "budget": "150m"}, {"leaner": {"budget": "90m"}}, forecaster)
    assert frame["scenario"].tolist() == ["base", "leaner"]


def test_grid_is_the_cartesian_product_ranked(forecaster):
    levers = {"budget": ["90m", "150m", "250m"], "release-date": ["2027-07-16", "2027-12-17"], "rating": ["PG-13", "R"]}
    frame = grid(BASE, levers, forecaster)
    assert len(frame) == 3 * 2 * 2 == frame["scenario"].nunique()
    assert frame["rank"].tolist() == list(range(1, 13))
    assert frame["expected_return"].is_monotonic_decreasing
    assert frame.attrs["levers"] == ["budget_usd", "release_date", "rating"]
    by_risk = grid(BASE, levers, forecaster, rank_by="break_even_prob")
    assert by_risk["break_even_prob"].is_monotonic_increasing


def test_grid_drops_bad_values_and_refuses_nonsense(forecaster):
    frame = grid(BASE, {"budget": ["90m", "oops", "150m"], "rating": ["R"]}, forecaster)
    assert len(frame) == 2
    assert [(p.field, p.scenario) for p in frame.attrs["problems"]] == [("budget", "budget=oops")]
    with pytest.raises(InputError, match="unknown field 'colour'"):
        grid(BASE, {"colour": ["red"]}, forecaster)
    with pytest.raises(InputError, match="no usable value for 'budget'"):
        grid(BASE, {"budget": ["oops"]}, forecaster)
    with pytest.raises(InputError, match="varied twice"):
        grid(BASE, {"budget": ["90m"], "budget_usd": ["80m"]}, forecaster)
    with pytest.raises(InputError, match="too many"):
        grid(BASE, {"budget": [f"{b}m" for b in range(1, 501)], "runtime": list(range(60, 560))}, forecaster)


def test_forecast_rises_with_budget(forecaster):
    frame = sweep(BASE, "budget", sweep_values("budget", "20m..300m", steps=12), forecaster)
    assert frame["value"].is_monotonic_increasing and len(frame) == 12
    p50 = frame["worldwide_p50"].to_numpy()
    assert p50[-1] > 3 * p50[0]
    ranks = np.corrcoef(np.argsort(np.argsort(p50)), np.arange(len(p50)))[0, 1]
    assert ranks > 0.8  # rank correlation: more money, more gross, almost step by step


def test_sweep_values_parse_ranges():
    assert sweep_values("budget", "20m..300m", steps=3) == [20e6, 160e6, 300e6]
    weekly = sweep_values("release-date", "2027-01-01..2027-03-01")
    assert len(weekly) == 9 and (weekly[1] - weekly[0]).days == 7
    assert sweep_values("runtime", "90..150", steps=4) == [90.0, 110.0, 130.0, 150.0]
    for field, spec in (("budget", "300m..20m"), ("budget", "20m-300m"), ("cast", "a..b"), ("budget", "x..3m")):
        with pytest.raises(InputError):
            sweep_values(field, spec)


def test_release_weeks_and_months_are_ranked(forecaster):
    weeks = release_windows(BASE, forecaster, year=2027)
    assert len(weeks) == 53  # 1 January 2027 is a Friday
    assert weeks["worldwide_p50"].is_monotonic_decreasing and weeks["rank"].tolist() == list(range(1, 54))
    assert {np.datetime64(d, "D").astype(object).weekday() for d in weeks["release_date"]} == {4}
    months = release_windows(BASE, forecaster, year=2027, by="month")
    assert sorted(months["window"]) == [f"2027-{m:02d}" for m in range(1, 13)]
    assert months["worldwide_p50"].is_monotonic_decreasing
    with pytest.raises(InputError):
        release_windows(BASE, forecaster, by="fortnight")


def test_a_budget_sweep_base_may_leave_the_budget_out(forecaster):
    from boxoffice.whatif.scenarios import sweep_base_budget

    no_budget = {k: v for k, v in BASE.items() if k != "budget"}
    frame = sweep(no_budget, "budget", sweep_values("budget", "20m..320m", steps=5), forecaster)
    assert frame.attrs["base"]["budget_usd"] == pytest.approx(80e6)  # the middle on a log scale: sqrt(20m x 320m)
    assert sweep_base_budget("budget", [20e6, "320m"]) == pytest.approx(80e6)
    assert sweep_base_budget("runtime", [90, 120]) is None
    with pytest.raises(InputError, match="budget is required"):
        sweep(no_budget, "runtime", [90, 120], forecaster)


def test_release_windows_between_two_dates(forecaster):
    frame = release_windows(BASE, forecaster, between="2027-05-01..2027-08-31")  # Fridays May 7 .. Aug 27
    assert len(frame) == 17 and frame["release_date"].min() == "2027-05-07" and frame["release_date"].max() == "2027-08-27"
    for between, words in [("2027-05-01", "START..END"), ("2027-05-01..someday", "not a date")]:
        with pytest.raises(InputError, match=words):
            release_windows(BASE, forecaster, between=between)


def test_release_weeks_are_labelled_in_the_year_of_their_friday(forecaster):
    """1 January 2027 is a Friday: ISO counts it in week 53 of 2026, a producer in the first week of 2027."""
    weeks = release_windows(BASE, forecaster, year=2027).sort_values("release_date")
    assert weeks["window"].iloc[0] == "2027-W01" and weeks["window"].iloc[-1] == "2027-W53"
    assert weeks["window"].is_unique
    across = release_windows(BASE, forecaster, start=__import__("datetime").date(2026, 12, 20),
                             end=__import__("datetime").date(2027, 1, 10)).sort_values("release_date")
    assert across["window"].tolist() == ["2026-W52", "2027-W01", "2027-W02"]


def test_cast_candidates_ranked_with_their_track_record(forecaster):
    frame = rank_cast(BASE, forecaster, "lead", "Tom Hanks, Keanu Reeves, Nobody Evermade, Tom Hanx")
    assert set(frame["name"]) == {"Tom Hanks", "Keanu Reeves", "Nobody Evermade", "Tom Hanx"}
    assert frame["worldwide_p50"].is_monotonic_decreasing
    by = frame.set_index("name")
    assert by.loc["Tom Hanks", "films_before"] > 5 and by.loc["Tom Hanks", "known"]
    assert not by.loc["Nobody Evermade", "known"] and by.loc["Nobody Evermade", "talent_value_pct"] == 0
    assert "Tom Hanks" in by.loc["Tom Hanx", "did_you_mean"]
    warned = frame.attrs["warnings"]  # every unknown name, returned for the caller to show
    assert len(warned) == 2 and "'Tom Hanx'" in warned[0] + warned[1] and "'Nobody Evermade'" in warned[0] + warned[1]
    # the forecast responds to cast: a proven star beats a newcomer in the lead
    assert by.loc["Tom Hanks", "worldwide_p50"] > by.loc["Nobody Evermade", "worldwide_p50"]


def test_cast_top_n_of_the_genre(forecaster, film_table):
    frame = rank_cast(BASE, forecaster, "second", top=5, films_table=film_table)
    assert len(frame) == 5 and frame["known"].all() and (frame["films_before"] >= 2).all()
    assert frame["worldwide_p50"].is_monotonic_decreasing
    directors = rank_cast(BASE, forecaster, "director", top=3, films_table=film_table)
    assert len(directors) == 3
    with pytest.raises(InputError, match="billing slot"):
        rank_cast(BASE, forecaster, "best boy", "Tom Hanks")
    with pytest.raises(InputError, match="film table"):
        rank_cast(BASE, forecaster, "lead")


def p50(forecaster, **changes) -> float:
    """The worldwide P50 of BASE with some fields changed, forecast on its own."""
    from boxoffice.whatif.scoring import score

    return score([make_film(**{**BASE, **changes})], forecaster).iloc[0]["worldwide_p50"]


def test_a_candidate_already_billed_moves_to_the_slot_and_the_cast_keeps_its_other_names(forecaster):
    from boxoffice.whatif.casting import NEWCOMER

    frame = rank_cast(BASE, forecaster, "second", "Tom Cruise, Zed Nobody").set_index("name")
    moved = p50(forecaster, cast=["Emily Blunt", "Tom Cruise"])
    assert frame.loc["Tom Cruise", "worldwide_p50"] == pytest.approx(moved)
    # his talent value: against a newcomer in his place, the rest of the cast unchanged
    newcomer = p50(forecaster, cast=["Emily Blunt", NEWCOMER])
    assert frame.loc["Tom Cruise", "talent_value_pct"] == pytest.approx((moved / newcomer - 1) * 100)
    # a name not billed takes the slot from its holder, as before
    assert frame.loc["Zed Nobody", "worldwide_p50"] == pytest.approx(p50(forecaster, cast=["Tom Cruise", "Zed Nobody"]))


@pytest.mark.parametrize("cast, role, name, scored_as", [
    (["Tom Cruise", "Emily Blunt"], "lead", "Tom Cruise", ["Tom Cruise", "Emily Blunt"]),  # already there: the base
    (["Tom Cruise", "Emily Blunt", "Ving Rhames"], "lead", "ving rhames", ["ving rhames", "Tom Cruise", "Emily Blunt"]),
    (["Tom Cruise", "Emily Blunt", "Ving Rhames"], "second", "Tom Cruise", ["Emily Blunt", "Tom Cruise", "Ving Rhames"]),
    (["Tom Cruise", "Emily Blunt"], "4", "Tom Cruise", ["Emily Blunt", "Tom Cruise"]),  # past the end: billed last
])
def test_moving_a_billed_name_keeps_everyone_else_in_order(forecaster, cast, role, name, scored_as):
    frame = rank_cast({**BASE, "cast": cast}, forecaster, role, [name])
    assert frame.loc[0, "worldwide_p50"] == pytest.approx(p50(forecaster, cast=scored_as))


def test_comps_are_k_real_films_with_budgets(forecaster, film_table):
    from boxoffice.whatif.comps import comps

    frame = comps(BASE, forecaster, film_table, k=7)
    assert len(frame) == 7 and frame["rank"].tolist() == list(range(1, 8))
    assert set(frame["title"]) <= set(film_table["title"])
    assert (frame["budget_usd"] > 0).all() and (frame["worldwide_gross_usd"] > 0).all()
    assert np.allclose(frame["multiple"], frame["worldwide_gross_usd"] / frame["budget_usd"])
    assert frame["distance"].is_monotonic_increasing
    assert frame["genres"].str.contains("Action|Thriller").all()
    small = comps({"genre": "horror", "budget": "5m"}, forecaster, film_table, k=7)
    assert small["budget_usd"].median() < frame["budget_usd"].median() / 5
    assert small["genres"].str.contains("Horror").all()


def test_plots_are_written(forecaster, tmp_path):
    from boxoffice.show.scenario_plots import scenario_ranges, sweep_curve

    frame = compare(BASE, {"leaner": {"budget": "90m"}, "bad": {"budget": "x"}}, forecaster)
    scenario_ranges(frame, tmp_path / "ranges.png")
    curve = sweep(BASE, "release-date", sweep_values("release-date", "2027-01-01..2027-06-30"), forecaster)
    sweep_curve(curve, path=tmp_path / "sweep.png")
    for name in ("ranges.png", "sweep.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- scenario files

def test_the_example_scenario_file_parses_and_runs(forecaster):
    from boxoffice.whatif.scenario_file import read_scenarios

    spec = read_scenarios(ROOT / "data" / "scenarios" / "example.yaml")
    frame = compare(spec.base, spec.variants, forecaster)
    assert frame["scenario"].tolist()[0] == "base" and len(frame) == 1 + len(spec.variants)
    assert frame.attrs["problems"] == []


@pytest.mark.parametrize("text, words", [
    ("base: [", "invalid YAML at line 1"),
    ("- a\n- b\n", "mapping with 'base' and 'variants'"),
    ("base: {genres: action, budget: 1m}\nvariant: {a: {budget: 2m}}\n", "unknown key(s) 'variant'"),
    ("base: {genres: action, budget: 1m}\nvariants: {a: }\n", "variant 'a' overrides nothing"),
    ("base: {genres: action, budget: 1m}\nvariants: {a: {}}\n", "variant 'a' overrides nothing"),
    ("base: {genres: action, budget: 1m}\nvariants: {a: 90m}\n", "must be a mapping of fields"),
    ("base: {genres: action, budget: 1m}\nvariants: {a: {budget: {x: 1}}}\n", "variants.a.budget: expected a value"),
    ("base: {genres: action, budget: 1m}\nvariants: {a: {budget: 2m}, a: {budget: 3m}}\n", "'a' is given twice"),
    ("base: {genres: action, budget: 1m, colour: red}\nvariants: {a: {budget: 2m}}\n", "base: unknown field 'colour'"),
    ("base: {genres: action, budget: 1m}\n", "'variants' must be a mapping"),
    ("base: {genres: action, budget: 1m}\nvariants: {base: {budget: 2m}}\n", "cannot be named 'base'"),
])
def test_scenario_file_mistakes_are_named(text, words):
    from boxoffice.whatif.scenario_file import parse_scenarios

    with pytest.raises(InputError) as err:
        parse_scenarios(text, "s.yaml")
    assert words in str(err.value) and "s.yaml" in str(err.value)


def test_scenario_values_are_the_text_the_user_wrote():
    """YAML 1.1 reads NO (Norway) as False, yes as True and 1984 as a number: a scenario file does not."""
    from boxoffice.whatif.scenario_file import parse_scenarios

    spec = parse_scenarios("base: {title: 1984, genres: [Action], budget: 150m, release_date: 2027-07-16, "
                           "runtime: 120, sequel: no}\n"
                           "variants:\n  no: {country: NO}\n  yes: {country: 'NO', runtime: 95.5}\n  on: {title: }\n"
                           "break_even_multiple: 3\n", "s.yaml")
    assert spec.base == {"title": "1984", "genres": ["Action"], "budget": "150m", "release_date": "2027-07-16",
                         "runtime": "120", "sequel": "no"}
    assert spec.variants == {"no": {"country": "NO"}, "yes": {"country": "NO", "runtime": "95.5"}, "on": {"title": None}}
    assert spec.break_even_multiple == 3.0
    film = make_film(**spec.base)
    assert film.title == "1984" and film.runtime_min == 120 and film.sequel is False and film.budget_usd == 150e6


@pytest.mark.parametrize("text", ["variants: {a: {budget: 90m}}\nbreak_even_multiple: yes\n",
                                  "variants: {a: {budget: 90m}}\nbreak_even_multiple: lots\n",
                                  "variants: {a: {budget: 90m}}\nbreak_even_multiple: 30\n"])
def test_a_bad_break_even_multiple_is_still_refused(text):
    from boxoffice.whatif.scenario_file import parse_scenarios

    with pytest.raises(InputError, match="break_even_multiple"):
        parse_scenarios("base: {genres: action, budget: 1m}\n" + text, "s.yaml")


def test_a_variant_is_its_base_with_the_overrides_exactly_as_dataclasses_replace_makes_it():
    """Variants skip ``Film.__init__`` for speed, which holds only while a Film checks nothing there."""
    import dataclasses as dc
    import datetime as dt

    from boxoffice.table.film import Film
    from boxoffice.whatif.scenarios import LEAD, _apply

    assert not hasattr(Film, "__post_init__") and not hasattr(Film, "__slots__")
    base = make_film(genres="action", budget="150m", cast="Tom Cruise, Emily Blunt", release_date="2027-07-16")
    for overrides, expected in [
        ([("budget_usd", 9e7)], {"budget_usd": 9e7}),
        ([("budget_usd", 9e7), ("release_date", dt.date(2027, 12, 17))], {"budget_usd": 9e7,
                                                                         "release_date": dt.date(2027, 12, 17)}),
        ([(LEAD, ("Keanu Reeves",))], {"cast": ("Keanu Reeves", "Emily Blunt")}),
    ]:
        variant, replaced = _apply(base, overrides), dc.replace(base, **expected)
        assert type(variant) is Film and variant == replaced and hash(variant) == hash(replaced)
        assert dc.asdict(variant) == dc.asdict(replaced)
    assert base.budget_usd == 150e6  # the base is untouched


def test_variant_warnings_read_from_the_scored_frame_as_from_a_new_one(forecaster):
    """compare, grid, sweep and release windows hand ``variant_warnings`` the films frame they scored
    (repeated films included): the same warnings as a frame made afresh."""
    import dataclasses

    from boxoffice.whatif.scoring import as_film, score_and_frame, variant_warnings

    base = as_film(BASE)
    narnia = dataclasses.replace(base, country="Narnia")
    variants = {"narnia": narnia, "again": narnia, "same": base, "klingon": dataclasses.replace(base, language="Klingon")}
    scored, every = score_and_frame([base, *variants.values()], forecaster)
    assert len(scored) == len(every) == 5
    fresh = variant_warnings(base, variants, forecaster)
    assert variant_warnings(base, variants, forecaster, every) == fresh
    assert any("'narnia'" in line and "'again'" in line for line in fresh)
    assert any("'klingon'" in line for line in fresh) and not any("'same'" in line for line in fresh)
