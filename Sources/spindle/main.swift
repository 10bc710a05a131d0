print("spindle: not built yet")
