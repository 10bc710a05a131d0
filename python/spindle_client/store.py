"""A Spindle store, read-only: runs, tasks, artifacts and logs from its SQLite
metadata (opened read-only, so a running flow is never blocked), artifact
values from its verified blobs."""

import datetime
import os
import sqlite3

import numpy as np

from . import blobs
from .codec import decode
from .errors import NotFound, SpindleError


def _find_store(start):
    env = os.environ.get("SPINDLE_STORE")
    if env:
        return env
    d = os.path.abspath(start)
    while True:
        candidate = os.path.join(d, ".spindle")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(d)
        if parent == d:
            raise NotFound(f"no Spindle store (.spindle) in {os.path.abspath(start)} or above it; pass Store(path) or set SPINDLE_STORE")
        d = parent


def _time(t):
    return None if t is None else datetime.datetime.fromtimestamp(t)


# The newest store schema this client reads: version 3 added mirrored runs of shared
# stores (kind 'mirror', ids like prod:42), the remotes table and runs.host; version 4
# the cards table (tasks' HTML reports), which this client does not read yet.
SCHEMA = 4


class Store:
    """A store: `Store()` finds `.spindle` from here up (or `$SPINDLE_STORE`);
    `Store(path)` takes the `.spindle` folder or the project folder holding it."""

    def __init__(self, path=None):
        root = _find_store(os.getcwd()) if path is None else str(path)
        if os.path.isdir(os.path.join(root, ".spindle")):
            root = os.path.join(root, ".spindle")
        db = os.path.join(root, "meta.sqlite")
        if not os.path.exists(db):
            raise NotFound(f"no Spindle store at {root} (it has no meta.sqlite)")
        self.root = root
        # Read-only: this client never writes, and never holds a write lock.
        self._db = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version < 1:
            raise NotFound(f"the store at {root} is still being created (no schema yet); try again in a moment")
        if version > SCHEMA:
            raise SpindleError(f"the store was written by a newer Spindle (schema {version}; this client reads up to {SCHEMA}): upgrade spindle-client")

    def query(self, sql, *args):
        return self._db.execute(sql, args).fetchall()

    @property
    def flows(self):
        """The flows that have runs, by name."""
        return [Flow(r["flow"], self) for r in self.query("SELECT DISTINCT flow FROM runs ORDER BY flow")]

    def __getitem__(self, name):
        """A flow by name, or anything by pathspec: `store["RatingsFlow/3/train/2/model"]`."""
        parts = str(name).split("/")
        if not self.query("SELECT 1 FROM runs WHERE flow = ? LIMIT 1", parts[0]):
            raise NotFound(f"no flow '{parts[0]}' in this store; it has {', '.join(f.name for f in self.flows) or 'none'}")
        obj = Flow(parts[0], self)
        for part in parts[1:]:
            obj = obj[part]
        return obj

    def __repr__(self):
        return f"Store({self.root!r})"


class Flow:
    """A flow's runs and spins: `Flow("RatingsFlow")` reads the store found from here."""

    def __init__(self, name, store=None):
        self.name = name
        self.store = store if store is not None else Store()

    def _runs(self, kind, status=None):
        sql = "SELECT * FROM runs WHERE flow = ? AND kind = ?"
        args = [self.name, kind]
        if status:
            sql += " AND status = ?"
            args.append(status)
        return [Run(self, r) for r in self.store.query(sql + " ORDER BY started DESC, number DESC", *args)]

    @property
    def runs(self):
        """Production runs, newest first."""
        return self._runs("run")

    @property
    def spins(self):
        """Spins, newest first."""
        return self._runs("spin")

    @property
    def mirrors(self):
        """Runs of shared stores copied into this one (ids like `prod:42`), newest first."""
        return self._runs("mirror")

    @property
    def latest_run(self):
        runs = self.runs
        return runs[0] if runs else None

    @property
    def latest_successful_run(self):
        runs = self._runs("run", "completed")
        return runs[0] if runs else None

    def __getitem__(self, run_id):
        """`flow[3]`, `flow["3"]`, `flow["spin-2"]`, `flow["prod:42"]` (a shared store's run mirrored
        here), `flow["latest"]` (the latest successful run)."""
        text = str(run_id)
        if text == "latest":
            run = self.latest_successful_run
            if run is None:
                raise NotFound(f"no completed run of {self.name} yet")
            return run
        rows = self.store.query("SELECT * FROM runs WHERE flow = ? AND id = ?", self.name, text)
        if not rows:
            raise NotFound(f"no run {self.name}/{text}")
        return Run(self, rows[0])

    def __repr__(self):
        return f"Flow({self.name!r})"


class Run:
    """One run or spin: its status, parameters, times, and its steps' tasks."""

    def __init__(self, flow, row):
        self.flow = flow
        self.store = flow.store
        self.id = row["id"]
        self.is_spin = row["kind"] == "spin"
        self.status = row["status"]
        self.parameters = decode(row["parameters"])
        self.started = _time(row["started"])
        self.ended = _time(row["ended"])
        self.error = row["error"]
        self.origin = row["origin"]
        self.origin_task = row["origin_task"]
        self.overrides = decode(row["overrides"]) if row["overrides"] is not None else {}
        self.binary = row["binary"]

    @property
    def pathspec(self):
        return f"{self.flow.name}/{self.id}"

    @property
    def successful(self):
        return self.status == "completed"

    @property
    def tags(self):
        return [r["tag"] for r in self.store.query("SELECT tag FROM run_tags WHERE flow = ? AND run = ? ORDER BY tag", self.flow.name, self.id)]

    @property
    def tasks(self):
        rows = self.store.query("SELECT * FROM tasks WHERE flow = ? AND run = ? ORDER BY id", self.flow.name, self.id)
        return [Task(self, r) for r in rows]

    @property
    def steps(self):
        seen = []
        for t in self.tasks:
            if t.step not in seen:
                seen.append(t.step)
        return [Step(self, s) for s in seen]

    @property
    def source(self):
        """For a spin: the run its parents came from."""
        return self.flow[self.origin] if self.origin else None

    def __getitem__(self, step):
        if not self.store.query("SELECT 1 FROM tasks WHERE flow = ? AND run = ? AND step = ? LIMIT 1", self.flow.name, self.id, step):
            raise NotFound(f"no step '{step}' in {self.pathspec}")
        return Step(self, step)

    def __repr__(self):
        return f"Run({self.pathspec!r}, {self.status})"


class Step:
    """A step of a run: its tasks (one per split)."""

    def __init__(self, run, name):
        self.run = run
        self.name = name

    @property
    def tasks(self):
        return [t for t in self.run.tasks if t.step == self.name]

    @property
    def task(self):
        """The step's one task (an error when it has several splits)."""
        tasks = self.tasks
        if len(tasks) != 1:
            raise SpindleError(f"{self.run.pathspec}/{self.name} has {len(tasks)} tasks; pick one from .tasks")
        return tasks[0]

    def __getitem__(self, task_id):
        for t in self.tasks:
            if str(t.id) == str(task_id):
                return t
        raise NotFound(f"no task {self.run.pathspec}/{self.name}/{task_id}")

    def __iter__(self):
        return iter(self.tasks)

    def __repr__(self):
        return f"Step({self.run.pathspec}/{self.name})"


class Artifact:
    """An artifact's metadata (read without its blob) and, on `.value`, its value."""

    def __init__(self, task, row):
        self.task = task
        self.name = row["name"]
        self.hash = row["hash"]
        self.type = row["type"]
        self.size = row["size"]
        self.summary = row["summary"]
        self.own = bool(row["own"])

    @property
    def value(self):
        data = blobs.read(self.task.store.root, self.hash, what=f"{self.task.pathspec}/{self.name}")
        if isinstance(data, np.ndarray):  # a large blob, mapped: arrays are views of its pages
            return decode(memoryview(data), source=data)
        return decode(data)

    def __repr__(self):
        return f"Artifact({self.name}: {self.type}, {self.summary})"


class Log:
    """What one attempt of a task printed."""

    def __init__(self, row):
        self.attempt = row["attempt"]
        self.stdout = row["stdout"]
        self.stderr = row["stderr"]
        self.truncated = bool(row["truncated"])

    def __repr__(self):
        return f"Log(attempt {self.attempt}, {len(self.stdout)} + {len(self.stderr)} characters)"


class Task:
    """One task: its status, place, parents, artifacts (`task["model"]`) and logs."""

    def __init__(self, run, row):
        self.run = run
        self.store = run.store
        self.step = row["step"]
        self.id = row["id"]
        self.status = row["status"]
        self.attempt = row["attempt"]
        self.parents = [p for p in row["parents"].split(" ") if p]
        self.splits = [(s.split(":")[0], int(s.split(":")[1]), int(s.split(":")[2])) for s in row["splits"].split(",") if s]
        self.origin = row["origin"]
        self.started = _time(row["started"])
        self.ended = _time(row["ended"])
        self.error = row["error"]
        keys = row.keys()
        reads = row["reads"] if "reads" in keys else None
        self.parameters_read = None if reads is None else [r for r in reads.split(" ") if r]

    @property
    def pathspec(self):
        return f"{self.run.pathspec}/{self.step}/{self.id}"

    @property
    def successful(self):
        return self.status == "completed"

    @property
    def artifacts(self):
        """name -> Artifact, the task's own first."""
        rows = self.store.query("SELECT * FROM artifacts WHERE flow = ? AND run = ? AND task = ? ORDER BY own DESC, name",
                                self.run.flow.name, self.run.id, self.id)
        return {r["name"]: Artifact(self, r) for r in rows}

    def __getitem__(self, name):
        arts = self.artifacts
        if name not in arts:
            raise NotFound(f"no artifact '{name}' in {self.pathspec}; it has {', '.join(arts) or 'none'}")
        return arts[name].value

    def __contains__(self, name):
        return name in self.artifacts

    @property
    def cards(self):
        """name -> the card's page (one self-contained HTML file, str) for each card
        the step made with `task.card`; empty for a store from before cards
        (schema < 4). The default card is made from the records by spindle:
        `spindle card get FLOW/RUN/STEP/TASK --name default`."""
        if not self.store.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cards'"):
            return {}
        rows = self.store.query("SELECT name, hash FROM cards WHERE flow = ? AND run = ? AND task = ? ORDER BY name",
                                self.run.flow.name, self.run.id, self.id)
        return {r["name"]: bytes(blobs.read(self.store.root, r["hash"], what=f"{self.pathspec}'s card {r['name']}")).decode("utf-8")
                for r in rows}

    @property
    def logs(self):
        rows = self.store.query("SELECT * FROM logs WHERE flow = ? AND run = ? AND task = ? ORDER BY attempt",
                                self.run.flow.name, self.run.id, self.id)
        return [Log(r) for r in rows]

    def diff(self, other):
        """How `other`'s artifacts differ from this task's, by name: `added`, `removed`,
        and `changed` (name -> a short description). Equal hashes are equal without reading."""
        mine, theirs = self.artifacts, other.artifacts
        changed = {}
        for name in sorted(set(mine) & set(theirs)):
            a, b = mine[name], theirs[name]
            if a.hash == b.hash:
                continue
            va, vb = a.value, b.value
            if isinstance(va, np.ndarray) and isinstance(vb, np.ndarray) and va.shape == vb.shape:
                differ = int(np.count_nonzero(~((va == vb) | (np.isnan(va) & np.isnan(vb)) if va.dtype.kind == "f" else va == vb)))
                changed[name] = f"{differ} of {va.size} elements differ"
            else:
                changed[name] = f"{a.summary} -> {b.summary}"
        return {"added": sorted(set(theirs) - set(mine)), "removed": sorted(set(mine) - set(theirs)), "changed": changed}

    def __repr__(self):
        return f"Task({self.pathspec!r}, {self.status})"
