"""The artifact format, version 1 (docs/artifact-format.md), read by a second,
independent implementation. Values map to Python as:

null -> None, bool -> bool, int -> int, double -> float, string -> str,
bytes -> bytes, array -> list, object -> dict (key order kept),
numeric -> numpy.ndarray of its element type and shape (Float64 -> float64,
Float32 -> float32, Int64 -> int64, Int32 -> int32, UInt8 -> uint8,
Bool -> bool), read-only.
"""

import numpy as np

from .errors import FormatError

MAGIC = b"SPNV"
VERSION = 1
MAX_DEPTH = 512
DTYPES = {1: np.dtype("<f8"), 2: np.dtype("<f4"), 3: np.dtype("<i8"), 4: np.dtype("<i4"), 5: np.dtype("u1"), 6: np.dtype("u1")}
BOOL = 6


class _Reader:
    def __init__(self, data, source=None):
        self.data = memoryview(data).cast("B") if not isinstance(data, memoryview) else data.cast("B")
        self.pos = 0
        self.source = source  # an ndarray over the whole blob (a memmap), for zero-copy arrays

    def fail(self, message):
        raise FormatError(message, self.pos)

    def left(self):
        return len(self.data) - self.pos

    def byte(self):
        if self.pos >= len(self.data):
            self.fail("the value ends early")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def take(self, n):
        if n > self.left():
            self.fail(f"{n} bytes are needed but {self.left()} are left")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def leb(self):
        result, shift = 0, 0
        for i in range(10):
            b = self.byte()
            result |= (b & 0x7F) << shift
            if b < 0x80:
                if result > (1 << 63) - 1:
                    self.fail("a length larger than the largest Int")
                return result
            shift += 7
        self.fail("a length of more than 10 bytes")

    def value(self, depth=0):
        if depth > MAX_DEPTH:
            self.fail(f"nested more than {MAX_DEPTH} levels")
        tag = self.byte()
        if tag == 0:
            return None
        if tag in (1, 2):
            return tag == 2
        if tag == 3:
            return int.from_bytes(self.take(8), "little", signed=True)
        if tag == 4:
            return float(np.frombuffer(self.take(8), dtype="<f8")[0])
        if tag == 5:
            n = self.leb()
            raw = self.take(n)
            try:
                return bytes(raw).decode("utf-8")
            except UnicodeDecodeError:
                self.fail("a string that is not UTF-8")
        if tag == 6:
            return bytes(self.take(self.leb()))
        if tag == 7:
            n = self.leb()
            if n > self.left():
                self.fail(f"an array of {n} elements in {self.left()} bytes")
            return [self.value(depth + 1) for _ in range(n)]
        if tag == 8:
            n = self.leb()
            if 2 * n > self.left():
                self.fail(f"an object of {n} members in {self.left()} bytes")
            out = {}
            for _ in range(n):
                klen = self.leb()
                try:
                    key = bytes(self.take(klen)).decode("utf-8")
                except UnicodeDecodeError:
                    self.fail("a key that is not UTF-8")
                if key in out:
                    self.fail(f"the key '{key}' twice")
                out[key] = self.value(depth + 1)
            return out
        if tag == 9:
            return self.numeric()
        self.pos -= 1
        self.fail(f"an unknown tag {tag}")

    def numeric(self):
        kind = self.byte()
        if kind not in DTYPES:
            self.fail(f"an unknown element type {kind}")
        dtype = DTYPES[kind]
        rank = self.leb()
        if rank > self.left():
            self.fail(f"a rank of {rank} in {self.left()} bytes")
        shape = [self.leb() for _ in range(rank)]
        count = 1
        for d in shape:
            count *= d
            if count > (1 << 62):
                self.fail("a shape whose product overflows")
        nbytes = count * dtype.itemsize
        if nbytes > self.left():
            self.fail(f"{count} elements need {nbytes} bytes but {self.left()} are left")
        start = self.pos
        self.pos += nbytes
        if self.source is not None:
            flat = self.source[start:start + nbytes].view(dtype)  # zero-copy over the blob's pages
        else:
            flat = np.frombuffer(self.data, dtype=dtype, count=count, offset=start)
        if kind == BOOL:
            if flat.size and flat.max() > 1:
                self.pos = start
                self.fail("a Bool element that is not 0 or 1")
            flat = flat.view(np.bool_)
        out = flat.reshape(shape) if rank != 1 else flat
        out.flags.writeable = False
        return out


def decode(data, source=None):
    """The value in `data` (bytes, or a buffer); `source`, a uint8 ndarray over
    the same bytes (a memmap), makes numeric arrays views of it instead of copies."""
    r = _Reader(data, source)
    head = bytes(r.take(4)) if len(r.data) >= 4 else r.fail("not an artifact: too short")
    if head != MAGIC:
        raise FormatError("not an artifact: no SPNV magic", 0)
    version = r.byte()
    if version > VERSION:
        raise FormatError(f"artifact format version {version} is newer than this reader ({VERSION}); upgrade spindle-client", 4)
    v = r.value()
    if r.left():
        r.fail(f"{r.left()} bytes after the value")
    return v
