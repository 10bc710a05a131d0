@preconcurrency import Glibc

/// Makes standard output line-buffered (it is fully buffered on a pipe). A
/// task process calls this first, so that what a step printed before a
/// timeout's kill or a crash reaches its log, and a watcher sees progress as
/// it comes rather than when the step ends.
func lineBufferStandardOutput() {
    setvbuf(stdout, nil, _IOLBF, 0)
}
