"""`boxoffice serve`'s JSON API as a script or the page calls it: the same numbers as the CLI, every endpoint,
and every kind of bad input refused with a 422 (or 401/413) that names the field, never a 500."""
from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from boxoffice.serve.app import create_app
from boxoffice.serve.requests import MAX_BODY_BYTES, MAX_VARIANTS
from boxoffice.serve.service import Service
from boxoffice_cli.main import app as cli

FILM = {"genres": ["action", "thriller"], "budget": "150m", "cast": "Tom Cruise, Emily Blunt",
        "release_date": "2027-07-16", "title": "Heist"}


@pytest.fixture(scope="module")
def service(forecaster, film_table):
    return Service(forecaster, film_table)


@pytest.fixture(scope="module")
def client(service):
    return TestClient(create_app(service), raise_server_exceptions=False)


def _cli_json(args, home):
    result = CliRunner().invoke(cli, [*args, "--json", "--home", str(home)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_forecast_gives_what_predict_json_prints_plus_what_it_rests_on(client, model_home):
    answer = client.post("/api/forecast", json=FILM | {"break_even_multiple": 3.0})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    printed = _cli_json(["predict", "-g", "action", "-g", "thriller", "-b", "150m", "--cast", "Tom Cruise, Emily Blunt",
                         "--release-date", "2027-07-16", "--title", "Heist", "--break-even-multiple", "3",
                         "--explain"], model_home.home)
    assert {k: body[k] for k in printed} == printed  # every key of predict --explain --json, the same numbers
    assert body["worldwide_p10"] <= body["worldwide_p50"] <= body["worldwide_p90"]
    assert sum(body["drivers"].values()) > 0 and body["assumed"] == [] and "directors" in body["open_fields"]
    assert body["mixed_over"] and body["comparable_films"] > 0


def test_unknown_names_come_with_the_closest_known_ones(client):
    body = client.post("/api/forecast", json={"genres": "drama", "budget": "20m", "cast": "Tom Hankss"}).json()
    assert body["unknown_names"][0]["name"] == "Tom Hankss" and "Tom Hanks" in body["unknown_names"][0]["closest"]
    assert any("Tom Hankss" in w for w in body["warnings"]) and body["assumed"] == ["release_date"]


def test_health_names_the_model_and_its_data(client, forecaster):
    body = client.get("/api/health").json()
    assert body["model"].startswith("default/") and body["films"] == forecaster.n_films_
    assert body["period"]["last_release"] and "Action" in body["genres"]


def test_a_slate_is_forecast_as_predict_input_does_and_a_bad_film_keeps_its_place(client):
    body = client.post("/api/slate", json={"films": [{"genres": "drama", "budget": "20m"},
                                                     {"genres": "drama", "budget": "twenty"}]}).json()
    good, bad = body["forecasts"]
    assert good["worldwide_p50"] > 0 and good["problem"] == ""
    assert bad["worldwide_p50"] is None and "budget" in bad["problem"]
    assert body["problems"][0]["field"] == "films[1].budget" and body["forecast"] == 1


def test_compare_scores_a_scenario_as_boxoffice_compare_does(client, model_home, tmp_path):
    text = "base:\n  genres: [Action]\n  budget: 150m\n  release_date: 2027-07-16\nvariants:\n  leaner: {budget: 90m}\n"
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    printed = _cli_json(["compare", str(tmp_path / "s.yaml")], model_home.home)
    from_text = client.post("/api/compare", json={"yaml": text}).json()
    from_json = client.post("/api/compare", json={"base": {"genres": ["Action"], "budget": "150m",
                                                           "release_date": "2027-07-16"},
                                                  "variants": {"leaner": {"budget": "90m"}}}).json()
    assert from_text["scenarios"] == printed == from_json["scenarios"]
    assert from_text["scenario"]["variants"] == {"leaner": {"budget": "90m"}}


def test_sweep_window_cast_and_comps_give_the_commands_rows(client, model_home):
    film = {"genres": ["action"], "budget": "100m", "release_date": "2027-07-16"}
    sweep = client.post("/api/sweep", json={"film": film, "field": "budget", "span": "20m..300m", "steps": 5}).json()
    assert sweep["rows"] == _cli_json(["sweep", "budget", "20m..300m", "--steps", "5", "-g", "action", "-b", "100m",
                                       "--release-date", "2027-07-16"], model_home.home)
    window = client.post("/api/release-window", json={"film": film, "by": "month"}).json()
    assert len(window["rows"]) == 12 and window["rows"][0]["rank"] == 1
    cast = client.post("/api/cast", json={"film": film, "candidates": ["Tom Cruise", "Keanu Reeves"]}).json()
    assert {r["name"] for r in cast["rows"]} == {"Tom Cruise", "Keanu Reeves"}
    comps = client.post("/api/comps", json={"film": film, "k": 5}).json()
    assert len(comps["rows"]) == 5 and comps["rows"][0]["rank"] == 1


def test_talent_and_names_for_autocompletion(client):
    profile = client.get("/api/talent/Tom Hanks", params={"as_of": "2010-12-31"}).json()
    assert profile["name"] == "Tom Hanks" and profile["totals"]["films"] > 5
    names = client.get("/api/names", params={"prefix": "tom cr", "role": "cast"}).json()
    assert "Tom Cruise" in names["cast"]
    assert "Tom Cruise" in client.get("/api/names", params={"prefix": "cruise"}).json()["cast"]  # a later word


@pytest.mark.parametrize("body, field", [
    ({"genres": "action", "budget": "15x"}, "budget"),
    ({"genres": "action", "budget": "1,5m"}, "budget"),
    ({"genres": "action"}, "budget"),
    ({"genres": "not-a-genre", "budget": "15m"}, "genres"),
    ({"genres": "action", "budget": "15m", "release_date": "2027-13-01"}, "release_date"),
    ({"genres": "action", "budget": "15m", "runtime": "long"}, "runtime"),
    ({"genres": "action", "budget": "15m", "sequel": "maybe"}, "sequel"),
    ({"genres": "action", "budget": "15m", "colour": "red"}, "colour"),
    ({"genres": "action", "budget": {"a": 1}}, "budget"),
    ({"genres": "action", "budget": "15m", "break_even_multiple": 0}, "break_even_multiple"),
])
def test_a_bad_value_is_a_422_naming_its_field(client, body, field):
    answer = client.post("/api/forecast", json=body)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"][0]
    assert detail["field"] == field or detail["field"].startswith(field + "."), answer.json()
    assert answer.json()["error"].startswith(detail["field"])


def test_a_bad_variant_is_named_by_variant_and_field(client):
    answer = client.post("/api/compare", json={"base": {"genres": "action", "budget": "150m"},
                                               "variants": {"leaner": {"budget": "9x0m"}}})
    assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == "variants.leaner.budget"
    many = {f"v{i}": {"budget": f"{i + 1}m"} for i in range(MAX_VARIANTS + 1)}
    answer = client.post("/api/compare", json={"base": {"genres": "action", "budget": "150m"}, "variants": many})
    assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == "variants"


JUNK = [None, "", "junk", "[]", '{"a": 1}', "\x00\xff", '{"film": []}', '{"films": [{}]}', '{"yaml": "[: ::"}',
        '{"film": {"genres": "action", "budget": "1e400"}, "field": "budget", "span": "1..2"}',
        '{"yaml": "base: {genres: action, budget: 1m}\\nvariants: {a: {budget: -5}}"}',
        '{"film": {"genres": "action", "budget": "1m"}, "field": "release_date", "span": "2027-01-01..1900-01-01"}',
        '{"film": {"genres": "action", "budget": "1m"}, "between": "x..y"}',
        '{"film": {"genres": "action", "budget": "1m"}, "role": "grip"}', '{"films": []}', '{"yaml": "' + "a" * 2000 + '"}']


@pytest.mark.parametrize("path", ["/api/forecast", "/api/slate", "/api/compare", "/api/sweep", "/api/release-window",
                                  "/api/cast", "/api/comps"])
def test_junk_sent_to_any_endpoint_is_refused_never_a_500(client, path):
    for junk in JUNK:
        answer = client.post(path, content=junk.encode("utf-8", "surrogatepass") if junk else b"",
                             headers={"Content-Type": "application/json"})
        assert answer.status_code in (422, 413), (path, junk, answer.status_code, answer.text)
        assert answer.json()["error"] and "Traceback" not in answer.text
    for query in ({"as_of": "yesterday"}, {"role": "grip"}, {"break_even_multiple": "x"}):
        assert client.get("/api/talent/Tom Hanks", params=query).status_code == 422
    assert client.get("/api/talent/Nobody Atall").status_code == 422
    assert client.get("/api/names", params={"limit": 0}).status_code == 422
    assert client.get("/api/names", params={"role": "grip"}).status_code == 422


def test_a_request_over_the_size_limit_is_refused_unread(client):
    answer = client.post("/api/slate", content=b"{" + b" " * (MAX_BODY_BYTES + 10) + b"}",
                         headers={"Content-Type": "application/json"})
    assert answer.status_code == 413 and "KB" in answer.json()["error"]
    chunks = (b" " * 65536 for _ in range(MAX_BODY_BYTES // 65536 + 2))  # no Content-Length: sent in chunks
    answer = client.post("/api/slate", content=chunks, headers={"Content-Type": "application/json"})
    assert answer.status_code == 413


def test_with_a_token_every_api_call_needs_it_but_the_page_loads(service):
    guarded = TestClient(create_app(service, token="s3cret-token-123"))
    assert guarded.get("/api/health").status_code == 401
    assert guarded.get("/api/health", headers={"Authorization": "Bearer wrong-token"}).status_code == 401
    assert guarded.get("/api/health", headers={"Authorization": "Bearer s3cret-token-123"}).status_code == 200
    refused = guarded.post("/api/forecast", json={"genres": "action", "budget": "1m"})
    assert refused.status_code == 401 and refused.json()["detail"][0]["field"] == "Authorization"
    assert guarded.get("/").status_code == 200 and guarded.get("/app.js").status_code == 200


def test_no_request_reaches_a_file_on_the_server(client):
    for path in ("/../pyproject.toml", "/static/../app.py", "/app.js/../../run.py", "/%2e%2e/pyproject.toml",
                 "/docs-assets/../../../etc/passwd"):
        assert client.get(path).status_code == 404, path
    assert client.post("/api/compare", json={"file": "/etc/passwd"}).status_code == 422


def test_every_asset_ships_in_the_package_and_names_no_other_host(client):
    page = client.get("/").text
    for ref in re.findall(r'(?:src|href)="([^"]*)"', page):
        assert ref.startswith(("/", "#", "data:")), ref
    for path in ("/app.js", "/app.css", "/docs"):
        text = client.get(path).text
        hosts = set(re.findall(r"https?://([^/\"' ]+)", text)) - {"www.w3.org"}  # the SVG namespace is no request
        assert not hosts, (path, hosts)
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]
    assert "/api/forecast" in client.get("/openapi.json").json()["paths"]


def test_serve_refuses_a_short_token_and_warns_off_loopback():
    from boxoffice.errors import InputError
    from boxoffice.serve.run import ServeConfig

    assert ServeConfig().loopback and not ServeConfig().warnings()
    assert "without a token" in ServeConfig(host="0.0.0.0").warnings()[0]
    assert "network" in ServeConfig(host="0.0.0.0", token="long-enough-token").warnings()[0]
    with pytest.raises(InputError, match="under 8"):
        ServeConfig(token="short")
    result = CliRunner().invoke(cli, ["serve", "--token", "short"])
    assert result.exit_code == 2 and "under 8 characters" in result.output


def test_a_film_without_genres_is_mixed_over_comparable_films_genres(client):
    body = client.post("/api/forecast", json={"budget": "15m", "release_date": "2010-07-16"}).json()
    assert body["worldwide_p10"] <= body["worldwide_p50"] <= body["worldwide_p90"]
    assert "genres" in body["mixed_over"] and body["comparable_films"] > 0


def test_a_bug_is_the_json_refusal_with_the_security_headers_not_a_traceback(service, monkeypatch):
    def broken():
        raise RuntimeError("a bug")

    monkeypatch.setattr(service, "health", broken)
    answer = TestClient(create_app(service), raise_server_exceptions=False).get("/api/health")
    assert answer.status_code == 500 and answer.json()["error"] == "internal error (see the server's log)"
    assert "Traceback" not in answer.text and "a bug" not in answer.text
    assert answer.headers["x-content-type-options"] == "nosniff" and "default-src 'self'" in answer.headers[
        "content-security-policy"]
