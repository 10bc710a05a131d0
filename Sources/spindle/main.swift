import Spindle

SpindleTool.main()
