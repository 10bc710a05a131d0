"""linear3: three nodes, each passing a small value to the next, as BenchLinear's
three steps do. foreach50: one node makes 50 items, 50 nodes each work on one,
a node joins their results and an end node follows: BenchForeach's 53 tasks. Kedro runs them
in one process (SequentialRunner); intermediate data are MemoryDatasets."""
from kedro.pipeline import Pipeline, node


def start():
    return 1


def middle(x):
    return x + 1


def end(y):
    return None


def items():
    return list(range(50))


def pick(i):
    return lambda xs: xs[i] * 2


def join(*results):
    return sum(results)


def register_pipelines():
    linear = Pipeline([
        node(start, None, "started", name="start"),
        node(middle, "started", "middled", name="middle"),
        node(end, "middled", None, name="end"),
    ])
    fan = Pipeline([node(items, None, "items", name="start")]
                   + [node(pick(i), "items", f"r{i}", name=f"work_{i}") for i in range(50)]
                   + [node(join, [f"r{i}" for i in range(50)], "joined", name="join"), node(lambda total: None, "joined", None, name="end")])
    return {"__default__": linear, "linear3": linear, "foreach50": fan}
