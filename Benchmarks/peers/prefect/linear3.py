"""BenchLinear's twin in Prefect 3: a flow of three tasks, each passing a small
value to the next, run locally (`python linear3.py`, Prefect's defaults)."""
from prefect import flow, task


@task
def start():
    return 1


@task
def middle(x):
    return x + 1


@task
def end(y):
    return None


@flow
def linear3():
    return end(middle(start()))


if __name__ == "__main__":
    linear3()
