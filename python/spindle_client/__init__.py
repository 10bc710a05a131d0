"""Read any Spindle store into numpy and plain Python, read-only.

    from spindle_client import Flow
    run = Flow("RatingsFlow").latest_successful_run
    for task in run["train"].tasks:
        print(task["rate"], task["rmse"])

A second, independent reader of the artifact format (docs/artifact-format.md):
every blob is verified against its SHA-256 name on read.
"""

from .codec import decode
from .errors import CorruptBlob, FormatError, MissingBlob, NotFound, SpindleError
from .store import Artifact, Flow, Log, Run, Step, Store, Task

__all__ = ["Store", "Flow", "Run", "Step", "Task", "Artifact", "Log", "decode",
           "SpindleError", "NotFound", "CorruptBlob", "MissingBlob", "FormatError"]
