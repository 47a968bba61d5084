"""The forecasting model: deterministic, ordered ranges, calibrated on time, stored as plain files."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from boxoffice import store
from boxoffice.store import ModelStore
from boxoffice.errors import ModelStoreError
from boxoffice.table.film import films_frame, make_film
from boxoffice.model.forecaster import Forecaster


def _films(*films):
    return films_frame([make_film(**f) for f in films])


def test_forecast_is_ordered_and_in_dollars(forecaster):
    out = forecaster.predict(_films({"genres": "action", "budget": "150m", "release_date": "2027-07-16"})).iloc[0]
    assert out["worldwide_p10"] <= out["worldwide_p50"] <= out["worldwide_p90"]
    assert out["domestic_p10"] <= out["domestic_p50"] <= out["domestic_p90"]
    assert 1e6 < out["worldwide_p50"] < 5e9
    assert 0 < out["break_even_prob"] < 1
    assert out["break_even_gross"] == pytest.approx(2.5 * 150e6, rel=0.01)


def test_bigger_budget_bigger_forecast_and_higher_multiple_more_risk(forecaster):
    films = _films({"genres": "action", "budget": "20m", "release_date": "2027-07-16"},
                   {"genres": "action", "budget": "200m", "release_date": "2027-07-16"})
    small, big = forecaster.predict(films).to_dict("records")
    assert big["worldwide_p50"] > small["worldwide_p50"]
    lenient = forecaster.predict(films, break_even_multiple=1.5)["break_even_prob"]
    strict = forecaster.predict(films, break_even_multiple=4.0)["break_even_prob"]
    assert (strict > lenient).all()


def test_training_is_deterministic(film_table):
    sample = film_table[film_table["year"] >= 2000]
    films = _films({"genres": "comedy", "budget": "30m", "cast": "Tom Hanks", "release_date": "2013-05-01"})
    first = Forecaster().fit(sample).predict(films)
    second = Forecaster().fit(sample).predict(films)
    pd.testing.assert_frame_equal(first, second)


def test_store_round_trip_gives_the_same_forecast(forecaster, tmp_path):
    path = ModelStore(tmp_path).save(forecaster, "copy")
    loaded = ModelStore(tmp_path).load("copy")
    films = _films({"genres": "drama", "budget": "15m", "cast": "Meryl Streep", "release_date": "2027-03-01"})
    pd.testing.assert_frame_equal(forecaster.predict(films), loaded.predict(films))
    assert {p.name for p in path.iterdir()} >= {"metadata.json", "talent.parquet", "worldwide_p50.txt"}
    assert not list(path.glob("*.pkl")) and not list(path.glob("*.pickle"))
    assert (path / "worldwide_p50.txt").read_text().startswith("tree")


def _copy(forecaster, tmp_path):
    return ModelStore(tmp_path).save(forecaster, "m")


def test_truncated_model_file_is_caught_by_its_checksum(forecaster, tmp_path):
    path = _copy(forecaster, tmp_path)
    text = (path / "worldwide_p50.txt").read_text()
    (path / "worldwide_p50.txt").write_text(text[: len(text) // 2])
    with pytest.raises(ModelStoreError, match="checksum"):
        ModelStore(tmp_path).load("m")


def test_newer_schema_version_says_upgrade(forecaster, tmp_path):
    path = _copy(forecaster, tmp_path)
    meta = json.loads((path / "metadata.json").read_text())
    meta["schema_version"] = store.MODEL_SCHEMA_VERSION + 1
    (path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelStoreError, match="schema version") as err:
        ModelStore(tmp_path).load("m")
    assert "upgrade" in str(err.value)


def test_a_model_stored_with_a_lead_feature_says_retrain(forecaster, tmp_path):
    """Schema 2 models read a "lead" from IMDB 5000's order (by 2016 Facebook likes): refused, never read."""
    path = _copy(forecaster, tmp_path)
    meta = json.loads((path / "metadata.json").read_text())
    meta["schema_version"] = 2
    (path / "metadata.json").write_text(json.dumps(meta))
    with pytest.raises(ModelStoreError, match="schema version 2") as err:
        ModelStore(tmp_path).load("m")
    assert "retrain" in str(err.value) and ModelStore(tmp_path).outdated("m")


def test_corrupt_metadata_and_missing_pointer_are_clear(forecaster, tmp_path):
    path = _copy(forecaster, tmp_path)
    (path / "metadata.json").write_text("{not json")
    with pytest.raises(ModelStoreError, match="corrupt"):
        ModelStore(tmp_path).load("m")
    with pytest.raises(ModelStoreError, match="no trained model"):
        ModelStore(tmp_path).load("other")


def test_a_failed_save_leaves_the_current_model_untouched(forecaster, tmp_path, monkeypatch):
    first = _copy(forecaster, tmp_path)
    monkeypatch.setattr(forecaster.builder_.talent_.table, "to_parquet",
                        lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")), raising=False)
    with pytest.raises(OSError):
        ModelStore(tmp_path).save(forecaster, "m")
    monkeypatch.undo()
    assert ModelStore(tmp_path).current("m") == first.name
    assert sorted(p.name for p in (tmp_path / "m").iterdir() if p.is_dir()) == [first.name]
    ModelStore(tmp_path).load("m")


def test_metadata_records_what_a_reviewer_needs(model_home):
    meta = ModelStore(model_home.models_dir).read_metadata()
    assert meta["schema_version"] == store.MODEL_SCHEMA_VERSION
    assert meta["period"]["last_release"] < "2013-01-01"
    assert len(meta["data_fingerprint"]) == 64
    assert meta["libraries"]["lightgbm"]
    assert set(meta["checksums"]) >= {"worldwide_p50.txt", "domestic_p50.txt", "talent.parquet"}
    assert meta["features"]["feature_names"]


def test_the_store_needs_only_the_forecasters_own_state(forecaster, tmp_path):
    """``ModelStore.save`` asks the forecaster for ``get_state()`` and nothing else."""

    class OnlyState:
        def get_state(self):
            return forecaster.get_state()

    store = ModelStore(tmp_path)
    path = store.save(OnlyState(), "m")
    films = _films({"genres": "comedy", "budget": "30m", "release_date": "2027-03-01"})
    pd.testing.assert_frame_equal(store.load("m").predict(films), forecaster.predict(films))
    assert store.versions("m") == [path.name] and store.current("m") == path.name
    assert store.load("m").metadata_["version"] == path.name


def test_load_or_train_loads_a_stored_model_and_trains_only_a_missing_default(forecaster, home_copy, monkeypatch):
    import shutil

    from boxoffice import training
    from boxoffice.workspace import Workspace

    ws = Workspace(data_dir=home_copy, home=home_copy)
    heard = []
    assert training.load_or_train(ws, on_info=heard.append).metadata_["name"] == "default" and heard == []
    with pytest.raises(ModelStoreError, match="no trained model named 'other'"):
        training.load_or_train(ws, "other")  # only the default one is trained on demand
    trained = []
    monkeypatch.setattr(training, "train_and_store",
                        lambda films, store, name, **kw: trained.append(len(films)) or store.save(forecaster, name))
    pointer = ws.models_dir / "default" / "CURRENT"
    pointer.unlink()  # versions without a pointer: a broken model is reported, never replaced
    with pytest.raises(ModelStoreError, match="no CURRENT pointer"):
        training.load_or_train(ws)
    assert trained == []
    shutil.rmtree(ws.models_dir / "default")
    assert training.load_or_train(ws, on_info=heard.append).metadata_["name"] == "default"
    assert trained and "No model yet" in heard[0]


def test_a_second_first_run_waits_for_the_first_and_uses_its_model(forecaster, home_copy, monkeypatch):
    import shutil
    import threading

    from boxoffice import training
    from boxoffice.store import ModelStore
    from boxoffice.workspace import Workspace

    ws = Workspace(data_dir=home_copy, home=home_copy)
    shutil.rmtree(ws.models_dir / "default")
    store = ModelStore(ws.models_dir)
    trained, heard = [], []
    monkeypatch.setattr(training, "train_and_store",
                        lambda films, store, name, **kw: trained.append(name) or store.save(forecaster, name))
    first_holds = threading.Event()
    release = threading.Event()

    def first_run():
        with store.lock("default"):
            first_holds.set()
            release.wait(10)
            store.save(forecaster, "default")

    thread = threading.Thread(target=first_run)
    thread.start()
    first_holds.wait(10)
    threading.Timer(0.5, release.set).start()
    model = training.load_or_train(ws, on_info=heard.append)  # waits, then loads what the first one stored
    thread.join()
    assert model.metadata_["name"] == "default"
    assert trained == [] and any("waiting" in line for line in heard)


def test_an_unwritable_model_store_is_one_message(forecaster, tmp_path, monkeypatch):
    import tempfile

    from boxoffice.store import ModelStore

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "models" / "m"))

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    with pytest.raises(ModelStoreError, match="not writable") as caught:
        ModelStore(tmp_path / "models").save(forecaster, "m")
    assert "BOXOFFICE_HOME" in str(caught.value)
