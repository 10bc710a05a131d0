import os
import resource
import time

import numpy as np
from metaflow import FlowSpec, Parameter, step


class BenchArray(FlowSpec):
    """A 100 MB float64 array saved in start and read in end (timed, with the growth of peak memory): Spindle's BenchArray, in Metaflow."""

    save = Parameter("save", default=True, type=bool, help="save the array as an artifact")
    load = Parameter("load", default=False, type=bool, help="read the array back in end")
    seed = Parameter("seed", default=1, type=int, help="where the generator starts: a new seed is new content")

    @step
    def start(self):
        x = np.random.default_rng(self.seed).random(12_500_000)
        if self.save:
            self.x = x
        else:
            self.n = len(x)
        self.next(self.end)

    @step
    def end(self):
        if not self.load:
            return
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        t = time.perf_counter()
        x = self.x
        seconds = time.perf_counter() - t
        assert len(x) == 12_500_000
        growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before) / x.nbytes
        out = os.environ.get("BENCH_OUT")
        if out:
            with open(out, "w") as f:
                f.write(f"{seconds} {growth}")


if __name__ == "__main__":
    BenchArray()
