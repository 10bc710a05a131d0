"""Stores written by the Swift side, once per test session: the flow binaries
are found in $SPINDLE_BIN (the Swift test that runs this suite sets it)."""

import os
import shutil
import subprocess
import tempfile

import pytest

# The shared-store cache is the user's; these tests read only the stores they write.
os.environ["SPINDLE_CACHE"] = tempfile.mkdtemp(prefix="spindle-py-cache-")


def binary(name):
    folder = os.environ.get("SPINDLE_BIN")
    if not folder:
        pytest.fail("set SPINDLE_BIN to the folder of the built flow binaries (swift build --show-bin-path); "
                    "`swift test` sets it when it runs this suite")
    path = os.path.join(folder, name)
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is not built: swift build --product {name}")
    return path


def run(cwd, name, *args, check=True):
    env = dict(os.environ, NO_COLOR="1", SPINDLE_NO_REBUILD="1")
    env.pop("SPINDLE_STORE", None)
    out = subprocess.run([binary(name), *args], cwd=cwd, env=env, capture_output=True, text=True)
    if check and out.returncode != 0:
        pytest.fail(f"{name} {' '.join(args)} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return out


@pytest.fixture(scope="session")
def project():
    """A project folder whose store holds a ValuesFlow run, a small RatingsFlow run and a spin of it."""
    d = tempfile.mkdtemp(prefix="spindle-py-")
    run(d, "ValuesFlow", "run")
    run(d, "RatingsFlow", "run", "--users", "60", "--items", "40", "--per_user", "10", "--epochs", "3")
    run(d, "RatingsFlow", "spin", "train", "--index", "1", "--set", "input=0.05", "--quiet")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture()
def copy_of(project):
    """A throwaway copy of the project's store, for tests that damage it."""
    d = tempfile.mkdtemp(prefix="spindle-py-copy-")
    shutil.copytree(os.path.join(project, ".spindle"), os.path.join(d, ".spindle"))
    yield d
    shutil.rmtree(d, ignore_errors=True)
