//go:build unix

package layout

import (
	"runtime"
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) the process spent in f: unlike wall time, other work on the
// machine does not add to it.
func cpuTime(f func()) (time.Duration, bool) {
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	f()
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	used := func(r syscall.Rusage) time.Duration {
		return time.Duration(r.Utime.Nano() + r.Stime.Nano())
	}
	return used(after) - used(before), true
}

// peakRSS is the most resident memory the process has had, in bytes (0 where not known).
func peakRSS() int64 {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	if runtime.GOOS == "darwin" {
		return r.Maxrss // bytes there, KiB elsewhere
	}
	return r.Maxrss << 10
}
