//go:build unix

package cdecl

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) the process spent in f: unlike wall time, other work on the
// machine does not add to it.
func cpuTime(f func()) time.Duration {
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	f()
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	used := func(r syscall.Rusage) time.Duration { return time.Duration(r.Utime.Nano() + r.Stime.Nano()) }
	return used(after) - used(before)
}
