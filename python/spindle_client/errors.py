"""What can go wrong reading a store, in words a user can act on."""


class SpindleError(Exception):
    """Any problem reading a Spindle store."""


class NotFound(SpindleError, LookupError):
    """A store, flow, run, step, task or artifact that does not exist."""


class CorruptBlob(SpindleError):
    """An artifact's bytes do not match the hash they are named by: the file was damaged."""


class MissingBlob(SpindleError):
    """An artifact's bytes are not in the store (collected by gc, or never copied)."""


class FormatError(SpindleError, ValueError):
    """Bytes that are not a valid artifact (docs/artifact-format.md), with the offset."""

    def __init__(self, message, offset):
        super().__init__(f"{message} (at byte {offset})")
        self.offset = offset
