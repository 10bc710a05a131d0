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
    p = path(root, name)
    place = f" of {what}" if what else ""
    if not os.path.exists(p):
        raise MissingBlob(f"missing artifact data{place}: blob {name[:12]}… is not in the store (collected by gc?)")
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
