import Spindle

// The stand-alone spindle tool, built in release mode for Benchmarks/shell-start.
SpindleTool.main()
