from metaflow import FlowSpec, step


class BenchLinear(FlowSpec):
    """Three trivial steps in a line: Spindle's BenchLinear, in Metaflow."""

    @step
    def start(self):
        self.x = 1
        self.next(self.middle)

    @step
    def middle(self):
        self.y = self.x + 1
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    BenchLinear()
