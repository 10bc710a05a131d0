"""Content-addressed blobs: `blobs/ab/cdef…`, named by the SHA-256 of their
bytes, or, from 8 MiB, by the SHA-256 of a header and their 4 MiB chunks'
SHA-256s. Every read is verified against the name; a large blob is mapped
(numpy.memmap) rather than copied."""

import hashlib
import os

import numpy as np

from .errors import CorruptBlob, MissingBlob

CHUNK = 4 << 20
TREE_THRESHOLD = 8 << 20
MAP_THRESHOLD = 1 << 20


def path(root, name):
    return os.path.join(root, "blobs", name[:2], name[2:])


def cache_folder():
    """Where Spindle keeps shared stores' blobs it has fetched (as `spindle cache` shows):
    $SPINDLE_CACHE/blobs, else $XDG_CACHE_HOME/spindle/blobs, else ~/.cache/spindle/blobs."""
    if os.environ.get("SPINDLE_CACHE"):
        return os.path.join(os.environ["SPINDLE_CACHE"], "blobs")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "spindle", "blobs")


def locate(root, name):
    """The file holding blob `name`: the store's own, else the shared-store cache's copy (a
    run mirrored from a shared store keeps its blobs there once Spindle has read them)."""
    own = path(root, name)
    if os.path.exists(own):
        return own
    cached = os.path.join(cache_folder(), name[:2], name[2:])
    return cached if os.path.exists(cached) else own


def _flat(view):
    return hashlib.sha256(view).hexdigest()


def _tree(view, size):
    h = hashlib.sha256(f"spindle chunks 1 {size} {CHUNK}\n".encode())
    for start in range(0, size, CHUNK):
        h.update(hashlib.sha256(view[start:start + CHUNK]).digest())
    return h.hexdigest()


def matches(view, name):
    """Whether the bytes are the blob `name` (a large one also by its plain SHA-256, as older stores named it)."""
    size = len(view)
    if size < TREE_THRESHOLD:
        return _flat(view) == name
    return _tree(view, size) == name or _flat(view) == name


def read(root, name, what=None):
    """The blob's bytes, verified: `bytes` for a small one, a read-only uint8
    memmap for a large one (its pages are read once, to hash them)."""
    p = locate(root, name)
    place = f" of {what}" if what else ""
    if not os.path.exists(p):
        raise MissingBlob(f"missing artifact data{place}: blob {name[:12]}… is not in the store (collected by gc?), "
                          "nor in the shared-store cache (for a run mirrored from a shared store, read it once with "
                          "spindle, e.g. `spindle show`, to fetch it)")
    size = os.path.getsize(p)
    if size >= MAP_THRESHOLD:
        data = np.memmap(p, dtype=np.uint8, mode="r")
        view = memoryview(data)
    else:
        with open(p, "rb") as f:
            data = f.read()
        view = memoryview(data)
    if not matches(view, name):
        raise CorruptBlob(f"corrupt artifact{place}: blob {name[:12]}… does not match its hash; the file was damaged")
    return data
