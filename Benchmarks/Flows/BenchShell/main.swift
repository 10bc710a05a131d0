import Spindle

// The stand-alone spindle tool, built in release mode for bench/shell-start.
SpindleTool.main()
