from metaflow import FlowSpec, Parameter, step


class BenchForeach(FlowSpec):
    """A 50-way foreach of trivial steps (53 tasks): Spindle's BenchForeach, in Metaflow."""

    width = Parameter("width", default=50)

    @step
    def start(self):
        self.items = list(range(self.width))
        self.next(self.work, foreach="items")

    @step
    def work(self):
        self.square = self.input * 2
        self.next(self.join)

    @step
    def join(self, inputs):
        self.total = sum(i.square for i in inputs)
        self.next(self.end)

    @step
    def end(self):
        pass


if __name__ == "__main__":
    BenchForeach()
