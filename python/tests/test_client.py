import base64
import json
import math
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from conftest import binary, run
from spindle_client import CorruptBlob, Flow, FormatError, MissingBlob, NotFound, Store, decode


def as_swift_json(v):
    """A value as Spindle's JSON export writes it (Value+JSON.swift)."""
    if isinstance(v, np.ndarray):
        return as_swift_json(v.tolist())
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, list):
        return [as_swift_json(x) for x in v]
    if isinstance(v, dict):
        return {k: as_swift_json(x) for k, x in v.items()}
    return v


def test_every_kind_of_value_reads_as_the_swift_side_exports_it(project):
    store = Store(project)
    task = store["ValuesFlow/1/start/1"]
    names = list(task.artifacts)
    assert len(names) == 20
    for name in names:
        exported = run(project, "ValuesFlow", "show", f"1/start/1/{name}", "--json").stdout
        assert as_swift_json(task[name]) == json.loads(exported), name


def test_types_shapes_and_special_numbers(project):
    task = Store(project)["ValuesFlow/1/start/1"]
    assert task["nothing"] is None and task["yes"] is True and task["count"] == 42
    assert task["negative"] == -(2 ** 63)
    assert task["blob"] == bytes([0, 1, 2, 254, 255])
    specials = task["specials"]
    assert math.isnan(specials[0]) and specials[1] == math.inf and specials[2] == -math.inf
    assert math.copysign(1, specials[3]) == -1
    assert task["text"] == 'héllo "wörld"\n\t😀'
    for name, dtype in [("doubles", "float64"), ("floats", "float32"), ("ints", "int64"), ("int32s", "int32"),
                        ("bytes8", "uint8"), ("flags", "bool")]:
        assert task[name].dtype == np.dtype(dtype), name
    assert task["empty"].shape == (0,)
    assert task["matrix"].shape == (2, 3) and task["matrix"][1, 2] == 6.0
    south = task["shops"][1]
    assert (south["name"], south["open"], south["manager"], south["sales"].tolist()) == ("south", False, "Ana", [])
    assert "manager" not in task["shops"][0]
    assert not task["doubles"].flags.writeable


def test_a_large_array_is_mapped_not_copied_and_verified(project):
    large = Store(project)["ValuesFlow/1/start/1"]["large"]
    assert isinstance(large, np.memmap) or isinstance(large.base, np.memmap)
    assert large.shape == (1_200_000,) and large[10] == 5.0
    assert float(large.sum()) == Store(project)["ValuesFlow/1/end/2"]["large_sum"]


def test_the_client_api_in_the_spirit_of_metaflows(project):
    store = Store(project)
    assert [f.name for f in store.flows] == ["RatingsFlow", "ValuesFlow"]
    flow = Flow("RatingsFlow", store)
    run_ = flow.latest_successful_run
    assert run_.id == "1" and run_.successful and run_.parameters["epochs"] == 3
    trains = run_["train"].tasks
    assert len(trains) == 3
    assert [t["rate"] for t in sorted(trains, key=lambda t: t.splits[-1][1])] == [0.005, 0.01, 0.02]
    assert all(t.parameters_read == ["epochs", "factors", "seed"] for t in trains)
    assert any("validation RMSE" in log.stdout for t in trains for log in t.logs)
    # Each train task made a card: one self-contained page with its loss curve.
    cards = [t.cards for t in trains]
    assert all(list(c) == ["card"] for c in cards)
    assert all(c["card"].lower().startswith("<!doctype html") and "loss by epoch" in c["card"] for c in cards)
    assert run_["start"].task.cards == {}
    assert run_["pick"].task["best_rmse"] == min(t["rmse"] for t in trains)
    spin = flow.spins[0]
    assert spin.is_spin and spin.id == "spin-1" and spin.source.id == "1" and spin.overrides == {"input": 0.05}
    spun = spin["train"].task
    original = store[spun.origin]
    d = original.diff(spun)
    assert "rate" in d["changed"] and "model" in d["changed"] and d["added"] == [] and d["removed"] == []
    with pytest.raises(NotFound, match="no artifact 'rmze'"):
        spun["rmze"]
    with pytest.raises(NotFound, match="no flow 'Nope'"):
        store["Nope/1"]


def test_a_damaged_blob_is_a_clear_error(copy_of):
    store = Store(copy_of)
    artifact = store["RatingsFlow/1/start/1"].artifacts["ratings"]
    path = os.path.join(store.root, "blobs", artifact.hash[:2], artifact.hash[2:])
    data = bytearray(open(path, "rb").read())
    data[len(data) // 2] ^= 0xFF
    open(path, "wb").write(data)
    with pytest.raises(CorruptBlob, match="does not match its hash; the file was damaged"):
        artifact.value
    os.remove(path)
    with pytest.raises(MissingBlob, match="is not in the store"):
        artifact.value


@pytest.mark.parametrize("data, message", [
    (b"SPNV", "the value ends early"),
    (b"NOPE\x01\x00", "no SPNV magic"),
    (b"SPNV\x09\x00", "newer than this reader"),
    (b"SPNV\x01\x63", "unknown tag 99"),
    (b"SPNV\x01\x05\x02\xff\xfe", "not UTF-8"),
    (b"SPNV\x01\x07\xff\xff\xff\xff\x0f", "an array of"),
    (b"SPNV\x01\x09\x06\x01\x02\x00\x07", "Bool element that is not 0 or 1"),
    (b"SPNV\x01\x00\x00", "1 bytes after the value"),
])
def test_malformed_bytes_say_what_and_where(data, message):
    with pytest.raises(FormatError, match=message):
        decode(data)


def test_reading_never_writes(project):
    root = os.path.join(project, ".spindle")
    # The database and its WAL; the -shm index is where every WAL reader marks what it reads.
    files = [f for f in os.listdir(root) if os.path.isfile(os.path.join(root, f)) and not f.endswith("-shm")]
    before = {f: os.stat(os.path.join(root, f)).st_mtime_ns for f in files}
    store = Store(project)
    for t in store["RatingsFlow/1"].tasks:
        for a in t.artifacts.values():
            a.value
    after = {f: os.stat(os.path.join(root, f)).st_mtime_ns for f in before}
    assert before == after
    with pytest.raises(Exception, match="readonly"):
        store._db.execute("DELETE FROM runs")


def test_a_store_being_written_reads_consistently(tmp_path):
    env = dict(os.environ, NO_COLOR="1")
    env.pop("SPINDLE_STORE", None)
    proc = subprocess.Popen([binary("RatingsFlow"), "run", "--users", "200", "--items", "100", "--epochs", "12"],
                            cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    reads = 0
    try:
        while proc.poll() is None or reads == 0:
            if not os.path.exists(tmp_path / ".spindle" / "meta.sqlite"):
                time.sleep(0.01)
                continue
            try:
                store = Store(str(tmp_path))
            except NotFound:
                continue
            for run_ in Flow("RatingsFlow", store).runs:
                for t in run_.tasks:
                    arts = t.artifacts
                    if t.successful:  # a completed task has all of its artifacts, or the store would be lying
                        assert arts, t.pathspec
                        for a in arts.values():
                            a.value
                reads += 1
            time.sleep(0.02)
    finally:
        proc.wait(timeout=300)
    assert proc.returncode == 0 and reads > 0
    assert Flow("RatingsFlow", Store(str(tmp_path))).latest_successful_run is not None


def test_export_writes_files_numpy_and_json_read(project, tmp_path):
    spindle = binary("spindle")
    env = dict(os.environ, NO_COLOR="1")
    env.pop("SPINDLE_STORE", None)

    def export(*args):
        out = subprocess.run([spindle, "export", *args, "--store", os.path.join(project, ".spindle")],
                             cwd=tmp_path, env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        return out

    task = Store(project)["ValuesFlow/1/start/1"]
    export("ValuesFlow/1/start/1/matrix", "-o", "m.npy")
    assert np.array_equal(np.load(tmp_path / "m.npy"), task["matrix"])
    note = export("ValuesFlow/1/start/1", "-o", "all.npz").stderr
    assert "left out (not numeric arrays; use --format json): blob" in note
    with np.load(tmp_path / "all.npz") as z:
        for name in ["doubles", "floats", "ints", "int32s", "bytes8", "flags", "empty", "matrix", "large"]:
            assert z[name].dtype == task[name].dtype and np.array_equal(z[name], task[name]), name
    export("ValuesFlow/1/start/1", "--format", "json", "-o", "all.json")
    exported = json.loads((tmp_path / "all.json").read_text())
    assert exported["text"] == task["text"] and exported["specials"][0] == "NaN"
    bad = subprocess.run([spindle, "export", "ValuesFlow/1/start/1/text", "--format", "npy", "--store",
                          os.path.join(project, ".spindle")], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert bad.returncode != 0 and "text is String, not a numeric array: use --format json" in bad.stderr


def test_the_notebook_example_runs(project):
    here = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(here, "..", "..", "samples", "python", "explore.py")
    env = dict(os.environ, PYTHONPATH=os.path.join(here, ".."), MPLBACKEND="Agg")
    env.pop("SPINDLE_STORE", None)
    out = subprocess.run([sys.executable, script],
                         cwd=project, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "RatingsFlow/1: completed" in out.stdout
    assert "re-ran RatingsFlow/1/train/" in out.stdout and "{'input': 0.05}" in out.stdout


def test_a_mirrored_runs_blob_is_read_from_the_shared_store_cache(copy_of, tmp_path, monkeypatch):
    """A run copied from a shared store keeps its blobs in Spindle's cache: read from there, verified."""
    store = Store(copy_of)
    artifact = store["RatingsFlow/1/start/1"].artifacts["ratings"]
    own = os.path.join(store.root, "blobs", artifact.hash[:2], artifact.hash[2:])
    monkeypatch.setenv("SPINDLE_CACHE", str(tmp_path))
    cached = tmp_path / "blobs" / artifact.hash[:2]
    cached.mkdir(parents=True)
    shutil.move(own, cached / artifact.hash[2:])
    assert artifact.value is not None
    (cached / artifact.hash[2:]).write_bytes(b"damaged")
    with pytest.raises(CorruptBlob):
        store["RatingsFlow/1/start/1"].artifacts["ratings"].value
