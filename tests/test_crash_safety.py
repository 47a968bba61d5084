"""Crashes and concurrency lose nothing; model files are data, never code.

``boxoffice train`` runs as a real subprocess on a copy of the trained home and is killed
(SIGKILL) at several moments, interrupted (SIGINT, as Ctrl-C), or raced by a second run; after
each, the model that was current is still current, byte for byte, and loads.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from boxoffice.errors import ModelStoreError
from boxoffice.store import ModelStore

CLI = Path(sys.executable).parent / "boxoffice"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def home(home_copy) -> Path:
    """A copy of the trained home (film table and default model) that a test may crash into."""
    return home_copy


def models(home: Path) -> ModelStore:
    return ModelStore(home / "models")


def snapshot(home: Path) -> tuple[str, str]:
    """The current version and a SHA-256 over its files."""
    version = models(home).current("default")
    sha = hashlib.sha256()
    for path in sorted((models(home).root / "default" / version).iterdir()):
        sha.update(path.name.encode() + b"\0" + path.read_bytes())
    return version, sha.hexdigest()


def _ctrl_c_as_in_a_terminal() -> None:
    """SIGINT as a terminal delivers it: a suite run as a background job (``cmd &``) ignores SIGINT, and its
    children inherit that, so a Ctrl-C test would find the run untouched and the training finished."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Train:
    """``boxoffice train --no-evaluate --home H`` in a subprocess; its output collected as it comes."""

    def __init__(self, home: Path, *extra: str, data_dir: Path):
        env = os.environ | {"BOXOFFICE_DATA": str(data_dir), "BOXOFFICE_HOME": str(home)}
        self.proc = subprocess.Popen([str(CLI), "train", "--no-evaluate", "--home", str(home), *extra], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=_ctrl_c_as_in_a_terminal)
        self.chunks: list[bytes] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for chunk in iter(lambda: self.proc.stdout.read1(4096), b""):
            self.chunks.append(chunk)

    @property
    def output(self) -> str:
        return b"".join(self.chunks).decode("utf-8", "replace")

    def has_loaded(self, library: str) -> bool:
        """Whether the process has a shared library mapped: lightgbm means it is training."""
        try:
            return library in Path(f"/proc/{self.proc.pid}/maps").read_text()
        except OSError:
            return False

    def wait(self, timeout: float = 300) -> int:
        code = self.proc.wait(timeout)
        self.reader.join(10)
        return code

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)


def wait_until(condition, timeout: float, step: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return False


def assert_store_intact(home: Path, before: tuple[str, str]) -> None:
    """The current model is the one before, unchanged, and loads; nothing half-written shows."""
    assert snapshot(home) == before
    models(home).load("default")
    listed = models(home).list()
    assert all(not row["version"].startswith(".") and "error" not in row for row in listed)
    assert [row["version"] for row in listed if row["current"]] == [before[0]]


# ---------------------------------------------------------------- SIGKILL at several moments


@pytest.mark.parametrize("after_seconds", [0.5, 2.0])
def test_killed_early_leaves_the_current_model_intact(home, shared_data_dir, after_seconds):
    before = snapshot(home)
    run = Train(home, data_dir=shared_data_dir)
    time.sleep(after_seconds)
    run.kill()
    run.wait()
    assert_store_intact(home, before)


def test_killed_while_training_leaves_the_current_model_intact(home, shared_data_dir):
    before = snapshot(home)
    run = Train(home, data_dir=shared_data_dir)
    assert wait_until(lambda: run.has_loaded("lightgbm") or run.proc.poll() is not None, 120)
    run.kill()
    run.wait()
    assert_store_intact(home, before)


def test_killed_while_writing_files_leaves_the_current_model_intact(home, shared_data_dir):
    """Killed the moment the new version's temp folder appears: that folder is never listed, loaded or current."""
    before = snapshot(home)
    folder = models(home).root / "default"
    for _attempt in range(3):  # the write takes a fraction of a second: retry if this run slipped through
        run = Train(home, data_dir=shared_data_dir)
        caught = wait_until(lambda: any(p.name.startswith(".incomplete-") for p in folder.iterdir())
                            or run.proc.poll() is not None, 300, step=0.001)
        run.kill()
        run.wait()
        leftovers = [p for p in folder.iterdir() if p.name.startswith(".incomplete-")]
        if caught and leftovers:
            break
        # it finished (or got past the write) first: start again from the same current model
        models(home).use("default", before[0])
        for path in folder.iterdir():
            if path.is_dir() and path.name not in (before[0],) and not path.name.startswith("."):
                shutil.rmtree(path)
    else:
        pytest.skip("could not catch a run while it wrote its files (machine too fast or too slow)")
    assert_store_intact(home, before)
    with pytest.raises(ModelStoreError):  # a half-written folder is not a version
        models(home).load("default", version=leftovers[0].name)
    with models(home).lock("default"):  # the dead run's lock went with it
        pass


def test_a_run_after_a_crash_trains_and_becomes_current(home, shared_data_dir):
    folder = models(home).root / "default"
    (folder / ".incomplete-crashed").mkdir()
    (folder / ".incomplete-crashed" / "worldwide_p50.txt").write_text("tree\nversion=v4\n")  # cut short
    run = Train(home, data_dir=shared_data_dir)
    assert run.wait() == 0, run.output
    version = models(home).current("default")
    assert models(home).load("default").metadata_["version"] == version
    assert ".incomplete-crashed" not in [row["version"] for row in models(home).list()]


def test_stale_temp_files_of_killed_runs_are_cleaned_by_the_next_save(forecaster, tmp_path):
    first = ModelStore(tmp_path).save(forecaster, "m")
    folder = tmp_path / "m"
    old_dir, old_pointer, fresh_dir = folder / ".incomplete-old", folder / ".current-old", folder / ".incomplete-fresh"
    old_dir.mkdir()
    (old_dir / "talent.parquet").write_bytes(b"half")
    old_pointer.write_text("20990101T000000Z\n")
    fresh_dir.mkdir()  # maybe another writer's, right now: kept
    two_hours_ago = time.time() - 7200
    for path in (old_dir, old_pointer):
        os.utime(path, (two_hours_ago, two_hours_ago))
    second = ModelStore(tmp_path).save(forecaster, "m")
    assert not old_dir.exists() and not old_pointer.exists() and fresh_dir.exists()
    assert first.is_dir() and ModelStore(tmp_path).current("m") == second.name


# ---------------------------------------------------------------- Ctrl-C


def test_ctrl_c_during_training_says_nothing_changed_and_exits_130(home, shared_data_dir):
    before = snapshot(home)
    run = Train(home, data_dir=shared_data_dir)
    assert wait_until(lambda: run.has_loaded("lightgbm") or run.proc.poll() is not None, 120)
    if run.proc.poll() is not None:
        pytest.skip("training finished before it could be interrupted")
    run.kill(signal.SIGINT)
    assert run.wait() == 130, run.output
    assert "interrupted: nothing stored was changed" in run.output
    assert "Traceback" not in run.output
    assert_store_intact(home, before)
    assert not [p for p in (models(home).root / "default").iterdir() if p.name.startswith(".incomplete-")]


# ---------------------------------------------------------------- two writers


def test_a_second_writer_gives_up_with_a_clear_message(home, shared_data_dir):
    before = snapshot(home)
    with models(home).lock("default"):  # another run is saving right now
        run = Train(home, data_dir=shared_data_dir)
        code = run.wait()
    assert code == 2, run.output
    assert "another run is writing models" in run.output and "--wait" in run.output
    assert "Traceback" not in run.output
    assert_store_intact(home, before)


def test_a_second_writer_with_wait_waits_then_succeeds(home, shared_data_dir):
    before = snapshot(home)
    lock = models(home).lock("default")
    lock.__enter__()
    try:
        run = Train(home, "--wait", "120", data_dir=shared_data_dir)
        assert wait_until(lambda: "waiting up to 120s" in run.output or run.proc.poll() is not None, 300), run.output
        assert run.proc.poll() is None, run.output
        assert snapshot(home) == before  # nothing written while it waits
    finally:
        lock.__exit__(None, None, None)
    assert run.wait() == 0, run.output
    after = snapshot(home)
    assert after[0] != before[0]
    models(home).load("default")
    assert (models(home).root / "default" / before[0]).is_dir()


def test_two_train_runs_at_once_leave_a_consistent_store(home, shared_data_dir):
    before = snapshot(home)
    runs = [Train(home, "--wait", "120", data_dir=shared_data_dir) for _ in range(2)]
    codes = [run.wait() for run in runs]
    assert codes == [0, 0], [run.output for run in runs]
    listed = models(home).list()
    versions = sorted(row["version"] for row in listed)
    assert len(versions) == 3 and before[0] in versions and all("error" not in row for row in listed)
    current = [row["version"] for row in listed if row["current"]]
    assert len(current) == 1 and current[0] != before[0]
    for version in versions:
        models(home).load("default", version=version)
    assert not [p for p in (models(home).root / "default").iterdir() if p.name.startswith((".incomplete-", ".current-"))]


# ---------------------------------------------------------------- written files honour the umask


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_written_files_and_model_versions_get_the_users_usual_permissions(forecaster, tmp_path, umask_022):
    """Temp files are private (0600, 0700) until renamed; what lands must be 0644 / 0755 under umask 022,
    like any file the user writes (a shared models folder stays readable by the team)."""
    import pandas as pd

    from boxoffice.atomic import atomic_path
    from boxoffice.show.scenario_plots import scenario_ranges
    from boxoffice.table.csv_writing import write_csv_atomic
    from boxoffice.table.io import save_table
    from boxoffice.whatif.scenarios import compare

    frame = pd.DataFrame({"title": ["A"], "worldwide_p50": [1e8]})
    write_csv_atomic(frame, tmp_path / "forecasts.csv")
    save_table(frame, tmp_path / "films.parquet")
    with atomic_path(tmp_path / "report.html", suffix=".html") as tmp:
        tmp.write_text("<html></html>", encoding="utf-8")
    scenario_ranges(compare({"genres": "action", "budget": "150m"}, {"leaner": {"budget": "90m"}}, forecaster),
                    tmp_path / "ranges.png")
    for name in ("forecasts.csv", "films.parquet", "report.html", "ranges.png"):
        assert _mode(tmp_path / name) == 0o644, name
    version = ModelStore(tmp_path / "models").save(forecaster, "m")
    assert _mode(version) == 0o755
    assert {p.name: _mode(p) for p in version.iterdir()} == {p.name: 0o644 for p in version.iterdir()}
    assert _mode(tmp_path / "models" / "m" / "CURRENT") == 0o644
    os.umask(0o077)  # a private umask is honoured too
    write_csv_atomic(frame, tmp_path / "private.csv")
    assert _mode(tmp_path / "private.csv") == 0o600
    assert _mode(ModelStore(tmp_path / "models").save(forecaster, "m")) == 0o700


# ---------------------------------------------------------------- model files are data, never code

FORBIDDEN_MODULES = {"pickle", "cPickle", "_pickle", "joblib", "cloudpickle", "dill", "shelve", "marshal"}
FORBIDDEN_CALLS = {"eval", "exec", "compile"}
FORBIDDEN_ATTRIBUTES = {"read_pickle", "to_pickle", "unsafe_load", "full_load", "UnsafeLoader", "FullLoader",
                        "Loader"}


def _sources():
    for folder in ("boxoffice", "cli"):
        yield from sorted((REPO / folder).rglob("*.py"))


def test_no_pickle_eval_or_exec_anywhere_in_the_code():
    found = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        where = lambda node: f"{path.relative_to(REPO)}:{node.lineno}"  # noqa: E731
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [where(node) for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in FORBIDDEN_MODULES:
                found.append(where(node))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
                found.append(where(node))
            elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
                found.append(where(node))
            elif isinstance(node, ast.keyword) and node.arg == "allow_pickle":
                found.append(where(node.value))
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "load"
                  and isinstance(node.func.value, ast.Name) and node.func.value.id == "yaml"
                  and not any(k.arg == "Loader" for k in node.keywords)):
                found.append(where(node))  # yaml.load without an explicit (safe) Loader
    assert not found, f"code that can run what a file says: {found}"


def test_yaml_loaders_are_safe_loaders():
    import yaml

    from boxoffice.table.user_yaml import text_loader

    assert issubclass(text_loader(), yaml.SafeLoader)


def test_a_stored_model_is_text_json_and_parquet_only(model_home):
    version = ModelStore(model_home.models_dir).current("default")
    suffixes = {p.suffix for p in (model_home.models_dir / "default" / version).iterdir()}
    assert suffixes <= {".txt", ".json", ".parquet"}


def _tampered(forecaster, tmp_path, change):
    path = ModelStore(tmp_path).save(forecaster, "m")
    meta = json.loads((path / "metadata.json").read_text())
    change(meta)
    (path / "metadata.json").write_text(json.dumps(meta))
    return tmp_path


TAMPERINGS = {
    "schema version as text": lambda m: m.update(schema_version="1"),
    "checksums a list": lambda m: m.update(checksums=[1, 2]),
    "checksums emptied": lambda m: m.update(checksums={}),
    "checksums missing": lambda m: m.pop("checksums"),
    "a checksum a number": lambda m: m["checksums"].update({"talent.parquet": 5}),
    "a file outside the folder": lambda m: m["checksums"].update({"../../../etc/passwd": "0" * 64}),
    "version a number": lambda m: m.update(version=5),
    "version elsewhere": lambda m: m.update(version="../../x"),
    "models a list": lambda m: m.update(models=[1]),
    "models empty": lambda m: m.update(models={}),
    "features text": lambda m: m.update(features="x"),
    "feature lists text": lambda m: m["features"].update(genres="Action", feature_names="x"),
    "typical values text": lambda m: m["features"]["typical"].update(values="x"),
    "model state text": lambda m: m["models"]["worldwide"].update(config="x"),
    "calibration missing": lambda m: m["models"]["domestic"].pop("risk_calibration"),
    "interval text": lambda m: m["models"]["worldwide"].update(interval_correction="wide"),
    "unknown config field": lambda m: m["train_config"]["model"].update(bogus=1),
    "period a list": lambda m: m.update(period=[1]),
    "film count text": lambda m: m.update(n_films="many"),
    "other features": lambda m: [s["feature_names"].reverse() for s in m["models"].values()],
}


@pytest.mark.parametrize("case", TAMPERINGS)
def test_tampered_metadata_fails_with_a_model_store_error(forecaster, tmp_path, case):
    models_dir = _tampered(forecaster, tmp_path, TAMPERINGS[case])
    with pytest.raises(ModelStoreError) as err:
        ModelStore(models_dir).load("m")
    assert "retrain" in str(err.value) or "version" in str(err.value)


def _rewrite_with_checksums(path: Path, filename: str, edit) -> None:
    (path / filename).write_text(edit((path / filename).read_text()))
    meta = json.loads((path / "metadata.json").read_text())
    meta["checksums"][filename] = hashlib.sha256((path / filename).read_bytes()).hexdigest()
    (path / "metadata.json").write_text(json.dumps(meta))


@pytest.mark.parametrize("edit, words", [
    (lambda t: t[: len(t) // 2], "cut short"),
    (lambda t: "not a model at all", "not a LightGBM model"),
    (lambda t: t.replace("leaf_value=", "leaf_valux=", 1), "cannot be read"),
])
def test_a_corrupt_model_file_with_a_matching_checksum_is_an_error_not_a_crash(forecaster, tmp_path, edit, words):
    """Checksums catch accidents; a file edited with its checksum must still fail cleanly (LightGBM's
    own parser would segfault on a cut text, or abort the process on a bad tree)."""
    path = ModelStore(tmp_path).save(forecaster, "m")
    _rewrite_with_checksums(path, "worldwide_p50.txt", edit)
    code = (f"from boxoffice.errors import ModelStoreError\nfrom boxoffice.store import ModelStore\n"
            f"try:\n    ModelStore({str(tmp_path)!r}).load('m')\n"
            f"except ModelStoreError as err:\n    print('ModelStoreError:', err)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"the process died ({result.returncode}): {result.stderr[-500:]}"
    assert "ModelStoreError:" in result.stdout and words in result.stdout


@pytest.mark.parametrize("edit, words", [
    (lambda t: t.replace("\nleft_child=", "\nleft_child=40 ", 1), "tree 0"),  # a child index out of range
    (lambda t: re.sub(r"\nleft_child=\d+", "\nleft_child=0", t, count=1), "do not form a tree"),  # a loop
    (lambda t: t.replace("\nsplit_feature=", "\nsplit_feature=999 ", 1), "tree 0"),
    (lambda t: re.sub(r"\nsplit_feature=\d+", "\nsplit_feature=999", t, count=1), "feature 999"),
    (lambda t: re.sub(r"\ndecision_type=\d+", "\ndecision_type=12", t, count=1), "decision type"),
    (lambda t: re.sub(r"\nleaf_value=[^ ]+", "\nleaf_value=nan", t, count=1), "finite"),
    (lambda t: re.sub(r"\ninternal_count=\d+", "\ninternal_count=7", t, count=1), "add up"),  # the drivers' cover
])
def test_trees_that_lightgbm_would_trust_are_checked_on_load(forecaster, tmp_path, edit, words):
    """LightGBM does not check child links or feature indices (it reads outside its arrays);
    every stored tree is checked when the model loads, so such a file is refused by name."""
    path = ModelStore(tmp_path).save(forecaster, "m")
    _rewrite_with_checksums(path, "worldwide_p50.txt", edit)
    with pytest.raises(ModelStoreError) as err:
        ModelStore(tmp_path).load("m")
    assert "worldwide" in str(err.value) and words in str(err.value) and "retrain" in str(err.value)


def test_forecasting_from_a_stored_model_does_not_import_lightgbm(model_home):
    """Cold start: a stored model forecasts through boxoffice.model.forest; LightGBM (and scikit-learn,
    which it imports) load only to train or explain."""
    code = (f"import sys\nfrom boxoffice.store import ModelStore\nfrom boxoffice.table.film import films_frame, make_film\n"
            f"f = ModelStore({str(model_home.models_dir)!r}).load()\n"
            f"f.predict(films_frame([make_film(genres='action', budget='150m', release_date='2027-07-16')]))\n"
            f"print(sorted(m for m in ('lightgbm', 'sklearn') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "[]"


def test_a_model_stored_before_a_feature_existed_still_fills_unsaid_fields(forecaster):
    """Its typical values lack the newer feature (which it does not use): unsaid fields still fill, no KeyError."""
    import copy

    from boxoffice.table.film import films_frame, make_film

    builder = copy.copy(forecaster.builder_)
    builder.typical_ = copy.deepcopy(forecaster.builder_.typical_)
    for values in builder.typical_["values"]:
        values.pop("distributor_recent_n")
    X = builder.transform(films_frame([make_film(genres="action", budget="150m")]), fill_unspecified=True)
    assert X["distributor_n"].iloc[0] > 0  # the unsaid distributor took the typical one's record


def test_a_model_stored_before_features_were_float32_still_forecasts(forecaster, tmp_path):
    """Typical values written as float64 (models stored before float32 features) fill unsaid fields, no crash."""
    from boxoffice.table.film import films_frame, make_film

    models_dir = _tampered(forecaster, tmp_path, lambda m: [
        row.update({k: v + 1e-9 for k, v in row.items() if v is not None}) for row in m["features"]["typical"]["values"]])
    out = ModelStore(models_dir).load("m").predict(films_frame([make_film(genres="action", budget="150m")]))
    assert out["worldwide_p50"].iloc[0] > 0
