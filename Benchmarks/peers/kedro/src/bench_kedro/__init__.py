"""The twins of Spindle's BenchLinear and BenchForeach as Kedro pipelines (Benchmarks/compare-metaflow --peers)."""
__version__ = "0.1"
