"""BenchForeach's twin in Prefect 3: one task makes 50 items, `work.map` runs
a task for each (Prefect's default thread-pool task runner), and a task joins
their results, and an end task: 53 task runs, run locally (`python foreach50.py`)."""
from prefect import flow, task


@task
def start():
    return list(range(50))


@task
def work(i):
    return i * 2


@task
def join(results):
    return sum(results)


@task
def end(total):
    return None


@flow
def foreach50():
    items = start()
    return end(join(work.map(items)))


if __name__ == "__main__":
    foreach50()
