# %% [markdown]
# # Exploring a RatingsFlow run from Python
# Run as a script (`python samples/python/explore.py` in a project whose
# store holds a RatingsFlow run), or cell by cell in an editor that knows
# `# %%` cells. Needs `pip install ./python`; matplotlib is optional.

# %%
from spindle_client import Flow

flow = Flow("RatingsFlow")
run = flow.latest_successful_run
print(f"{run.pathspec}: {run.status}, parameters {run.parameters}")

# %% The three learning rates and their validation RMSE
trains = sorted(run["train"].tasks, key=lambda t: t.splits[-1][1])
rates = [t["rate"] for t in trains]
rmses = [t["rmse"] for t in trains]
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.plot(rates, rmses, marker="o")
    plt.xscale("log")
    plt.xlabel("learning rate")
    plt.ylabel("validation RMSE")
    plt.title(run.pathspec)
    plt.savefig("rmse-by-rate.png")
    print("wrote rmse-by-rate.png")
except ImportError:
    print(f"{'rate':>8}  {'RMSE':>8}")
    for rate, rmse in zip(rates, rmses):
        print(f"{rate:>8}  {rmse:>8.4f}")

# %% A spin beside the task it re-ran
if flow.spins:
    spin = flow.spins[0]
    spun = spin.tasks[0]
    original = flow.store[spun.origin] if spun.origin else None
    print(f"{spin.pathspec} re-ran {spun.origin} with {spin.overrides}")
    if original is not None:
        for name, change in original.diff(spun)["changed"].items():
            print(f"  ~ {name}: {change}")
else:
    print("no spins yet: try RatingsFlow spin train --set input=0.05")
